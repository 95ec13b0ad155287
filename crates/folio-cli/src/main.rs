//! `folio`: Folio from the command line, on the same data directory as the desktop app.
//!
//! Each subcommand parses its arguments, calls one folio-core operation and prints the result,
//! as text for people or as JSON with `--json`.

mod account_cmd;
mod automation_cmd;
mod cluster_cmd;
mod content_cmd;
mod credits_cmd;
mod dashboard_cmd;
mod idea_cmd;
mod jobs_cmd;
mod keyword_cmd;
mod output;
mod pipeline_cmd;
mod provider_cmd;
mod review_cmd;
mod revision_cmd;
mod schedule_cmd;
mod settings_cmd;
mod site_cmd;
mod usage_cmd;
mod wp_cmd;

use clap::{Args, Parser, Subcommand};
use folio_core::{logging, paths, CoreError, Folio};
use output::{fail, Failure};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Folio: keyword research to published WordPress articles"
)]
struct Cli {
    /// The data directory (default: FOLIO_DATA_DIR, else the OS app-data directory, shared with the desktop app).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The start page: the pipeline's counts, next posts, last automation runs, credits,
    /// this month's spend and the next step — of one site (--site) or every site.
    Dashboard(dashboard_cmd::DashboardArgs),
    /// Sites: the WordPress sites you write for.
    #[command(subcommand)]
    Site(site_cmd::SiteCommand),
    /// Keywords: import exports, list, filter and change them in bulk.
    #[command(subcommand)]
    Keywords(keyword_cmd::KeywordCommand),
    /// Cluster a site's new keywords with AI (prints the estimate first; --estimate stops there).
    Cluster(pipeline_cmd::ClusterArgs),
    /// Clusters: list them, see their keywords, rename, merge, move keywords between them.
    #[command(subcommand)]
    Clusters(cluster_cmd::ClusterCommand),
    /// Ideas: generate them from clusters with AI, list, show, edit outlines, approve, reject.
    #[command(subcommand)]
    Ideas(idea_cmd::IdeaCommand),
    /// Queue ideas for writing (local and free): each becomes a task with its brief frozen.
    Queue(pipeline_cmd::QueueArgs),
    /// Write queued tasks into articles with AI, section by section.
    Write(pipeline_cmd::WriteArgs),
    /// Make articles' images with AI: prompts from their sections, then the images.
    Images(pipeline_cmd::ImagesArgs),
    /// Why pipeline items failed on this device, with the model's last answer (--raw).
    Failures(pipeline_cmd::FailuresArgs),
    /// Content: articles of a site.
    #[command(subcommand)]
    Content(content_cmd::ContentCommand),
    /// Your account on a sync server: register, log in, invite people.
    #[command(subcommand)]
    Account(account_cmd::AccountCommand),
    /// Sync this device with the server: one round (exits when in sync), or --watch.
    Sync(account_cmd::SyncArgs),
    /// AI providers: API keys (kept in the OS keychain), addresses, connection tests.
    #[command(subcommand)]
    Provider(provider_cmd::ProviderCommand),
    /// The AI model registry: prices, credits, defaults, models you add.
    #[command(subcommand)]
    Model(provider_cmd::ModelCommand),
    /// AI settings (temperature, max tokens, images) for the account or one site.
    #[command(subcommand)]
    Settings(settings_cmd::SettingsCommand),
    /// AI usage from the credit ledger: calls, tokens, images, cost and credits, grouped.
    Usage(usage_cmd::UsageArgs),
    /// Credits left (plan and bonus, or a local account's monthly budget); set the budget.
    Credits(credits_cmd::CreditsArgs),
    /// WordPress: connect a site, the site doctor, its structure, publish articles.
    #[command(subcommand)]
    Wp(wp_cmd::WpCommand),
    /// Publishing slots: the site's days, times, timezone and limits, and the scheduler that
    /// gives approved articles their slots.
    #[command(subcommand)]
    Schedule(schedule_cmd::ScheduleCommand),
    /// The review queue: articles waiting for a person's approval, with their quality gate.
    #[command(subcommand)]
    Review(review_cmd::ReviewCommand),
    /// Automation: a site's seven stages unattended — config, runs (resumable), the run log
    /// and the daemon that runs schedules.
    #[command(subcommand)]
    Automation(automation_cmd::AutomationCommand),
    /// Long work running on this data directory (imports, pipeline stages, publishing, provider tests).
    #[command(subcommand)]
    Jobs(jobs_cmd::JobsCommand),
}

