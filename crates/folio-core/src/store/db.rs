//! Row helpers every feature's SQL uses: the stored forms of times and values, JSON columns,
//! the common errors (not found, a refused status move) and list queries narrowed to a site.

use crate::CoreError;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use folio_model::{SectorId, SiteId, TransitionError};
use sqlx::{QueryBuilder, Sqlite};
use std::str::FromStr;

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

/// `a, b` → `t.a, t.b`, for joins.
pub(crate) fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT <columns> FROM <table>` narrowed to a site, optionally a sector and a status, newest
/// first: the list query of every site+sector table. Call [`check_scope`] first.
pub(crate) fn scoped_list(
    columns: &str,
    table: &str,
    site: SiteId,
    sector: Option<SectorId>,
    status: Option<(&str, &'static str)>,
) -> QueryBuilder<'static, Sqlite> {
    let mut q = QueryBuilder::new(format!("SELECT {columns} FROM {table} WHERE site_id = "));
    q.push_bind(site.to_string());
    if let Some(sector) = sector {
        q.push(" AND sector_id = ").push_bind(sector.to_string());
    }
    if let Some((column, value)) = status {
        q.push(format_args!(" AND {column} = ")).push_bind(value);
    }
    q
}
