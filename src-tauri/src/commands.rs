//! The Tauri commands: one per core operation, registered against the typed contract in
//! `folio_model::ipc`.
//!
//! Each area file (`commands/<area>.rs`) holds plain async functions taking the `AppHandle` and
//! the contract's argument struct and answering the contract's reply; each parses its input,
//! calls one core operation and maps the error. The [`commands!`] list below binds every
//! function to its contract type and generates the `#[tauri::command]` that Tauri calls, so:
//! - the command's name is the function's name, and a name other than the contract's
//!   `Command::NAME` does not compile;
//! - the function must take `C::Args` and answer `C::Reply`, or the generated command does not
//!   compile;
//! - every command receives its arguments as one parameter named `args` (`{"args": {…}}` on
//!   the wire, as `ui/src/hooks/invoke.rs` sends them), written once, here.
//!
//! The test below checks that the shell registers every command of the contract and nothing
//! else.

pub mod account;
pub mod automation;
pub mod content;
pub mod dashboard;
pub mod editor;
pub mod first_run;
pub mod jobs;
pub mod keywords;
pub mod pipeline;
pub mod planner;
pub mod providers;
pub mod publisher;
pub mod review;
pub mod revisions;
pub mod sites;
pub mod usage;
pub mod window;
pub mod wordpress;

use crate::state::AppState;
use folio_core::Folio;
use folio_model::ipc::{self, Command};
use folio_model::ErrorDto;
use tauri::{AppHandle, Manager};

/// The open store (or why there is none) for a command.
fn folio(app: &AppHandle) -> Result<Folio, ErrorDto> {
    app.state::<AppState>().folio()
}

/// `a == b` at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `area::name => Contract` registers `area::name` as the command `ipc::Contract`.
macro_rules! commands {
    ($($area:ident::$name:ident => $contract:ident,)*) => {
        // The generated commands, named after their functions (Tauri's command name). Private
        // and in this module, beside the handler: Tauri's per-command helper macros are then
        // plain local macros.
        $(commands!(@command $area::$name => $contract);)*

        /// Tauri's invoke handler for every command below.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The names the shell registers.
        #[cfg(test)]
        const REGISTERED: &[&str] = &[$(stringify!($name)),*];

        $(const _: () = assert!(
            same(stringify!($name), <ipc::$contract as Command>::NAME),
            concat!(
                stringify!($area::$name), " is not the command ", stringify!($contract),
                ": name the function after the contract's NAME"
            )
        );)*
    };
    (@command $area:ident::$name:ident => $contract:ident) => {
        #[tauri::command]
        async fn $name(
            app: AppHandle,
            args: <ipc::$contract as Command>::Args,
        ) -> Result<<ipc::$contract as Command>::Reply, ErrorDto> {
            $area::$name(app, args).await
        }
    };
}

