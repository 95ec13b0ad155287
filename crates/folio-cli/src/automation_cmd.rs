//! `folio automation …`: a site's automation — its config, a run in the foreground (progress,
//! Ctrl-C pauses), pause/resume/cancel from another terminal, the run log, and the daemon that
//! runs every active site's schedule.

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{
    AutomationConfig, AutomationConfigUpdate, AutomationEstimate, AutomationRun, AutomationRunId,
    AutomationRunStatus, RunTrigger, SiteId,
};

#[derive(Subcommand)]
pub enum AutomationCommand {
    /// Show or change the site's automation config.
    Config(ConfigArgs),
    /// Run the site's automation in the foreground until it completes or pauses: its paused or
    /// interrupted run resumes where it stopped, else a new run starts (when the credits cover
    /// 1.2× its estimate). Ctrl-C pauses it.
    Run(RunArgs),
    /// The site's newest run and where it is.
    Status(SiteArgs),
    /// Pause the site's run (the process running it stops after the items in flight).
    Pause(SiteArgs),
    /// Resume the site's paused run in the foreground (the same as `run`).
    Resume(SiteArgs),
    /// Cancel the site's run: it is never resumed; finished items stay.
    Cancel(SiteArgs),
    /// A run's item log (default: the site's newest run).
    Log(LogArgs),
    /// Run every active site's automation schedule until stopped (Ctrl-C), for servers
    /// without cron.
    Daemon(DaemonArgs),
}

