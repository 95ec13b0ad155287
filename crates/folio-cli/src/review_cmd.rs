//! `folio review …`: the articles waiting for a person's approval and the answers to them.

use crate::output::{print_json, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{Content, ContentId, SiteId};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Articles in review, oldest first, with what the quality gate found.
    List(ListArgs),
    /// Put an article up for review.
    Submit(One),
    /// Approve an article in review: it is ready for a publishing slot (`folio schedule plan`).
    Approve(One),
    /// Send an article in review back to draft.
    Reject(One),
}

impl ReviewCommand {
    pub fn json(&self) -> bool {
        match self {
            ReviewCommand::List(a) => a.json.json,
            ReviewCommand::Submit(a) | ReviewCommand::Approve(a) | ReviewCommand::Reject(a) => {
                a.json.json
            }
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct One {
    #[arg(long)]
    content: ContentId,
    #[command(flatten)]
    json: JsonFlag,
}

fn done(c: &Content, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(c);
    }
    println!("{}  {}  now {}", c.id, c.title, c.status);
    Ok(())
}

pub async fn run(folio: &Folio, command: ReviewCommand) -> Result<(), Failure> {
    match command {
        ReviewCommand::List(a) => {
            let queue = folio.review_queue(a.site).await?;
            if a.json.json {
                return print_json(&queue);
            }
            if queue.is_empty() {
                println!("Nothing waits for review.");
            }
            for item in &queue {
                let gate = match &item.quality {
                    None => "not checked yet".to_owned(),
                    Some(q) if q.passed() => "quality gate passed".to_owned(),
                    Some(q) => {
                        let failed: Vec<&str> = q
                            .findings
                            .iter()
                            .filter(|f| f.is_blocking_failure())
                            .map(|f| f.message.as_str())
                            .collect();
                        format!("quality gate: {}", failed.join("; "))
                    }
                };
                println!("{}  {}  ({gate})", item.article.id, item.article.title);
            }
            Ok(())
        }
        ReviewCommand::Submit(a) => done(&folio.review_submit(a.content).await?, a.json.json),
        ReviewCommand::Approve(a) => done(&folio.review_approve(a.content).await?, a.json.json),
        ReviewCommand::Reject(a) => done(&folio.review_reject(a.content).await?, a.json.json),
    }
}
