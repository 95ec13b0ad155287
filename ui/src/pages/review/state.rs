//! The review queue's state: the site (and sector) chosen, the site's articles in review with
//! their quality reports (core's list, oldest first), and the answers a person gives — approve,
//! or reject (back to draft) — each busy on its own article until core answers, which takes the
//! article off the list or says why it could not. Pure and unit-tested.

use crate::scope::{ScopeAction, SiteScope};
use folio_model::{
    ContentId, ContentStatus, ErrorDto, ErrorKind, ReviewItem, SectorId, SiteId, SiteList,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// What a person answered for an article in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Approve,
    Reject,
}

impl Answer {
    /// The button's label while core works on it.
    pub fn busy_label(self) -> &'static str {
        match self {
            Answer::Approve => "Approving\u{2026}",
            Answer::Reject => "Rejecting\u{2026}",
        }
    }
}

/// Why an answer did not go through, and what the person can do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerError {
    pub error: ErrorDto,
    /// The list no longer matches the store (the article changed in the CLI or on another
    /// device): refreshing shows where it is now.
    pub stale: bool,
}

impl AnswerError {
    fn new(error: ErrorDto) -> Self {
        // Core refuses an article that is no longer in review (validation, on `status`) or no
        // longer exists: the list was out of date, not the person's answer wrong.
        let stale = matches!(error.kind, ErrorKind::NotFound)
            || (error.kind == ErrorKind::Validation && error.field.as_deref() == Some("status"));
        Self { error, stale }
    }

    /// What to do next, after core's message.
    pub fn advice(&self) -> &'static str {
        if self.stale {
            "It changed elsewhere (the command line or another device): refresh the list to see where it is now."
        } else {
            "Try again; if it keeps failing, the app's log (logs/folio.log in the data directory) says more."
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewState {
    pub scope: SiteScope,
    /// The newest list request; a reply to an older one (another site, an earlier refresh) is
    /// dropped.
    pub request: u64,
    /// `None` until core answers for the current site.
    pub items: Option<Vec<ReviewItem>>,
    pub list_error: Option<ErrorDto>,
    /// Articles whose answer is on its way to core.
    pub answering: BTreeMap<ContentId, Answer>,
    /// Articles whose answer core refused.
    pub failed: BTreeMap<ContentId, AnswerError>,
    /// What the last answer did, for the person to see after the article left the list.
    pub notice: Option<String>,
}

pub enum ReviewAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
    /// *Refresh*, or *Try again* after the list failed to load.
    RefreshClicked,
    QueueLoaded {
        request: u64,
        result: Result<Vec<ReviewItem>, ErrorDto>,
    },
    /// *Approve* or *Reject* on an article; ignored while it already has one on its way.
    AnswerClicked(ContentId, Answer),
    /// Core's answer: the article's new status, or why it refused.
    Answered {
        content: ContentId,
        answer: Answer,
        result: Result<ContentStatus, ErrorDto>,
    },
    NoticeDismissed,
}

impl Reducible for ReviewState {
    type Action = ReviewAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl Default for ReviewState {
    fn default() -> Self {
        Self::new()
    }
}

impl ReviewState {
    pub fn new() -> Self {
        Self {
            scope: SiteScope::new(None),
            request: 0,
            items: None,
            list_error: None,
            answering: BTreeMap::new(),
            failed: BTreeMap::new(),
            notice: None,
        }
    }

    pub fn apply(&mut self, action: ReviewAction) {
        use ReviewAction as A;
        match action {
            A::SitesLoaded(r) => {
                if self.scope.apply(ScopeAction::SitesLoaded(r)) {
                    self.reload(true);
                }
            }
            A::SiteChosen(s) => {
                if self.scope.apply(ScopeAction::SiteChosen(s)) {
                    self.reload(true);
                }
            }
            // The queue is the site's; a sector only narrows what is shown.
            A::SectorChosen(s) => {
                self.scope.apply(ScopeAction::SectorChosen(s));
            }
            A::RefreshClicked => self.reload(false),
            A::QueueLoaded { request, result } => {
                if request != self.request {
                    return;
                }
                match result {
                    Ok(items) => {
                        // Refusals are about the list as it was; the new one supersedes them.
                        self.failed.clear();
                        self.items = Some(items);
                        self.list_error = None;
                    }
                    Err(e) => self.list_error = Some(e),
                }
            }
            A::AnswerClicked(content, answer) => {
                if self.answering.contains_key(&content) || self.item(content).is_none() {
                    return;
                }
                self.failed.remove(&content);
                self.answering.insert(content, answer);
            }
            A::Answered {
                content,
                answer,
                result,
            } => {
                self.answering.remove(&content);
                match result {
                    Ok(status) => {
                        let title = self
                            .item(content)
                            .map_or_else(|| "The article".to_owned(), |i| i.article.title.clone());
                        if let Some(items) = &mut self.items {
                            items.retain(|i| i.article.id != content);
                        }
                        self.notice = Some(done_message(answer, &title, status));
                    }
                    Err(e) => {
                        self.failed.insert(content, AnswerError::new(e));
                    }
                }
            }
            A::NoticeDismissed => self.notice = None,
        }
    }

