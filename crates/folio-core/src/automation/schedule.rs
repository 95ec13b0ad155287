//! A site's automation schedule: days of the week and a time in the site's timezone (its
//! publishing settings'), run while the app or `folio automation daemon` is running. Each site
//! keeps the last slot it ran for, so a slot missed while nothing was running runs once at the
//! next start — not once per slot missed — and a slot from before the config last changed
//! never runs.

use crate::publishing::slots::SlotRules;
use crate::store::db::{parse_stored, ts};
use crate::{CoreError, Folio};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use folio_ai::CancellationToken;
use folio_model::{AutomationConfig, AutomationRun, PublishDay, RunTrigger, SiteId};

/// How often the daemon looks for a due site.
pub const TICK: std::time::Duration = std::time::Duration::from_secs(30);

fn day_of(d: chrono::Weekday) -> PublishDay {
    match d {
        chrono::Weekday::Mon => PublishDay::Mon,
        chrono::Weekday::Tue => PublishDay::Tue,
        chrono::Weekday::Wed => PublishDay::Wed,
        chrono::Weekday::Thu => PublishDay::Thu,
        chrono::Weekday::Fri => PublishDay::Fri,
        chrono::Weekday::Sat => PublishDay::Sat,
        chrono::Weekday::Sun => PublishDay::Sun,
    }
}

/// A schedule: its days and time in a timezone.
pub struct RunSchedule {
    days: Vec<PublishDay>,
    time: NaiveTime,
    tz: chrono_tz::Tz,
    /// Reads a local time as an instant the way publishing slots are (DST gaps and repeats).
    rules: SlotRules,
}

impl RunSchedule {
    /// The config's schedule in `timezone`; `None` when it has none.
    pub fn of(config: &AutomationConfig, timezone: &str) -> Result<Option<Self>, CoreError> {
        let Some(time) = config.schedule_time.as_deref() else {
            return Ok(None);
        };
        if config.schedule_days.is_empty() {
            return Ok(None);
        }
        let time = NaiveTime::parse_from_str(time, "%H:%M")
            .map_err(|e| CoreError::invalid("schedule_time", e.to_string()))?;
        let mut settings =
            folio_model::PublishingSettings::seed_defaults(config.site_id, Utc::now());
        settings.timezone = timezone.to_owned();
        Ok(Some(Self {
            days: config.schedule_days.clone(),
            time,
            tz: crate::publishing::slots::parse_timezone(timezone)?,
            rules: SlotRules::from_settings(&settings)?,
        }))
    }

    /// The schedule's instants from the local day before `from`'s to 8 days after, in order.
    fn around(&self, at: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let today = at.with_timezone(&self.tz).date_naive();
        (-8..=8)
            .filter_map(|d| today.checked_add_signed(Duration::days(d)))
            .filter(|day| self.days.contains(&day_of(day.weekday())))
            .map(|day| self.rules.instant(day.and_time(self.time)))
            .collect()
    }

    /// The latest slot at or before `now` (within the last week).
    pub fn last(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.around(now).into_iter().rfind(|t| *t <= now)
    }

    /// The first slot after `now`.
    pub fn next(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.around(now).into_iter().find(|t| *t > now)
    }
}

impl Folio {
    /// The site's schedule, if it has one and its automation is active.
    pub(crate) async fn run_schedule(
        &self,
        config: &AutomationConfig,
    ) -> Result<Option<RunSchedule>, CoreError> {
        if !config.is_active {
            return Ok(None);
        }
        let tz = self
            .site_publishing_settings(config.site_id)
            .await?
            .timezone;
        RunSchedule::of(config, &tz)
    }

