//! The content pipeline's stages: `folio cluster`, `folio ideas generate`, `folio queue`,
//! `folio write`, `folio images`, and `folio failures` (why items failed, on this device).
//!
//! An AI stage prints its estimate first (with `--estimate` it stops there), then runs as a job
//! with a progress bar on a terminal and Ctrl-C cancelling it, then prints what it did. A run
//! with failed items exits 1, a cancelled one 130 — after printing what it finished.

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, Failure};
use crate::JsonFlag;
use clap::Args;
use folio_core::Folio;
use folio_model::{
    usd, ClusterId, ContentId, ErrorDto, ErrorKind, IdeaId, SectorId, SiteId, Stage, StageEstimate,
    StageFailure, StageReport, StageTarget, TaskId,
};

/// What every AI stage takes besides its target.
#[derive(Args)]
pub struct RunFlags {
    /// Print what the run would cost (items, calls, credits, USD, model, credits left) and stop.
    #[arg(long)]
    estimate: bool,
    /// Stop at the first failed item instead of going on with the rest.
    #[arg(long)]
    stop_on_error: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args)]
pub struct ClusterArgs {
    /// The site whose new keywords are clustered.
    #[arg(long)]
    site: SiteId,
    /// Only this sector's keywords (default: every sector of the site).
    #[arg(long)]
    sector: Option<SectorId>,
    /// Cluster on this computer instead of with AI: free, offline, in seconds (the model comes
    /// with setup). New keywords join existing clusters or form new ones; yours stay as they are.
    #[arg(long, conflicts_with_all = ["estimate", "stop_on_error"])]
    offline: bool,
    /// With --offline: how tight clusters are, a cosine distance (0.3 tight … 0.7 loose;
    /// default 0.5).
    #[arg(long, requires = "offline", value_name = "DISTANCE")]
    threshold: Option<f32>,
    /// With --offline: print how many clusters each threshold would give, and stop.
    #[arg(long, requires = "offline", conflicts_with = "threshold")]
    preview: bool,
    #[command(flatten)]
    pub run: RunFlags,
}

#[derive(Args)]
#[group(id = "ideas_target", required = true, multiple = true, args = ["site", "clusters"])]
pub struct IdeasArgs {
    /// Every cluster of the site without ideas yet.
    #[arg(long)]
    site: Option<SiteId>,
    /// Only this sector's clusters.
    #[arg(long, requires = "site")]
    sector: Option<SectorId>,
    /// A cluster to plan ideas for; repeat for more.
    #[arg(long = "cluster", value_name = "CLUSTER_ID")]
    clusters: Vec<ClusterId>,
    #[command(flatten)]
    pub run: RunFlags,
}

#[derive(Args)]
#[group(id = "queue_target", required = true, multiple = true, args = ["site", "ideas", "clusters"])]
pub struct QueueArgs {
    /// Every new, not rejected idea of the site.
    #[arg(long)]
    site: Option<SiteId>,
    /// Only this sector's ideas.
    #[arg(long, requires = "site")]
    sector: Option<SectorId>,
    /// An idea to queue; repeat for more (a named idea is queued even if it was rejected).
    #[arg(long = "idea", value_name = "IDEA_ID")]
    ideas: Vec<IdeaId>,
    /// Every new, not rejected idea of this cluster; repeat for more.
    #[arg(long = "cluster", value_name = "CLUSTER_ID")]
    clusters: Vec<ClusterId>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args)]
#[group(id = "write_target", required = true, multiple = true, args = ["site", "tasks"])]
pub struct WriteArgs {
    /// Every queued task of the site.
    #[arg(long)]
    site: Option<SiteId>,
    /// Only this sector's tasks.
    #[arg(long, requires = "site")]
    sector: Option<SectorId>,
    /// A task to write; repeat for more.
    #[arg(long = "task", value_name = "TASK_ID")]
    tasks: Vec<TaskId>,
    #[command(flatten)]
    pub run: RunFlags,
}

