//! The Usage page's state: the filter form as typed, the selection and grouping the data is
//! loaded for (replies for an older one are dropped), the data, and the credits left.

use crate::forms::{clear_error_for, error_outside, message_for};
use folio_model::ipc::{UsageByDayArgs, UsageReportArgs, UsageTopContentArgs};
use folio_model::{
    ContentUsage, CreditBalance, DailySiteUsage, ErrorDto, Site, SiteId, UsageGroup, UsageReport,
};
use std::rc::Rc;
use yew::Reducible;

/// Which ledger entries the page shows; dates as typed (`YYYY-MM-DD`, UTC), read by core.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsageSelection {
    pub site: Option<SiteId>,
    pub from: String,
    pub to: String,
}

impl UsageSelection {
    pub fn report(&self, group_by: UsageGroup) -> UsageReportArgs {
        UsageReportArgs {
            site: self.site,
            from: Some(self.from.clone()),
            to: Some(self.to.clone()),
            group_by,
        }
    }

    pub fn by_day(&self) -> UsageByDayArgs {
        UsageByDayArgs {
            site: self.site,
            from: Some(self.from.clone()),
            to: Some(self.to.clone()),
        }
    }

    pub fn top_content(&self, limit: u32) -> UsageTopContentArgs {
        UsageTopContentArgs {
            site: self.site,
            from: Some(self.from.clone()),
            to: Some(self.to.clone()),
            limit,
        }
    }
}

/// The data shown for one selection and grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageData {
    pub report: UsageReport,
    pub chart: Vec<DailySiteUsage>,
    pub top: Vec<ContentUsage>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UsageState {
    pub sites: Vec<Site>,
    /// The filter form as typed.
    pub draft: UsageSelection,
    /// The selection the data is (being) loaded for.
    pub applied: UsageSelection,
    pub group: UsageGroup,
    pub loading: bool,
    pub data: Option<UsageData>,
    pub error: Option<ErrorDto>,
    pub balance: Option<Result<CreditBalance, String>>,
}

impl Default for UsageState {
    fn default() -> Self {
        Self {
            sites: Vec::new(),
            draft: UsageSelection::default(),
            applied: UsageSelection::default(),
            group: UsageGroup::Operation,
            loading: true,
            data: None,
            error: None,
            balance: None,
        }
    }
}

pub enum UsageAction {
    SitesLoaded(Vec<Site>),
    EditSite(Option<SiteId>),
    EditFrom(String),
    EditTo(String),
    Apply,
    Group(UsageGroup),
    /// A reply for a selection and grouping; stale ones (the person moved on) are dropped.
    Loaded(UsageSelection, UsageGroup, Result<Box<UsageData>, ErrorDto>),
    Balance(Result<CreditBalance, ErrorDto>),
}

impl Reducible for UsageState {
    type Action = UsageAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            UsageAction::SitesLoaded(sites) => s.sites = sites,
            UsageAction::EditSite(site) => s.draft.site = site,
            UsageAction::EditFrom(v) => {
                s.draft.from = v;
                s.clear_error_for("from");
            }
            UsageAction::EditTo(v) => {
                s.draft.to = v;
                s.clear_error_for("to");
            }
            UsageAction::Apply => {
                if s.applied != s.draft {
                    s.applied = s.draft.clone();
                    s.loading = true;
                    s.error = None;
                }
            }
            UsageAction::Group(g) => {
                if s.group != g {
                    s.group = g;
                    s.loading = true;
                }
            }
            UsageAction::Loaded(selection, group, result) => {
                if selection != s.applied || group != s.group {
                    return self;
                }
                s.loading = false;
                match result {
                    Ok(data) => {
                        s.data = Some(*data);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            UsageAction::Balance(result) => s.balance = Some(result.map_err(|e| e.message)),
        }
        Rc::new(s)
    }
}

impl UsageState {
    fn clear_error_for(&mut self, field: &str) {
        clear_error_for(&mut self.error, field);
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        message_for(&self.error, field)
    }

    pub fn page_error(&self) -> Option<&str> {
        error_outside(&self.error, &["from", "to"]).map(|e| e.message.as_str())
    }

    pub fn site_name(&self, site: Option<SiteId>) -> String {
        site.and_then(|id| self.sites.iter().find(|s| s.id == id))
            .map_or_else(String::new, |s| s.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_replies_are_dropped_and_date_errors_clear_when_edited() {
        let s = Rc::new(UsageState::default());
        let s = s.reduce(UsageAction::EditFrom("2026-13-01".into()));
        let s = s.reduce(UsageAction::Apply);
        let old = UsageSelection::default();
        let s = s.reduce(UsageAction::Loaded(
            old,
            UsageGroup::Operation,
            Err(ErrorDto::new(folio_model::ErrorKind::Internal, "late")),
        ));
        assert!(s.loading, "a reply for the old selection is ignored");
        assert_eq!(s.error, None);
        let applied = s.applied.clone();
        let s = s.reduce(UsageAction::Loaded(
            applied,
            UsageGroup::Operation,
            Err(ErrorDto::new(folio_model::ErrorKind::Validation, "not a date").with_field("from")),
        ));
        assert_eq!(s.error_for("from"), Some("not a date"));
        assert_eq!(s.page_error(), None);
        let s = s.reduce(UsageAction::EditFrom("2026-01-01".into()));
        assert_eq!(s.error_for("from"), None);
        let s = s.reduce(UsageAction::Group(UsageGroup::Site));
        assert!(s.loading);
    }
}
