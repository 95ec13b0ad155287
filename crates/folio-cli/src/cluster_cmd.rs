//! `folio clusters …`: the clusters a site has (made by `folio cluster`), their keywords, and
//! editing them by hand: rename, merge, move keywords between them.

use crate::keyword_cmd::print_keyword_page;
use crate::output::{print_json, print_table, Failure};
use crate::pipeline_cmd::count;
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{
    Cluster, ClusterId, KeywordFilter, KeywordId, KeywordQuery, KeywordSort, SectorId, SiteId,
};

#[derive(Subcommand)]
pub enum ClusterCommand {
    /// A site's clusters, newest first: keywords, total volume, average difficulty, ideas.
    List(ListArgs),
    /// One cluster and its keywords.
    Show(ShowArgs),
    /// Rename a cluster (names are unique in their sector).
    Rename(RenameArgs),
    /// Merge one cluster into another of the same sector: its keywords, ideas and tasks move,
    /// then it is deleted.
    Merge(MergeArgs),
    /// Move keywords into a cluster of their sector, or out of any with --none (back to new).
    MoveKeywords(MoveArgs),
}

impl ClusterCommand {
    pub fn json(&self) -> bool {
        match self {
            ClusterCommand::List(a) => a.json.json,
            ClusterCommand::Show(a) => a.json.json,
            ClusterCommand::Rename(a) => a.json.json,
            ClusterCommand::Merge(a) => a.json.json,
            ClusterCommand::MoveKeywords(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[arg(long)]
    sector: Option<SectorId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ShowArgs {
    id: ClusterId,
    /// FIELD or FIELD:asc|desc; fields: keyword, volume, difficulty, cpc, intent, status, created.
    #[arg(long, default_value = "volume:desc")]
    sort: KeywordSort,
    /// Keywords per page, 1 to 1000.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u64,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct RenameArgs {
    id: ClusterId,
    /// The new name.
    name: String,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct MergeArgs {
    /// The cluster that stays.
    #[arg(long, value_name = "CLUSTER_ID")]
    into: ClusterId,
    /// The cluster merged into it and deleted.
    #[arg(long, value_name = "CLUSTER_ID")]
    from: ClusterId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
#[group(id = "move_to", required = true, multiple = false, args = ["to", "none"])]
pub struct MoveArgs {
    /// The site of the keywords.
    #[arg(long)]
    site: SiteId,
    /// The cluster to move them into.
    #[arg(long, value_name = "CLUSTER_ID")]
    to: Option<ClusterId>,
    /// Take them out of their cluster instead.
    #[arg(long)]
    none: bool,
    /// A keyword id; repeat for more.
    #[arg(long = "id", value_name = "KEYWORD_ID", required = true)]
    ids: Vec<KeywordId>,
    #[command(flatten)]
    json: JsonFlag,
}

pub async fn run(folio: &Folio, command: ClusterCommand) -> Result<(), Failure> {
    match command {
        ClusterCommand::List(a) => list(folio, a).await,
        ClusterCommand::Show(a) => show(folio, a).await,
        ClusterCommand::Rename(a) => {
            let cluster = folio.rename_cluster(a.id, &a.name).await?;
            print_cluster("Renamed", &cluster, a.json.json)
        }
        ClusterCommand::Merge(a) => {
            let cluster = folio.merge_clusters(a.into, a.from).await?;
            print_cluster("Merged into", &cluster, a.json.json)
        }
        ClusterCommand::MoveKeywords(a) => {
            let n = folio.move_keywords(a.site, a.ids, a.to).await?;
            if a.json.json {
                return print_json(&serde_json::json!({ "moved": n }));
            }
            let moved = count(n, "keyword", "keywords");
            match a.to {
                Some(to) => println!("{moved} moved into cluster {to}."),
                None if n == 1 => println!("{moved} taken out of its cluster."),
                None => println!("{moved} taken out of their clusters."),
            }
            Ok(())
        }
    }
}

fn print_cluster(verb: &str, c: &Cluster, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(c);
    }
    println!("{verb} \u{201c}{}\u{201d}", c.name);
    println!("  id:     {}", c.id);
    println!("  status: {}", c.status);
    Ok(())
}

async fn list(folio: &Folio, args: ListArgs) -> Result<(), Failure> {
    let items = folio.cluster_summaries(args.site, args.sector).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    if items.is_empty() {
        println!(
            "No clusters yet. Cluster the site's new keywords with: folio cluster --site {}",
            args.site
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|s| {
            vec![
                s.cluster.id.to_string(),
                s.keywords.to_string(),
                s.volume.to_string(),
                s.avg_difficulty
                    .map_or_else(|| "-".to_owned(), |d| format!("{d:.1}")),
                s.ideas.to_string(),
                s.cluster.status.to_string(),
                s.cluster.name.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "ID", "KEYWORDS", "VOLUME", "AVG KD", "IDEAS", "STATUS", "NAME",
        ],
        &rows,
    );
    Ok(())
}

async fn show(folio: &Folio, args: ShowArgs) -> Result<(), Failure> {
    let cluster = folio.get_cluster(args.id).await?;
    let mut filter = KeywordFilter::site(cluster.site_id);
    filter.cluster = Some(cluster.id);
    let page = folio
        .list_keywords(&KeywordQuery {
            filter,
            sort: args.sort,
            limit: args.limit,
            offset: args.offset,
        })
        .await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "cluster": cluster, "keywords": page }));
    }
    println!("\u{201c}{}\u{201d}", cluster.name);
    println!("  id:      {}", cluster.id);
    println!("  status:  {}", cluster.status);
    println!("  sector:  {}", cluster.sector_id);
    if !cluster.description.is_empty() {
        println!("  about:   {}", cluster.description);
    }
    println!();
    if page.items.is_empty() {
        println!("No keywords on this page ({} in the cluster).", page.total);
        return Ok(());
    }
    print_keyword_page(&page, args.offset);
    Ok(())
}