#[derive(Args)]
#[group(id = "images_target", required = true, multiple = true, args = ["site", "contents"])]
pub struct ImagesArgs {
    /// Every unpublished article of the site that has no image yet.
    #[arg(long)]
    site: Option<SiteId>,
    /// Only this sector's articles.
    #[arg(long, requires = "site")]
    sector: Option<SectorId>,
    /// An article to make (its missing) images for; repeat for more.
    #[arg(long = "content", value_name = "CONTENT_ID")]
    contents: Vec<ContentId>,
    #[command(flatten)]
    pub run: RunFlags,
}

#[derive(Args)]
pub struct FailuresArgs {
    /// Only this stage's failures: clustering, ideas, writing or images.
    #[arg(long)]
    stage: Option<Stage>,
    /// Show the model's last answer under each failure (in JSON: the `raw_answer` field).
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// `folio cluster`.
pub async fn cluster(folio: &Folio, args: ClusterArgs) -> Result<(), Failure> {
    if args.offline {
        return cluster_offline(folio, &args).await;
    }
    let mut target = StageTarget::site(args.site);
    target.sector = args.sector;
    run_ai_stage(folio, Stage::Clustering, target, &args.run).await
}

/// `folio cluster --offline`: a preview of thresholds, or a run (a job: progress, Ctrl-C).
async fn cluster_offline(folio: &Folio, args: &ClusterArgs) -> Result<(), Failure> {
    let json = args.run.json.json;
    if args.preview {
        let preview = folio
            .preview_offline_clustering(args.site, args.sector)
            .await?;
        if json {
            return print_json(&serde_json::json!({ "preview": preview }));
        }
        println!("threshold  clusters  keywords alone");
        for p in &preview {
            println!("{:>9.2}  {:>8}  {:>14}", p.threshold, p.clusters, p.alone);
        }
        return Ok(());
    }
    let report = with_progress(
        folio,
        json,
        folio.cluster_offline(args.site, args.sector, args.threshold),
    )
    .await?;
    if json {
        print_json(&serde_json::json!({ "report": report }))?;
    } else {
        println!(
            "{} of {} placed offline at {:.2}: {} in {} new cluster(s), {} joined existing clusters; {} left new (close to nothing else). Free: no provider was called.",
            report.mapped,
            count(report.keywords, "new keyword", "new keywords"),
            report.threshold,
            report.mapped - report.joined_existing,
            report.created.len(),
            report.joined_existing,
            report.unclustered,
        );
        println!("See them with: folio clusters list --site {}", args.site);
    }
    if report.cancelled {
        return Err(Failure::Cancelled(format!(
            "cancelled; {} placed before the cancel {} kept",
            count(report.mapped, "keyword", "keywords"),
            if report.mapped == 1 { "is" } else { "are" }
        )));
    }
    Ok(())
}

/// `folio ideas generate`.
pub async fn ideas(folio: &Folio, args: IdeasArgs) -> Result<(), Failure> {
    let site = match (args.site, args.clusters.first()) {
        (Some(site), _) => site,
        (None, Some(c)) => folio.get_cluster(*c).await?.site_id,
        (None, None) => return Err(missing_target("--site or --cluster")),
    };
    let mut target = StageTarget::site(site);
    target.sector = args.sector;
    target.clusters = args.clusters;
    run_ai_stage(folio, Stage::Ideas, target, &args.run).await
}

/// `folio write`.
pub async fn write(folio: &Folio, args: WriteArgs) -> Result<(), Failure> {
    let site = match (args.site, args.tasks.first()) {
        (Some(site), _) => site,
        (None, Some(t)) => folio.get_task(*t).await?.site_id,
        (None, None) => return Err(missing_target("--site or --task")),
    };
    let mut target = StageTarget::site(site);
    target.sector = args.sector;
    target.tasks = args.tasks;
    run_ai_stage(folio, Stage::Writing, target, &args.run).await
}

/// `folio images`.
pub async fn images(folio: &Folio, args: ImagesArgs) -> Result<(), Failure> {
    let site = match (args.site, args.contents.first()) {
        (Some(site), _) => site,
        (None, Some(c)) => folio.get_content(*c).await?.site_id,
        (None, None) => return Err(missing_target("--site or --content")),
    };
    let mut target = StageTarget::site(site);
    target.sector = args.sector;
    target.contents = args.contents;
    run_ai_stage(folio, Stage::Images, target, &args.run).await
}

/// `folio queue`: local and free, so no estimate and no job.
pub async fn queue(folio: &Folio, args: QueueArgs) -> Result<(), Failure> {
    let site = match (args.site, args.ideas.first(), args.clusters.first()) {
        (Some(site), _, _) => site,
        (None, Some(i), _) => folio.get_idea(*i).await?.site_id,
        (None, None, Some(c)) => folio.get_cluster(*c).await?.site_id,
        (None, None, None) => return Err(missing_target("--site, --idea or --cluster")),
    };
    let mut target = StageTarget::site(site);
    target.sector = args.sector;
    target.ideas = args.ideas;
    target.clusters = args.clusters;
    let report = folio.run_stage(Stage::Queue, target).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "report": report }));
    }
    println!(
        "Queued {} for writing; {} already queued or written.",
        count(report.done, "idea", "ideas"),
        report.skipped
    );
    if report.done > 0 {
        println!("Write them with: folio write --site {site}");
    }
    Ok(())
}

