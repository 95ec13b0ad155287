//! The command palette's state (Ctrl-K): what it offers, what the typed words match, which line
//! is chosen. Pure, so the matching and the keys are unit-tested; the view (`palette.rs`) loads
//! the sites and articles and carries out the choice.

use folio_model::{ContentSummary, ErrorDto, Site};
use std::rc::Rc;
use yew::Reducible;

/// The most lines shown at once; typing narrows the rest down.
pub const MAX_SHOWN: usize = 50;

/// What choosing a line does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Open a page (a hash route).
    Go(String),
    /// Sync with the server now.
    SyncNow,
}

/// What kind of thing a line is, shown beside it and used to rank pages before sites before
/// articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Page,
    Action,
    Site,
    Article,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Page => "Page",
            Kind::Action => "Action",
            Kind::Site => "Site",
            Kind::Article => "Article",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    pub kind: Kind,
    pub target: Target,
}

impl Entry {
    pub fn new(kind: Kind, label: impl Into<String>, target: Target) -> Self {
        Self {
            label: label.into(),
            kind,
            target,
        }
    }
}

/// The main actions, offered whatever the page.
pub fn actions() -> Vec<Entry> {
    let go = |label: &str, hash: &str| Entry::new(Kind::Action, label, Target::Go(hash.into()));
    vec![
        Entry::new(Kind::Action, "Sync now", Target::SyncNow),
        go("Add a site", "#sites"),
        go("Import keywords", "#planner"),
        go("Cluster keywords", "#planner/clusters"),
        go("Write queued articles", "#writer/queue"),
        go("Review articles", "#writer/review"),
        go("Schedule approved articles", "#publisher/calendar"),
        go("Run automation", "#automation"),
        go("Add an AI provider key", "#settings"),
    ]
}

/// Every site and article as lines of the palette.
pub fn data_entries(sites: &[Site], articles: &[ContentSummary]) -> Vec<Entry> {
    let mut out: Vec<Entry> = sites
        .iter()
        .map(|s| {
            Entry::new(
                Kind::Site,
                s.name.clone(),
                Target::Go(format!("#sites/{}", s.id)),
            )
        })
        .collect();
    out.extend(articles.iter().map(|a| {
        Entry::new(
            Kind::Article,
            a.title.clone(),
            Target::Go(format!("#content/{}", a.id)),
        )
    }));
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaletteState {
    pub open: bool,
    pub query: String,
    /// Pages and actions (known at once) then sites and articles (loaded when it opens).
    pub entries: Vec<Entry>,
    pub loading: bool,
    pub error: Option<String>,
    /// The chosen line among [`Self::shown`].
    pub selected: usize,
    /// Bumped each time it opens: a load answers only the opening that asked for it.
    pub opening: u32,
    /// The line chosen with Enter or a click, for the view to carry out once.
    pub chosen: Option<Target>,
}

pub enum PaletteAction {
    /// Ctrl-K: open with these pages and actions (a second Ctrl-K closes it).
    Toggled(Vec<Entry>),
    Closed,
    Typed(String),
    /// Arrow keys: move the choice by this many lines (wrapping).
    Moved(i32),
    /// Enter, or a click on line `n` of what is shown.
    Chose(Option<usize>),
    Loaded {
        opening: u32,
        result: Result<Vec<Entry>, ErrorDto>,
    },
}

/// Whether every typed word is in the label (case-insensitive), and how well: a label that
/// starts with the query ranks first.
fn score(label: &str, query: &str) -> Option<u8> {
    let label = label.to_lowercase();
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Some(1);
    }
    if !query.split_whitespace().all(|w| label.contains(w)) {
        return None;
    }
    Some(if label.starts_with(&query) { 0 } else { 1 })
}

impl PaletteState {
    /// The lines the query matches, best first (a label starting with the query, then pages,
    /// actions, sites, articles), at most [`MAX_SHOWN`].
    pub fn shown(&self) -> Vec<&Entry> {
        let mut hits: Vec<(u8, Kind, usize, &Entry)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| score(&e.label, &self.query).map(|s| (s, e.kind, i, e)))
            .collect();
        hits.sort_by_key(|(s, k, i, _)| (*s, *k, *i));
        hits.into_iter().take(MAX_SHOWN).map(|(.., e)| e).collect()
    }
}

impl Reducible for PaletteState {
    type Action = PaletteAction;

