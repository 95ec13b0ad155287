//! Long work as the app and the CLI see it: a job's kind, what it works on, and its progress.
//! The registry, the locks and the rules (which kinds are exclusive) are core's
//! (`folio_core::jobs`); these are the shapes that cross to the screen.

use crate::ids::{id_type, ContentId, SectorId, SiteId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

id_type!(
    /// One run of long work (an import, a publish, a provider test…).
    JobId
);

/// What kind of long work a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A keyword file going into a sector.
    KeywordImport,
    /// A connection test of an AI provider.
    ProviderTest,
    /// Publishing, updating, unpublishing or trashing one article on WordPress.
    Publish,
    /// A sector's keywords → clusters with a model.
    Clustering,
    /// Clusters → ideas with outlines.
    Ideas,
    /// Tasks → articles, section by section.
    Writing,
    /// Articles → image prompts → images.
    Images,
    /// A site's automation run: the seven stages unattended.
    Automation,
    /// One section of an article written again.
    Section,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::KeywordImport => "keyword_import",
            JobKind::ProviderTest => "provider_test",
            JobKind::Publish => "publish",
            JobKind::Clustering => "clustering",
            JobKind::Ideas => "ideas",
            JobKind::Writing => "writing",
            JobKind::Images => "images",
            JobKind::Automation => "automation",
            JobKind::Section => "section",
        }
    }

    /// What a person calls it: "Importing keywords".
    pub fn label(self) -> &'static str {
        match self {
            JobKind::KeywordImport => "Importing keywords",
            JobKind::ProviderTest => "Testing a provider",
            JobKind::Publish => "Publishing an article",
            JobKind::Clustering => "Clustering keywords",
            JobKind::Ideas => "Generating ideas",
            JobKind::Writing => "Writing articles",
            JobKind::Images => "Generating images",
            JobKind::Automation => "Running automation",
            JobKind::Section => "Rewriting a section",
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a job works on. Exclusive kinds allow one job per scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobScope {
    Site {
        site: SiteId,
    },
    Sector {
        site: SiteId,
        sector: SectorId,
    },
    Content {
        content: ContentId,
    },
    /// An AI provider by name (`openai`, `ollama`, …).
    Provider {
        provider: String,
    },
}

impl fmt::Display for JobScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobScope::Site { site } => write!(f, "site {site}"),
            JobScope::Sector { sector, .. } => write!(f, "sector {sector}"),
            JobScope::Content { content } => write!(f, "article {content}"),
            JobScope::Provider { provider } => write!(f, "provider {provider}"),
        }
    }
}

/// Where a job is. The last three end it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobPhase {
    Started,
    /// Reading a file.
    Reading,
    /// Parsing what was read.
    Parsing,
    /// Saving to the local store.
    Writing,
    /// Calling a remote service (a provider, the WordPress site).
    Calling,
    /// Sending files (images) to a remote service.
    Uploading,
    Finished,
    Failed,
    Cancelled,
}

impl JobPhase {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobPhase::Finished | JobPhase::Failed | JobPhase::Cancelled
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobPhase::Started => "started",
            JobPhase::Reading => "reading",
            JobPhase::Parsing => "parsing",
            JobPhase::Writing => "writing",
            JobPhase::Calling => "calling",
            JobPhase::Uploading => "uploading",
            JobPhase::Finished => "finished",
            JobPhase::Failed => "failed",
            JobPhase::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for JobPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a job, as the progress stream carries it (the app's `job-progress` event, the
/// CLI's bars). `total` is `None` while unknown; a failed job's `message` says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobProgress {
    pub job_id: JobId,
    pub kind: JobKind,
    pub scope: JobScope,
    pub phase: JobPhase,
    pub done: u64,
    pub total: Option<u64>,
    pub message: Option<String>,
}

/// A running job, in this process or another one on the same data directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInfo {
    pub id: JobId,
    pub kind: JobKind,
    pub scope: JobScope,
    /// The process running it.
    pub pid: u32,
    /// Whether that is the process that was asked (only those can be cancelled from here).
    pub this_process: bool,
    pub started_at: DateTime<Utc>,
    /// Its latest progress (known for jobs of this process).
    pub progress: Option<JobProgress>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_progress_keep_their_wire_shape() {
        let scope = JobScope::Provider {
            provider: "openai".into(),
        };
        assert_eq!(
            serde_json::to_value(&scope).unwrap(),
            serde_json::json!({"type": "provider", "provider": "openai"})
        );
        let p = JobProgress {
            job_id: JobId(uuid::Uuid::nil()),
            kind: JobKind::KeywordImport,
            scope,
            phase: JobPhase::Writing,
            done: 1000,
            total: Some(5000),
            message: None,
        };
        let back: JobProgress = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert!(JobPhase::Cancelled.is_final() && !JobPhase::Writing.is_final());
    }
}
