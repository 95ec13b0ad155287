//! A site's automation limits (the seed's AutomationConfig): per-stage limits, delays, runtime,
//! auto-approve/auto-publish and stop-on-error, range-checked.

use crate::sites::publishing_settings::parse_time_of_day;
use crate::store::db::{now, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{AutomationConfig, AutomationConfigUpdate, PublishDay, SiteId};
use sqlx::SqliteConnection;
use std::str::FromStr;

/// The seed's automation defaults.
pub fn default_automation_config(site: SiteId, at: DateTime<Utc>) -> AutomationConfig {
    AutomationConfig {
        site_id: site,
        is_active: true,
        clustering_limit: 10,
        ideas_limit: 10,
        content_limit: 5,
        image_limit: 10,
        publish_limit: 5,
        delay_between_operations_secs: 5,
        max_runtime_secs: 3600,
        auto_approve: false,
        auto_publish: false,
        stop_on_error: true,
        schedule_days: Vec::new(),
        schedule_time: None,
        run_credit_cap: None,
        updated_at: at,
    }
}

/// Per-stage limits per run; beyond this a run is better split.
pub const MAX_STAGE_LIMIT: i64 = 10_000;

/// A delay longer than an hour between two operations is almost certainly a typo.
pub const MAX_DELAY_SECS: i64 = 3600;

/// A run may last from one minute to one day.
pub const RUNTIME_RANGE_SECS: (i64, i64) = (60, 86_400);

fn in_range(field: &'static str, v: i64, lo: i64, hi: i64) -> Result<u32, CoreError> {
    if !(lo..=hi).contains(&v) {
        return Err(CoreError::invalid(
            field,
            format!(
                "{} must be between {lo} and {hi} (got {v})",
                field.replace('_', " ")
            ),
        ));
    }
    u32::try_from(v).map_err(|_| CoreError::invalid(field, format!("{v} is out of range")))
}

pub fn apply_automation_update(
    mut c: AutomationConfig,
    u: &AutomationConfigUpdate,
) -> Result<AutomationConfig, CoreError> {
    let stage = |field, v: Option<i64>, cur: u32| match v {
        Some(v) => in_range(field, v, 0, MAX_STAGE_LIMIT),
        None => Ok(cur),
    };
    c.clustering_limit = stage("clustering_limit", u.clustering_limit, c.clustering_limit)?;
    c.ideas_limit = stage("ideas_limit", u.ideas_limit, c.ideas_limit)?;
    c.content_limit = stage("content_limit", u.content_limit, c.content_limit)?;
    c.image_limit = stage("image_limit", u.image_limit, c.image_limit)?;
    c.publish_limit = stage("publish_limit", u.publish_limit, c.publish_limit)?;
    if let Some(v) = u.delay_between_operations_secs {
        c.delay_between_operations_secs =
            in_range("delay_between_operations_secs", v, 0, MAX_DELAY_SECS)?;
    }
    if let Some(v) = u.max_runtime_secs {
        c.max_runtime_secs = in_range(
            "max_runtime_secs",
            v,
            RUNTIME_RANGE_SECS.0,
            RUNTIME_RANGE_SECS.1,
        )?;
    }
    if let Some(v) = u.is_active {
        c.is_active = v;
    }
    if let Some(v) = u.auto_approve {
        c.auto_approve = v;
    }
    if let Some(v) = u.auto_publish {
        c.auto_publish = v;
    }
    if let Some(v) = u.stop_on_error {
        c.stop_on_error = v;
    }
    if let Some(days) = &u.schedule_days {
        c.schedule_days = parse_days(days)?;
    }
    if let Some(t) = &u.schedule_time {
        c.schedule_time = match t.trim() {
            "" => None,
            t => Some(parse_time_of_day("schedule_time", t)?),
        };
    }
    if let Some(v) = u.run_credit_cap {
        c.run_credit_cap = match v {
            0 => None,
            v => Some(in_range("run_credit_cap", v, 1, MAX_RUN_CREDIT_CAP)?),
        };
    }
    Ok(c)
}

/// A cap above a billion credits is no cap; a typo is more likely.
pub const MAX_RUN_CREDIT_CAP: i64 = 1_000_000_000;

/// Day names, each once, in week order; an empty list (or a blank name list) is no schedule.
fn parse_days(days: &[String]) -> Result<Vec<PublishDay>, CoreError> {
    let mut out = Vec::with_capacity(days.len());
    for d in days.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        let day = PublishDay::from_str(d).map_err(|e| CoreError::invalid("schedule_days", e))?;
        if !out.contains(&day) {
            out.push(day);
        }
    }
    out.sort();
    Ok(out)
}

/// The stored form of a day list: `mon,wed,fri`.
fn days_text(days: &[PublishDay]) -> String {
    days.iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(sqlx::FromRow)]
