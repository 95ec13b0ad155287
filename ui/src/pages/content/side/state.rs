//! The article's side panel: its meta fields as typed (saved with *Save details*), the length
//! counters search engines care about, its categories and tags, and its editorial status
//! actions. Pure and unit-tested; `content/side.rs` draws it and calls core.

use folio_model::{
    Content, ContentStatus, ContentUpdate, ErrorDto, TaxonomyType, TermChoice, TermName,
};
use std::rc::Rc;
use yew::Reducible;

/// A meta title longer than this is cut in search results.
pub const META_TITLE_MAX: usize = 60;
/// A meta description shorter than this leaves room search engines fill with page text…
pub const META_DESCRIPTION_MIN: usize = 120;
/// …and one longer than this is cut.
pub const META_DESCRIPTION_MAX: usize = 156;

/// How a length sits against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    Empty,
    Short,
    Good,
    Long,
}

impl Fit {
    /// `data-fit` of a counter.
    pub fn key(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Short => "short",
            Self::Good => "good",
            Self::Long => "long",
        }
    }
}

/// Characters as a person counts them (not bytes).
pub fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

pub fn meta_title_fit(s: &str) -> Fit {
    match chars(s) {
        0 => Fit::Empty,
        n if n > META_TITLE_MAX => Fit::Long,
        _ => Fit::Good,
    }
}

pub fn meta_description_fit(s: &str) -> Fit {
    match chars(s) {
        0 => Fit::Empty,
        n if n < META_DESCRIPTION_MIN => Fit::Short,
        n if n > META_DESCRIPTION_MAX => Fit::Long,
        _ => Fit::Good,
    }
}

/// The counter's text: "54 / 60", "131 / 120–156".
pub fn meta_title_counter(s: &str) -> String {
    format!("{} / {META_TITLE_MAX}", chars(s))
}

pub fn meta_description_counter(s: &str) -> String {
    format!(
        "{} / {META_DESCRIPTION_MIN}\u{2013}{META_DESCRIPTION_MAX}",
        chars(s)
    )
}

/// A field of the details form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    MetaTitle,
    MetaDescription,
    Slug,
    Excerpt,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    pub title: String,
    pub meta_title: String,
    pub meta_description: String,
    pub slug: String,
    pub excerpt: String,
}

impl Details {
    pub fn of(c: &Content) -> Self {
        Self {
            title: c.title.clone(),
            meta_title: c.meta_title.clone(),
            meta_description: c.meta_description.clone(),
            slug: c.slug.clone(),
            excerpt: c.excerpt.clone(),
        }
    }

    pub fn get(&self, f: Field) -> &str {
        match f {
            Field::Title => &self.title,
            Field::MetaTitle => &self.meta_title,
            Field::MetaDescription => &self.meta_description,
            Field::Slug => &self.slug,
            Field::Excerpt => &self.excerpt,
        }
    }

    fn set(&mut self, f: Field, v: String) {
        match f {
            Field::Title => self.title = v,
            Field::MetaTitle => self.meta_title = v,
            Field::MetaDescription => self.meta_description = v,
            Field::Slug => self.slug = v,
            Field::Excerpt => self.excerpt = v,
        }
    }