    /// Sites whose schedule has a slot due — come since the last slot they ran for and since
    /// their config last changed (a new schedule never runs for a slot already past) — with
    /// that slot.
    pub async fn automation_due(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(SiteId, DateTime<Utc>)>, CoreError> {
        let mut due = Vec::new();
        for site in self.list_sites().await?.items {
            let config = self.automation_config(site.id).await?;
            let Some(schedule) = self.run_schedule(&config).await? else {
                continue;
            };
            let Some(slot) = schedule.last(now) else {
                continue;
            };
            let ran: Option<String> = sqlx::query_scalar(
                "SELECT last_slot FROM automation_schedule_runs WHERE site_id = ?",
            )
            .bind(site.id.to_string())
            .fetch_optional(&self.pool)
            .await?;
            let ran: Option<DateTime<Utc>> = ran
                .as_deref()
                .map(|r| parse_stored("schedule slot", r))
                .transpose()?;
            if slot > config.updated_at && ran.is_none_or(|r| slot > r) {
                due.push((site.id, slot));
            }
        }
        Ok(due)
    }

    /// Run each due site's automation once (side by side), its slot recorded first so that
    /// whatever happens to the run — refused for credits, busy in another process, a crash —
    /// that slot never runs again.
    pub async fn run_due_automations(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(SiteId, Result<AutomationRun, CoreError>)>, CoreError> {
        let due = self.automation_due(now).await?;
        for (site, slot) in &due {
            sqlx::query(
                "INSERT INTO automation_schedule_runs (site_id, last_slot) VALUES (?, ?)
                 ON CONFLICT (site_id) DO UPDATE SET last_slot = excluded.last_slot",
            )
            .bind(site.to_string())
            .bind(ts(*slot))
            .execute(&self.pool)
            .await?;
        }
        // side by side: each run is driven on a thread of its own (see `automation_run`)
        let runs = due.iter().map(|(site, _)| async move {
            let outcome = self.automation_run(*site, RunTrigger::Schedule).await;
            if let Err(e) = &outcome {
                tracing::warn!(site = %site, error = %e, "a scheduled automation run did not run");
            }
            (*site, outcome)
        });
        Ok(futures_util::future::join_all(runs).await)
    }

    /// Run every active site's schedule until `stop` trips: the app runs this in the
    /// background, `folio automation daemon` in the foreground.
    pub async fn automation_daemon(&self, stop: CancellationToken) {
        loop {
            if let Err(e) = self.run_due_automations(Utc::now()).await {
                tracing::warn!(error = %e, "could not check the automation schedules");
            }
            tokio::select! {
                () = tokio::time::sleep(TICK) => {}
                () = stop.cancelled() => return,
            }
        }
    }

    /// When the site's schedule runs it next (`None` without an active schedule).
    pub(crate) async fn next_scheduled_run(
        &self,
        config: &AutomationConfig,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CoreError> {
        Ok(self.run_schedule(config).await?.and_then(|s| s.next(now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn config(days: &[PublishDay], time: &str) -> AutomationConfig {
        let mut c = crate::sites::automation_config::default_automation_config(
            SiteId(uuid::Uuid::nil()),
            Utc::now(),
        );
        c.schedule_days = days.to_vec();
        c.schedule_time = Some(time.into());
        c
    }

    #[test]
    fn the_last_and_next_slots_are_read_in_the_sites_timezone() {
        let c = config(&[PublishDay::Mon, PublishDay::Wed], "06:30");
        let s = RunSchedule::of(&c, "America/New_York").unwrap().unwrap();
        // Tuesday 2026-03-03 12:00 UTC: the last slot was Monday 06:30 EST = 11:30 UTC
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 12, 0, 0).unwrap();
        assert_eq!(
            s.last(now),
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 11, 30, 0).unwrap())
        );
        assert_eq!(
            s.next(now),
            Some(Utc.with_ymd_and_hms(2026, 3, 4, 11, 30, 0).unwrap())
        );
        // across the spring change (Sunday 2026-03-08): Monday 06:30 EDT = 10:30 UTC
        let later = Utc.with_ymd_and_hms(2026, 3, 9, 12, 0, 0).unwrap();
        assert_eq!(
            s.last(later),
            Some(Utc.with_ymd_and_hms(2026, 3, 9, 10, 30, 0).unwrap())
        );
    }

    #[test]
    fn no_days_or_no_time_is_no_schedule() {
        let mut c = config(&[], "06:30");
        assert!(RunSchedule::of(&c, "UTC").unwrap().is_none());
        c.schedule_days = vec![PublishDay::Fri];
        c.schedule_time = None;
        assert!(RunSchedule::of(&c, "UTC").unwrap().is_none());
    }
}
