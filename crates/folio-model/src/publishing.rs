//! Per-site configuration for getting articles out: the publishing schedule, the automation
//! run's limits and the WordPress connection (without its secret, which lives in the keychain).

use crate::ai_config::choice_enum;
use crate::ids::id_type;
use crate::ids::{SiteId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

id_type!(
    /// A site's connection to its platform.
    IntegrationId
);

choice_enum! {
    PublishDay, "day (use mon, tue, wed, thu, fri, sat or sun)" {
        Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun",
    }
}

/// When and how much a site publishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishingSettings {
    pub site_id: SiteId,
    /// Reviewed content is approved without a person.
    pub auto_approval_enabled: bool,
    /// Approved content is scheduled and published without a person.
    pub auto_publish_enabled: bool,
    pub daily_publish_limit: u32,
    pub weekly_publish_limit: u32,
    pub monthly_publish_limit: u32,
    /// In week order.
    pub publish_days: Vec<PublishDay>,
    /// `HH:MM`, sorted.
    pub publish_time_slots: Vec<String>,
    /// IANA name (`Europe/Lisbon`) the days and slots are read in.
    pub timezone: String,
    pub updated_at: DateTime<Utc>,
}

impl PublishingSettings {
    /// The seed's defaults: auto-approve and auto-publish on, 3 a day / 15 a week / 50 a month,
    /// Monday to Friday at 09:00, 14:00 and 18:00, in UTC until the site says otherwise.
    pub fn seed_defaults(site: SiteId, at: DateTime<Utc>) -> Self {
        Self {
            site_id: site,
            auto_approval_enabled: true,
            auto_publish_enabled: true,
            daily_publish_limit: 3,
            weekly_publish_limit: 15,
            monthly_publish_limit: 50,
            publish_days: vec![
                PublishDay::Mon,
                PublishDay::Tue,
                PublishDay::Wed,
                PublishDay::Thu,
                PublishDay::Fri,
            ],
            publish_time_slots: vec!["09:00".into(), "14:00".into(), "18:00".into()],
            timezone: "UTC".into(),
            updated_at: at,
        }
    }
}

/// Changes to publishing settings; `None` keeps a field. Numbers and names are checked by core so
/// that a mistake gets a message about the field rather than a decoding error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishingSettingsUpdate {
    #[serde(default)]
    pub auto_approval_enabled: Option<bool>,
    #[serde(default)]
    pub auto_publish_enabled: Option<bool>,
    #[serde(default)]
    pub daily_publish_limit: Option<i64>,
    #[serde(default)]
    pub weekly_publish_limit: Option<i64>,
    #[serde(default)]
    pub monthly_publish_limit: Option<i64>,
    #[serde(default)]
    pub publish_days: Option<Vec<String>>,
    #[serde(default)]
    pub publish_time_slots: Option<Vec<String>>,
    #[serde(default)]
    pub timezone: Option<String>,
}

/// How an automation run of a site behaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationConfig {
    pub site_id: SiteId,
    pub is_active: bool,
    /// Keywords clustered per run.
    pub clustering_limit: u32,
    /// Clusters turned into ideas per run.
    pub ideas_limit: u32,
    /// Articles written per run.
    pub content_limit: u32,
    /// Images generated per run.
    pub image_limit: u32,
    /// Articles published per run.
    pub publish_limit: u32,
    pub delay_between_operations_secs: u32,
    pub max_runtime_secs: u32,
    pub auto_approve: bool,
    pub auto_publish: bool,
    pub stop_on_error: bool,
    /// Days the schedule runs the site's automation on (in week order); empty: no schedule.
    #[serde(default)]
    pub schedule_days: Vec<PublishDay>,
    /// `HH:MM` in the site's timezone (its publishing settings) the schedule runs at.
    #[serde(default)]
    pub schedule_time: Option<String>,
    /// Credits one run may spend at most; `None`: only the balance limits it.
    #[serde(default)]
    pub run_credit_cap: Option<u32>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationConfigUpdate {
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub clustering_limit: Option<i64>,
    #[serde(default)]
    pub ideas_limit: Option<i64>,
    #[serde(default)]
    pub content_limit: Option<i64>,
    #[serde(default)]
    pub image_limit: Option<i64>,
    #[serde(default)]
    pub publish_limit: Option<i64>,
    #[serde(default)]
    pub delay_between_operations_secs: Option<i64>,
    #[serde(default)]
    pub max_runtime_secs: Option<i64>,
    #[serde(default)]
    pub auto_approve: Option<bool>,
    #[serde(default)]
    pub auto_publish: Option<bool>,
    #[serde(default)]
    pub stop_on_error: Option<bool>,
    /// `mon,wed,fri`-style day names; an empty list turns the schedule off.
    #[serde(default)]
    pub schedule_days: Option<Vec<String>>,
    /// `HH:MM`; an empty string turns the schedule off.
    #[serde(default)]
    pub schedule_time: Option<String>,
    /// 0 removes the cap.
    #[serde(default)]
    pub run_credit_cap: Option<i64>,
}

