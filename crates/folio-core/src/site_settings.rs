//! The site scope: one site with its sectors (add, rename, remove), its publishing schedule, its
//! automation limits, its platform connection and who may see it. Also the scope checks every
//! site+sector operation starts with.

use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use folio_model::{
    AutomationConfig, AutomationConfigUpdate, ConnectionStatus, IntegrationId, IntegrationSync,
    IntegrationSyncStatus, Platform, PublishDay, PublishingSettings, PublishingSettingsUpdate,
    Sector, SectorId, Site, SiteAccess, SiteId, SiteIntegration, TransitionError, UserId,
    MAX_SECTORS_PER_SITE,
};
use sqlx::SqliteConnection;
use std::str::FromStr;
use uuid::Uuid;

const MAX_NAME_CHARS: usize = 255;

// ---- helpers shared by the domain-model operations -----------------------------------------

/// Now, at the precision the store keeps (microseconds), so a value returned by a create equals
/// the one read back later.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The stored form of a time: fixed-width RFC 3339, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parse a stored value; a failure means the database was damaged or written by something else.
pub(crate) fn parse_stored<T: FromStr>(what: &str, s: &str) -> Result<T, CoreError> {
    T::from_str(s).map_err(|_| CoreError::Corrupt(format!("stored {what} {s:?} is not valid")))
}

/// Decode stored JSON; a failure means the row was damaged. (A macro because folio-core reaches
/// serde only through serde_json.)
macro_rules! from_json {
    ($what:expr, $s:expr) => {
        serde_json::from_str($s)
            .map_err(|e| $crate::CoreError::Corrupt(format!("stored {}: {e}", $what)))
    };
}
pub(crate) use from_json;

macro_rules! to_json {
    ($v:expr) => {
        serde_json::to_string($v)
            .map_err(|e| $crate::CoreError::Internal(format!("encoding JSON: {e}")))
    };
}
pub(crate) use to_json;

/// A refused status move, reported on the `status` field.
pub(crate) fn status_error(e: TransitionError) -> CoreError {
    CoreError::invalid("status", e.to_string())
}

pub(crate) fn not_found(what: impl Into<String>) -> CoreError {
    CoreError::NotFound { what: what.into() }
}

/// The site must exist in the current account.
pub(crate) async fn check_site(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
) -> Result<(), CoreError> {
    let found: Option<(String,)> = sqlx::query_as("SELECT account_id FROM sites WHERE id = ?")
        .bind(site.to_string())
        .fetch_optional(conn)
        .await?;
    match found {
        Some((owner,)) if owner == account => Ok(()),
        // another account's site is as invisible as a missing one
        _ => Err(not_found(format!("site {site}"))),
    }
}

/// The site must exist in the current account and the sector must be one of its sectors.
pub(crate) async fn check_site_sector(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    check_site(&mut *conn, account, site).await?;
    let owner: Option<(String,)> = sqlx::query_as("SELECT site_id FROM sectors WHERE id = ?")
        .bind(sector.to_string())
        .fetch_optional(conn)
        .await?;
    match owner {
        None => Err(not_found(format!("sector {sector}"))),
        Some((s,)) if s != site.to_string() => Err(CoreError::invalid(
            "sector",
            format!("sector {sector} belongs to another site, not to site {site}"),
        )),
        Some(_) => Ok(()),
    }
}

/// The given sector, or the site's first one.
pub(crate) async fn sector_or_first(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: Option<SectorId>,
) -> Result<SectorId, CoreError> {
    if let Some(sector) = sector {
        check_site_sector(conn, account, site, sector).await?;
        return Ok(sector);
    }
    check_site(&mut *conn, account, site).await?;
    let first: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sectors WHERE site_id = ? ORDER BY position, id LIMIT 1")
            .bind(site.to_string())
            .fetch_optional(conn)
            .await?;
    let (id,) = first.ok_or_else(|| not_found(format!("a sector of site {site}")))?;
    parse_stored("sector id", &id)
}

