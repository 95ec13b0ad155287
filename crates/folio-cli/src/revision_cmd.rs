//! `folio content edit|revisions|revision|restore|rewrite-section`: changing an article from the
//! terminal, its history, and one section written again by AI.

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::Args;
use folio_core::{CoreError, Folio};
use folio_model::{ContentId, ContentUpdate};
use std::path::PathBuf;

#[derive(Args)]
pub struct EditArgs {
    id: ContentId,
    #[arg(long)]
    title: Option<String>,
    /// The new body as HTML (`-` reads standard input); sanitised like any body.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// The body the new one was edited from (e.g. saved from `folio content show`): what was
    /// changed in the article since (another device, the app) is merged with this edit block by
    /// block instead of being overwritten.
    #[arg(long, value_name = "FILE", requires = "body_file")]
    base_file: Option<PathBuf>,
    #[arg(long)]
    meta_title: Option<String>,
    #[arg(long)]
    meta_description: Option<String>,
    #[arg(long)]
    excerpt: Option<String>,
    /// An empty slug is derived from the title again.
    #[arg(long)]
    slug: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args)]
pub struct RevisionsArgs {
    id: ContentId,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args)]
pub struct RevisionArgs {
    id: ContentId,
    /// The version's id, from `folio content revisions`.
    revision: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args)]
pub struct RewriteSectionArgs {
    id: ContentId,
    /// The section's number: its H2 heading, counted from 1.
    #[arg(long)]
    section: usize,
    /// Show what it would cost and stop.
    #[arg(long)]
    estimate: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

async fn read_body(path: &PathBuf) -> Result<String, Failure> {
    let read = if path.as_os_str() == "-" {
        // A body is small; reading it on a blocking thread keeps the runtime free.
        tokio::task::spawn_blocking(|| std::io::read_to_string(std::io::stdin()))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    } else {
        tokio::fs::read_to_string(path).await
    };
    read.map_err(|source| {
        Failure::from(CoreError::ReadFile {
            path: path.clone(),
            source,
        })
    })
}

pub async fn edit(folio: &Folio, a: EditArgs) -> Result<(), Failure> {
    let body_html = match &a.body_file {
        Some(path) => Some(read_body(path).await?),
        None => None,
    };
    let base_html = match &a.base_file {
        Some(path) => Some(read_body(path).await?),
        None => None,
    };
    let c = folio
        .update_content(
            a.id,
            ContentUpdate {
                title: a.title,
                body_html,
                excerpt: a.excerpt,
                meta_title: a.meta_title,
                meta_description: a.meta_description,
                slug: a.slug,
                base_html,
            },
        )
        .await?;
    if a.json.json {
        return print_json(&c);
    }
    println!("Saved \u{201c}{}\u{201d} ({} words)", c.title, c.word_count);
    Ok(())
}

pub async fn revisions(folio: &Folio, a: RevisionsArgs) -> Result<(), Failure> {
    let items = folio.content_revisions(a.id).await?;
    if a.json.json {
        return print_json(&serde_json::json!({ "items": items }));
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.at.map_or_else(
                    || "-".to_owned(),
                    |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
                ),
                if r.this_device {
                    format!("{} (this device)", r.author)
                } else {
                    r.author.clone()
                },
                r.word_count.to_string(),
                r.saves.to_string(),
            ]
        })
        .collect();
    print_table(&["REVISION", "SAVED", "BY", "WORDS", "SAVES"], &rows);
    Ok(())
}

pub async fn revision(folio: &Folio, a: RevisionArgs) -> Result<(), Failure> {
    let v = folio.content_revision(a.id, &a.revision).await?;
    if a.json.json {
        return print_json(&v);
    }
    println!("\u{201c}{}\u{201d} — by {}", v.title, v.revision.author);
    println!("{}", v.body_html);
    Ok(())
}

pub async fn restore(folio: &Folio, a: RevisionArgs) -> Result<(), Failure> {
    let c = folio.restore_revision(a.id, &a.revision).await?;
    if a.json.json {
        return print_json(&c);
    }
    println!(
        "Restored \u{201c}{}\u{201d} to revision {} ({} words); the text it replaced is still in `folio content revisions {}`",
        c.title, a.revision, c.word_count, c.id
    );
    Ok(())
}

pub async fn rewrite_section(folio: &Folio, a: RewriteSectionArgs) -> Result<(), Failure> {
    let Some(index) = a.section.checked_sub(1) else {
        return Err(Failure::Other(anyhow::anyhow!(
            "--section counts from 1 (the first H2 heading)"
        )));
    };
    let estimate = folio.estimate_section(a.id, index).await?;
    if a.estimate {
        if a.json.json {
            return print_json(&estimate);
        }
        println!(
            "Rewriting section {} with {}: about {} credits (${})",
            a.section,
            estimate.model,
            estimate.credits,
            folio_model::usd(estimate.usd)
        );
        return Ok(());
    }
    let done = with_progress(folio, a.json.json, folio.regenerate_section(a.id, index)).await?;
    if a.json.json {
        return print_json(&done);
    }
    println!(
        "Section {} written again ({} credits).",
        a.section, done.credits
    );
    if let Some(undo) = &done.undo_revision {
        println!("Undo: folio content restore {} {undo}", a.id);
    }
    Ok(())
}
