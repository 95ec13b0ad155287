//! `folio ideas …`: planning articles from clusters (`generate`, an AI stage) and reviewing the
//! plans before they are queued: list, show, edit the outline, approve or reject.

use crate::output::{print_json, print_table, Failure};
use crate::pipeline_cmd::{self, IdeasArgs};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::{CoreError, Folio};
use folio_model::{
    ClusterId, ContentIdea, ErrorDto, ErrorKind, IdeaId, IdeaStatus, KeywordFilter, KeywordQuery,
    OutlineSection, SectorId, SiteId,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IdeaCommand {
    /// Plan 3–7 article ideas, each with its full outline and FAQ, for clusters without ideas
    /// (an AI stage: prints its estimate first).
    Generate(IdeasArgs),
    /// A site's ideas, newest first.
    List(ListArgs),
    /// One idea: its keywords, outline and FAQ.
    Show(ShowArgs),
    /// Change a new idea's outline: from a JSON file, or rename section headings.
    EditOutline(EditOutlineArgs),
    /// Approve rejected ideas again, so `folio queue` queues them.
    Approve(ReviewArgs),
    /// Reject new ideas: kept for the record, never queued by `folio queue --site`.
    Reject(ReviewArgs),
    /// Ideas whose topic an article of the site already covers (offline, free): a warning
    /// before you write the same article twice.
    Duplicates(DuplicatesArgs),
}

#[derive(Args)]
pub struct DuplicatesArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

impl IdeaCommand {
    pub fn json(&self) -> bool {
        match self {
            IdeaCommand::Generate(a) => a.run.json.json,
            IdeaCommand::List(a) => a.json.json,
            IdeaCommand::Show(a) => a.json.json,
            IdeaCommand::EditOutline(a) => a.json.json,
            IdeaCommand::Approve(a) | IdeaCommand::Reject(a) => a.json.json,
            IdeaCommand::Duplicates(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[arg(long)]
    sector: Option<SectorId>,
    /// new, queued or completed.
    #[arg(long)]
    status: Option<IdeaStatus>,
    /// Only this cluster's ideas.
    #[arg(long)]
    cluster: Option<ClusterId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ShowArgs {
    id: IdeaId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
#[group(id = "edit", required = true, multiple = false, args = ["file", "headings"])]
pub struct EditOutlineArgs {
    id: IdeaId,
    /// A JSON file: {"outline": [{"heading", "notes", "subheadings", "format", "keywords"}],
    /// "faq": ["…"]}; either key may be left out to keep what the idea has.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// N=TEXT: rename section N (1-based, as `folio ideas show` numbers them); repeat for more.
    #[arg(long = "heading", value_name = "N=TEXT", value_parser = parse_heading)]
    headings: Vec<(usize, String)>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ReviewArgs {
    /// One or more idea ids.
    #[arg(required = true, value_name = "IDEA_ID")]
    ids: Vec<IdeaId>,
    #[command(flatten)]
    json: JsonFlag,
}

/// What `edit-outline --file` reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutlineFile {
    outline: Option<Vec<OutlineSection>>,
    faq: Option<Vec<String>>,
}

fn parse_heading(raw: &str) -> Result<(usize, String), String> {
    let (n, text) = raw
        .split_once('=')
        .ok_or_else(|| format!("{raw:?} is not N=TEXT (e.g. 2=\"Choosing the soil\")"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a section number (1, 2, …)"))?;
    if n == 0 {
        return Err("sections are numbered from 1".into());
    }
    Ok((n, text.to_owned()))
}

pub async fn run(folio: &Folio, command: IdeaCommand) -> Result<(), Failure> {
    match command {
        IdeaCommand::Generate(a) => pipeline_cmd::ideas(folio, a).await,
        IdeaCommand::List(a) => list(folio, a).await,
        IdeaCommand::Show(a) => show(folio, a).await,
        IdeaCommand::EditOutline(a) => edit_outline(folio, a).await,
        IdeaCommand::Approve(a) => review(folio, a, false).await,
        IdeaCommand::Reject(a) => review(folio, a, true).await,
        IdeaCommand::Duplicates(a) => duplicates(folio, a).await,
    }
}

async fn duplicates(folio: &Folio, args: DuplicatesArgs) -> Result<(), Failure> {
    let found = folio.duplicate_topics(args.site).await?;
    if args.json.json {
        return print_json(&serde_json::json!({ "items": found }));
    }
    if found.is_empty() {
        println!("No idea repeats the topic of an existing article.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|d| {
            vec![
                d.idea.to_string(),
                format!("{:.2}", d.similarity),
                format!("{} (\u{201c}{}\u{201d})", d.idea_title, d.idea_topic),
                d.content_title.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "IDEA",
            "SIMILARITY",
            "IDEA (TOPIC)",
            "ARTICLE THAT COVERS IT",
        ],
        &rows,
    );
    Ok(())
}

fn status(idea: &ContentIdea) -> String {
    if idea.rejected {
        format!("{} (rejected)", idea.status)
    } else {
        idea.status.to_string()
    }
}

async fn list(folio: &Folio, args: ListArgs) -> Result<(), Failure> {
    let mut items = folio
        .list_ideas(args.site, args.sector, args.status)
        .await?;
    if let Some(cluster) = args.cluster {
        items.retain(|i| i.cluster_id == cluster);
    }
    if args.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    if items.is_empty() {
        println!(
            "No ideas match. Plan some with: folio ideas generate --site {}",
            args.site
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                status(i),
                i.outline.len().to_string(),
                i.faq.len().to_string(),
                i.target_word_count
                    .map_or_else(|| "-".to_owned(), |w| w.to_string()),
                i.title.clone(),
            ]
        })
        .collect();
    print_table(
        &["ID", "STATUS", "SECTIONS", "FAQ", "WORDS", "TITLE"],
        &rows,
    );
    Ok(())
}

async fn show(folio: &Folio, args: ShowArgs) -> Result<(), Failure> {
    let idea = folio.get_idea(args.id).await?;
    if args.json.json {
        return print_json(&idea);
    }
    // The keywords' texts, for people (JSON keeps the ids).
    let ids: Vec<_> = idea
        .primary_keyword
        .iter()
        .chain(&idea.secondary_keywords)
        .copied()
        .collect();
    let mut texts = HashMap::new();
    if !ids.is_empty() {
        let mut filter = KeywordFilter::site(idea.site_id);
        filter.ids = Some(ids);
        let page = folio
            .list_keywords(&KeywordQuery {
                filter,
                sort: Default::default(),
                limit: folio_model::MAX_KEYWORD_PAGE,
                offset: 0,
            })
            .await?;
        texts = page.items.into_iter().map(|k| (k.id, k.keyword)).collect();
    }
    let text = |id| texts.get(&id).cloned().unwrap_or_else(|| id.to_string());
    println!("\u{201c}{}\u{201d}", idea.title);
    println!("  id:        {}", idea.id);
    println!("  status:    {}", status(&idea));
    println!("  cluster:   {}", idea.cluster_id);
    println!("  structure: {}", idea.content_structure);
    if let Some(w) = idea.target_word_count {
        println!("  length:    about {w} words");
    }
    if let Some(p) = idea.primary_keyword {
        println!("  primary:   {}", text(p));
    }
    if !idea.secondary_keywords.is_empty() {
        let covered: Vec<String> = idea.secondary_keywords.iter().map(|k| text(*k)).collect();
        println!("  covered:   {}", covered.join(", "));
    }
    if !idea.description.is_empty() {
        println!("  about:     {}", idea.description);
    }
    println!();
    println!("Outline:");
    for (i, s) in idea.outline.iter().enumerate() {
        println!("  {}. {} [{}]", i + 1, s.heading, s.format.as_str());
        if !s.notes.is_empty() {
            println!("     {}", s.notes);
        }
        for h in &s.subheadings {
            println!("     - {h}");
        }
        if !s.keywords.is_empty() {
            println!("     keywords: {}", s.keywords.join(", "));
        }
    }
    if !idea.faq.is_empty() {
        println!("FAQ:");
        for q in &idea.faq {
            println!("  - {q}");
        }
    }
    Ok(())
}

async fn edit_outline(folio: &Folio, args: EditOutlineArgs) -> Result<(), Failure> {
    let idea = folio.get_idea(args.id).await?;
    let mut outline = idea.outline.clone();
    let mut faq = idea.faq.clone();
    if let Some(path) = &args.file {
        let text = tokio::fs::read_to_string(path).await.map_err(|source| {
            Failure::from(CoreError::ReadFile {
                path: path.clone(),
                source,
            })
        })?;
        let file: OutlineFile = serde_json::from_str(&text).map_err(|e| {
            Failure::Core(
                ErrorDto::new(
                    ErrorKind::Validation,
                    format!("{} is not an outline file: {e}", path.display()),
                )
                .with_field("file"),
            )
        })?;
        if let Some(o) = file.outline {
            outline = o;
        }
        if let Some(f) = file.faq {
            faq = f;
        }
    }
    for (n, text) in &args.headings {
        let section = outline.get_mut(n - 1).ok_or_else(|| {
            Failure::Core(
                ErrorDto::new(
                    ErrorKind::Validation,
                    format!(
                        "the outline of \u{201c}{}\u{201d} has {} sections; there is no section {n}",
                        idea.title,
                        idea.outline.len()
                    ),
                )
                .with_field("heading"),
            )
        })?;
        section.heading.clone_from(text);
    }
    let idea = folio.update_idea_outline(idea.id, &outline, &faq).await?;
    if args.json.json {
        return print_json(&idea);
    }
    println!(
        "Updated the outline of \u{201c}{}\u{201d}: {} sections, {} FAQ questions.",
        idea.title,
        idea.outline.len(),
        idea.faq.len()
    );
    for (i, s) in idea.outline.iter().enumerate() {
        println!("  {}. {}", i + 1, s.heading);
    }
    Ok(())
}

async fn review(folio: &Folio, args: ReviewArgs, reject: bool) -> Result<(), Failure> {
    let mut changed = Vec::new();
    for id in args.ids {
        changed.push(folio.set_idea_rejected(id, reject).await?);
    }
    if args.json.json {
        return print_json(&serde_json::json!({ "items": changed }));
    }
    let verb = if reject { "Rejected" } else { "Approved" };
    for idea in &changed {
        println!("{verb} \u{201c}{}\u{201d} ({})", idea.title, idea.id);
    }
    Ok(())
}
