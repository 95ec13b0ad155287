//! Every status type of the seed model, with the one place that says which moves are legal.
//!
//! Call [`transition`] (or `Status::transition`) before storing a new status: it returns the new
//! status or a [`TransitionError`] that names both states and the allowed moves.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A status type: its name, its values and its legal moves.
pub trait Status: Copy + Eq + fmt::Debug + 'static {
    /// What the status belongs to, for messages ("keyword", "content").
    const SUBJECT: &'static str;
    /// Every value, in workflow order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    /// Whether `self → to` is a legal move. Staying in place is always allowed.
    fn allows(self, to: Self) -> bool;

    fn parse(s: &str) -> Result<Self, UnknownStatus> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStatus {
                subject: Self::SUBJECT,
                value: s.to_owned(),
                allowed: Self::ALL.iter().map(|v| v.as_str()).collect(),
            })
    }

    fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition(self, to)
    }
}

/// Check a move between two states of one status type.
pub fn transition<S: Status>(from: S, to: S) -> Result<S, TransitionError> {
    if from == to || from.allows(to) {
        return Ok(to);
    }
    Err(TransitionError {
        subject: S::SUBJECT,
        from: from.as_str(),
        to: to.as_str(),
        allowed: S::ALL
            .iter()
            .copied()
            .filter(|&n| n != from && from.allows(n))
            .map(|n| n.as_str())
            .collect(),
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionError {
    pub subject: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} cannot go from {} to {}",
            self.subject, self.from, self.to
        )?;
        if self.allowed.is_empty() {
            write!(f, "; {} is final", self.from)
        } else {
            write!(
                f,
                "; from {} it can go to {}",
                self.from,
                self.allowed.join(" or ")
            )
        }
    }
}

impl std::error::Error for TransitionError {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStatus {
    pub subject: &'static str,
    pub value: String,
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a {} status; use one of: {}",
            self.value,
            self.subject,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownStatus {}

macro_rules! status_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $subject:literal {
            $($variant:ident = $text:literal),+ $(,)?
        }
        moves { $($from:ident => [$($to:ident),*]),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Status for $name {
            const SUBJECT: &'static str = $subject;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            #[allow(unreachable_patterns)]
            fn allows(self, to: Self) -> bool {
                match self {
                    $(Self::$from => matches!(to, $(Self::$to)|*),)*
                    _ => false,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownStatus;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as Status>::parse(s)
            }
        }
    };
}

status_enum! {
    /// A keyword: `new` until it joins a cluster (`mapped`), `used` once an idea consumes it.
    KeywordStatus, "keyword" { New = "new", Mapped = "mapped", Used = "used" }
    moves {
        New => [Mapped],
        // leaving a cluster, or an idea that used it being removed
        Mapped => [New, Used],
        Used => [Mapped],
    }
}

status_enum! {
    /// A cluster: `mapped` once ideas were generated for it.
    ClusterStatus, "cluster" { New = "new", Mapped = "mapped" }
    moves { New => [Mapped], Mapped => [New] }
}

status_enum! {
    /// A content idea: queued as a writing task, completed once written.
    IdeaStatus, "idea" { New = "new", Queued = "queued", Completed = "completed" }
    moves { New => [Queued], Queued => [New, Completed] }
}

status_enum! {
    /// A writing task.
    TaskStatus, "task" { Queued = "queued", Completed = "completed" }
    moves { Queued => [Completed] }
}

status_enum! {
    /// The editorial workflow of a piece of content.
    ContentStatus, "content" {
        Draft = "draft", Review = "review", Approved = "approved", Published = "published"
    }
    moves {
        Draft => [Review, Approved],
        Review => [Draft, Approved],
        Approved => [Draft, Review, Published],
        // unpublishing returns it to draft
        Published => [Draft],
    }
}

status_enum! {
    /// Where a piece of content stands on its WordPress site.
    SiteStatus, "publishing" {
        NotPublished = "not_published", Scheduled = "scheduled", Publishing = "publishing",
        Published = "published", Failed = "failed"
    }
    moves {
        NotPublished => [Scheduled, Publishing],
        Scheduled => [NotPublished, Publishing, Published, Failed],
        // sent to WordPress as a draft or for review: on the site, but not published
        Publishing => [NotPublished, Scheduled, Published, Failed],
        // an update re-publishes; unpublishing takes it off the site
        Published => [Publishing, NotPublished],
        Failed => [NotPublished, Scheduled, Publishing],
    }
}

status_enum! {
    /// A generated image.
    ImageStatus, "image" { Pending = "pending", Generated = "generated", Failed = "failed" }
    moves { Pending => [Generated, Failed], Failed => [Pending] }
}

status_enum! {
    /// An automation run.
    AutomationRunStatus, "automation run" {
        Pending = "pending", Running = "running", Paused = "paused", Completed = "completed",
        Failed = "failed", Cancelled = "cancelled"
    }
    moves {
        Pending => [Running, Cancelled],
        Running => [Paused, Completed, Failed, Cancelled],
        Paused => [Running, Cancelled],
        // a failed run can be resumed from where it stopped
        Failed => [Running],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_moves_pass_and_illegal_ones_explain() {
        assert_eq!(
            transition(KeywordStatus::New, KeywordStatus::Mapped),
            Ok(KeywordStatus::Mapped)
        );
        assert_eq!(
            transition(KeywordStatus::New, KeywordStatus::New),
            Ok(KeywordStatus::New)
        );
        let err = transition(KeywordStatus::New, KeywordStatus::Used).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a keyword cannot go from new to used; from new it can go to mapped"
        );
        let err = TaskStatus::Completed
            .transition(TaskStatus::Queued)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a task cannot go from completed to queued; completed is final"
        );
        assert!(ContentStatus::Draft
            .transition(ContentStatus::Published)
            .is_err());
        assert!(IdeaStatus::Queued.transition(IdeaStatus::Completed).is_ok());
        assert!(AutomationRunStatus::Completed
            .transition(AutomationRunStatus::Running)
            .is_err());
    }

    #[test]
    fn statuses_parse_and_serialise_as_the_seed_spells_them() {
        assert_eq!(
            "not_published".parse::<SiteStatus>(),
            Ok(SiteStatus::NotPublished)
        );
        assert_eq!(
            " Mapped ".parse::<KeywordStatus>(),
            Ok(KeywordStatus::Mapped)
        );
        let err = "done".parse::<TaskStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"done\" is not a task status; use one of: queued, completed"
        );
        assert_eq!(
            serde_json::to_string(&SiteStatus::NotPublished).unwrap(),
            "\"not_published\""
        );
        for s in SiteStatus::ALL {
            assert_eq!(
                serde_json::to_string(s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }
}
