//! `folio keywords …`

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_core::ImportOptions;
use folio_model::{
    ClusterId, Intent, KeywordBulkAction, KeywordFilter, KeywordId, KeywordPage, KeywordQuery,
    KeywordSort, KeywordStatus, SectorId, SiteId,
};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeywordCommand {
    /// Import a keyword export (Semrush, Ahrefs, Google Keyword Planner, Search Console) or a
    /// plain list, one keyword a line. All-or-nothing; duplicates are counted, not imported.
    Import(ImportArgs),
    /// List keywords: filter, search, sort and page.
    List(ListArgs),
    /// Delete the selected keywords.
    Delete(BulkArgs),
    /// Set the status of the selected keywords (new or used; keywords become mapped by joining a cluster).
    SetStatus(SetStatusArgs),
    /// Put the selected keywords into a cluster (or take them out with --none).
    Assign(AssignArgs),
    /// Keywords of the site most like one keyword, by meaning (offline, free).
    Similar(SimilarArgs),
}

#[derive(Args)]
pub struct SimilarArgs {
    #[arg(long)]
    site: SiteId,
    /// The keyword to compare with (its id, as `keywords list` shows it).
    keyword: KeywordId,
    /// How many to list (at most 200).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    #[command(flatten)]
    json: JsonFlag,
}