struct AutomationRow {
    is_active: bool,
    clustering_limit: i64,
    ideas_limit: i64,
    content_limit: i64,
    image_limit: i64,
    publish_limit: i64,
    delay_between_operations: i64,
    max_runtime: i64,
    auto_approve: bool,
    auto_publish: bool,
    stop_on_error: bool,
    schedule_days: String,
    schedule_time: Option<String>,
    run_credit_cap: Option<i64>,
    updated_at: DateTime<Utc>,
}

impl Folio {
    /// A site's automation config: the stored one, or the defaults.
    pub async fn automation_config(&self, site: SiteId) -> Result<AutomationConfig, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        read_automation(&mut conn, site).await
    }

    pub async fn update_automation_config(
        &self,
        site: SiteId,
        update: AutomationConfigUpdate,
    ) -> Result<AutomationConfig, CoreError> {
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let current = read_automation(tx.conn(), site).await?;
        let mut c = apply_automation_update(current, &update)?;
        c.updated_at = now();
        sqlx::query(
            "INSERT INTO automation_configs (site_id, is_active, clustering_limit, ideas_limit,
                 content_limit, image_limit, publish_limit, delay_between_operations, max_runtime,
                 auto_approve, auto_publish, stop_on_error, schedule_days, schedule_time,
                 run_credit_cap, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (site_id) DO UPDATE SET
                 is_active = excluded.is_active, clustering_limit = excluded.clustering_limit,
                 ideas_limit = excluded.ideas_limit, content_limit = excluded.content_limit,
                 image_limit = excluded.image_limit, publish_limit = excluded.publish_limit,
                 delay_between_operations = excluded.delay_between_operations,
                 max_runtime = excluded.max_runtime, auto_approve = excluded.auto_approve,
                 auto_publish = excluded.auto_publish, stop_on_error = excluded.stop_on_error,
                 schedule_days = excluded.schedule_days, schedule_time = excluded.schedule_time,
                 run_credit_cap = excluded.run_credit_cap, updated_at = excluded.updated_at",
        )
        .bind(site.to_string())
        .bind(c.is_active)
        .bind(c.clustering_limit)
        .bind(c.ideas_limit)
        .bind(c.content_limit)
        .bind(c.image_limit)
        .bind(c.publish_limit)
        .bind(c.delay_between_operations_secs)
        .bind(c.max_runtime_secs)
        .bind(c.auto_approve)
        .bind(c.auto_publish)
        .bind(c.stop_on_error)
        .bind(days_text(&c.schedule_days))
        .bind(&c.schedule_time)
        .bind(c.run_credit_cap)
        .bind(ts(c.updated_at))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::SiteSettings, site.as_uuid());
        tx.commit().await?;
        Ok(c)
    }
}

async fn read_automation(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<AutomationConfig, CoreError> {
    let row: Option<AutomationRow> = sqlx::query_as(
        "SELECT is_active, clustering_limit, ideas_limit, content_limit, image_limit, publish_limit,
                delay_between_operations, max_runtime, auto_approve, auto_publish, stop_on_error,
                schedule_days, schedule_time, run_credit_cap, updated_at
         FROM automation_configs WHERE site_id = ?",
    )
    .bind(site.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else {
        return Ok(default_automation_config(site, now()));
    };
    let n =
        |v: i64| u32::try_from(v).map_err(|_| CoreError::Corrupt(format!("automation limit {v}")));
    Ok(AutomationConfig {
        site_id: site,
        is_active: r.is_active,
        clustering_limit: n(r.clustering_limit)?,
        ideas_limit: n(r.ideas_limit)?,
        content_limit: n(r.content_limit)?,
        image_limit: n(r.image_limit)?,
        publish_limit: n(r.publish_limit)?,
        delay_between_operations_secs: n(r.delay_between_operations)?,
        max_runtime_secs: n(r.max_runtime)?,
        auto_approve: r.auto_approve,
        auto_publish: r.auto_publish,
        stop_on_error: r.stop_on_error,
        // a synced value another device wrote is read leniently: a bad day or time is no
        // schedule rather than an error on every read
        schedule_days: r
            .schedule_days
            .split(',')
            .filter_map(|d| PublishDay::from_str(d).ok())
            .collect(),
        schedule_time: r
            .schedule_time
            .and_then(|t| parse_time_of_day("schedule_time", &t).ok()),
        run_credit_cap: r
            .run_credit_cap
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0),
        updated_at: r.updated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn site() -> SiteId {
        SiteId(Uuid::nil())
    }

    #[test]
    fn automation_values_are_range_checked() {
        let base = default_automation_config(site(), now());
        let err = apply_automation_update(
            base.clone(),
            &AutomationConfigUpdate {
                max_runtime_secs: Some(10),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "max runtime secs must be between 60 and 86400 (got 10)"
        );
        let err = apply_automation_update(
            base,
            &AutomationConfigUpdate {
                content_limit: Some(-5),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("content_limit"));
    }
}
