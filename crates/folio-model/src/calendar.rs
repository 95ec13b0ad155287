//! The publishing calendar (Publisher → Calendar, `folio schedule calendar`): the posts of one
//! site or all of them in a span of time, where each stands, and the slots still free.

use crate::ai_config::choice_enum;
use crate::ids::{ContentId, SiteId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest span one calendar covers: a month view with the days of the weeks around it.
pub const MAX_CALENDAR_DAYS: i64 = 62;

/// Which posts to show: those whose time falls in `[from, to)`, of one site or every site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `None`: every site of the account.
    #[serde(default)]
    pub site: Option<SiteId>,
}

choice_enum! {
    /// Where a post on the calendar stands, as far as this computer knows (the calendar never
    /// asks WordPress; `folio schedule list` does).
    CalendarState, "calendar state" {
        /// A `future` post on WordPress whose slot is ahead.
        Scheduled = "scheduled",
        /// Its slot has passed but it was not seen live yet (WordPress runs due posts on the
        /// next visit to a quiet site).
        Due = "due",
        /// Published.
        Live = "live",
        /// The last attempt to put it on its site failed.
        Failed = "failed",
    }
}

/// One article on the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPost {
    pub content: ContentId,
    pub site: SiteId,
    pub site_name: String,
    pub title: String,
    /// Its slot; for a live post without one, when it went live; for a failed one, when the
    /// attempt failed.
    pub at: DateTime<Utc>,
    pub state: CalendarState,
    /// Whether it may be moved to another slot (scheduled, and its slot not about to come).
    pub movable: bool,
}

/// A slot of a site's publishing settings that holds no post and that the site's daily, weekly
/// and monthly limits still allow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeSlot {
    pub site: SiteId,
    pub site_name: String,
    pub at: DateTime<Utc>,
}

/// What the calendar shows for a query: posts and free slots in time order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub posts: Vec<CalendarPost>,
    pub free: Vec<FreeSlot>,
}