impl Command {
    fn json(&self) -> bool {
        match self {
            Command::Dashboard(a) => a.json.json,
            Command::Site(c) => c.json(),
            Command::Keywords(c) => c.json(),
            Command::Cluster(a) => a.run.json.json,
            Command::Clusters(c) => c.json(),
            Command::Ideas(c) => c.json(),
            Command::Queue(a) => a.json.json,
            Command::Write(a) => a.run.json.json,
            Command::Images(a) => a.run.json.json,
            Command::Failures(a) => a.json.json,
            Command::Content(c) => c.json(),
            Command::Account(c) => c.json(),
            Command::Sync(a) => a.json.json,
            Command::Provider(c) => c.json(),
            Command::Model(c) => c.json(),
            Command::Settings(c) => c.json(),
            Command::Usage(a) => a.json.json,
            Command::Credits(a) => a.json,
            Command::Wp(c) => c.json(),
            Command::Schedule(c) => c.json(),
            Command::Review(c) => c.json(),
            Command::Automation(c) => c.json(),
            Command::Jobs(c) => c.json(),
        }
    }
}

/// `--json`, shared by every command.
#[derive(Args, Clone, Copy)]
pub struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.command.json();
    let data_dir = match paths::resolve_data_dir(cli.data_dir.clone()) {
        Ok(d) => d,
        Err(e) => return fail(&e.into(), json),
    };
    let _log = match logging::init(&data_dir, "warn") {
        Ok(g) => Some(g),
        Err(e) => {
            // Logging is a convenience; the command itself can still run.
            eprintln!("warning: {e}");
            None
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&Failure::Other(e.into()), json),
    };
    match runtime.block_on(run(cli.command, data_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(&f, json),
    }
}

async fn run(command: Command, data_dir: PathBuf) -> Result<(), Failure> {
    let folio = Folio::open(&data_dir).await?;
    let result = match command {
        Command::Dashboard(a) => dashboard_cmd::run(&folio, a).await,
        Command::Site(c) => site_cmd::run(&folio, c).await,
        Command::Keywords(c) => keyword_cmd::run(&folio, c).await,
        Command::Cluster(a) => pipeline_cmd::cluster(&folio, a).await,
        Command::Clusters(c) => cluster_cmd::run(&folio, c).await,
        Command::Ideas(c) => idea_cmd::run(&folio, c).await,
        Command::Queue(a) => pipeline_cmd::queue(&folio, a).await,
        Command::Write(a) => pipeline_cmd::write(&folio, a).await,
        Command::Images(a) => pipeline_cmd::images(&folio, a).await,
        Command::Failures(a) => pipeline_cmd::failures(&folio, a).await,
        Command::Content(c) => content_cmd::run(&folio, c).await,
        Command::Account(c) => account_cmd::run(&folio, c).await,
        Command::Sync(a) => account_cmd::sync(&folio, a).await,
        Command::Provider(c) => provider_cmd::run(&folio, c).await,
        Command::Model(c) => provider_cmd::run_model(&folio, c).await,
        Command::Settings(c) => settings_cmd::run(&folio, c).await,
        Command::Usage(a) => usage_cmd::run(&folio, a).await,
        Command::Credits(a) => credits_cmd::run(&folio, a).await,
        Command::Wp(c) => wp_cmd::run(&folio, c).await,
        Command::Schedule(c) => schedule_cmd::run(&folio, c).await,
        Command::Review(c) => review_cmd::run(&folio, c).await,
        Command::Automation(c) => automation_cmd::run(&folio, c).await,
        Command::Jobs(c) => jobs_cmd::run(&folio, c).await,
    };
    folio.close().await;
    result
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e.to_dto())
    }
}