choice_enum! {
    Platform, "platform" { Wordpress = "wordpress" }
}

choice_enum! {
    IntegrationSyncStatus, "sync status" {
        Pending = "pending", Syncing = "syncing", Completed = "completed", Error = "error",
    }
}

choice_enum! {
    ConnectionStatus, "connection status" {
        /// No credentials stored yet.
        NotConnected = "not_connected",
        /// Credentials stored, not yet checked.
        Configured = "configured",
        /// Checked, and the site's structure fetched.
        Connected = "connected",
        Error = "error",
    }
}

/// A category, tag or author as the remote site knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteItem {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub slug: String,
}

/// What Folio caches of a remote site's structure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteStructure {
    #[serde(default)]
    pub categories: Vec<RemoteItem>,
    #[serde(default)]
    pub tags: Vec<RemoteItem>,
    #[serde(default)]
    pub authors: Vec<RemoteItem>,
    #[serde(default)]
    pub post_types: Vec<String>,
    /// SEO meta keys the site exposes for posts over REST (`_yoast_wpseo_metadesc`,
    /// `rank_math_description`, …); empty when the site exposes none.
    #[serde(default)]
    pub seo_meta_keys: Vec<String>,
}

/// A site's connection to its platform. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteIntegration {
    pub id: IntegrationId,
    pub site_id: SiteId,
    pub platform: Platform,
    /// The site's home URL (`https://example.com`).
    pub external_site_url: String,
    pub sync_enabled: bool,
    pub sync_status: IntegrationSyncStatus,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub sync_error: Option<String>,
    pub connection_status: ConnectionStatus,
    pub structure: SiteStructure,
    pub structure_updated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The WordPress user the connection logs in as (its application password is in the keychain).
    #[serde(default)]
    pub username: Option<String>,
    /// The REST root discovery found: `https://example.com/wp-json/`, or
    /// `https://example.com/index.php?rest_route=/` on a site with plain permalinks.
    #[serde(default)]
    pub api_root: Option<String>,
}

/// What a sync or connection check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationSync {
    pub sync_status: IntegrationSyncStatus,
    #[serde(default)]
    pub connection_status: Option<ConnectionStatus>,
    /// Why it failed; required for `error`.
    #[serde(default)]
    pub sync_error: Option<String>,
    /// The freshly fetched structure, when the sync fetched it.
    #[serde(default)]
    pub structure: Option<SiteStructure>,
}

/// A person granted access to a site (owners and admins see every site anyway).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteAccess {
    pub site_id: SiteId,
    pub user_id: UserId,
    pub granted_at: DateTime<Utc>,
}

// ---- WordPress: connecting, the site doctor, publishing ---------------------------------------

/// Connect a site to WordPress with an application password (stored in the OS keychain only).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WpConnect {
    pub site: SiteId,
    /// Any URL of the site: its home page, `/wp-admin/`, or the REST root.
    pub url: String,
    pub user: String,
    pub app_password: String,
    /// Allow plain `http://` to this site although it is not this computer (a site on the local
    /// network). Kept with the password on this device only; never synced.
    #[serde(default)]
    pub allow_insecure: bool,
}

impl fmt::Debug for WpConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WpConnect")
            .field("site", &self.site)
            .field("url", &self.url)
            .field("user", &self.user)
            .field("app_password", &"<redacted>")
            .field("allow_insecure", &self.allow_insecure)
            .finish()
    }
}

choice_enum! {
    /// How one doctor check came out.
    CheckOutcome, "check outcome" {
        Pass = "pass", Warn = "warn", Fail = "fail",
        /// Not run because an earlier check failed.
        Skipped = "skipped",
    }
}

/// One finding of the site doctor, in plain language, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorCheck {
    /// Stable: `rest_reachable`, `json`, `app_passwords`, `auth_header`, `login`, `can_publish`,
    /// `can_upload`, `can_create_categories`, `seo_meta`.
    pub id: String,
    pub title: String,
    pub outcome: CheckOutcome,
    /// What was found, in words a site owner understands.
    pub explanation: String,
    /// What to change, when something should change.
    #[serde(default)]
    pub fix: Option<String>,
}