commands! {
    sites::site_list => SiteList,
    sites::site_create => SiteCreate,
    sites::site_get => SiteGet,
    sites::sector_add => SectorAdd,
    sites::sector_rename => SectorRename,
    sites::sector_remove => SectorRemove,
    sites::publishing_settings_get => PublishingSettingsGet,
    sites::publishing_settings_update => PublishingSettingsUpdate,
    keywords::keywords_list => KeywordsList,
    keywords::keywords_bulk => KeywordsBulk,
    keywords::keywords_pick_file => KeywordsPickFile,
    keywords::keywords_import => KeywordsImport,
    keywords::keywords_move => KeywordsMove,
    planner::clusters_list => ClustersList,
    planner::cluster_rename => ClusterRename,
    planner::clusters_merge => ClustersMerge,
    planner::ideas_list => IdeasList,
    planner::idea_update_outline => IdeaUpdateOutline,
    planner::idea_set_rejected => IdeaSetRejected,
    pipeline::pipeline_estimate => PipelineEstimate,
    pipeline::pipeline_run => PipelineRun,
    pipeline::pipeline_failures => PipelineFailures,
    pipeline::cluster_offline_preview => ClusterOfflinePreview,
    pipeline::cluster_offline => ClusterOffline,
    pipeline::ideas_duplicates => IdeasDuplicates,
    pipeline::keywords_similar => KeywordsSimilar,
    pipeline::tasks_list => TasksList,
    account::account_get => AccountGet,
    account::account_register => AccountRegister,
    account::account_login => AccountLogin,
    account::account_logout => AccountLogout,
    account::sync_now => SyncNow,
    providers::providers_list => ProvidersList,
    providers::provider_set_key => ProviderSetKey,
    providers::provider_remove_key => ProviderRemoveKey,
    providers::provider_set_url => ProviderSetUrl,
    providers::provider_test => ProviderTest,
    providers::models_list => ModelsList,
    providers::model_set_default => ModelSetDefault,
    providers::model_add => ModelAdd,
    providers::model_remove => ModelRemove,
    usage::usage_report => UsageReport,
    usage::usage_by_day => UsageByDay,
    usage::usage_top_content => UsageTopContent,
    usage::credit_balance => CreditBalance,
    wordpress::wp_integration => WpIntegration,
    wordpress::wp_connect => WpConnect,
    wordpress::wp_doctor => WpDoctor,
    wordpress::wp_sync => WpSync,
    wordpress::wp_disconnect => WpDisconnect,
    wordpress::wp_authorize_start => WpAuthorizeStart,
    wordpress::wp_authorize_complete => WpAuthorizeComplete,
    wordpress::wp_publish => WpPublish,
    wordpress::wp_unpublish => WpUnpublish,
    wordpress::wp_trash => WpTrash,
    wordpress::wp_records => WpRecords,
    wordpress::wp_open_post => WpOpenPost,
    content::content_list => ContentList,
    content::content_get => ContentGet,
    content::images_list => ImagesList,
    content::image_attach => ImageAttach,
    content::image_data => ImageData,
    content::image_remove => ImageRemove,
    content::content_quality => ContentQuality,
    content::content_cost => ContentCost,
    review::review_queue => ReviewQueue,
    review::review_approve => ReviewApprove,
    review::review_reject => ReviewReject,
    jobs::jobs_list => JobsList,
    jobs::jobs_cancel => JobsCancel,
    publisher::schedule_calendar => ScheduleCalendar,
    publisher::schedule_move => ScheduleMove,
    publisher::schedule_plan => SchedulePlan,
    automation::automation_status_get => AutomationStatusGet,
    automation::automation_config_update => AutomationConfigUpdate,
    automation::automation_estimate => AutomationEstimate,
    automation::automation_run => AutomationRun,
    automation::automation_pause => AutomationPause,
    automation::automation_cancel => AutomationCancel,
    automation::automation_runs => AutomationRuns,
    automation::automation_log => AutomationLog,
    revisions::content_revisions => ContentRevisions,
    revisions::content_revision_get => ContentRevisionGet,
    revisions::content_revision_restore => ContentRevisionRestore,
    revisions::section_estimate => SectionEstimate,
    revisions::section_regenerate => SectionRegenerate,
    editor::content_update => ContentUpdate,
    editor::content_quality_check => ContentQualityCheck,
    editor::content_term_choices => ContentTermChoices,
    editor::content_terms_set => ContentTermsSet,
    editor::review_submit => ReviewSubmit,
    editor::content_sections => ContentSections,
    window::app_ready => AppReady,
    window::window_close => WindowClose,
    first_run::first_run_state => FirstRunState,
    first_run::first_run_dismiss => FirstRunDismiss,
    first_run::industries_list => IndustriesList,
    first_run::seed_keywords_preview => SeedKeywordsPreview,
    first_run::site_create_from_industry => SiteCreateFromIndustry,
    first_run::seed_keywords_add => SeedKeywordsAdd,
    first_run::local_servers_detect => LocalServersDetect,
    first_run::local_model_use => LocalModelUse,
    dashboard::dashboard_get => DashboardGet,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_shell_registers_exactly_the_contracts_commands() {
        let registered: BTreeSet<&str> = REGISTERED.iter().copied().collect();
        let declared: BTreeSet<&str> = ipc::COMMANDS.iter().copied().collect();
        assert_eq!(
            registered.len(),
            REGISTERED.len(),
            "a command is registered twice"
        );
        let missing: Vec<_> = declared.difference(&registered).collect();
        assert!(
            missing.is_empty(),
            "declared in folio_model::ipc but not registered: {missing:?}"
        );
        let unknown: Vec<_> = registered.difference(&declared).collect();
        assert!(
            unknown.is_empty(),
            "registered but not in folio_model::ipc: {unknown:?}"
        );
    }

    #[test]
    fn names_are_compared_whole() {
        assert!(same("site_list", ipc::SiteList::NAME));
        assert!(!same("site_lis", ipc::SiteList::NAME));
    }
}
