//! The search box and the number filters: what was typed, whether it can apply, and the
//! criteria the list is asked with once typing pauses.

use folio_model::{Intent, KeywordStatus};

/// The text inputs, as typed. They apply once typing pauses (see [`super::KeywordsAction::InputsSettled`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drafts {
    pub search: String,
    pub min_volume: String,
    pub max_volume: String,
    pub min_difficulty: String,
    pub max_difficulty: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFilter {
    MinVolume,
    MaxVolume,
    MinDifficulty,
    MaxDifficulty,
}

impl NumberFilter {
    pub fn id(self) -> &'static str {
        match self {
            NumberFilter::MinVolume => "filter-min-volume",
            NumberFilter::MaxVolume => "filter-max-volume",
            NumberFilter::MinDifficulty => "filter-min-difficulty",
            NumberFilter::MaxDifficulty => "filter-max-difficulty",
        }
    }

    pub(super) fn draft(self, d: &Drafts) -> &str {
        match self {
            NumberFilter::MinVolume => &d.min_volume,
            NumberFilter::MaxVolume => &d.max_volume,
            NumberFilter::MinDifficulty => &d.min_difficulty,
            NumberFilter::MaxDifficulty => &d.max_difficulty,
        }
    }

    pub(super) fn draft_mut(self, d: &mut Drafts) -> &mut String {
        match self {
            NumberFilter::MinVolume => &mut d.min_volume,
            NumberFilter::MaxVolume => &mut d.max_volume,
            NumberFilter::MinDifficulty => &mut d.min_difficulty,
            NumberFilter::MaxDifficulty => &mut d.max_difficulty,
        }
    }
}

/// Why a number input cannot be applied, if it cannot; an empty input means "no bound".
pub fn number_error(which: NumberFilter, text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let ok = match which {
        NumberFilter::MinVolume | NumberFilter::MaxVolume => {
            text.parse::<i64>().is_ok_and(|v| v >= 0)
        }
        NumberFilter::MinDifficulty | NumberFilter::MaxDifficulty => {
            text.parse::<i32>().is_ok_and(|v| (0..=100).contains(&v))
        }
    };
    match (ok, which) {
        (true, _) => None,
        (false, NumberFilter::MinVolume | NumberFilter::MaxVolume) => {
            Some("Enter a whole number of searches, 0 or more.")
        }
        (false, _) => Some("Enter a whole number from 0 to 100."),
    }
}

/// The narrowing that the list is currently asked with (the drafts once they settled).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Criteria {
    pub status: Option<KeywordStatus>,
    pub intent: Option<Intent>,
    pub min_volume: Option<i64>,
    pub max_volume: Option<i64>,
    pub min_difficulty: Option<i32>,
    pub max_difficulty: Option<i32>,
    pub search: Option<String>,
}

impl Criteria {
    /// Invalid numbers do not narrow: what the valid inputs show is what applies.
    pub(super) fn from_drafts(
        status: Option<KeywordStatus>,
        intent: Option<Intent>,
        d: &Drafts,
    ) -> Self {
        fn num<T: std::str::FromStr>(which: NumberFilter, d: &Drafts) -> Option<T> {
            let text = which.draft(d).trim();
            if number_error(which, text).is_some() {
                return None;
            }
            text.parse().ok()
        }
        let search = d.search.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            status,
            intent,
            min_volume: num(NumberFilter::MinVolume, d),
            max_volume: num(NumberFilter::MaxVolume, d),
            min_difficulty: num(NumberFilter::MinDifficulty, d),
            max_difficulty: num(NumberFilter::MaxDifficulty, d),
            search: (!search.is_empty()).then_some(search),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Criteria::default()
    }
}

/// A change to the list made with a select (applied at once, unlike typed inputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterChange {
    Status(Option<KeywordStatus>),
    Intent(Option<Intent>),
}