/// Everything the site doctor found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    pub site_url: String,
    /// The REST root, when discovery found it.
    #[serde(default)]
    pub api_root: Option<String>,
    /// The logged-in user's roles, when the login worked.
    #[serde(default)]
    pub roles: Vec<String>,
    pub checks: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// No check failed (warnings allowed).
    pub fn healthy(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == CheckOutcome::Fail)
    }

    pub fn check(&self, id: &str) -> Option<&DoctorCheck> {
        self.checks.iter().find(|c| c.id == id)
    }
}

choice_enum! {
    /// The status a post gets on WordPress when published (a time makes it `future`).
    PostStatus, "post status (use draft, pending or publish)" {
        Draft = "draft", Pending = "pending", Publish = "publish",
    }
}

/// Publish (or update) one article on its site's WordPress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequest {
    pub content: crate::ids::ContentId,
    pub status: PostStatus,
    /// A time in the future schedules the post (`future` with `date_gmt`): WordPress publishes it
    /// then, even when this computer is off.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Overwrite the post even though it was edited in wp-admin since Folio last saw it.
    #[serde(default)]
    pub force: bool,
}

choice_enum! {
    PublishAction, "publishing action" {
        Publish = "publish", Schedule = "schedule", Draft = "draft", Pending = "pending",
        Update = "update", Unpublish = "unpublish", Trash = "trash",
    }
}

choice_enum! {
    RecordStatus, "publishing record status" {
        Pending = "pending", Succeeded = "succeeded", Failed = "failed",
    }
}

id_type!(
    /// One publishing attempt.
    PublishingRecordId
);

/// One attempt to publish, update, unpublish or trash an article on its site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishingRecord {
    pub id: PublishingRecordId,
    pub content_id: crate::ids::ContentId,
    pub site_id: SiteId,
    pub action: PublishAction,
    pub status: RecordStatus,
    /// The post's status on WordPress afterwards (`publish`, `future`, `draft`, `trash`, …).
    #[serde(default)]
    pub remote_status: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    /// `auth`, `forbidden`, `not_found`, `not_json`, `server`, `timeout`, `unreachable`,
    /// `conflict`, `invalid`, …
    #[serde(default)]
    pub error_code: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
}

/// What a publish did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishOutcome {
    pub content: crate::writer::Content,
    pub post_id: i64,
    /// The post's address (`?p=ID` until WordPress gives it a pretty one).
    pub url: String,
    /// The post's status on WordPress: `publish`, `future`, `draft`, `pending`, `trash`.
    pub remote_status: String,
    /// When WordPress publishes (or published) it, in UTC.
    #[serde(default)]
    pub date_gmt: Option<DateTime<Utc>>,
    /// A new post was created (false: an existing one was updated).
    pub created: bool,
    /// Images uploaded by this publish (already uploaded ones are reused).
    pub media_uploaded: u32,
    pub record: PublishingRecord,
}

impl PublishOutcome {
    /// What the publish did, in a word or two ("Published", "Updated", "Scheduled", …), as the
    /// CLI and the app both say it.
    pub fn verb(&self) -> &'static str {
        match (self.remote_status.as_str(), self.created) {
            ("future", _) => "Scheduled",
            ("publish", true) => "Published",
            ("publish", false) => "Updated",
            ("trash", _) => "Moved to the trash",
            ("draft", true) => "Saved as a draft",
            ("draft", false) => "Now a draft",
            ("pending", _) => "Sent for review",
            _ => "Sent",
        }
    }
}

/// The first step of the one-click connection: open `url` in the browser; WordPress sends the
/// person back to the success URL with the user name and a new application password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WpAuthorization {
    pub site: SiteId,
    pub url: String,
    /// Where WordPress sends the person back to (a `folio://` link or a loopback address).
    pub success_url: String,
}

/// An approved article and the publishing slot the scheduler gives it (`folio schedule plan`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPost {
    pub content: crate::ids::ContentId,
    pub title: String,
    /// The slot, as a UTC instant.
    pub slot: DateTime<Utc>,
    /// Whether it was uploaded to WordPress as a scheduled (`future`) post; false for a dry run.
    pub scheduled: bool,
    /// A re-plan: the slot it had before (`None` for an article that had none).
    #[serde(default)]
    pub previous_slot: Option<DateTime<Utc>>,
}

choice_enum! {
    /// Where a scheduled post stands (`folio schedule list`).
    SlotState, "slot state" {
        /// Its slot is still ahead.
        Upcoming = "upcoming",
        /// Its slot has passed but WordPress has not published it yet (a quiet site runs due
        /// posts on its next visit).
        Due = "due",
        /// WordPress published it.
        Live = "live",
    }
}

/// A post with a publishing slot, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledPost {
    pub content: crate::ids::ContentId,
    pub title: String,
    pub slot: DateTime<Utc>,
    pub state: SlotState,
}