// ---- sites and sectors ----------------------------------------------------------------------

use crate::sites::SiteRow;

#[derive(sqlx::FromRow)]
struct SectorRow {
    id: String,
    name: String,
    name_key: String,
}

async fn sectors_of(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<Vec<SectorRow>, CoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name, name_key FROM sectors WHERE site_id = ? ORDER BY position, id",
    )
    .bind(site.to_string())
    .fetch_all(conn)
    .await?)
}

fn sector_name(raw: &str) -> Result<(String, String), CoreError> {
    let name = tidy(raw);
    if name.is_empty() {
        return Err(CoreError::invalid("name", "Enter a name for the sector"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::invalid(
            "name",
            format!("A sector name can be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let key = name_key(&name);
    Ok((name, key))
}

impl Folio {
    /// One site of the current account with its sectors in order.
    pub async fn get_site(&self, id: SiteId) -> Result<Site, CoreError> {
        let mut conn = self.pool.acquire().await?;
        let row: Option<SiteRow> = sqlx::query_as(
            "SELECT id, account_id, name, domain, is_active, created_at FROM sites
             WHERE id = ? AND account_id = ?",
        )
        .bind(id.to_string())
        .bind(self.account_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        let row = row.ok_or_else(|| not_found(format!("site {id}")))?;
        let sectors = sectors_of(&mut conn, id)
            .await?
            .into_iter()
            .map(|s| {
                Ok(Sector {
                    id: parse_stored("sector id", &s.id)?,
                    name: s.name,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        Ok(Site {
            id: parse_stored("site id", &row.id)?,
            account_id: parse_stored("account id", &row.account_id)?,
            name: row.name,
            domain: row.domain,
            is_active: row.is_active,
            created_at: row.created_at,
            sectors,
        })
    }

    /// Add a sector at the end of the site's list (a site has at most five).
    pub async fn add_sector(&self, site: SiteId, name: &str) -> Result<Sector, CoreError> {
        let (name, key) = sector_name(name)?;
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let existing = sectors_of(tx.conn(), site).await?;
        if existing.iter().any(|s| s.name_key == key) {
            return Err(CoreError::Conflict {
                field: "name",
                message: format!("The site already has a sector named \u{201c}{name}\u{201d}"),
            });
        }
        if existing.len() >= MAX_SECTORS_PER_SITE {
            return Err(CoreError::invalid(
                "sectors",
                format!("A site can have at most {MAX_SECTORS_PER_SITE} sectors; remove one before adding another"),
            ));
        }
        let position: (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(position) + 1, 0) FROM sectors WHERE site_id = ?")
                .bind(site.to_string())
                .fetch_one(tx.conn())
                .await?;
        let id = SectorId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO sectors (id, site_id, name, name_key, position, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(site.to_string())
        .bind(&name)
        .bind(&key)
        .bind(position.0)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Sector, id.as_uuid());
        crate::keywords::bump_version(&mut tx, site).await?;
        tx.commit().await?;
        Ok(Sector { id, name })
    }

    /// Rename a sector; names stay unique within the site (ignoring case and spacing).
    pub async fn rename_sector(
        &self,
        site: SiteId,
        sector: SectorId,
        name: &str,
    ) -> Result<Sector, CoreError> {
        let (name, key) = sector_name(name)?;
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &self.account_id.to_string(), site, sector).await?;
        let clash = sectors_of(tx.conn(), site)
            .await?
            .into_iter()
            .any(|s| s.name_key == key && s.id != sector.to_string());
        if clash {
            return Err(CoreError::Conflict {
                field: "name",
                message: format!("The site already has a sector named \u{201c}{name}\u{201d}"),
            });
        }
        sqlx::query("UPDATE sectors SET name = ?, name_key = ? WHERE id = ?")
            .bind(&name)
            .bind(&key)
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Sector, sector.as_uuid());
        tx.commit().await?;
        Ok(Sector { id: sector, name })
    }

    /// Remove a sector that no cluster or article uses; its keywords go with it. A site keeps at
    /// least one sector. Returns how many keywords were deleted.
    pub async fn remove_sector(&self, site: SiteId, sector: SectorId) -> Result<u64, CoreError> {
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &self.account_id.to_string(), site, sector).await?;
        let sectors = sectors_of(tx.conn(), site).await?;
        let name = sectors
            .iter()
            .find(|s| s.id == sector.to_string())
            .map(|s| s.name.clone())
            .unwrap_or_default();
        if sectors.len() <= 1 {
            return Err(CoreError::Conflict {
                field: "sectors",
                message: format!(
                    "\u{201c}{name}\u{201d} is the site's only sector; a site needs at least one. Add another sector first"
                ),
            });
        }
        let (clusters, articles): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM clusters WHERE sector_id = ?1),
                    (SELECT COUNT(*) FROM content WHERE sector_id = ?1)",
        )
        .bind(sector.to_string())
        .fetch_one(tx.conn())
        .await?;
        if clusters > 0 || articles > 0 {
            return Err(CoreError::Conflict {
                field: "sectors",
                message: format!(
                    "The sector \u{201c}{name}\u{201d} still has {clusters} cluster(s) and {articles} article(s); delete or move them before removing it"
                ),
            });
        }
        let deleted = sqlx::query("DELETE FROM keywords WHERE sector_id = ?")
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sectors WHERE id = ?")
            .bind(sector.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Sector, sector.as_uuid());
        tx.touch_many(Entity::Keyword, deleted as usize);
        crate::keywords::bump_version(&mut tx, site).await?;
        tx.commit().await?;
        tracing::info!(%site, %sector, keywords = deleted, "sector removed");
        Ok(deleted)
    }
}

// ---- publishing settings --------------------------------------------------------------------

/// The seed's publishing defaults (kept in folio-model so the UI shows the same ones).
pub fn default_publishing_settings(site: SiteId, at: DateTime<Utc>) -> PublishingSettings {
    PublishingSettings::seed_defaults(site, at)
}

const TZ_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

/// A loose IANA check until a timezone database is available: `UTC`, or `Area/Location[/Sub]`
/// with a known area and name-like parts.
pub fn validate_timezone(raw: &str) -> Result<String, CoreError> {
    let tz = raw.trim();
    if matches!(tz, "UTC" | "GMT") {
        return Ok(tz.to_owned());
    }
    let bad = || {
        CoreError::invalid(
            "timezone",
            format!("\u{201c}{tz}\u{201d} is not an IANA timezone name; use one like UTC, Europe/Lisbon or America/New_York"),
        )
    };
    let parts: Vec<&str> = tz.split('/').collect();
    if tz.len() > 64 || !(2..=3).contains(&parts.len()) || !TZ_AREAS.contains(&parts[0]) {
        return Err(bad());
    }
    let name_like = |p: &&str| {
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if !parts.iter().all(name_like) {
        return Err(bad());
    }
    Ok(tz.to_owned())
}

/// `H:MM` or `HH:MM`, 24-hour, returned as `HH:MM`.
fn parse_slot(raw: &str) -> Result<String, CoreError> {
    let bad = || {
        CoreError::invalid(
            "publish_time_slots",
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

// ---- automation config ----------------------------------------------------------------------

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
    Ok(c)
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
                 auto_approve, auto_publish, stop_on_error, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (site_id) DO UPDATE SET
                 is_active = excluded.is_active, clustering_limit = excluded.clustering_limit,
                 ideas_limit = excluded.ideas_limit, content_limit = excluded.content_limit,
                 image_limit = excluded.image_limit, publish_limit = excluded.publish_limit,
                 delay_between_operations = excluded.delay_between_operations,
                 max_runtime = excluded.max_runtime, auto_approve = excluded.auto_approve,
                 auto_publish = excluded.auto_publish, stop_on_error = excluded.stop_on_error,
                 updated_at = excluded.updated_at",
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
                updated_at
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
        updated_at: r.updated_at,
    })
}

// ---- platform integration -------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct IntegrationRow {
    id: String,
    platform: String,
    external_site_url: String,
    sync_enabled: bool,
    sync_status: String,
    last_sync_at: Option<DateTime<Utc>>,
    sync_error: Option<String>,
    connection_status: String,
    structure: String,
    structure_updated_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    username: Option<String>,
    api_root: Option<String>,
}

pub(crate) async fn read_integration(
    conn: &mut SqliteConnection,
    site: SiteId,
) -> Result<Option<SiteIntegration>, CoreError> {
    let row: Option<IntegrationRow> = sqlx::query_as(
        "SELECT id, platform, external_site_url, sync_enabled, sync_status, last_sync_at, sync_error,
                connection_status, structure, structure_updated_at, created_at, username, api_root
         FROM site_integrations WHERE site_id = ? AND platform = 'wordpress'",
    )
    .bind(site.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(SiteIntegration {
        id: parse_stored::<IntegrationId>("integration id", &r.id)?,
        site_id: site,
        platform: parse_stored::<Platform>("platform", &r.platform)?,
        external_site_url: r.external_site_url,
        sync_enabled: r.sync_enabled,
        sync_status: parse_stored::<IntegrationSyncStatus>("sync status", &r.sync_status)?,
        last_sync_at: r.last_sync_at,
        sync_error: r.sync_error,
        connection_status: parse_stored::<ConnectionStatus>(
            "connection status",
            &r.connection_status,
        )?,
        structure: from_json!("site structure", &r.structure)?,
        structure_updated_at: r.structure_updated_at,
        created_at: r.created_at,
        username: r.username,
        api_root: r.api_root,
    }))
}

/// A site's home URL for its platform connection: an http(s) URL without credentials.
fn integration_url(raw: &str) -> Result<String, CoreError> {
    let normalised = crate::sites::normalize_domain(raw).map_err(|e| match e {
        CoreError::Validation { message, .. } => CoreError::invalid("external_site_url", message),
        other => other,
    })?;
    Ok(if normalised.contains("://") {
        normalised
    } else {
        format!("https://{normalised}")
    })
}

/// Finish a write that changed the site's integration: read it back, note the change, commit.
pub(crate) async fn commit_integration(
    mut tx: WriteTx,
    site: SiteId,
) -> Result<SiteIntegration, CoreError> {
    let integration = read_integration(tx.conn(), site)
        .await?
        .ok_or_else(|| CoreError::Internal("integration vanished while saving".into()))?;
    tx.touch(Entity::SiteSettings, site.as_uuid());
    tx.commit().await?;
    Ok(integration)
}

impl Folio {
    /// The site's WordPress connection, if one was set up.
    pub async fn site_integration(
        &self,
        site: SiteId,
    ) -> Result<Option<SiteIntegration>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        read_integration(&mut conn, site).await
    }

    /// Point the site's WordPress connection at a URL (creating it if needed). The application
    /// password is stored in the keychain by the caller, never here; the connection counts as
    /// `configured` until a check or sync says otherwise.
    pub async fn connect_site_integration(
        &self,
        site: SiteId,
        url: &str,
    ) -> Result<SiteIntegration, CoreError> {
        let url = integration_url(url)?;
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let at = ts(now());
        let id = IntegrationId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO site_integrations (id, site_id, platform, external_site_url, connection_status,
                 sync_status, created_at, updated_at)
             VALUES (?, ?, 'wordpress', ?, 'configured', 'pending', ?, ?)
             ON CONFLICT (site_id, platform) DO UPDATE SET
                 external_site_url = excluded.external_site_url,
                 connection_status = 'configured', sync_status = 'pending', sync_error = NULL,
                 updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(site.to_string())
        .bind(&url)
        .bind(&at)
        .bind(&at)
        .execute(tx.conn())
        .await?;
        commit_integration(tx, site).await
    }

    /// Record what a connection check or structure sync found.
    pub async fn record_integration_sync(
        &self,
        site: SiteId,
        sync: IntegrationSync,
    ) -> Result<SiteIntegration, CoreError> {
        let error = sync
            .sync_error
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if sync.sync_status == IntegrationSyncStatus::Error && error.is_none() {
            return Err(CoreError::invalid("sync_error", "Say why the sync failed"));
        }
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let Some(current) = read_integration(tx.conn(), site).await? else {
            return Err(not_found(format!(
                "the WordPress connection of site {site}"
            )));
        };
        let at = now();
        let finished = matches!(
            sync.sync_status,
            IntegrationSyncStatus::Completed | IntegrationSyncStatus::Error
        );
        let (structure, structure_at) = match &sync.structure {
            Some(s) => (s.clone(), Some(at)),
            None => (current.structure.clone(), current.structure_updated_at),
        };
        sqlx::query(
            "UPDATE site_integrations SET sync_status = ?, sync_error = ?, connection_status = ?,
                 last_sync_at = ?, structure = ?, structure_updated_at = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(sync.sync_status.as_str())
        .bind(error)
        .bind(
            sync.connection_status
                .unwrap_or(current.connection_status)
                .as_str(),
        )
        .bind(if finished {
            Some(ts(at))
        } else {
            current.last_sync_at.map(ts)
        })
        .bind(to_json!(&structure)?)
        .bind(structure_at.map(ts))
        .bind(ts(at))
        .bind(current.id.to_string())
        .execute(tx.conn())
        .await?;
        commit_integration(tx, site).await
    }
}

// ---- site access ----------------------------------------------------------------------------

impl Folio {
    /// Let a person of the account see a site (only matters for editors and viewers).
    pub async fn grant_site_access(
        &self,
        site: SiteId,
        user: UserId,
    ) -> Result<SiteAccess, CoreError> {
        let mut tx = self.begin_write().await?;
        let account = self.account_id.to_string();
        check_site(tx.conn(), &account, site).await?;
        let member: Option<(String,)> =
            sqlx::query_as("SELECT id FROM users WHERE id = ? AND account_id = ?")
                .bind(user.to_string())
                .bind(&account)
                .fetch_optional(tx.conn())
                .await?;
        if member.is_none() {
            return Err(not_found(format!("user {user}")));
        }
        let at = now();
        sqlx::query(
            "INSERT INTO site_user_access (site_id, user_id, granted_at) VALUES (?, ?, ?)
             ON CONFLICT (site_id, user_id) DO NOTHING",
        )
        .bind(site.to_string())
        .bind(user.to_string())
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        let (granted_at,): (DateTime<Utc>,) = sqlx::query_as(
            "SELECT granted_at FROM site_user_access WHERE site_id = ? AND user_id = ?",
        )
        .bind(site.to_string())
        .bind(user.to_string())
        .fetch_one(tx.conn())
        .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(SiteAccess {
            site_id: site,
            user_id: user,
            granted_at,
        })
    }

    pub async fn revoke_site_access(&self, site: SiteId, user: UserId) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        sqlx::query("DELETE FROM site_user_access WHERE site_id = ? AND user_id = ?")
            .bind(site.to_string())
            .bind(user.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(())
    }

    /// The people explicitly granted a site, earliest first.
    pub async fn site_access(&self, site: SiteId) -> Result<Vec<SiteAccess>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        let rows: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT user_id, granted_at FROM site_user_access WHERE site_id = ? ORDER BY granted_at, user_id",
        )
        .bind(site.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(user, granted_at)| {
                Ok(SiteAccess {
                    site_id: site,
                    user_id: parse_stored("user id", &user)?,
                    granted_at,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
