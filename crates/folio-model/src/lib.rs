//! Folio's domain types and DTOs.
//!
//! This crate is compiled for the desktop core and for the wasm UI alike, so it must stay free of
//! tokio, sqlx, reqwest and anything else that does not build for `wasm32-unknown-unknown`.

pub mod account;
pub mod ai_config;
pub mod automation;
pub mod calendar;
pub mod dashboard;
pub mod error;
pub mod first_run;
pub mod ids;
pub mod ipc;
pub mod jobs;
pub mod keyword;
pub mod ledger;
pub mod pipeline;
pub mod planner;
pub mod provider;
pub mod publishing;
pub mod quality;
pub mod revision;
pub mod settings;
pub mod site;
pub mod status;
pub mod sync;
pub mod writer;

pub use account::{
    Account, CreditBalance, Module, ModuleSettings, NewUser, Plan, PlanLimits, Role, Subscription,
    SubscriptionId, SubscriptionStatus, User,
};
pub use ai_config::{
    AiModel, AiOperation, AuthorProfile, AuthorProfileId, CreditCost, ImageDimensions,
    ImageQuality, ImageSize, ImageStyle, ModelType, NewAuthorProfile, ProfileScope, PromptKind,
    PromptSource, QualityTier, ResolvedPrompt,
};
pub use automation::{
    AutomationEstimate, AutomationItem, AutomationRun, AutomationRunId, AutomationStage,
    AutomationStageEstimate, AutomationStatus, ItemOutcome, RunTrigger,
};
pub use calendar::{
    Calendar, CalendarPost, CalendarQuery, CalendarState, FreeSlot, MAX_CALENDAR_DAYS,
};
pub use dashboard::{
    Dashboard, DaySpend, MonthSpend, NextStep, PipelineCounts, SiteDashboard, UpcomingPost,
    DASHBOARD_NEXT_POSTS,
};
pub use error::{ErrorDto, ErrorKind};
pub use first_run::{FirstRunState, LocalServer, NewSiteFromIndustry, SiteFromIndustry};
pub use ids::{
    AccountId, ClusterId, ContentId, IdeaId, ImageId, ImportId, KeywordId, SectorId, SiteId,
    TaskId, TermId, UserId,
};
pub use jobs::{JobId, JobInfo, JobKind, JobPhase, JobProgress, JobScope};
pub use keyword::{
    Intent, KeywordBulkAction, KeywordFilter, KeywordFormat, KeywordImportReport, KeywordPage,
    KeywordQuery, KeywordRow, KeywordSort, KeywordSortField, RejectedRow, MAX_KEYWORD_PAGE,
};
pub use ledger::{
    parse_usage_date, usd, Affordability, CallOutcome, ContentUsage, CreditHold, CreditHoldId,
    DailySiteUsage, EstimateInput, LedgerEntry, LedgerEntryId, UsageFilter, UsageGroup,
    UsageRecord, UsageReport, UsageRow,
};
pub use pipeline::{
    DuplicateTopic, ItemFailure, OfflineClusterReport, SimilarKeyword, Stage, StageEstimate,
    StageFailure, StageReport, StageTarget, Threshold, ThresholdPreview,
};
pub use planner::{
    Cluster, ClusterSummary, ContentIdea, ContentStructure, ContentType, Industry, IndustrySector,
    NewCluster, NewIdea, OutlineSection, SectionFormat, SeedKeyword,
};
pub use provider::{KeyState, NewAiModel, ProviderCheck, ProviderInfo};
pub use publishing::{
    AutomationConfig, AutomationConfigUpdate, CheckOutcome, ConnectionStatus, DoctorCheck,
    DoctorReport, IntegrationId, IntegrationSync, IntegrationSyncStatus, PlannedPost, Platform,
    PostStatus, PublishAction, PublishDay, PublishOutcome, PublishRequest, PublishingRecord,
    PublishingRecordId, PublishingSettings, PublishingSettingsUpdate, RecordStatus, RemoteItem,
    ScheduledPost, SiteAccess, SiteIntegration, SiteStructure, SlotState, WpAuthorization,
    WpConnect,
};
pub use quality::{
    default_banned_phrases, QualityCheckKind, QualityFinding, QualityReport, DEFAULT_BANNED_PHRASES,
};
pub use revision::{ContentRevision, RevisionView, SectionRegenerated};
pub use settings::{
    AiSettings, EffectiveSetting, Resolved, SettingKey, SettingSource, SettingValue,
};
pub use site::{NewSite, Sector, Site, SiteList, MAX_SECTORS_PER_SITE};
pub use status::{
    transition, AutomationRunStatus, ClusterStatus, ContentStatus, IdeaStatus, ImageStatus,
    KeywordStatus, SiteStatus, Status, TaskStatus, TransitionError,
};
pub use sync::{AccountSession, AccountView, SyncReport, SyncStatus, SyncUpdate};
pub use writer::{
    AttachImage, Content, ContentFilter, ContentSummary, ContentUpdate, Image, ImageResult,
    ImageType, NewContent, NewImage, NewTask, ReviewItem, SiteStatusChange, Task, TaskContent,
    TaxonomyType, Term, TermChoice, TermName,
};
