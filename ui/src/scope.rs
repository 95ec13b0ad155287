//! The site and sector a Planner or Writer page works on: the sites as core listed them, the
//! choice, and the choice the app remembers between pages. Pure, so every page that picks a site
//! and sector follows the same rules (a remembered choice is kept only while it still exists; a
//! new site starts with all its sectors).

use folio_model::{ErrorDto, SectorId, Site, SiteId, SiteList};

/// The site and sector the Planner and Writer pages work on; the app keeps it while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannerChoice {
    pub site: SiteId,
    /// `None`: all sectors of the site.
    pub sector: Option<SectorId>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteScope {
    pub sites: Vec<Site>,
    /// Until core's site list answers.
    pub loading: bool,
    pub error: Option<ErrorDto>,
    pub site: Option<SiteId>,
    pub sector: Option<SectorId>,
}

pub enum ScopeAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    SectorChosen(Option<SectorId>),
}

impl SiteScope {
    pub fn new(remembered: Option<PlannerChoice>) -> Self {
        Self {
            loading: true,
            site: remembered.map(|c| c.site),
            sector: remembered.and_then(|c| c.sector),
            ..Self::default()
        }
    }

    /// Apply a change; `true` when the site or sector changed (the page loads its lists again).
    pub fn apply(&mut self, action: ScopeAction) -> bool {
        match action {
            ScopeAction::SitesLoaded(Ok(list)) => {
                self.sites = list.items;
                self.loading = false;
                self.error = None;
                match self.current_site() {
                    Some(site) => {
                        if !site.sectors.iter().any(|x| Some(x.id) == self.sector) {
                            self.sector = None;
                        }
                    }
                    None => {
                        self.site = self.sites.first().map(|s| s.id);
                        self.sector = None;
                    }
                }
                true
            }
            ScopeAction::SitesLoaded(Err(e)) => {
                self.loading = false;
                self.error = Some(e);
                false
            }
            ScopeAction::SiteChosen(site) => {
                if self.site == Some(site) {
                    return false;
                }
                self.site = Some(site);
                self.sector = None;
                true
            }
            ScopeAction::SectorChosen(sector) => {
                if self.sector == sector {
                    return false;
                }
                self.sector = sector;
                true
            }
        }
    }

    pub fn current_site(&self) -> Option<&Site> {
        self.sites.iter().find(|s| Some(s.id) == self.site)
    }

    /// The site and sector, for the app to remember (once the sites are known).
    pub fn choice(&self) -> Option<PlannerChoice> {
        if self.loading {
            return None;
        }
        self.site.map(|site| PlannerChoice {
            site,
            sector: self.sector,
        })
    }

    /// The site and sector to list, once the sites are known.
    pub fn target(&self) -> Option<(SiteId, Option<SectorId>)> {
        if self.loading {
            return None;
        }
        self.current_site().map(|s| (s.id, self.sector))
    }

    /// A sector's name (for messages).
    pub fn sector_name(&self, id: SectorId) -> Option<&str> {
        self.current_site()?
            .sectors
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use folio_model::Sector;
    use std::str::FromStr;

    pub fn id<T: FromStr>(n: u64) -> T
    where
        T::Err: std::fmt::Debug,
    {
        T::from_str(&format!("00000000-0000-7000-8000-{n:012}")).unwrap()
    }

    pub fn site(n: u64, sectors: &[u64]) -> Site {
        Site {
            id: id(n),
            account_id: id(999),
            name: format!("Site {n}"),
            domain: format!("s{n}.example"),
            is_active: true,
            created_at: Default::default(),
            sectors: sectors
                .iter()
                .map(|&k| Sector {
                    id: id(k),
                    name: format!("Sector {k}"),
                })
                .collect(),
        }
    }

    pub fn sites() -> SiteList {
        SiteList {
            items: vec![site(1, &[11, 12]), site(2, &[21])],
        }
    }

    #[test]
    fn a_remembered_choice_is_kept_while_it_exists() {
        let mut s = SiteScope::new(Some(PlannerChoice {
            site: id(2),
            sector: Some(id(21)),
        }));
        assert_eq!(
            s.target(),
            None,
            "nothing is listed before the sites are known"
        );
        assert!(s.apply(ScopeAction::SitesLoaded(Ok(sites()))));
        assert_eq!(s.target(), Some((id(2), Some(id(21)))));

        let mut gone = SiteScope::new(Some(PlannerChoice {
            site: id(7),
            sector: Some(id(71)),
        }));
        gone.apply(ScopeAction::SitesLoaded(Ok(sites())));
        assert_eq!(gone.target(), Some((id(1), None)), "the first site instead");
    }

    #[test]
    fn another_site_starts_with_all_its_sectors() {
        let mut s = SiteScope::new(None);
        s.apply(ScopeAction::SitesLoaded(Ok(sites())));
        assert!(s.apply(ScopeAction::SectorChosen(Some(id(12)))));
        assert!(
            !s.apply(ScopeAction::SectorChosen(Some(id(12)))),
            "no change"
        );
        assert_eq!(s.sector_name(id(12)), Some("Sector 12"));
        assert!(s.apply(ScopeAction::SiteChosen(id(2))));
        assert_eq!(s.choice().unwrap().sector, None);
        assert!(!s.apply(ScopeAction::SiteChosen(id(2))));
    }
}