/// Estimate, then (unless `--estimate`) run with progress and print the report.
async fn run_ai_stage(
    folio: &Folio,
    stage: Stage,
    mut target: StageTarget,
    flags: &RunFlags,
) -> Result<(), Failure> {
    target.stop_on_error = flags.stop_on_error;
    let site = target.site;
    let estimate = folio.estimate_stage(stage, &target).await?;
    let json = flags.json.json;
    if !json {
        print_estimate(&estimate);
    }
    if flags.estimate {
        if json {
            return print_json(&serde_json::json!({ "estimate": estimate_json(&estimate)? }));
        }
        return Ok(());
    }
    // Core checks the balance again when the run starts and refuses it if it does not cover
    // the estimate (exit 2, nothing spent).
    let report = with_progress(folio, json, folio.run_stage(stage, target)).await?;
    if json {
        print_json(&serde_json::json!({
            "estimate": estimate_json(&estimate)?,
            "report": report,
        }))?;
    } else {
        print_report(stage, site, &report);
    }
    outcome(&report)
}

/// The estimate as JSON, with whether the balance covers it.
fn estimate_json(estimate: &StageEstimate) -> Result<serde_json::Value, Failure> {
    let mut value = serde_json::to_value(estimate).map_err(|e| Failure::Other(e.into()))?;
    value["affordable"] = estimate.affordable().into();
    Ok(value)
}

/// The exit status of a finished run: cancelled 130, failed items 1.
fn outcome(report: &StageReport) -> Result<(), Failure> {
    let finished = report.done + report.skipped;
    if report.cancelled {
        return Err(Failure::Cancelled(format!(
            "cancelled; {} finished before the cancel {} kept",
            count(finished, "item", "items"),
            if finished == 1 { "is" } else { "are" }
        )));
    }
    if !report.failed.is_empty() {
        return Err(Failure::Reported(format!(
            "{} of {} failed",
            report.failed.len(),
            count(finished + report.failed.len() as u64, "item", "items")
        )));
    }
    Ok(())
}

/// Clap requires one of the target flags already; this is the same message should it not.
fn missing_target(what: &str) -> Failure {
    Failure::Core(ErrorDto::new(
        ErrorKind::Validation,
        format!("say what to work on: {what}"),
    ))
}

pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a stage's items are.
fn items(stage: Stage, n: u64) -> String {
    match stage {
        Stage::Clustering => count(n, "keyword", "keywords"),
        Stage::Ideas => count(n, "cluster", "clusters"),
        Stage::Queue => count(n, "idea", "ideas"),
        Stage::Writing => count(n, "task", "tasks"),
        Stage::Images => count(n, "article", "articles"),
    }
}

fn print_estimate(e: &StageEstimate) {
    println!(
        "{}: {} in {} with {}",
        e.stage.label(),
        items(e.stage, e.items),
        count(e.calls, "call", "calls"),
        if e.model.is_empty() { "-" } else { &e.model }
    );
    println!(
        "  estimate:  at most {} credits (about ${})",
        e.credits,
        usd(e.usd)
    );
    match e.available {
        None => println!("  available: no limit"),
        Some(a) if e.affordable() => println!("  available: {}", count(a, "credit", "credits")),
        Some(a) => println!(
            "  available: {}, not enough: add credits or run the stage on fewer items",
            count(a, "credit", "credits")
        ),
    }
}

fn print_report(stage: Stage, site: SiteId, r: &StageReport) {
    println!(
        "{}: {} done, {} skipped (finished before), {} failed; spent {} credits (${}).",
        if r.cancelled {
            "Cancelled"
        } else {
            stage.label()
        },
        r.done,
        r.skipped,
        r.failed.len(),
        r.credits,
        usd(r.usd)
    );
    if !r.failed.is_empty() {
        println!("Failed:");
        for f in &r.failed {
            println!("  \u{201c}{}\u{201d} ({}): {}", f.label, f.item, f.reason);
        }
        println!(
            "The model's answers: folio failures --stage {} --raw",
            stage.as_str()
        );
    }
    if r.cancelled {
        println!("Finished items are kept; run the command again to go on.");
        return;
    }
    let next = match stage {
        Stage::Clustering => Some(format!(
            "See the clusters: folio clusters list --site {site}; plan articles: folio ideas generate --site {site}"
        )),
        Stage::Ideas => Some(format!(
            "Review them: folio ideas list --site {site}; queue them: folio queue --site {site}"
        )),
        Stage::Writing => Some(format!(
            "See the articles: folio content list --site {site}; add images: folio images --site {site}"
        )),
        Stage::Queue | Stage::Images => None,
    };
    if let (Some(next), true) = (next, r.done > 0) {
        println!("{next}");
    }
}

/// `folio failures`.
pub async fn failures(folio: &Folio, args: FailuresArgs) -> Result<(), Failure> {
    let list = folio.stage_failures(args.stage).await?;
    if args.json.json {
        let mut value = serde_json::to_value(&list).map_err(|e| Failure::Other(e.into()))?;
        if !args.raw {
            if let Some(items) = value.as_array_mut() {
                for item in items {
                    if let Some(obj) = item.as_object_mut() {
                        obj.remove("raw_answer");
                    }
                }
            }
        }
        return print_json(&serde_json::json!({ "items": value }));
    }
    if list.is_empty() {
        println!("No failed items recorded on this device.");
        return Ok(());
    }
    for (i, f) in list.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print_failure(f, args.raw);
    }
    if !args.raw && list.iter().any(|f| f.raw_answer.is_some()) {
        println!();
        println!("Add --raw to see the model's answers.");
    }
    Ok(())
}

fn print_failure(f: &StageFailure, raw: bool) {
    println!(
        "{}  {}  {}  {}",
        f.at.format("%Y-%m-%d %H:%M:%S UTC"),
        f.stage,
        f.item,
        f.label
    );
    println!("  reason: {}", f.reason);
    if raw {
        match &f.raw_answer {
            Some(answer) => {
                println!("  raw answer:");
                for line in answer.lines() {
                    println!("    {line}");
                }
            }
            None => println!("  raw answer: (none: the call itself failed)"),
        }
    }
}
