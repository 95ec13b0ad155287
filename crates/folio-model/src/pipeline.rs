//! The content pipeline as the app and the CLI see it: which stage, what it works on, what it
//! will cost before it starts and what it did when it ends. The rules are core's
//! (`folio_core::pipeline`).

use crate::ai_config::AiOperation;
use crate::ids::{ClusterId, ContentId, IdeaId, SectorId, SiteId, TaskId};
use crate::jobs::JobKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A stage of the pipeline (DESIGN §4). Queueing is local and free; the others call a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A sector's new keywords → clusters.
    Clustering,
    /// A cluster → ideas with their outlines.
    Ideas,
    /// Ideas → writing tasks (free).
    Queue,
    /// A task → an article, section by section.
    Writing,
    /// An article → image prompts → images.
    Images,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Clustering,
        Stage::Ideas,
        Stage::Queue,
        Stage::Writing,
        Stage::Images,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Clustering => "clustering",
            Stage::Ideas => "ideas",
            Stage::Queue => "queue",
            Stage::Writing => "writing",
            Stage::Images => "images",
        }
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Clustering => "Clustering keywords",
            Stage::Ideas => "Generating ideas",
            Stage::Queue => "Queueing ideas",
            Stage::Writing => "Writing articles",
            Stage::Images => "Generating images",
        }
    }

    /// The job a run of the stage is (queueing is instant and runs none).
    pub fn job_kind(self) -> Option<JobKind> {
        match self {
            Stage::Clustering => Some(JobKind::Clustering),
            Stage::Ideas => Some(JobKind::Ideas),
            Stage::Queue => None,
            Stage::Writing => Some(JobKind::Writing),
            Stage::Images => Some(JobKind::Images),
        }
    }

    /// The ledger operation of the stage's calls (the image stage also makes
    /// `image_prompt_extraction` calls before its images).
    pub fn operation(self) -> Option<AiOperation> {
        match self {
            Stage::Clustering => Some(AiOperation::Clustering),
            Stage::Ideas => Some(AiOperation::IdeaGeneration),
            Stage::Queue => None,
            Stage::Writing => Some(AiOperation::ContentGeneration),
            Stage::Images => Some(AiOperation::ImageGeneration),
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown stage {s:?}; stages: clustering, ideas, queue, writing, images")
            })
    }
}

/// Which items a stage works on. Every list empty means "everything waiting in the site (or
/// sector)": new keywords, clusters without ideas, approved… ideas, queued tasks, articles
/// without images.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTarget {
    pub site: SiteId,
    #[serde(default)]
    pub sector: Option<SectorId>,
    /// Clustering: only these of the new keywords (an automation run's share); empty: all.
    #[serde(default)]
    pub keywords: Vec<crate::KeywordId>,
    #[serde(default)]
    pub clusters: Vec<ClusterId>,
    #[serde(default)]
    pub ideas: Vec<IdeaId>,
    #[serde(default)]
    pub tasks: Vec<TaskId>,
    #[serde(default)]
    pub contents: Vec<ContentId>,
    /// Stop at the first failed item instead of going on with the rest.
    #[serde(default)]
    pub stop_on_error: bool,
}

impl StageTarget {
    pub fn site(site: SiteId) -> Self {
        Self {
            site,
            sector: None,
            keywords: Vec::new(),
            clusters: Vec::new(),
            ideas: Vec::new(),
            tasks: Vec::new(),
            contents: Vec::new(),
            stop_on_error: false,
        }
    }
}

/// What a stage will cost before it starts: the most it can cost (prompt sizes and the longest
/// answers allowed, priced at the model's rates), and whether the balance covers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEstimate {
    pub stage: Stage,
    /// Items the stage would work on (keywords for clustering, clusters for ideas…).
    pub items: u64,
    /// Provider calls it would make (images count as calls of the image model).
    pub calls: u64,
    pub credits: u64,
    /// `usd` is exact; in JSON a decimal string.
    pub usd: Decimal,
    /// The text model (or image model for the image stage) it would use.
    pub model: String,
    /// What the account can still spend; `None`: no limit.
    pub available: Option<u64>,
}

