//! A site's publishing schedule: auto-approve/auto-publish, daily/weekly/monthly limits, publish
//! days, time slots and the IANA timezone they are read in. Every rule is checked on the merged
//! result of an update.

use crate::store::db::{from_json, now, to_json, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{PublishDay, PublishingSettings, PublishingSettingsUpdate, SiteId};
use sqlx::SqliteConnection;
use std::str::FromStr;

/// The seed's publishing defaults (kept in folio-model so the UI shows the same ones).
pub fn default_publishing_settings(site: SiteId, at: DateTime<Utc>) -> PublishingSettings {
    PublishingSettings::seed_defaults(site, at)
}

/// An IANA timezone name from the timezone database built in (`chrono-tz`), as the database
/// spells it.
pub fn validate_timezone(raw: &str) -> Result<String, CoreError> {
    crate::publishing::slots::parse_timezone(raw).map(|tz| tz.name().to_owned())
}

fn parse_slot(raw: &str) -> Result<String, CoreError> {
    parse_time_of_day("publish_time_slots", raw)
}

/// `H:MM` or `HH:MM`, 24-hour, returned as `HH:MM` (a publishing slot, an automation schedule).
pub(crate) fn parse_time_of_day(field: &'static str, raw: &str) -> Result<String, CoreError> {
    let bad = || {
        CoreError::invalid(
            field,
            format!(
                "\u{201c}{}\u{201d} is not a time; write slots as HH:MM, e.g. 09:00 or 18:30",
                raw.trim()
            ),
        )
    };
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(format!("{h:02}:{m:02}"))
}

fn limit(field: &'static str, v: i64) -> Result<u32, CoreError> {
    u32::try_from(v).map_err(|_| {
        CoreError::invalid(
            field,
            format!("{} must be 0 or more (got {v})", field.replace('_', " ")),
        )
    })
}

/// Apply an update to settings, checking every rule; nothing is stored on an error.
pub fn apply_publishing_update(
    mut s: PublishingSettings,
    u: &PublishingSettingsUpdate,
) -> Result<PublishingSettings, CoreError> {
    if let Some(v) = u.auto_approval_enabled {
        s.auto_approval_enabled = v;
    }
    if let Some(v) = u.auto_publish_enabled {
        s.auto_publish_enabled = v;
    }
    if let Some(v) = u.daily_publish_limit {
        s.daily_publish_limit = limit("daily_publish_limit", v)?;
    }
    if let Some(v) = u.weekly_publish_limit {
        s.weekly_publish_limit = limit("weekly_publish_limit", v)?;
    }
    if let Some(v) = u.monthly_publish_limit {
        s.monthly_publish_limit = limit("monthly_publish_limit", v)?;
    }
    if s.daily_publish_limit > s.weekly_publish_limit {
        return Err(CoreError::invalid(
            "daily_publish_limit",
            format!(
                "The daily limit ({}) cannot be more than the weekly limit ({})",
                s.daily_publish_limit, s.weekly_publish_limit
            ),
        ));
    }
    if s.weekly_publish_limit > s.monthly_publish_limit {
        return Err(CoreError::invalid(
            "weekly_publish_limit",
            format!(
                "The weekly limit ({}) cannot be more than the monthly limit ({})",
                s.weekly_publish_limit, s.monthly_publish_limit
            ),
        ));
    }
    if let Some(days) = &u.publish_days {
        let mut parsed = Vec::with_capacity(days.len());
        for d in days {
            let day = PublishDay::from_str(d).map_err(|e| CoreError::invalid("publish_days", e))?;
            if parsed.contains(&day) {
                return Err(CoreError::invalid(
                    "publish_days",
                    format!("{day} is listed twice"),
                ));
            }
            parsed.push(day);
        }
        if parsed.is_empty() {
            return Err(CoreError::invalid(
                "publish_days",
                "Choose at least one publishing day",
            ));
        }
        parsed.sort();
        s.publish_days = parsed;
    }
    if let Some(slots) = &u.publish_time_slots {
        let mut parsed = Vec::with_capacity(slots.len());
        for raw in slots {
            let slot = parse_slot(raw)?;
            if parsed.contains(&slot) {
                return Err(CoreError::invalid(
                    "publish_time_slots",
                    format!("{slot} is listed twice"),
                ));
            }
            parsed.push(slot);
        }
        if parsed.is_empty() {
            return Err(CoreError::invalid(
                "publish_time_slots",
                "Choose at least one publishing time",
            ));
        }
        parsed.sort();
        s.publish_time_slots = parsed;
    }
    if let Some(tz) = &u.timezone {
        s.timezone = validate_timezone(tz)?;
    }
    Ok(s)
}

#[derive(sqlx::FromRow)]
struct PublishingRow {
    auto_approval_enabled: bool,
    auto_publish_enabled: bool,
    daily_publish_limit: i64,
    weekly_publish_limit: i64,
    monthly_publish_limit: i64,
    publish_days: String,
    publish_time_slots: String,
    timezone: String,
    updated_at: DateTime<Utc>,
}

async fn read_publishing(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<Option<PublishingSettings>, CoreError> {
    let row: Option<PublishingRow> = sqlx::query_as(
        "SELECT auto_approval_enabled, auto_publish_enabled, daily_publish_limit, weekly_publish_limit,
                monthly_publish_limit, publish_days, publish_time_slots, timezone, updated_at
         FROM publishing_settings WHERE site_id = ?",
    )
    .bind(site.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let count =
        |v: i64| u32::try_from(v).map_err(|_| CoreError::Corrupt(format!("publish limit {v}")));
    Ok(Some(PublishingSettings {
        site_id: site,
        auto_approval_enabled: r.auto_approval_enabled,
        auto_publish_enabled: r.auto_publish_enabled,
        daily_publish_limit: count(r.daily_publish_limit)?,
        weekly_publish_limit: count(r.weekly_publish_limit)?,
        monthly_publish_limit: count(r.monthly_publish_limit)?,
        publish_days: from_json!("publish days", &r.publish_days)?,
        publish_time_slots: from_json!("publish time slots", &r.publish_time_slots)?,
        timezone: r.timezone,
        updated_at: r.updated_at,
    }))
}

async fn write_publishing(tx: &mut WriteTx, s: &PublishingSettings) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO publishing_settings (site_id, auto_approval_enabled, auto_publish_enabled,
             daily_publish_limit, weekly_publish_limit, monthly_publish_limit, publish_days,
             publish_time_slots, timezone, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (site_id) DO UPDATE SET
             auto_approval_enabled = excluded.auto_approval_enabled,
             auto_publish_enabled = excluded.auto_publish_enabled,
             daily_publish_limit = excluded.daily_publish_limit,
             weekly_publish_limit = excluded.weekly_publish_limit,
             monthly_publish_limit = excluded.monthly_publish_limit,
             publish_days = excluded.publish_days,
             publish_time_slots = excluded.publish_time_slots,
             timezone = excluded.timezone,
             updated_at = excluded.updated_at",
    )
    .bind(s.site_id.to_string())
    .bind(s.auto_approval_enabled)
    .bind(s.auto_publish_enabled)
    .bind(s.daily_publish_limit)
    .bind(s.weekly_publish_limit)
    .bind(s.monthly_publish_limit)
    .bind(to_json!(&s.publish_days)?)
    .bind(to_json!(&s.publish_time_slots)?)
    .bind(&s.timezone)
    .bind(ts(s.updated_at))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::SiteSettings, s.site_id.as_uuid());
    Ok(())
}

impl Folio {
    /// A site's publishing settings; the first read stores the defaults.
    pub async fn site_publishing_settings(
        &self,
        site: SiteId,
    ) -> Result<PublishingSettings, CoreError> {
        {
            let mut conn = self.pool.acquire().await?;
            check_site(&mut conn, &self.account_id.to_string(), site).await?;
            if let Some(s) = read_publishing(&mut conn, site).await? {
                return Ok(s);
            }
        }
        let mut tx = self.begin_write().await?;
        // another process may have stored them since the read above
        if let Some(s) = read_publishing(tx.conn(), site).await? {
            return Ok(s);
        }
        let s = default_publishing_settings(site, now());
        write_publishing(&mut tx, &s).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Change a site's publishing settings. Every rule is checked on the merged result, so a
    /// daily limit above the stored weekly one is refused even when only the daily one changes.
    pub async fn update_publishing_settings(
        &self,
        site: SiteId,
        update: PublishingSettingsUpdate,
    ) -> Result<PublishingSettings, CoreError> {
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let current = match read_publishing(tx.conn(), site).await? {
            Some(s) => s,
            None => default_publishing_settings(site, now()),
        };
        let mut next = apply_publishing_update(current, &update)?;
        next.updated_at = now();
        write_publishing(&mut tx, &next).await?;
        tx.commit().await?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn site() -> SiteId {
        SiteId(Uuid::nil())
    }

    #[test]
    fn publishing_limits_must_nest() {
        let base = default_publishing_settings(site(), now());
        let err = apply_publishing_update(
            base.clone(),
            &PublishingSettingsUpdate {
                daily_publish_limit: Some(20),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("daily_publish_limit"));
        assert_eq!(
            err.to_string(),
            "The daily limit (20) cannot be more than the weekly limit (15)"
        );
        let err = apply_publishing_update(
            base.clone(),
            &PublishingSettingsUpdate {
                weekly_publish_limit: Some(-1),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "weekly publish limit must be 0 or more (got -1)"
        );
        let ok = apply_publishing_update(
            base,
            &PublishingSettingsUpdate {
                daily_publish_limit: Some(0),
                weekly_publish_limit: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((ok.daily_publish_limit, ok.weekly_publish_limit), (0, 0));
    }

    #[test]
    fn days_and_slots_are_normalised_and_unique() {
        let base = default_publishing_settings(site(), now());
        let s = apply_publishing_update(
            base.clone(),
            &PublishingSettingsUpdate {
                publish_days: Some(vec!["Sun".into(), "mon".into()]),
                publish_time_slots: Some(vec!["18:30".into(), "9:00".into()]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(s.publish_days, vec![PublishDay::Mon, PublishDay::Sun]);
        assert_eq!(s.publish_time_slots, vec!["09:00", "18:30"]);
        for (days, slots, field) in [
            (Some(vec!["mon", "MON"]), None, "publish_days"),
            (Some(vec!["funday"]), None, "publish_days"),
            (Some(vec![]), None, "publish_days"),
            (None, Some(vec!["09:00", "9:00"]), "publish_time_slots"),
            (None, Some(vec!["24:00"]), "publish_time_slots"),
            (None, Some(vec!["9am"]), "publish_time_slots"),
            (None, Some(vec!["09:5"]), "publish_time_slots"),
        ] {
            let to_vec = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
            let err = apply_publishing_update(
                base.clone(),
                &PublishingSettingsUpdate {
                    publish_days: days.map(to_vec),
                    publish_time_slots: slots.map(to_vec),
                    ..Default::default()
                },
            )
            .unwrap_err();
            assert_eq!(err.field(), Some(field), "{err}");
        }
    }

    #[test]
    fn timezones_are_checked_loosely() {
        for ok in [
            "UTC",
            "Europe/Lisbon",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+3",
        ] {
            assert_eq!(validate_timezone(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "PST",
            "+02:00",
            "Europe/",
            "Mars/Olympus",
            "Europe/Lis bon",
            "europe/lisbon",
        ] {
            assert_eq!(
                validate_timezone(bad).unwrap_err().field(),
                Some("timezone"),
                "{bad}"
            );
        }
    }
}
