//! The contract between the desktop shell (`src-tauri`) and the UI (`ui`): every Tauri command's
//! name, arguments and reply, and every event's name and payload, declared once here and used by
//! both sides.
//!
//! A command is a unit type implementing [`Command`]. The shell registers one function per
//! command and the registration fails to compile when the function's name is not
//! [`Command::NAME`] or its arguments and reply are not the contract's (`src-tauri/src/commands.rs`);
//! the UI calls every command through one generic `invoke::<C>(&args)` (`ui/src/hooks/invoke.rs`).
//! So a renamed parameter or a changed reply is a compile error on the side that did not follow,
//! not a failure at run time.
//!
//! On the wire a command receives `{"args": <C::Args>}` (the shell's commands take one parameter
//! named `args`) and answers `C::Reply`, or rejects with an [`ErrorDto`](crate::ErrorDto).

use crate::quality::QualityReport;
use crate::{
    AccountSession, AccountView, AiModel, AttachImage, Cluster, ClusterId, ClusterSummary, Content,
    ContentId, ContentIdea, ContentSummary, ContentUsage, DailySiteUsage, DoctorReport, IdeaId,
    IdeaStatus, Image, ImageId, JobId, JobInfo, JobProgress, KeywordBulkAction, KeywordFilter,
    KeywordId, KeywordImportReport, KeywordPage, KeywordQuery, NewAiModel, NewSite, OutlineSection,
    ProviderCheck, ProviderInfo, PublishOutcome, PublishRequest, PublishingRecord,
    PublishingSettings, Sector, SectorId, Site, SiteId, SiteIntegration, Stage, StageEstimate,
    StageFailure, StageReport, StageTarget, SyncReport, SyncUpdate, Task, TaskStatus, UsageGroup,
    UsageRow, WpAuthorization,
};
// `SiteList`, `PublishingSettingsUpdate`, `UsageReport`, `CreditBalance`, `WpConnect` and the
// automation DTOs are also command names here (a command's type is its name in CamelCase), so
// those DTOs are written `crate::…`.
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One Tauri command: what it is called, what it takes and what it answers.
pub trait Command {
    /// The name the shell registers and the UI invokes.
    const NAME: &'static str;
    /// Sent as the command's one parameter, `args`.
    type Args: Serialize + DeserializeOwned;
    /// What the command answers when it succeeds.
    type Reply: Serialize + DeserializeOwned;
}

/// An event the shell emits to the window.
pub trait Event {
    const NAME: &'static str;
    type Payload: Serialize + DeserializeOwned;
}

/// The arguments of a command that takes none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoArgs {}

