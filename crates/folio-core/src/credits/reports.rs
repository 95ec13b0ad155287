//! Usage reports over the ledger: by operation, model, site, month or day; per article; per day
//! and site for the chart.

use crate::{CoreError, Folio};
use folio_model::{
    ContentId, ContentUsage, DailySiteUsage, LedgerEntry, SiteId, UsageFilter, UsageGroup,
    UsageReport, UsageRow,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Totals of entries, for reports.
fn add(row: &mut UsageRow, e: &LedgerEntry) {
    row.calls += 1;
    row.failed += u64::from(e.outcome != "ok");
    row.tokens_in += e.tokens_in;
    row.tokens_out += e.tokens_out;
    row.images += u64::from(e.images);
    row.cost_usd += e.cost_usd;
    row.credits += e.credits;
}

fn totals<'a>(key: &str, entries: impl IntoIterator<Item = &'a LedgerEntry>) -> UsageRow {
    let mut row = UsageRow {
        key: key.into(),
        label: key.into(),
        ..Default::default()
    };
    for e in entries {
        add(&mut row, e);
    }
    row.cost_usd = row.cost_usd.normalize();
    row
}

impl Folio {
    /// Sites' names for reports: today's name, else the name the entry kept.
    async fn site_labels(&self) -> Result<HashMap<String, String>, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM sites WHERE account_id = ?")
                .bind(self.account_id.to_string())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// The articles whose AI calls cost the most in the selection, most expensive first.
    pub async fn usage_by_content(
        &self,
        filter: &UsageFilter,
        limit: u32,
    ) -> Result<Vec<ContentUsage>, CoreError> {
        let entries = self.entries(filter, None).await?;
        let mut by_content: BTreeMap<ContentId, (Option<SiteId>, Vec<&LedgerEntry>)> =
            BTreeMap::new();
        for e in &entries {
            if let Some(content) = e.content_id {
                by_content
                    .entry(content)
                    .or_insert_with(|| (e.site_id, Vec::new()))
                    .1
                    .push(e);
            }
        }
        let mut items: Vec<ContentUsage> = by_content
            .into_iter()
            .map(|(content_id, (site_id, es))| ContentUsage {
                content_id,
                title: None,
                site_id,
                usage: totals(&content_id.to_string(), es),
            })
            .collect();
        items.sort_by(|a, b| {
            b.usage
                .cost_usd
                .cmp(&a.usage.cost_usd)
                .then(b.usage.credits.cmp(&a.usage.credits))
                .then(a.usage.key.cmp(&b.usage.key))
        });
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        for item in &mut items {
            let title: Option<(String,)> = sqlx::query_as("SELECT title FROM content WHERE id = ?")
                .bind(item.content_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
            item.usage.label = match &title {
                Some((t,)) => t.clone(),
                None => "(deleted article)".into(),
            };
            item.title = title.map(|(t,)| t);
        }
        Ok(items)
    }

    /// Usage totals grouped by operation, model, site, month or day.
    pub async fn usage_report(
        &self,
        filter: &UsageFilter,
        group_by: UsageGroup,
    ) -> Result<UsageReport, CoreError> {
        let entries = self.entries(filter, None).await?;
        let names = self.site_labels().await?;
        let mut groups: BTreeMap<String, (String, Vec<&LedgerEntry>)> = BTreeMap::new();
        for e in &entries {
            let (key, label) = match group_by {
                UsageGroup::Operation => {
                    (e.operation.as_str().to_string(), e.operation.to_string())
                }
                UsageGroup::Model => (e.model.clone(), e.model.clone()),
                UsageGroup::Site => site_key(e, &names),
                UsageGroup::Month => {
                    let k = e.created_at.format("%Y-%m").to_string();
                    (k.clone(), k)
                }
                UsageGroup::Day => {
                    let k = e.created_at.format("%Y-%m-%d").to_string();
                    (k.clone(), k)
                }
            };
            groups
                .entry(key)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push(e);
        }
        let mut rows: Vec<UsageRow> = groups
            .into_iter()
            .map(|(key, (label, es))| UsageRow {
                label,
                ..totals(&key, es)
            })
            .collect();
        // Time reads in order; everything else most expensive first.
        if !matches!(group_by, UsageGroup::Month | UsageGroup::Day) {
            rows.sort_by(|a, b| {
                b.cost_usd
                    .cmp(&a.cost_usd)
                    .then(b.credits.cmp(&a.credits))
                    .then(a.key.cmp(&b.key))
            });
        }
        Ok(UsageReport {
            group_by,
            filter: filter.clone(),
            rows,
            totals: totals("total", &entries),
        })
    }

    /// Cost per day and site, for the usage chart (days in order).
    pub async fn usage_by_day_and_site(
        &self,
        filter: &UsageFilter,
    ) -> Result<Vec<DailySiteUsage>, CoreError> {
        let entries = self.entries(filter, None).await?;
        let names = self.site_labels().await?;
        let mut cells: BTreeMap<(String, String), DailySiteUsage> = BTreeMap::new();
        for e in &entries {
            let day = e.created_at.format("%Y-%m-%d").to_string();
            let (key, label) = site_key(e, &names);
            let cell = cells
                .entry((day.clone(), key))
                .or_insert_with(|| DailySiteUsage {
                    day,
                    site_id: e.site_id,
                    site_label: label,
                    cost_usd: Decimal::ZERO,
                    credits: 0,
                });
            cell.cost_usd += e.cost_usd;
            cell.credits += e.credits;
        }
        Ok(cells
            .into_values()
            .map(|mut c| {
                c.cost_usd = c.cost_usd.normalize();
                c
            })
            .collect())
    }

    /// What an article has cost so far, every call for it counted.
    pub async fn content_cost(&self, content: ContentId) -> Result<UsageRow, CoreError> {
        let filter = UsageFilter {
            content: Some(content),
            ..Default::default()
        };
        let entries = self.entries(&filter, None).await?;
        Ok(totals(&content.to_string(), &entries))
    }
}

fn site_key(e: &LedgerEntry, names: &HashMap<String, String>) -> (String, String) {
    match e.site_id {
        None => (String::new(), "(no site)".into()),
        Some(site) => {
            let key = site.to_string();
            let label = names
                .get(&key)
                .cloned()
                .or_else(|| e.site_name.as_ref().map(|n| format!("{n} (deleted)")))
                .unwrap_or_else(|| format!("{key} (deleted)"));
            (key, label)
        }
    }
}
