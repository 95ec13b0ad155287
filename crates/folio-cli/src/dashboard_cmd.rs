//! `folio dashboard [--site S] [--json]`: the app's start page on the command line — the
//! pipeline's counts, the next scheduled posts, each site's last automation run, the credits and
//! this month's spend, and the next step with the command that takes it.

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::Args;
use folio_core::Folio;
use folio_model::{Dashboard, NextStep, SiteId};

#[derive(Args)]
pub struct DashboardArgs {
    /// One site; every site of the account without it.
    #[arg(long)]
    site: Option<SiteId>,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub async fn run(folio: &Folio, args: DashboardArgs) -> Result<(), Failure> {
    let dashboard = folio.dashboard(args.site).await?;
    if args.json.json {
        return print_json(&dashboard);
    }
    print_text(&dashboard);
    Ok(())
}

/// The command that takes the step (`SITE` where the step spans several sites).
fn command_for(step: &NextStep, site: Option<SiteId>) -> Option<String> {
    let site = site.map_or_else(|| "SITE".to_string(), |s| s.to_string());
    Some(match step {
        NextStep::CreateSite => "folio site add --name NAME --domain DOMAIN".into(),
        NextStep::ScheduleApproved { .. } => format!("folio schedule plan --site {site}"),
        NextStep::ReviewArticles { .. } => format!("folio review list --site {site}"),
        NextStep::FinishDrafts { .. } => format!("folio content list --site {site}"),
        NextStep::WriteArticles { .. } => format!("folio write --site {site}"),
        NextStep::QueueIdeas { .. } => format!("folio queue --site {site}"),
        NextStep::GenerateIdeas { .. } => format!("folio ideas generate --site {site}"),
        NextStep::ClusterKeywords { .. } => format!("folio cluster --site {site}"),
        NextStep::AddKeywords => format!("folio keywords import --site {site} FILE"),
        NextStep::CaughtUp => return None,
    })
}

fn print_text(d: &Dashboard) {
    let scope = match (d.site, d.sites.first()) {
        (Some(_), Some(s)) => s.name.clone(),
        _ => format!("all sites ({})", d.sites.len()),
    };
    println!("Dashboard: {scope}");
    println!();
    println!("Next step: {}", d.next_step);
    if let Some(cmd) = command_for(&d.next_step, d.site) {
        println!("  run: {cmd}");
    }
    let c = &d.counts;
    println!();
    println!("Pipeline");
    println!(
        "  keywords:  {} new, {} mapped, {} used",
        c.keywords_new, c.keywords_mapped, c.keywords_used
    );
    println!(
        "  clusters:  {} ({} without ideas)",
        c.clusters, c.clusters_without_ideas
    );
    println!(
        "  ideas:     {} new, {} queued, {} completed",
        c.ideas_new, c.ideas_queued, c.ideas_completed
    );
    println!("  tasks:     {} queued", c.tasks_queued);
    println!(
        "  articles:  {} drafts, {} in review, {} approved, {} scheduled, {} published, {} failed",
        c.drafts, c.in_review, c.approved, c.scheduled, c.published, c.failed
    );
    println!();
    if d.next_posts.is_empty() {
        println!("Next posts: none scheduled");
    } else {
        println!("Next posts");
        let rows: Vec<Vec<String>> = d
            .next_posts
            .iter()
            .map(|p| {
                vec![
                    p.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    p.site_name.clone(),
                    p.title.clone(),
                ]
            })
            .collect();
        print_table(&["WHEN", "SITE", "TITLE"], &rows);
    }
    println!();
    println!("Last automation runs");
    let rows: Vec<Vec<String>> = d
        .sites
        .iter()
        .map(|s| match &s.last_run {
            Some(run) => vec![
                s.name.clone(),
                run.status.to_string(),
                run.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                format!("{}/{} items", run.items_processed, run.items_total),
            ],
            None => vec![
                s.name.clone(),
                "no run yet".into(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    print_table(&["SITE", "OUTCOME", "STARTED", "ITEMS"], &rows);
    println!();
    let credits = &d.credits;
    match credits.available() {
        None => println!("Credits: no limit (no monthly budget)"),
        Some(left) => println!("Credits left: {left}"),
    }
    println!(
        "This month: {} credits (${})",
        d.month.credits, d.month.cost_usd
    );
}