    /// Ask core for the current site's queue again; a new site starts from "Loading".
    fn reload(&mut self, new_site: bool) {
        self.request += 1;
        self.list_error = None;
        if new_site {
            self.items = None;
            self.failed.clear();
            self.notice = None;
        }
    }

    /// The site whose queue to load, once the sites are known.
    pub fn site(&self) -> Option<SiteId> {
        self.scope.target().map(|(site, _)| site)
    }

    pub fn item(&self, content: ContentId) -> Option<&ReviewItem> {
        self.items
            .as_deref()?
            .iter()
            .find(|i| i.article.id == content)
    }

    /// The articles shown: the site's queue, narrowed to the chosen sector.
    pub fn visible(&self) -> Vec<&ReviewItem> {
        let sector = self.scope.sector;
        self.items
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|i| sector.is_none_or(|s| i.article.sector_id == s))
            .collect()
    }

    /// The sector's name as the site lists it (empty when the site no longer has it).
    pub fn sector_name(&self, sector: SectorId) -> &str {
        self.scope.sector_name(sector).unwrap_or_default()
    }
}

/// What an answer did, in the person's words.
pub fn done_message(answer: Answer, title: &str, status: ContentStatus) -> String {
    match (answer, status) {
        (Answer::Approve, ContentStatus::Approved) => {
            format!("Approved \u{201c}{title}\u{201d}: it is ready for a publishing slot.")
        }
        (Answer::Reject, ContentStatus::Draft) => format!(
            "Sent \u{201c}{title}\u{201d} back to draft: edit it and put it up for review again."
        ),
        (_, status) => format!("\u{201c}{title}\u{201d} is now {status}."),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::{id, sites};
    use folio_model::{ContentSummary, SiteStatus};
    use ReviewAction as A;

    fn cid(n: u64) -> ContentId {
        id(n)
    }

    fn summary(n: u64, sector: u64) -> ContentSummary {
        ContentSummary {
            id: id(n),
            site_id: id(1),
            sector_id: id(sector),
            title: format!("Article {n}"),
            slug: format!("article-{n}"),
            word_count: 900,
            status: ContentStatus::Review,
            site_status: SiteStatus::NotPublished,
            scheduled_publish_at: None,
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn item(n: u64, sector: u64) -> ReviewItem {
        ReviewItem {
            article: summary(n, sector),
            quality: None,
        }
    }

    /// Sites known, the first site's queue loaded with `items`.
    fn loaded(items: Vec<ReviewItem>) -> ReviewState {
        let mut s = ReviewState::new();
        assert_eq!(s.site(), None, "nothing to load before the sites are known");
        s.apply(A::SitesLoaded(Ok(sites())));
        assert_eq!(s.site(), Some(id(1)), "the first site by default");
        let request = s.request;
        s.apply(A::QueueLoaded {
            request,
            result: Ok(items),
        });
        s
    }

    #[test]
    fn the_first_site_is_loaded_and_a_reply_for_another_site_is_dropped() {
        let mut s = ReviewState::new();
        s.apply(A::SitesLoaded(Ok(sites())));
        let first = s.request;
        s.apply(A::SiteChosen(id(2)));
        assert!(s.request > first);
        s.apply(A::QueueLoaded {
            request: first,
            result: Ok(vec![item(5, 11)]),
        });
        assert_eq!(s.items, None, "site 1's late reply is not site 2's queue");
        let request = s.request;
        s.apply(A::QueueLoaded {
            request,
            result: Ok(vec![item(6, 21)]),
        });
        assert_eq!(s.visible().len(), 1);
    }

    #[test]
    fn a_sector_narrows_the_list_without_asking_core_again() {
        let mut s = loaded(vec![item(5, 11), item(6, 12), item(7, 11)]);
        let request = s.request;
        s.apply(A::SectorChosen(Some(id(11))));
        assert_eq!(s.request, request);
        let shown: Vec<ContentId> = s.visible().iter().map(|i| i.article.id).collect();
        assert_eq!(shown, [cid(5), cid(7)]);
        assert_eq!(s.sector_name(id(12)), "Sector 12");
        s.apply(A::SectorChosen(None));
        assert_eq!(s.visible().len(), 3);
    }

    #[test]
    fn an_approved_article_leaves_the_list_with_a_notice() {
        let mut s = loaded(vec![item(5, 11), item(6, 11)]);
        s.apply(A::AnswerClicked(id(5), Answer::Approve));
        assert_eq!(s.answering.get(&cid(5)), Some(&Answer::Approve));
        // A second click while core works does not change the answer on its way.
        s.apply(A::AnswerClicked(id(5), Answer::Reject));
        assert_eq!(s.answering.get(&cid(5)), Some(&Answer::Approve));
        s.apply(A::Answered {
            content: id(5),
            answer: Answer::Approve,
            result: Ok(ContentStatus::Approved),
        });
        assert!(s.answering.is_empty());
        let shown: Vec<ContentId> = s.visible().iter().map(|i| i.article.id).collect();
        assert_eq!(shown, [cid(6)]);
        assert_eq!(
            s.notice.as_deref(),
            Some("Approved \u{201c}Article 5\u{201d}: it is ready for a publishing slot.")
        );
    }

    #[test]
    fn a_rejected_article_goes_back_to_draft_and_leaves_the_list() {
        let mut s = loaded(vec![item(5, 11)]);
        s.apply(A::AnswerClicked(id(5), Answer::Reject));
        s.apply(A::Answered {
            content: id(5),
            answer: Answer::Reject,
            result: Ok(ContentStatus::Draft),
        });
        assert!(s.visible().is_empty());
        assert!(s
            .notice
            .unwrap()
            .starts_with("Sent \u{201c}Article 5\u{201d} back to draft"));
    }

    #[test]
    fn a_refused_answer_stays_on_the_article_with_what_to_do() {
        let mut s = loaded(vec![item(5, 11), item(6, 11)]);
        s.apply(A::AnswerClicked(id(5), Answer::Approve));
        let mut moved = ErrorDto::new(
            ErrorKind::Validation,
            "this article is approved, not in review; only articles in review are approved or sent back here",
        );
        moved.field = Some("status".into());
        s.apply(A::Answered {
            content: id(5),
            answer: Answer::Approve,
            result: Err(moved),
        });
        assert_eq!(s.visible().len(), 2, "nothing leaves the list on a refusal");
        let failed = &s.failed[&cid(5)];
        assert!(failed.stale);
        assert!(failed.advice().contains("refresh the list"));
        s.apply(A::AnswerClicked(id(6), Answer::Reject));
        s.apply(A::Answered {
            content: id(6),
            answer: Answer::Reject,
            result: Err(ErrorDto::new(ErrorKind::Storage, "database is locked")),
        });
        assert!(!s.failed[&cid(6)].stale);
        assert!(s.failed[&cid(6)].advice().starts_with("Try again"));
        // Trying again clears the article's refusal; a fresh list clears them all.
        s.apply(A::AnswerClicked(id(6), Answer::Reject));
        assert!(!s.failed.contains_key(&cid(6)));
        s.apply(A::RefreshClicked);
        let request = s.request;
        s.apply(A::QueueLoaded {
            request,
            result: Ok(vec![item(6, 11)]),
        });
        assert!(s.failed.is_empty());
    }

    #[test]
    fn a_list_that_failed_to_load_is_asked_again() {
        let mut s = ReviewState::new();
        s.apply(A::SitesLoaded(Ok(sites())));
        let request = s.request;
        s.apply(A::QueueLoaded {
            request,
            result: Err(ErrorDto::new(ErrorKind::Storage, "disk I/O error")),
        });
        assert!(s.list_error.is_some());
        s.apply(A::RefreshClicked);
        assert!(s.request > request);
        assert!(
            s.list_error.is_none(),
            "the error gives way to the new attempt"
        );
        // Only an article on the list can be answered.
        s.apply(A::AnswerClicked(id(9), Answer::Approve));
        assert!(s.answering.is_empty());
    }
}