impl AutomationCommand {
    pub fn json(&self) -> bool {
        match self {
            AutomationCommand::Config(a) => a.json.json,
            AutomationCommand::Run(a) => a.json.json,
            AutomationCommand::Status(a)
            | AutomationCommand::Pause(a)
            | AutomationCommand::Resume(a)
            | AutomationCommand::Cancel(a) => a.json.json,
            AutomationCommand::Log(a) => a.json.json,
            AutomationCommand::Daemon(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct SiteArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ConfigArgs {
    #[arg(long)]
    site: SiteId,
    /// on or off: the site's schedule runs.
    #[arg(long, value_parser = on_off)]
    active: Option<bool>,
    /// New keywords clustered per run.
    #[arg(long)]
    clustering_limit: Option<i64>,
    /// Clusters turned into ideas per run.
    #[arg(long)]
    ideas_limit: Option<i64>,
    /// Articles written per run.
    #[arg(long)]
    content_limit: Option<i64>,
    /// Images made per run.
    #[arg(long)]
    image_limit: Option<i64>,
    /// Articles scheduled on WordPress per run.
    #[arg(long)]
    publish_limit: Option<i64>,
    /// Seconds to wait between two operations.
    #[arg(long)]
    delay: Option<i64>,
    /// Seconds a run may take before it pauses (60–86400).
    #[arg(long)]
    max_runtime: Option<i64>,
    /// on or off: articles whose quality gate passed are approved without a person.
    #[arg(long, value_parser = on_off)]
    auto_approve: Option<bool>,
    /// on or off: approved articles are scheduled into the site's publishing slots.
    #[arg(long, value_parser = on_off)]
    auto_publish: Option<bool>,
    /// on or off: the first failed item stops the run (provider trouble pauses it anyway).
    #[arg(long, value_parser = on_off)]
    stop_on_error: Option<bool>,
    /// Days the schedule runs on, e.g. mon,wed,fri (empty: no schedule).
    #[arg(long, value_delimiter = ',')]
    schedule_days: Option<Vec<String>>,
    /// HH:MM in the site's timezone ("" turns the schedule off).
    #[arg(long)]
    schedule_time: Option<String>,
    /// Credits one run may spend at most (0: no cap).
    #[arg(long)]
    run_credit_cap: Option<i64>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct RunArgs {
    #[arg(long)]
    site: SiteId,
    /// Print what a run would cost and whether it may start, and stop there.
    #[arg(long)]
    estimate: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct LogArgs {
    #[arg(long)]
    site: SiteId,
    /// A run of the site (default: its newest).
    #[arg(long)]
    run: Option<AutomationRunId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct DaemonArgs {
    #[command(flatten)]
    json: JsonFlag,
}

fn on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(format!("{other:?}: use on or off")),
    }
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn show_config(c: &AutomationConfig) {
    println!(
        "per run: {} keywords clustered, {} clusters → ideas, {} articles, {} images, {} posts scheduled",
        c.clustering_limit, c.ideas_limit, c.content_limit, c.image_limit, c.publish_limit
    );
    println!(
        "delay {} s between operations, at most {} s a run{}",
        c.delay_between_operations_secs,
        c.max_runtime_secs,
        c.run_credit_cap
            .map(|cap| format!(", at most {cap} credits a run"))
            .unwrap_or_default()
    );
    println!(
        "auto-approve {}, auto-publish {}, stop on error {}",
        on(c.auto_approve),
        on(c.auto_publish),
        on(c.stop_on_error)
    );
    match (&c.schedule_time, c.schedule_days.is_empty()) {
        (Some(t), false) => println!(
            "schedule: {} at {t} (site's timezone), {}",
            c.schedule_days
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(","),
            if c.is_active { "active" } else { "inactive" }
        ),
        _ => println!("schedule: none"),
    }
}

fn show_estimate(e: &AutomationEstimate) {
    for s in &e.stages {
        if s.credits > 0 {
            println!(
                "  {:<11} {:>5} items  {:>7} credits",
                s.stage, s.items, s.credits
            );
        }
    }
    println!(
        "estimate: {} credits; a run starts when {} (1.2×) are available: {}",
        e.credits,
        e.required,
        match e.available {
            Some(a) => format!("{a} available"),
            None => "no limit".into(),
        }
    );
}

fn show_run(r: &AutomationRun) {
    println!(
        "run {} — {}{}",
        r.id,
        r.status,
        r.stage
            .map(|s| format!(", stage {s} ({}/7)", stage_number(s)))
            .unwrap_or_default()
    );
    println!(
        "{}/{} items, {} credits spent (estimated {}), started {} by {}",
        r.items_processed,
        r.items_total,
        r.credits_spent,
        r.credits_estimated,
        r.started_at.format("%Y-%m-%d %H:%M UTC"),
        r.started_by
    );
    if let Some(reason) = &r.reason {
        println!("{reason}");
    }
}

fn stage_number(s: folio_model::AutomationStage) -> usize {
    folio_model::AutomationStage::ALL
        .iter()
        .position(|x| *x == s)
        .map_or(0, |i| i + 1)
}

pub async fn run(folio: &Folio, command: AutomationCommand) -> Result<(), Failure> {
    match command {
        AutomationCommand::Config(a) => {
            let update = AutomationConfigUpdate {
                is_active: a.active,
                clustering_limit: a.clustering_limit,
                ideas_limit: a.ideas_limit,
                content_limit: a.content_limit,
                image_limit: a.image_limit,
                publish_limit: a.publish_limit,
                delay_between_operations_secs: a.delay,
                max_runtime_secs: a.max_runtime,
                auto_approve: a.auto_approve,
                auto_publish: a.auto_publish,
                stop_on_error: a.stop_on_error,
                schedule_days: a.schedule_days,
                schedule_time: a.schedule_time,
                run_credit_cap: a.run_credit_cap,
            };
            let config = if update == AutomationConfigUpdate::default() {
                folio.automation_config(a.site).await?
            } else {
                folio.update_automation_config(a.site, update).await?
            };
            if a.json.json {
                return print_json(&config);
            }
            show_config(&config);
            Ok(())
        }
        AutomationCommand::Run(a) => run_now(folio, a.site, a.estimate, a.json.json).await,
        AutomationCommand::Resume(a) => run_now(folio, a.site, false, a.json.json).await,
        AutomationCommand::Status(a) => {
            let status = folio.automation_status(a.site).await?;
            if a.json.json {
                return print_json(&status);
            }
            match &status.run {
                Some(r) => show_run(r),
                None => println!("no run yet"),
            }
            if status.active {
                println!("running now (in this or another process)");
            }
            if let Some(next) = status.next_scheduled {
                println!("next scheduled run: {}", next.format("%Y-%m-%d %H:%M UTC"));
            }
            Ok(())
        }
        AutomationCommand::Pause(a) => stop(folio.automation_pause(a.site).await?, a.json.json),
        AutomationCommand::Cancel(a) => stop(folio.automation_cancel(a.site).await?, a.json.json),
        AutomationCommand::Log(a) => {
            let run = match a.run {
                Some(r) => r,
                None => match folio.automation_runs(a.site).await?.first() {
                    Some(r) => r.id,
                    None => {
                        return Err(Failure::Other(anyhow::anyhow!(
                            "the site has no automation run yet; start one with: folio automation run --site {}",
                            a.site
                        )))
                    }
                },
            };
            let log = folio.automation_log(run).await?;
            if a.json.json {
                return print_json(&log);
            }
            let rows: Vec<Vec<String>> = log
                .iter()
                .map(|i| {
                    vec![
                        i.stage.to_string(),
                        if i.label.is_empty() {
                            i.item.clone()
                        } else {
                            i.label.clone()
                        },
                        i.outcome.to_string(),
                        i.credits.to_string(),
                        i.reason.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print_table(&["STAGE", "ITEM", "OUTCOME", "CREDITS", "REASON"], &rows);
            Ok(())
        }
        AutomationCommand::Daemon(a) => daemon(folio, a.json.json).await,
    }
}

fn stop(run: Option<AutomationRun>, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(&run);
    }
    match run {
        Some(r) => show_run(&r),
        None => println!("the site has no automation run"),
    }
    Ok(())
}

async fn run_now(
    folio: &Folio,
    site: SiteId,
    estimate_only: bool,
    json: bool,
) -> Result<(), Failure> {
    let latest = folio.automation_status(site).await?.run;
    let resuming = latest.as_ref().is_some_and(AutomationRun::resumable);
    if !resuming || estimate_only {
        let estimate = folio.automation_estimate(site).await?;
        if estimate_only {
            if json {
                return print_json(&estimate);
            }
            show_estimate(&estimate);
            return Ok(());
        }
        if !json {
            show_estimate(&estimate);
        }
    } else if !json {
        println!("resuming the site's run where it stopped");
    }
    let run = with_progress(folio, json, folio.automation_run(site, RunTrigger::Manual)).await?;
    if json {
        print_json(&run)?;
    } else {
        show_run(&run);
    }
    match run.status {
        AutomationRunStatus::Completed => Ok(()),
        AutomationRunStatus::Paused => Err(Failure::Cancelled(format!(
            "paused: {}; resume with: folio automation resume --site {site}",
            run.reason.unwrap_or_default()
        ))),
        _ => Err(Failure::Other(anyhow::anyhow!(
            "the run {}: {}",
            run.status,
            run.reason.unwrap_or_default()
        ))),
    }
}

async fn daemon(folio: &Folio, json: bool) -> Result<(), Failure> {
    if !json {
        eprintln!(
            "running every active site's automation schedule; Ctrl-C stops (a run in progress pauses)"
        );
    }
    let stop = folio_core::CancellationToken::new();
    let watch = stop.clone();
    let jobs = folio.jobs().clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            watch.cancel();
            jobs.cancel_all();
        }
    });
    folio.automation_daemon(stop).await;
    Ok(())
}
