//! The dashboard (issue 17, the app's start page; `folio dashboard`): for one site or every site
//! of the account, the pipeline's counts, the next scheduled posts, each site's last automation
//! run, the credits and this month's spend, and the next step ([`folio_model::NextStep::decide`]).
//!
//! Everything comes from the local store in a handful of aggregate queries (`GROUP BY` over
//! indexes), so the page opens in milliseconds at 100k keywords
//! (`benches/dashboard.rs` prints the figures). Pinned by `tests/dashboard.rs`.

mod counts;
mod spend;
mod upcoming;

use crate::store::db::parse_stored;
use crate::{CoreError, Folio};
use folio_model::{Dashboard, NextStep, PipelineCounts, SiteDashboard, SiteId};

impl Folio {
    /// The dashboard of `site`, or of every site of the account (`None`).
    pub async fn dashboard(&self, site: Option<SiteId>) -> Result<Dashboard, CoreError> {
        let sites = self.dashboard_sites(site).await?;
        let counts = counts::by_site(self, site).await?;
        let mut out = Vec::with_capacity(sites.len());
        let mut total = PipelineCounts::default();
        for (id, name) in sites {
            let c = counts.get(&id).copied().unwrap_or_default();
            total.add(&c);
            out.push(SiteDashboard {
                site: id,
                name,
                counts: c,
                last_run: self.latest_automation_run(id).await?,
            });
        }
        let next_step = NextStep::decide(out.len(), &total);
        Ok(Dashboard {
            site,
            counts: total,
            next_posts: upcoming::next_posts(self, site).await?,
            credits: self.credit_balance().await?,
            month: spend::this_month(self, site).await?,
            sites: out,
            next_step,
        })
    }

    /// The sites in scope, in the order sites are listed: the one asked for (which must be the
    /// account's), or all of them.
    async fn dashboard_sites(
        &self,
        site: Option<SiteId>,
    ) -> Result<Vec<(SiteId, String)>, CoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, name FROM sites WHERE account_id = ?1 AND (?2 IS NULL OR id = ?2)
             ORDER BY created_at, id",
        )
        .bind(self.account_id.to_string())
        .bind(site.map(|s| s.to_string()))
        .fetch_all(&self.pool)
        .await?;
        if let (Some(site), true) = (site, rows.is_empty()) {
            return Err(crate::store::db::not_found(format!("site {site}")));
        }
        rows.into_iter()
            .map(|(id, name)| Ok((parse_stored("site id", &id)?, name)))
            .collect()
    }
}
