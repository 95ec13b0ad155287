//! The keyword library's seed keywords put into a site: a sector of the library's keywords added
//! to a site's sector through the import path (one job per sector, duplicates skipped by the
//! sector's unique keys, documents written for sync), and a site made from an industry, whose
//! sectors are the chosen sectors of that industry, each with its seed keywords.

use crate::planner::keyword_file::{ParsedImport, ParsedKeyword};
use crate::text::name_key;
use crate::{CoreError, Folio};
use folio_model::{
    Industry, KeywordFormat, KeywordImportReport, NewSite, NewSiteFromIndustry, SectorId,
    SiteFromIndustry, SiteId, MAX_SECTORS_PER_SITE,
};

impl Folio {
    /// Adds the active seed keywords of the library sector `seed_sector`
    /// (`industry-slug/sector-slug`) to a site's sector (`None`: its first), as a keyword import
    /// would: keywords the sector has already are counted as duplicates, nothing else changes.
    pub async fn add_seed_keywords(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        seed_sector: &str,
    ) -> Result<KeywordImportReport, CoreError> {
        let seeds = self.seed_keywords(seed_sector).await?;
        let rows: Vec<ParsedKeyword> = seeds
            .into_iter()
            .enumerate()
            .map(|(i, k)| ParsedKeyword {
                line: i + 2,
                key: name_key(&k.keyword),
                keyword: k.keyword,
                volume: k.volume,
                difficulty: k.difficulty,
                cpc: None,
                intent: None,
            })
            .collect();
        // The library may hold one keyword for several countries: one row per keyword here.
        let mut seen = std::collections::HashSet::new();
        let total = rows.len();
        let rows: Vec<ParsedKeyword> = rows
            .into_iter()
            .filter(|r| seen.insert(r.key.clone()))
            .collect();
        let parsed = ParsedImport {
            format: KeywordFormat::Plain,
            duplicates_in_file: total - rows.len(),
            rows,
            rejected: Vec::new(),
        };
        let (job, sector) = self.start_import(site, sector).await?;
        let file_name = format!("seed keywords: {seed_sector}");
        let result = self
            .write_import(&job, site, sector, parsed, Some(&file_name))
            .await;
        job.finish(result)
    }

    /// Creates a site whose sectors are the chosen sectors of a library industry (named like
    /// them, in the order given) and adds each one's seed keywords. The site is kept if adding
    /// keywords then fails; the error says so.
    pub async fn create_site_from_industry(
        &self,
        input: &NewSiteFromIndustry,
    ) -> Result<SiteFromIndustry, CoreError> {
        let industries = self.industries().await?;
        let industry = find_industry(&industries, &input.industry)?;
        let chosen = chosen_sectors(industry, &input.sectors)?;
        let site = self
            .create_site(&NewSite {
                name: input.name.clone(),
                domain: input.domain.clone(),
                sectors: chosen.iter().map(|(_, name)| name.clone()).collect(),
            })
            .await?;
        let mut imports = Vec::with_capacity(chosen.len());
        for ((seed_sector, _), sector) in chosen.iter().zip(&site.sectors) {
            let report = self
                .add_seed_keywords(site.id, Some(sector.id), seed_sector)
                .await
                .map_err(|e| {
                    CoreError::Internal(format!(
                        "the site {} was created, but its seed keywords for {} were not added: \
                         {e}; add them from Planner → Keywords",
                        site.name, sector.name
                    ))
                })?;
            imports.push(report);
        }
        tracing::info!(site = %site.id, industry = %industry.id, sectors = chosen.len(), "site created from an industry");
        Ok(SiteFromIndustry { site, imports })
    }
}

fn find_industry<'a>(industries: &'a [Industry], id: &str) -> Result<&'a Industry, CoreError> {
    industries
        .iter()
        .find(|i| i.id == id.trim())
        .ok_or_else(|| {
            let known: Vec<&str> = industries.iter().map(|i| i.id.as_str()).collect();
            CoreError::invalid(
                "industry",
                format!(
                    "there is no industry {id:?} in the keyword library; choose one of {}",
                    known.join(", ")
                ),
            )
        })
}

/// The chosen library sectors of `industry` as (id, name), in the order given, each once.
fn chosen_sectors(industry: &Industry, ids: &[String]) -> Result<Vec<(String, String)>, CoreError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for id in ids {
        let Some(s) = industry.sectors.iter().find(|s| s.id == id.trim()) else {
            return Err(CoreError::invalid(
                "sectors",
                format!("{} has no sector {id:?}", industry.name),
            ));
        };
        if !out.iter().any(|(known, _)| *known == s.id) {
            out.push((s.id.clone(), s.name.clone()));
        }
    }
    if out.is_empty() {
        return Err(CoreError::invalid(
            "sectors",
            format!("choose at least one sector of {}", industry.name),
        ));
    }
    if out.len() > MAX_SECTORS_PER_SITE {
        return Err(CoreError::invalid(
            "sectors",
            format!("a site has at most {MAX_SECTORS_PER_SITE} sectors; choose fewer"),
        ));
    }
    Ok(out)
}