impl KeywordCommand {
    pub fn json(&self) -> bool {
        match self {
            KeywordCommand::Import(a) => a.json.json,
            KeywordCommand::List(a) => a.json.json,
            KeywordCommand::Delete(a) => a.json.json,
            KeywordCommand::SetStatus(a) => a.bulk.json.json,
            KeywordCommand::Assign(a) => a.bulk.json.json,
            KeywordCommand::Similar(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long)]
    site: SiteId,
    /// Default: the site's first sector.
    #[arg(long)]
    sector: Option<SectorId>,
    /// The exported file (.csv, .tsv or .txt; UTF-8 or UTF-16).
    file: PathBuf,
    #[command(flatten)]
    json: JsonFlag,
}

/// Which keywords: the site plus any of these narrowing filters.
#[derive(Args)]
pub struct FilterArgs {
    #[arg(long)]
    site: SiteId,
    #[arg(long)]
    sector: Option<SectorId>,
    /// new, mapped or used.
    #[arg(long)]
    status: Option<KeywordStatus>,
    #[arg(long)]
    cluster: Option<ClusterId>,
    /// informational, navigational, commercial or transactional.
    #[arg(long)]
    intent: Option<Intent>,
    #[arg(long, value_name = "N")]
    min_volume: Option<i64>,
    #[arg(long, value_name = "N")]
    max_volume: Option<i64>,
    #[arg(long, value_name = "N")]
    min_difficulty: Option<i32>,
    #[arg(long, value_name = "N")]
    max_difficulty: Option<i32>,
    /// Words that must all appear in the keyword (prefixes match: "gard" finds "garden").
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

impl FilterArgs {
    fn filter(&self, ids: &[KeywordId]) -> KeywordFilter {
        KeywordFilter {
            site: self.site,
            sector: self.sector,
            status: self.status,
            cluster: self.cluster,
            intent: self.intent,
            min_volume: self.min_volume,
            max_volume: self.max_volume,
            min_difficulty: self.min_difficulty,
            max_difficulty: self.max_difficulty,
            search: self.search.clone(),
            ids: (!ids.is_empty()).then(|| ids.to_vec()),
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// FIELD or FIELD:asc|desc; fields: keyword, volume, difficulty, cpc, intent, status, created.
    #[arg(long, default_value = "volume:desc")]
    sort: KeywordSort,
    /// Page size, 1 to 1000.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u64,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct BulkArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// A keyword id; repeat for more. With filters too, only ids that also match are changed.
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<KeywordId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct SetStatusArgs {
    /// new or used.
    #[arg(long = "to", value_name = "STATUS")]
    to: KeywordStatus,
    #[command(flatten)]
    bulk: BulkArgs,
}

#[derive(Args)]
#[group(id = "target", required = true, multiple = false, args = ["cluster_to", "none"])]
pub struct AssignArgs {
    /// The cluster to put them in.
    #[arg(long = "to", value_name = "CLUSTER_ID")]
    cluster_to: Option<ClusterId>,
    /// Take them out of their cluster instead.
    #[arg(long)]
    none: bool,
    #[command(flatten)]
    bulk: BulkArgs,
}

pub async fn run(folio: &Folio, command: KeywordCommand) -> Result<(), Failure> {
    match command {
        KeywordCommand::Import(a) => import(folio, a).await,
        KeywordCommand::List(a) => list(folio, a).await,
        KeywordCommand::Delete(a) => bulk(folio, &a, &KeywordBulkAction::Delete, "deleted").await,
        KeywordCommand::SetStatus(a) => {
            let action = KeywordBulkAction::SetStatus { status: a.to };
            bulk(folio, &a.bulk, &action, "updated").await
        }
        KeywordCommand::Assign(a) => {
            let action = KeywordBulkAction::AssignCluster {
                cluster: a.cluster_to,
            };
            bulk(folio, &a.bulk, &action, "updated").await
        }
        KeywordCommand::Similar(a) => similar(folio, a).await,
    }
}

async fn similar(folio: &Folio, args: SimilarArgs) -> Result<(), Failure> {
    let found = folio
        .similar_keywords(args.site, args.keyword, args.limit)
        .await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": found }));
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|s| {
            vec![
                format!("{:.2}", s.similarity),
                s.keyword.volume.map(|v| v.to_string()).unwrap_or_default(),
                s.keyword.status.to_string(),
                s.keyword.keyword.clone(),
            ]
        })
        .collect();
    print_table(&["SIMILARITY", "VOLUME", "STATUS", "KEYWORD"], &rows);
    Ok(())
}

async fn import(folio: &Folio, args: ImportArgs) -> Result<(), Failure> {
    // Ctrl-C cancels the import's job: it rolls back and nothing half-written stays.
    let result = with_progress(
        folio,
        args.json.json,
        folio.import_keyword_file(
            args.site,
            args.sector,
            &args.file,
            &ImportOptions::default(),
        ),
    )
    .await;
    let report = result?;
    if args.json.json {
        return print_json(&report);
    }
    println!(
        "Imported {} keywords from {} ({} format); {} duplicates skipped, {} rows rejected.",
        report.imported,
        args.file.display(),
        report.format,
        report.duplicates,
        report.rejected.len()
    );
    for r in report.rejected.iter().take(20) {
        println!("  line {}: {}", r.line, r.reason);
    }
    if report.rejected.len() > 20 {
        println!(
            "  … and {} more (use --json for all)",
            report.rejected.len() - 20
        );
    }
    Ok(())
}

async fn list(folio: &Folio, args: ListArgs) -> Result<(), Failure> {
    let query = KeywordQuery {
        filter: args.filter.filter(&[]),
        sort: args.sort,
        limit: args.limit,
        offset: args.offset,
    };
    let page = folio.list_keywords(&query).await?;
    if args.json.json {
        return print_json(&page);
    }
    if page.items.is_empty() {
        println!("No keywords match ({} in total).", page.total);
        return Ok(());
    }
    print_keyword_page(&page, args.offset);
    Ok(())
}

/// A page of keywords as a table, then which rows of how many it shows (`1–50 of 120`).
pub fn print_keyword_page(page: &KeywordPage, offset: u64) {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|k| {
            vec![
                k.id.to_string(),
                opt(k.volume.map(|v| v.to_string())),
                opt(k.difficulty.map(|v| v.to_string())),
                opt(k.cpc.map(|v| v.to_string())),
                opt(k.intent.map(|v| v.to_string())),
                k.status.to_string(),
                k.keyword.clone(),
            ]
        })
        .collect();
    print_table(
        &["ID", "VOLUME", "KD", "CPC", "INTENT", "STATUS", "KEYWORD"],
        &rows,
    );
    let first = offset + 1;
    let last = offset + page.items.len() as u64;
    println!("{first}–{last} of {}", page.total);
}

async fn bulk(
    folio: &Folio,
    args: &BulkArgs,
    action: &KeywordBulkAction,
    verb: &str,
) -> Result<(), Failure> {
    let changed = folio
        .bulk_keywords(&args.filter.filter(&args.ids), action)
        .await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "changed": changed }));
    }
    println!("{changed} keywords {verb}.");
    Ok(())
}