    /// The changes against `saved`, for core (fields left alone are `None`; the body is the
    /// editor's).
    pub fn update(&self, saved: &Details) -> ContentUpdate {
        let changed = |a: &str, b: &str| (a != b).then(|| a.to_owned());
        ContentUpdate {
            title: changed(&self.title, &saved.title),
            meta_title: changed(&self.meta_title, &saved.meta_title),
            meta_description: changed(&self.meta_description, &saved.meta_description),
            slug: changed(&self.slug, &saved.slug),
            excerpt: changed(&self.excerpt, &saved.excerpt),
            ..ContentUpdate::default()
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SideState {
    /// What core holds.
    pub saved: Details,
    /// What the form shows.
    pub form: Details,
    pub saving: bool,
    pub error: Option<ErrorDto>,
    /// `None` until loaded.
    pub terms: Option<Result<Vec<TermChoice>, ErrorDto>>,
    pub terms_error: Option<ErrorDto>,
    /// The new term's name as typed, and its taxonomy.
    pub new_term: String,
    pub new_term_taxonomy: Option<TaxonomyType>,
    pub status_busy: bool,
    pub status_error: Option<ErrorDto>,
}

pub enum SideAction {
    /// The article as core holds it (loaded, or after any save): fields not being edited
    /// follow it.
    Article(Content),
    Typed(Field, String),
    Saving,
    Saved(Result<Content, ErrorDto>),
    Discard,
    TermsLoaded(Result<Vec<TermChoice>, ErrorDto>),
    TermsFailed(ErrorDto),
    NewTerm(String),
    NewTermTaxonomy(TaxonomyType),
    /// A new term was added (the form clears).
    TermAdded,
    StatusBusy,
    StatusDone(Result<Content, ErrorDto>),
}

impl Reducible for SideState {
    type Action = SideAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

/// The status actions an article offers here (publishing is the publish panel's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMove {
    Submit,
    Approve,
    SendBack,
}

impl StatusMove {
    pub fn id(self) -> &'static str {
        match self {
            Self::Submit => "status-submit",
            Self::Approve => "status-approve",
            Self::SendBack => "status-reject",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "Submit for review",
            Self::Approve => "Approve",
            Self::SendBack => "Send back to draft",
        }
    }
}

/// What a person can do with an article in `status` from its page.
pub fn status_moves(status: ContentStatus) -> Vec<StatusMove> {
    match status {
        ContentStatus::Draft => vec![StatusMove::Submit],
        ContentStatus::Review => vec![StatusMove::Approve, StatusMove::SendBack],
        _ => Vec::new(),
    }
}

impl SideState {
    pub fn is_dirty(&self) -> bool {
        self.form != self.saved
    }

    /// The article's terms with one toggled (`None` when they are not loaded).
    pub fn toggled(&self, taxonomy: TaxonomyType, name: &str) -> Option<Vec<TermName>> {
        let Some(Ok(choices)) = &self.terms else {
            return None;
        };
        Some(
            choices
                .iter()
                .filter(|t| (t.taxonomy == taxonomy && t.name == name) != t.chosen)
                .map(|t| TermName {
                    taxonomy: t.taxonomy,
                    name: t.name.clone(),
                })
                .collect(),
        )
    }

    /// The article's terms plus the one typed (`None` when nothing is typed).
    pub fn with_new_term(&self) -> Option<Vec<TermName>> {
        let name = self.new_term.trim();
        if name.is_empty() {
            return None;
        }
        let Some(Ok(choices)) = &self.terms else {
            return None;
        };
        let mut out: Vec<TermName> = choices
            .iter()
            .filter(|t| t.chosen)
            .map(|t| TermName {
                taxonomy: t.taxonomy,
                name: t.name.clone(),
            })
            .collect();
        out.push(TermName {
            taxonomy: self.new_term_taxonomy.unwrap_or(TaxonomyType::Tag),
            name: name.to_owned(),
        });
        Some(out)
    }

    pub fn apply(&mut self, action: SideAction) {
        match action {
            SideAction::Article(c) => {
                let now = Details::of(&c);
                // a field the person is editing keeps what they typed
                for f in [
                    Field::Title,
                    Field::MetaTitle,
                    Field::MetaDescription,
                    Field::Slug,
                    Field::Excerpt,
                ] {
                    if self.form.get(f) == self.saved.get(f) {
                        self.form.set(f, now.get(f).to_owned());
                    }
                }
                self.saved = now;
            }
            SideAction::Typed(f, v) => self.form.set(f, v),
            SideAction::Saving => {
                self.saving = true;
                self.error = None;
            }
            SideAction::Saved(Ok(c)) => {
                self.saving = false;
                // core's word for every field (a slug made unique, a title trimmed)
                self.saved = Details::of(&c);
                self.form = self.saved.clone();
            }
            SideAction::Saved(Err(e)) => {
                self.saving = false;
                self.error = Some(e);
            }
            SideAction::Discard => {
                self.form = self.saved.clone();
                self.error = None;
            }
            SideAction::TermsLoaded(r) => {
                self.terms_error = None;
                self.terms = Some(r);
            }
            SideAction::TermsFailed(e) => self.terms_error = Some(e),
            SideAction::NewTerm(v) => self.new_term = v,
            SideAction::NewTermTaxonomy(t) => self.new_term_taxonomy = Some(t),
            SideAction::TermAdded => self.new_term.clear(),
            SideAction::StatusBusy => {
                self.status_busy = true;
                self.status_error = None;
            }
            SideAction::StatusDone(r) => {
                self.status_busy = false;
                if let Err(e) = r {
                    self.status_error = Some(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn counters_measure_characters_against_the_search_result_limits() {
        assert_eq!(meta_title_fit(""), Fit::Empty);
        assert_eq!(
            meta_title_fit(&"é".repeat(60)),
            Fit::Good,
            "characters, not bytes"
        );
        assert_eq!(meta_title_fit(&"a".repeat(61)), Fit::Long);
        assert_eq!(meta_title_counter("Hoes"), "4 / 60");
        assert_eq!(meta_description_fit(&"a".repeat(119)), Fit::Short);
        assert_eq!(meta_description_fit(&"a".repeat(120)), Fit::Good);
        assert_eq!(meta_description_fit(&"a".repeat(156)), Fit::Good);
        assert_eq!(meta_description_fit(&"a".repeat(157)), Fit::Long);
        assert_eq!(meta_description_counter("  ab "), "2 / 120\u{2013}156");
    }

    #[test]
    fn only_changed_fields_are_sent() {
        let saved = Details {
            title: "T".into(),
            slug: "t".into(),
            ..Details::default()
        };
        let mut form = saved.clone();
        form.meta_title = "Meta".into();
        let u = form.update(&saved);
        assert_eq!(u.meta_title.as_deref(), Some("Meta"));
        assert_eq!((u.title, u.slug, u.body_html), (None, None, None));
    }

    #[test]
    fn statuses_offer_their_legal_moves() {
        assert_eq!(status_moves(ContentStatus::Draft), [StatusMove::Submit]);
        assert_eq!(
            status_moves(ContentStatus::Review),
            [StatusMove::Approve, StatusMove::SendBack]
        );
        assert!(status_moves(ContentStatus::Approved).is_empty());
        for m in status_moves(ContentStatus::Review) {
            let to = match m {
                StatusMove::Approve => ContentStatus::Approved,
                StatusMove::SendBack => ContentStatus::Draft,
                StatusMove::Submit => ContentStatus::Review,
            };
            assert!(
                folio_model::transition(ContentStatus::Review, to).is_ok(),
                "{m:?}"
            );
        }
    }

    #[test]
    fn terms_toggle_and_a_new_one_joins_the_chosen() {
        let choice = |taxonomy, name: &str, chosen| TermChoice {
            taxonomy,
            name: name.into(),
            chosen,
            on_wordpress: false,
        };
        let mut s = SideState::default();
        assert_eq!(s.toggled(TaxonomyType::Tag, "x"), None);
        s.apply(SideAction::TermsLoaded(Ok(vec![
            choice(TaxonomyType::Category, "Tools", true),
            choice(TaxonomyType::Tag, "Hoes", false),
        ])));
        let names = |v: Vec<TermName>| v.into_iter().map(|t| t.name).collect::<Vec<_>>();
        assert_eq!(
            names(s.toggled(TaxonomyType::Tag, "Hoes").unwrap()),
            ["Tools", "Hoes"]
        );
        assert!(s
            .toggled(TaxonomyType::Category, "Tools")
            .unwrap()
            .is_empty());
        assert_eq!(s.with_new_term(), None);
        s.apply(SideAction::NewTerm(" Weeding ".into()));
        let with = s.with_new_term().unwrap();
        assert_eq!(names(with.clone()), ["Tools", "Weeding"]);
        assert_eq!(
            with[1].taxonomy,
            TaxonomyType::Tag,
            "a tag unless a category is chosen"
        );
    }

    #[test]
    fn a_field_being_edited_keeps_what_was_typed_when_the_article_changes() {
        let mut s = SideState::default();
        let mut c = crate::pages::content::sample_content();
        s.apply(SideAction::Article(c.clone()));
        s.apply(SideAction::Typed(Field::MetaTitle, "Typed".into()));
        c.meta_title = "From core".into();
        c.slug = "new-slug".into();
        s.apply(SideAction::Article(c));
        assert_eq!(s.form.meta_title, "Typed");
        assert_eq!(
            s.form.slug, "new-slug",
            "a field not being edited follows core"
        );
        assert!(s.is_dirty());
        s.apply(SideAction::Discard);
        assert_eq!(s.form.meta_title, "From core");
    }
}