/// A secret on its way to the shell — a password, an API key, or the address WordPress sends
/// back (it carries an application password). On the wire it is the plain string; `Debug`
/// never prints it, so an argument struct holding one can be logged safely.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, to hand straight to core.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Declares the commands: for each, the unit type, its name, its arguments (an existing type, or
/// a struct defined here with the listed fields) and its reply; then [`COMMANDS`].
macro_rules! commands {
    ($(
        $(#[$meta:meta])*
        $command:ident = $name:literal
            ($args:ident $({ $($(#[$field_meta:meta])* $field:ident: $field_ty:ty),* $(,)? })?)
            -> $reply:ty;
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct $command;

            impl Command for $command {
                const NAME: &'static str = $name;
                type Args = $args;
                type Reply = $reply;
            }

            $(
                #[doc = concat!("The arguments of [`", stringify!($command), "`] (`", $name, "`).")]
                #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
                pub struct $args {
                    $($(#[$field_meta])* pub $field: $field_ty,)*
                }
            )?
        )*

        /// Every command's name, in the order declared.
        pub const COMMANDS: &[&str] = &[$($name),*];

        /// Each command's type and name, for the test that one is the other in CamelCase.
        #[cfg(test)]
        const DECLARED: &[(&str, &str)] = &[$((stringify!($command), $name)),*];
    };
}

commands! {
    // ---- Sites, sectors and publishing settings ---------------------------------------------
    /// Every site with its sectors.
    SiteList = "site_list" (NoArgs) -> crate::SiteList;
    /// Add a site; a rejected field is named in the error.
    SiteCreate = "site_create" (SiteCreateArgs { input: NewSite }) -> Site;
    SiteGet = "site_get" (SiteGetArgs { site: SiteId }) -> Site;
    SectorAdd = "sector_add" (SectorAddArgs { site: SiteId, name: String }) -> Sector;
    SectorRename = "sector_rename"
        (SectorRenameArgs { site: SiteId, sector: SectorId, name: String }) -> Sector;
    /// Remove a sector; answers how many of its keywords went with it.
    SectorRemove = "sector_remove" (SectorRemoveArgs { site: SiteId, sector: SectorId }) -> u64;
    /// A site's publishing settings (core stores its defaults on the first read).
    PublishingSettingsGet = "publishing_settings_get"
        (PublishingSettingsGetArgs { site: SiteId }) -> PublishingSettings;
    /// Change the fields of `update` that are `Some`; `None` keeps a field.
    PublishingSettingsUpdate = "publishing_settings_update"
        (PublishingSettingsUpdateArgs { site: SiteId, update: crate::PublishingSettingsUpdate })
        -> PublishingSettings;

    // ---- Keywords ----------------------------------------------------------------------------
    /// One page of a site's keywords (filtered, sorted and paged by core).
    KeywordsList = "keywords_list" (KeywordsListArgs { query: KeywordQuery }) -> KeywordPage;
    /// Change or delete the keywords `filter` selects; answers how many changed.
    KeywordsBulk = "keywords_bulk"
        (KeywordsBulkArgs { filter: KeywordFilter, action: KeywordBulkAction }) -> u64;
    /// The native open dialog; `None` when the person closes it without choosing.
    KeywordsPickFile = "keywords_pick_file" (NoArgs) -> Option<String>;
    /// Import a keyword file, as a core job: its progress comes as [`JobProgressed`] events and
    /// [`JobsCancel`] stops it (nothing is written). One import per sector at a time.
    KeywordsImport = "keywords_import" (KeywordsImportArgs {
        site: SiteId,
        /// `None`: the site's first sector.
        sector: Option<SectorId>,
        path: String,
    }) -> KeywordImportReport;

    /// Move keywords into a cluster of their sector, or out of any (`cluster: None`, back to
    /// `new`); answers how many moved.
    KeywordsMove = "keywords_move"
        (KeywordsMoveArgs { site: SiteId, keywords: Vec<KeywordId>, cluster: Option<ClusterId> })
        -> u64;

    // ---- Clusters and ideas (Planner) ----------------------------------------------------------
    /// A site's (or sector's) clusters with keyword count, total volume, average difficulty and
    /// ideas, newest first.
    ClustersList = "clusters_list"
        (ClustersListArgs { site: SiteId, sector: Option<SectorId> }) -> Vec<ClusterSummary>;
    /// Rename a cluster (names are unique in its sector).
    ClusterRename = "cluster_rename"
        (ClusterRenameArgs { cluster: ClusterId, name: String }) -> Cluster;
    /// Merge `from` into `into` (same sector): its keywords and ideas move, then it is deleted.
    ClustersMerge = "clusters_merge"
        (ClustersMergeArgs { into: ClusterId, from: ClusterId }) -> Cluster;
    /// A site's (or sector's) ideas with their outlines, newest first.
    IdeasList = "ideas_list" (IdeasListArgs {
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<IdeaStatus>,
    }) -> Vec<ContentIdea>;
    /// Replace a new idea's outline and FAQ (a queued idea's brief is frozen).
    IdeaUpdateOutline = "idea_update_outline" (IdeaUpdateOutlineArgs {
        idea: IdeaId,
        outline: Vec<OutlineSection>,
        faq: Vec<String>,
    }) -> ContentIdea;
    /// Reject an idea (never queued by "queue all") or approve it again.
    IdeaSetRejected = "idea_set_rejected"
        (IdeaSetRejectedArgs { idea: IdeaId, rejected: bool }) -> ContentIdea;

    // ---- The content pipeline ----------------------------------------------------------------
    /// What a stage will cost on its target before it starts (credits, USD, calls, model, what
    /// the account can still spend). Free and instant.
    PipelineEstimate = "pipeline_estimate"
        (PipelineEstimateArgs { stage: Stage, target: StageTarget }) -> StageEstimate;
    /// Run a stage. The AI stages run as a core job (`job-progress` with the stage's job kind and
    /// the site's scope; [`JobsCancel`] stops it, finished items stay); core refuses a run the
    /// balance cannot cover. Queueing is instant and free.
    PipelineRun = "pipeline_run"
        (PipelineRunArgs { stage: Stage, target: StageTarget }) -> StageReport;
    /// How many clusters offline clustering would make of the site's (or sector's) new
    /// keywords at each of five thresholds, tightest first. Writes nothing; about a second for
    /// 10k keywords.
    ClusterOfflinePreview = "cluster_offline_preview"
        (ClusterOfflinePreviewArgs { site: SiteId, sector: Option<SectorId> })
        -> Vec<crate::ThresholdPreview>;
    /// Cluster the new keywords on this computer (free): a core clustering job (`job-progress`,
    /// [`JobsCancel`]); existing clusters gain keywords but are never reshuffled.
    ClusterOffline = "cluster_offline" (ClusterOfflineArgs {
        site: SiteId,
        sector: Option<SectorId>,
        /// `None`: the default (0.5).
        threshold: Option<crate::Threshold>,
    }) -> crate::OfflineClusterReport;
    /// Ideas not yet written whose topic an article of the site already covers (offline, free;
    /// a warning, nothing changes).
    IdeasDuplicates = "ideas_duplicates" (IdeasDuplicatesArgs { site: SiteId })
        -> Vec<crate::DuplicateTopic>;
    /// The site's keywords most like one keyword, most similar first (offline, free).
    KeywordsSimilar = "keywords_similar"
        (KeywordsSimilarArgs { site: SiteId, keyword: KeywordId, limit: u32 })
        -> Vec<crate::SimilarKeyword>;
    /// This device's record of items that failed, newest first (`None`: every stage).
    PipelineFailures = "pipeline_failures"
        (PipelineFailuresArgs { stage: Option<Stage> }) -> Vec<StageFailure>;
    /// A site's (or sector's) writing tasks, newest first.
    TasksList = "tasks_list" (TasksListArgs {
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<TaskStatus>,
    }) -> Vec<Task>;

    // ---- Automation ----------------------------------------------------------------------------
    /// A site's automation: its config, its newest run, whether a process runs it now and when
    /// its schedule runs it next.
    AutomationStatusGet = "automation_status_get" (AutomationStatusGetArgs { site: SiteId })
        -> crate::AutomationStatus;
    /// Change the fields of `update` that are `Some` (limits, delay, max runtime, auto-approve,
    /// auto-publish, stop-on-error, active, schedule, per-run cap).
    AutomationConfigUpdate = "automation_config_update" (AutomationConfigUpdateArgs {
        site: SiteId,
        update: crate::AutomationConfigUpdate,
    }) -> crate::AutomationConfig;
    /// What a run of the site would cost with its config, and whether the balance covers 1.2×
    /// it. Free and instant.
    AutomationEstimate = "automation_estimate" (AutomationEstimateArgs { site: SiteId })
        -> crate::AutomationEstimate;
    /// Run the site's automation — resuming its paused or interrupted run, else starting a new
    /// one — until it completes, pauses or is cancelled. A core job (`job-progress`, kind
    /// `automation`); refused while another process runs the site's automation.
    AutomationRun = "automation_run" (AutomationRunArgs { site: SiteId }) -> crate::AutomationRun;
    /// Pause the site's run (it stops after the items in flight; resuming goes on from there).
    AutomationPause = "automation_pause" (AutomationPauseArgs { site: SiteId })
        -> Option<crate::AutomationRun>;
    /// Cancel the site's run: it is never resumed; finished items stay.
    AutomationCancel = "automation_cancel" (AutomationCancelArgs { site: SiteId })
        -> Option<crate::AutomationRun>;
    /// The site's runs, newest first.
    AutomationRuns = "automation_runs" (AutomationRunsArgs { site: SiteId })
        -> Vec<crate::AutomationRun>;
    /// A run's item log, oldest first.
    AutomationLog = "automation_log" (AutomationLogArgs { run: crate::AutomationRunId })
        -> Vec<crate::AutomationItem>;

    // ---- Account and sync --------------------------------------------------------------------
    /// The sync session (if any), the indicator's state and whether a new login is needed.
    AccountGet = "account_get" (NoArgs) -> AccountView;
    /// Create an account on a sync server holding this device's data; the shell then syncs in
    /// the background.
    AccountRegister = "account_register"
        (AccountRegisterArgs { server: String, email: String, password: Secret, allow_insecure: bool })
        -> AccountSession;
    /// Log in to an account on a sync server (joining another account re-opens the store); the
    /// shell then syncs in the background.
    AccountLogin = "account_login"
        (AccountLoginArgs { server: String, email: String, password: Secret, allow_insecure: bool })
        -> AccountSession;
    /// Stop syncing and forget the session; the data stays on this device.
    AccountLogout = "account_logout" (NoArgs) -> ();
    /// One sync round now, beside the background sync.
    SyncNow = "sync_now" (NoArgs) -> SyncReport;

    // ---- AI providers and models ---------------------------------------------------------------
    /// Every AI provider with its address, key state (masked) and models.
    ProvidersList = "providers_list" (NoArgs) -> Vec<ProviderInfo>;
    /// Store (or replace) a provider's API key in the OS keychain; the reply shows it masked.
    ProviderSetKey = "provider_set_key"
        (ProviderSetKeyArgs { provider: String, key: Secret }) -> ProviderInfo;
    /// Remove a provider's key; answers the provider as it is afterwards.
    ProviderRemoveKey = "provider_remove_key"
        (ProviderRemoveKeyArgs { provider: String }) -> ProviderInfo;
    /// Point a provider at another address; `None` goes back to the built-in one.
    ProviderSetUrl = "provider_set_url"
        (ProviderSetUrlArgs { provider: String, url: Option<String> }) -> ProviderInfo;
    /// A cheap authenticated call, as a core job. A provider failure is a result with `ok:
    /// false` and its kind; [`JobsCancel`] ends it with a `cancelled` error.
    ProviderTest = "provider_test"
        (ProviderTestArgs { provider: String, base_url: Option<String> }) -> ProviderCheck;
    /// Every model of the registry, text models first.
    ModelsList = "models_list" (NoArgs) -> Vec<AiModel>;
    /// Make a model the default of its type.
    ModelSetDefault = "model_set_default" (ModelSetDefaultArgs { model: String }) -> AiModel;
    /// Add a model (a local one at zero price, a new one of a hosted provider).
    ModelAdd = "model_add" (ModelAddArgs { input: NewAiModel }) -> AiModel;
    /// Remove a model a person added.
    ModelRemove = "model_remove" (ModelRemoveArgs { model: String }) -> ();

    // ---- Usage and credits -------------------------------------------------------------------
    // Dates go as typed (`YYYY-MM-DD`, UTC; blank is no bound) and are read by core's parser,
    // so the page and `folio usage --from/--to` agree; a bad one names `from` or `to`.
    /// Usage totals grouped by operation, model, site, month or day.
    UsageReport = "usage_report" (UsageReportArgs {
        site: Option<SiteId>,
        from: Option<String>,
        to: Option<String>,
        group_by: UsageGroup,
    }) -> crate::UsageReport;
    /// Cost per day and site, for the chart.
    UsageByDay = "usage_by_day"
        (UsageByDayArgs { site: Option<SiteId>, from: Option<String>, to: Option<String> })
        -> Vec<DailySiteUsage>;
    /// The most expensive articles of the selection, most expensive first.
    UsageTopContent = "usage_top_content" (UsageTopContentArgs {
        site: Option<SiteId>,
        from: Option<String>,
        to: Option<String>,
        limit: u32,
    }) -> Vec<ContentUsage>;
    /// Credits left: plan and bonus, or a local account's monthly budget.
    CreditBalance = "credit_balance" (NoArgs) -> crate::CreditBalance;

    // ---- WordPress ---------------------------------------------------------------------------
    /// The site's WordPress connection; `None` when it was never connected.
    WpIntegration = "wp_integration"
        (WpIntegrationArgs { site: SiteId }) -> Option<SiteIntegration>;
    /// Connect with an application password; core keeps it in the OS keychain only.
    WpConnect = "wp_connect" (WpConnectArgs { input: crate::WpConnect }) -> SiteIntegration;
    /// The site doctor: of the connected site, or of `url` (no login) before connecting.
    WpDoctor = "wp_doctor" (WpDoctorArgs { site: SiteId, url: Option<String> }) -> DoctorReport;
    /// Fetch the site's categories, tags, authors, post types and SEO meta keys again.
    WpSync = "wp_sync" (WpSyncArgs { site: SiteId }) -> SiteIntegration;
    /// Forget the application password on this computer.
    WpDisconnect = "wp_disconnect" (WpDisconnectArgs { site: SiteId }) -> SiteIntegration;
    /// The one-click connection, step 1: open the site's "Authorize application" screen in the
    /// system browser. The reply carries the address too, for when no browser could be opened.
    WpAuthorizeStart = "wp_authorize_start"
        (WpAuthorizeStartArgs { site: SiteId, url: String, allow_insecure: bool }) -> WpAuthorization;
    /// The one-click connection, step 2: the address WordPress sent the person back to.
    WpAuthorizeComplete = "wp_authorize_complete"
        (WpAuthorizeCompleteArgs { site: SiteId, returned_url: Secret }) -> SiteIntegration;
    /// Publish, schedule, save as a draft or update one article's post.
    WpPublish = "wp_publish" (WpPublishArgs { request: PublishRequest }) -> PublishOutcome;
    /// Take the article's post off the site (back to draft).
    WpUnpublish = "wp_unpublish"
        (WpUnpublishArgs { content: ContentId, force: bool }) -> PublishOutcome;
    /// Move the article's post to WordPress's trash.
    WpTrash = "wp_trash" (WpTrashArgs { content: ContentId, force: bool }) -> PublishOutcome;
    /// Every publishing attempt of an article, newest first.
    WpRecords = "wp_records" (WpRecordsArgs { content: ContentId }) -> Vec<PublishingRecord>;
    /// Open a published post in the system browser (http and https addresses only).
    WpOpenPost = "wp_open_post" (WpOpenPostArgs { url: String }) -> ();

    // ---- Articles and their images -----------------------------------------------------------
    /// A site's articles, newest first.
    ContentList = "content_list" (ContentListArgs { site: SiteId }) -> Vec<ContentSummary>;
    ContentGet = "content_get" (ContentGetArgs { content: ContentId }) -> Content;
    /// An article's images: the featured one first, then in-article ones in order.
    ImagesList = "images_list" (ImagesListArgs { content: ContentId }) -> Vec<Image>;
    /// Attach a picked file's bytes; core checks they are an image and stores them.
    ImageAttach = "image_attach" (ImageAttachArgs { input: AttachImage }) -> Image;
    /// The image as a `data:` URL, for its thumbnail.
    ImageData = "image_data" (ImageDataArgs { image: ImageId }) -> String;
    ImageRemove = "image_remove" (ImageRemoveArgs { image: ImageId }) -> ();
    /// The quality gate's report of a written article; `None` when it was never checked.
    ContentQuality = "content_quality"
        (ContentQualityArgs { content: ContentId }) -> Option<QualityReport>;
    /// What an article's AI calls have cost, from the credit ledger.
    ContentCost = "content_cost" (ContentCostArgs { content: ContentId }) -> UsageRow;

    // ---- The review queue ---------------------------------------------------------------------
    /// The site's articles in review, oldest first, each with its quality gate's report.
    ReviewQueue = "review_queue" (ReviewQueueArgs { site: SiteId }) -> Vec<crate::ReviewItem>;
    /// Approve an article in review (`review → approved`); any other status is refused.
    ReviewApprove = "review_approve" (ReviewApproveArgs { content: ContentId }) -> Content;
    /// Send an article in review back to draft; any other status is refused.
    ReviewReject = "review_reject" (ReviewRejectArgs { content: ContentId }) -> Content;

    // ---- Jobs (long work: imports, provider tests, publishing) --------------------------------
    /// The jobs running on this data directory: the window's, and other processes' (the CLI).
    JobsList = "jobs_list" (NoArgs) -> Vec<JobInfo>;
    /// Cancel one of this window's jobs; `false` when it already ended. A job of another
    /// process is refused (cancel it there).
    JobsCancel = "jobs_cancel" (JobsCancelArgs { job: JobId }) -> bool;

    // ---- Publisher: the calendar and the scheduler -------------------------------------------
    /// Posts (scheduled, due, live, failed) and free slots of every site or one, in a span of
    /// at most 62 days; from local data (no WordPress call).
    ScheduleCalendar = "schedule_calendar"
        (ScheduleCalendarArgs { query: crate::CalendarQuery }) -> crate::Calendar;
    /// Move one article to a free slot of its site (the same WordPress post, a new date), or
    /// schedule an approved one there.
    ScheduleMove = "schedule_move"
        (ScheduleMoveArgs { content: ContentId, slot: chrono::DateTime<chrono::Utc> })
        -> crate::PlannedPost;
    /// Give the site's approved articles their slots; with `apply`, upload them as scheduled
    /// posts ("Schedule next approved"); with `replan`, move the posts still ahead too.
    SchedulePlan = "schedule_plan"
        (SchedulePlanArgs { site: SiteId, apply: bool, replan: bool }) -> Vec<crate::PlannedPost>;

    // ---- An article's history and its sections -----------------------------------------------
    /// The article's saved versions, newest first.
    ContentRevisions = "content_revisions" (ContentRevisionsArgs { content: ContentId })
        -> Vec<crate::ContentRevision>;
    ContentRevisionGet = "content_revision_get"
        (ContentRevisionGetArgs { content: ContentId, revision: String }) -> crate::RevisionView;
    /// Make a version current again (a new edit, it syncs).
    ContentRevisionRestore = "content_revision_restore"
        (ContentRevisionRestoreArgs { content: ContentId, revision: String }) -> Content;
    /// What writing one section (0-based H2) again will cost.
    SectionEstimate = "section_estimate" (SectionEstimateArgs { content: ContentId, section: u32 })
        -> StageEstimate;
    /// Write one section again with AI (a `section` job; cancel it with `jobs_cancel`).
    SectionRegenerate = "section_regenerate"
        (SectionRegenerateArgs { content: ContentId, section: u32 }) -> crate::SectionRegenerated;

    // ---- Article editor ------------------------------------------------------------------------
    /// Edit an article (the editor's autosave, its HTML source view): core sanitises a new body
    /// and writes it into the article's text by minimal splices; the reply is what core stored.
    ContentUpdate = "content_update"
        (ContentUpdateArgs { content: ContentId, update: crate::ContentUpdate }) -> Content;
    /// Run the quality gate again on the article as stored (after an edit); the report is kept.
    ContentQualityCheck = "content_quality_check"
        (ContentQualityCheckArgs { content: ContentId }) -> QualityReport;
    /// The categories and tags the article may carry (the site's and its WordPress site's).
    ContentTermChoices = "content_term_choices"
        (ContentTermChoicesArgs { content: ContentId }) -> Vec<crate::TermChoice>;
    /// Give the article exactly these categories and tags (new names become the site's).
    ContentTermsSet = "content_terms_set"
        (ContentTermsSetArgs { content: ContentId, terms: Vec<crate::TermName> })
        -> Vec<crate::TermChoice>;
    /// Put a draft up for review.
    ReviewSubmit = "review_submit" (ReviewSubmitArgs { content: ContentId }) -> Content;
    /// The article's H2 headings in order (the sections one can have rewritten).
    ContentSections = "content_sections" (ContentSectionsArgs { content: ContentId }) -> Vec<String>;

    // ---- The window ----------------------------------------------------------------------------
    /// The start page is drawn with its data and answers input: the shell logs how long the
    /// start took (milliseconds since the process began, the reply) and, for the desktop
    /// benchmark, writes it to `FOLIO_READY_FILE`. Later calls answer the same figure.
    AppReady = "app_ready" (NoArgs) -> u64;
    /// The window asked to close (`WindowCloseRequested`) has saved what it held: close it now.
    WindowClose = "window_close" (NoArgs) -> ();

    // ---- First run ---------------------------------------------------------------------------
    /// Which steps of the first-run path are done, and whether the app opens on it.
    FirstRunState = "first_run_state" (NoArgs) -> crate::FirstRunState;
    /// Leave the first-run path on this device ("Skip setup"); answers the state afterwards.
    FirstRunDismiss = "first_run_dismiss" (NoArgs) -> crate::FirstRunState;
    /// The keyword library's industries with their sectors.
    IndustriesList = "industries_list" (NoArgs) -> Vec<crate::Industry>;
    /// A library sector's seed keywords (`industry-slug/sector-slug`), by volume.
    SeedKeywordsPreview = "seed_keywords_preview"
        (SeedKeywordsPreviewArgs { seed_sector: String }) -> Vec<crate::SeedKeyword>;
    /// Create a site whose sectors are chosen sectors of an industry, each with its seed
    /// keywords (an import per sector).
    SiteCreateFromIndustry = "site_create_from_industry"
        (SiteCreateFromIndustryArgs { input: crate::NewSiteFromIndustry }) -> crate::SiteFromIndustry;
    /// Add a library sector's seed keywords to a site's sector (`None`: its first), as an
    /// import: duplicates are skipped.
    SeedKeywordsAdd = "seed_keywords_add" (SeedKeywordsAddArgs {
        site: SiteId,
        sector: Option<SectorId>,
        seed_sector: String,
    }) -> KeywordImportReport;
    /// Look for Ollama, LM Studio and llama.cpp's server at this device's addresses (about a
    /// second at most) and list their models.
    LocalServersDetect = "local_servers_detect" (NoArgs) -> Vec<crate::LocalServer>;
    /// Write with a local server's model: its address, the model at zero price, the default
    /// text model.
    LocalModelUse = "local_model_use"
        (LocalModelUseArgs { provider: String, base_url: String, model: String }) -> AiModel;

    // ---- Dashboard -----------------------------------------------------------------------------
    /// The start page: pipeline counts, next posts, last automation runs, credits and this
    /// month's spend, and the next step — of one site, or of every site (`site: None`). From
    /// local data only.
    DashboardGet = "dashboard_get" (DashboardGetArgs { site: Option<SiteId> }) -> crate::Dashboard;
}

/// Every change of the sync indicator the background sync reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncStatusChanged;

impl Event for SyncStatusChanged {
    const NAME: &'static str = "sync-status";
    type Payload = SyncUpdate;
}

/// A `folio://wordpress/authorized?…` link the browser handed back (the one-click connection);
/// the payload is that address, for [`WpAuthorizeComplete`]. It carries an application
/// password: pass it straight on, never keep it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WpAuthorized;

impl Event for WpAuthorized {
    const NAME: &'static str = "wp-authorized";
    type Payload = Secret;
}

/// Every step of every job of this window (started, progress, and the last one: finished,
/// failed or cancelled) — the one progress stream of the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobProgressed;

impl Event for JobProgressed {
    const NAME: &'static str = "job-progress";
    type Payload = JobProgress;
}

/// The person (or the system) asked to close the window: the shell holds the close until the
/// page has saved what it holds and answers [`WindowClose`] (or a moment has passed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowCloseRequested;

impl Event for WindowCloseRequested {
    const NAME: &'static str = "window-close-requested";
    type Payload = ();
}

/// Every event's name.
pub const EVENTS: &[&str] = &[
    SyncStatusChanged::NAME,
    WpAuthorized::NAME,
    JobProgressed::NAME,
    WindowCloseRequested::NAME,
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_snake_case() {
        let unique: BTreeSet<_> = COMMANDS.iter().collect();
        assert_eq!(unique.len(), COMMANDS.len(), "a command is declared twice");
        assert_eq!(COMMANDS.len(), 103);
        for name in COMMANDS {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name} is not snake_case (Tauri matches names exactly)"
            );
        }
        let events: BTreeSet<_> = EVENTS.iter().collect();
        assert_eq!(events.len(), EVENTS.len());
    }

    #[test]
    fn a_commands_type_is_its_name_in_camel_case() {
        for (ty, name) in DECLARED {
            let camel: String = name
                .split('_')
                .map(|word| word[..1].to_uppercase() + &word[1..])
                .collect();
            assert_eq!(*ty, camel, "rename the type of {name}");
        }
    }

    #[test]
    fn arguments_travel_as_the_shell_reads_them() {
        let args = ProviderTestArgs {
            provider: "openai".into(),
            base_url: None,
        };
        // `None` is sent as `null`, not dropped: every key the shell expects is there.
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            serde_json::json!({"provider": "openai", "base_url": null})
        );
        assert_eq!(
            serde_json::to_value(NoArgs {}).unwrap(),
            serde_json::json!({})
        );
        let back: WpAuthorizeCompleteArgs = serde_json::from_value(serde_json::json!({
            "site": "00000000-0000-7000-8000-000000000001",
            "returned_url": "folio://wordpress/authorized?password=x",
        }))
        .unwrap();
        assert_eq!(
            back.returned_url.expose(),
            "folio://wordpress/authorized?password=x"
        );
    }

    #[test]
    fn a_stage_travels_by_its_name() {
        let site: SiteId = "00000000-0000-7000-8000-000000000001".parse().unwrap();
        let args = PipelineRunArgs {
            stage: Stage::Writing,
            target: StageTarget::site(site),
        };
        let json = serde_json::to_value(&args).unwrap();
        assert_eq!(json["stage"], "writing");
        assert_eq!(json["target"]["tasks"], serde_json::json!([]));
        let back: PipelineRunArgs = serde_json::from_value(json).unwrap();
        assert_eq!(back, args);
    }

    #[test]
    fn secrets_are_plain_strings_on_the_wire_and_never_printed() {
        let args = AccountLoginArgs {
            server: "http://127.0.0.1:8787".into(),
            email: "a@b.example".into(),
            password: Secret::new("hunter2-long-password"),
            allow_insecure: false,
        };
        let json = serde_json::to_value(&args).unwrap();
        assert_eq!(json["password"], "hunter2-long-password");
        let printed = format!("{args:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("a@b.example"));
    }
}