    fn reduce(self: Rc<Self>, action: PaletteAction) -> Rc<Self> {
        let mut s = (*self).clone();
        s.chosen = None;
        match action {
            PaletteAction::Toggled(fixed) => {
                if s.open {
                    s.open = false;
                } else {
                    s = PaletteState {
                        open: true,
                        entries: fixed,
                        loading: true,
                        opening: self.opening.wrapping_add(1),
                        ..Default::default()
                    };
                }
            }
            PaletteAction::Closed => s.open = false,
            PaletteAction::Typed(q) => {
                s.query = q;
                s.selected = 0;
            }
            PaletteAction::Moved(by) => {
                let n = s.shown().len() as i64;
                if n > 0 {
                    s.selected = (s.selected as i64 + i64::from(by)).rem_euclid(n) as usize;
                }
            }
            PaletteAction::Chose(line) => {
                let line = line.unwrap_or(s.selected);
                if let Some(e) = s.shown().get(line) {
                    s.chosen = Some(e.target.clone());
                    s.open = false;
                }
            }
            PaletteAction::Loaded { opening, result } => {
                if opening != s.opening || !s.open {
                    return self;
                }
                s.loading = false;
                match result {
                    Ok(more) => s.entries.extend(more),
                    Err(e) => s.error = Some(e.message),
                }
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: PaletteState, a: PaletteAction) -> PaletteState {
        (*Rc::new(s).reduce(a)).clone()
    }

    fn opened() -> PaletteState {
        let pages = vec![
            Entry::new(Kind::Page, "Dashboard", Target::Go("#dashboard".into())),
            Entry::new(Kind::Page, "Keywords", Target::Go("#planner".into())),
        ];
        let s = reduce(PaletteState::default(), PaletteAction::Toggled(pages));
        let more = vec![
            Entry::new(Kind::Site, "Rose Garden", Target::Go("#sites/1".into())),
            Entry::new(
                Kind::Article,
                "Pruning roses in winter",
                Target::Go("#content/2".into()),
            ),
            Entry::new(
                Kind::Article,
                "Garden keywords explained",
                Target::Go("#content/3".into()),
            ),
        ];
        let opening = s.opening;
        reduce(
            s,
            PaletteAction::Loaded {
                opening,
                result: Ok(more),
            },
        )
    }

    fn labels(s: &PaletteState) -> Vec<&str> {
        s.shown().iter().map(|e| e.label.as_str()).collect()
    }

    #[test]
    fn every_word_must_match_and_a_prefix_then_pages_rank_first() {
        let s = reduce(opened(), PaletteAction::Typed("garden".into()));
        assert_eq!(labels(&s), ["Garden keywords explained", "Rose Garden"]);
        let s = reduce(s, PaletteAction::Typed("ROSES winter".into()));
        assert_eq!(labels(&s), ["Pruning roses in winter"]);
        let s = reduce(s, PaletteAction::Typed("key".into()));
        assert_eq!(labels(&s), ["Keywords", "Garden keywords explained"]);
        let s = reduce(s, PaletteAction::Typed("nothing like it".into()));
        assert!(labels(&s).is_empty());
    }

    #[test]
    fn arrows_wrap_and_enter_chooses_the_selected_line_and_closes() {
        let s = opened();
        assert_eq!(s.shown().len(), 5);
        let s = reduce(s, PaletteAction::Moved(-1));
        assert_eq!(s.selected, 4);
        let s = reduce(s, PaletteAction::Moved(2));
        assert_eq!(s.selected, 1);
        let s = reduce(s, PaletteAction::Chose(None));
        assert_eq!(s.chosen, Some(Target::Go("#planner".into())));
        assert!(!s.open);
        // a chosen target is carried out once: any later action clears it
        let s = reduce(s, PaletteAction::Closed);
        assert_eq!(s.chosen, None);
    }

    #[test]
    fn typing_resets_the_choice_and_a_click_chooses_its_line() {
        let s = reduce(opened(), PaletteAction::Moved(3));
        let s = reduce(s, PaletteAction::Typed("rose".into()));
        assert_eq!(s.selected, 0);
        let s = reduce(s, PaletteAction::Chose(Some(1)));
        assert_eq!(s.chosen, Some(Target::Go("#content/2".into())));
    }

    #[test]
    fn a_load_for_an_earlier_opening_is_ignored_and_a_failure_is_shown() {
        let s = opened();
        let stale = s.opening.wrapping_sub(1);
        let s2 = reduce(
            s.clone(),
            PaletteAction::Loaded {
                opening: stale,
                result: Ok(vec![Entry::new(Kind::Site, "Old", Target::SyncNow)]),
            },
        );
        assert_eq!(s2, s);
        let closed = reduce(s.clone(), PaletteAction::Toggled(vec![]));
        assert!(!closed.open, "a second Ctrl-K closes it");
        let again = reduce(closed, PaletteAction::Toggled(vec![]));
        let opening = again.opening;
        let failed = reduce(
            again,
            PaletteAction::Loaded {
                opening,
                result: Err(ErrorDto::new(
                    folio_model::ErrorKind::Internal,
                    "store closed",
                )),
            },
        );
        assert_eq!(failed.error.as_deref(), Some("store closed"));
        assert!(!failed.loading);
    }
}