impl StageEstimate {
    pub fn affordable(&self) -> bool {
        self.available.is_none_or(|a| a >= self.credits)
    }
}

/// An item a stage could not finish, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFailure {
    /// The item's id (keyword batch: its first keyword's id).
    pub item: String,
    /// What a person recognises it by: a cluster name, a task's title.
    pub label: String,
    pub reason: String,
}

/// What a stage run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageReport {
    /// Items finished in this run.
    pub done: u64,
    /// Items already finished before (a re-run never pays twice for them).
    pub skipped: u64,
    pub failed: Vec<ItemFailure>,
    /// What this run's calls cost, from their ledger entries.
    pub credits: u64,
    pub usd: Decimal,
    /// Whether the run was cancelled (finished items are kept).
    pub cancelled: bool,
    /// Ids of what the run made (clusters, ideas, tasks, articles, images).
    #[serde(default)]
    pub created: Vec<String>,
}

/// A cosine distance that cuts offline clustering (lower is tighter). Compared by its bits, so
/// it can sit in contracts that are `Eq`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Threshold(pub f32);

impl PartialEq for Threshold {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Threshold {}

/// What an offline clustering run did (free: no provider, no credits).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OfflineClusterReport {
    /// The cosine-distance threshold the run cut at (lower is tighter).
    pub threshold: f32,
    /// New keywords the run looked at.
    pub keywords: u64,
    /// Keywords it placed in a cluster (`mapped`).
    pub mapped: u64,
    /// Of those, keywords that joined a cluster that existed before the run.
    pub joined_existing: u64,
    /// Keywords close to nothing else, left `new` for a later run.
    pub unclustered: u64,
    /// Ids of the clusters the run made.
    pub created: Vec<String>,
    /// Whether the run was cancelled (what was saved before stays).
    pub cancelled: bool,
}

/// A keyword like another, and how alike (cosine similarity of their topics, 1 = the same).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarKeyword {
    pub keyword: crate::KeywordRow,
    pub similarity: f32,
}

/// An idea whose topic an existing article already covers (a warning: the idea stays).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateTopic {
    pub idea: crate::IdeaId,
    pub idea_title: String,
    pub content: crate::ContentId,
    pub content_title: String,
    /// What was compared: the idea's primary keyword (else its title) and the article's
    /// (its idea's primary keyword, else its title).
    pub idea_topic: String,
    pub content_topic: String,
    pub similarity: f32,
}

/// How many clusters a threshold would give: the "tighter / looser" preview.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdPreview {
    pub threshold: f32,
    /// Clusters of two keywords or more (what the run would make or fill).
    pub clusters: u64,
    /// Keywords that would stay alone.
    pub alone: u64,
}

/// A failed item's reason and the model's last raw answer, kept on this device only so a
/// person can see why it failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFailure {
    pub stage: Stage,
    pub item: String,
    /// What a person recognises the item by (a cluster's name, a task's title).
    #[serde(default)]
    pub label: String,
    pub reason: String,
    pub raw_answer: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip_and_name_their_job() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
        }
        assert_eq!(Stage::Queue.job_kind(), None);
        assert_eq!(Stage::Writing.job_kind(), Some(JobKind::Writing));
        assert!("write".parse::<Stage>().unwrap_err().contains("writing"));
    }

    #[test]
    fn an_estimate_is_affordable_within_the_balance() {
        let mut e = StageEstimate {
            stage: Stage::Writing,
            items: 1,
            calls: 10,
            credits: 50,
            usd: Decimal::new(12, 2),
            model: "gpt-4o-mini".into(),
            available: Some(49),
        };
        assert!(!e.affordable());
        e.available = Some(50);
        assert!(e.affordable());
        e.available = None;
        assert!(e.affordable());
    }
}
