//! The Sites page's state: the list and the add form, whose errors sit under the field core
//! names (and clear when that field is edited).

use crate::forms::{clear_error_for, error_outside, message_for};
use folio_model::{ErrorDto, NewSite, Site, SiteList};
use std::rc::Rc;
use yew::Reducible;

/// The add form's fields, as core's errors name them.
const FIELDS: [&str; 3] = ["name", "domain", "sectors"];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteForm {
    pub name: String,
    pub domain: String,
    /// Comma-separated sector names, as typed.
    pub sectors: String,
}

impl SiteForm {
    pub fn to_new_site(&self) -> NewSite {
        NewSite {
            name: self.name.clone(),
            domain: self.domain.clone(),
            sectors: self
                .sectors
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SitesState {
    pub sites: Vec<Site>,
    pub loading: bool,
    pub load_error: Option<String>,
    pub form: SiteForm,
    pub submitting: bool,
    /// The error of the last submission, shown next to its field (or above the form).
    pub submit_error: Option<ErrorDto>,
    /// The site just added, briefly highlighted.
    pub last_added: Option<String>,
}

pub enum SitesAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    EditName(String),
    EditDomain(String),
    EditSectors(String),
    SubmitSite,
    SiteCreated(Site),
    SiteRejected(ErrorDto),
}

impl Reducible for SitesState {
    type Action = SitesAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            SitesAction::SitesLoaded(Ok(list)) => {
                s.sites = list.items;
                s.loading = false;
                s.load_error = None;
            }
            SitesAction::SitesLoaded(Err(e)) => {
                s.loading = false;
                s.load_error = Some(e.message);
            }
            SitesAction::EditName(v) => {
                s.form.name = v;
                s.clear_error_for("name");
            }
            SitesAction::EditDomain(v) => {
                s.form.domain = v;
                s.clear_error_for("domain");
            }
            SitesAction::EditSectors(v) => {
                s.form.sectors = v;
                s.clear_error_for("sectors");
            }
            SitesAction::SubmitSite => {
                s.submitting = true;
                s.submit_error = None;
            }
            SitesAction::SiteCreated(site) => {
                s.submitting = false;
                s.form = SiteForm::default();
                s.last_added = Some(site.id.to_string());
                s.sites.push(site);
            }
            SitesAction::SiteRejected(e) => {
                s.submitting = false;
                s.submit_error = Some(e);
            }
        }
        Rc::new(s)
    }
}

impl SitesState {
    fn clear_error_for(&mut self, field: &str) {
        clear_error_for(&mut self.submit_error, field);
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        message_for(&self.submit_error, field)
    }

    pub fn form_error(&self) -> Option<&str> {
        error_outside(&self.submit_error, &FIELDS).map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    #[test]
    fn sectors_are_split_on_commas_and_blank_ones_dropped() {
        let form = SiteForm {
            name: "N".into(),
            domain: "d.com".into(),
            sectors: " Tools, ,Seeds ,".into(),
        };
        assert_eq!(form.to_new_site().sectors, ["Tools", "Seeds"]);
    }

    #[test]
    fn a_field_error_clears_when_that_field_is_edited() {
        let s = Rc::new(SitesState::default());
        let s = s.reduce(SitesAction::SiteRejected(
            ErrorDto::new(ErrorKind::Validation, "bad domain").with_field("domain"),
        ));
        assert_eq!(s.error_for("domain"), Some("bad domain"));
        let s = s.reduce(SitesAction::EditName("x".into()));
        assert_eq!(
            s.error_for("domain"),
            Some("bad domain"),
            "other fields keep it"
        );
        let s = s.reduce(SitesAction::EditDomain("ok.com".into()));
        assert_eq!(s.error_for("domain"), None);
    }
}
