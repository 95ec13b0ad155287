//! `folio content …`

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::{CoreError, Folio};
use folio_model::{ContentId, NewContent, SectorId, SiteId};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ContentCommand {
    /// Add a hand-written article (a draft) to a site.
    Add(AddArgs),
    /// List a site's articles, newest first.
    List(ListArgs),
    /// One article: its fields, where it is published and what its AI calls cost.
    Show(ShowArgs),
}

impl ContentCommand {
    pub fn json(&self) -> bool {
        match self {
            ContentCommand::Add(a) => a.json.json,
            ContentCommand::List(a) => a.json.json,
            ContentCommand::Show(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    site: SiteId,
    /// Default: the site's first sector.
    #[arg(long)]
    sector: Option<SectorId>,
    #[arg(long)]
    title: String,
    /// The article body as HTML (without an H1: the title is separate).
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ShowArgs {
    id: ContentId,
    #[command(flatten)]
    json: JsonFlag,
}

pub async fn run(folio: &Folio, command: ContentCommand) -> Result<(), Failure> {
    match command {
        ContentCommand::Add(a) => add(folio, a).await,
        ContentCommand::List(a) => list(folio, a).await,
        ContentCommand::Show(a) => show(folio, a).await,
    }
}

async fn show(folio: &Folio, args: ShowArgs) -> Result<(), Failure> {
    let content = folio.get_content(args.id).await?;
    let cost = folio.content_cost(args.id).await?;
    if args.json.json {
        let mut value = serde_json::to_value(&content).map_err(|e| Failure::Other(e.into()))?;
        value["ai_cost"] = serde_json::to_value(&cost).map_err(|e| Failure::Other(e.into()))?;
        return print_json(&value);
    }
    println!("\u{201c}{}\u{201d}", content.title);
    println!("  id:       {}", content.id);
    println!("  slug:     {}", content.slug);
    println!("  words:    {}", content.word_count);
    println!("  status:   {}", content.status);
    println!("  on site:  {}", content.site_status);
    if let Some(url) = &content.external_url {
        println!("  url:      {url}");
    }
    println!(
        "  AI cost:  ${} ({} credits; {} calls, {} tokens in, {} out, {} images)",
        crate::usage_cmd::usd(cost.cost_usd),
        cost.credits,
        cost.calls,
        cost.tokens_in,
        cost.tokens_out,
        cost.images
    );
    Ok(())
}

async fn add(folio: &Folio, args: AddArgs) -> Result<(), Failure> {
    let body_html = match &args.body_file {
        Some(path) => Some(tokio::fs::read_to_string(path).await.map_err(|source| {
            Failure::from(CoreError::ReadFile {
                path: path.clone(),
                source,
            })
        })?),
        None => None,
    };
    let content = folio
        .add_content(NewContent {
            site: args.site,
            sector: args.sector,
            title: args.title,
            body_html,
        })
        .await?;
    if args.json.json {
        return print_json(&content);
    }
    println!("Added \u{201c}{}\u{201d}", content.title);
    println!("  id:     {}", content.id);
    println!("  slug:   {}", content.slug);
    println!("  words:  {}", content.word_count);
    println!("  status: {}", content.status);
    Ok(())
}

async fn list(folio: &Folio, args: ListArgs) -> Result<(), Failure> {
    let items = folio.list_content(args.site).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    if items.is_empty() {
        println!("No content yet. Add some with: folio content add --site ID --title TITLE");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.status.to_string(),
                c.site_status.to_string(),
                c.word_count.to_string(),
                c.title.clone(),
            ]
        })
        .collect();
    print_table(&["ID", "STATUS", "ON SITE", "WORDS", "TITLE"], &rows);
    Ok(())
}
