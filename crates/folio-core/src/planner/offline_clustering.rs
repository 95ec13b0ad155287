//! Offline clustering (DESIGN §4a): a sector's new keywords grouped by meaning on this computer
//! with `folio-embed` — free, no provider, no credits — and saved through the same write as AI
//! clustering (`pipeline::clustering::save_batch`), so keywords end `mapped` in the same way.
//!
//! Incremental: clusters that exist are never reshuffled. A group of new keywords joins the
//! existing cluster whose centre (its keywords' and name's embedding) is within the threshold,
//! or becomes a new cluster named offline; a keyword close to nothing stays `new` for a later
//! run. docs/offline-clustering.md; `tests/offline_clustering.rs`.

use crate::pipeline::clustering::{save_batch, ClusterAnswer, SectorWork};
use crate::planner::embedding_cache::{blocking, load_embedder};
use crate::{CoreError, Folio};
use folio_embed::{similarity, Embedder, Embeddings, KeywordIn, Plan, DEFAULT_THRESHOLD};
use folio_model::{
    ClusterId, JobKind, JobPhase, JobScope, KeywordFilter, KeywordRow, OfflineClusterReport,
    SectorId, SiteId, ThresholdPreview,
};
use std::collections::HashMap;

/// The thresholds a preview shows, tightest first.
pub const PREVIEW_THRESHOLDS: [f32; 5] = [0.3, 0.4, 0.5, 0.6, 0.7];

/// Clusters saved per write: progress and cancel between writes, never a half-saved cluster.
const CLUSTERS_PER_WRITE: usize = 200;

/// Clusters by name, each with its keywords' rows.
type Named = Vec<(String, Vec<KeywordRow>)>;

/// One sector's keywords placed: new clusters and additions to existing ones, and how many
/// keywords stay alone.
struct Placement {
    new: Named,
    existing: Named,
    alone: u64,
}

impl Folio {
    /// How many clusters each of [`PREVIEW_THRESHOLDS`] would give for the site's (or sector's)
    /// new keywords: the "tighter / looser" preview. Writes nothing.
    pub async fn preview_offline_clustering(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
    ) -> Result<Vec<ThresholdPreview>, CoreError> {
        let work = self.clustering_work(site, sector).await?;
        let embedder = load_embedder().await?;
        let mut out: Vec<ThresholdPreview> = PREVIEW_THRESHOLDS
            .iter()
            .map(|&threshold| ThresholdPreview {
                threshold,
                clusters: 0,
                alone: 0,
            })
            .collect();
        for w in work {
            let embedded = self.embed_cached(&embedder, &texts(&w.keywords)).await?;
            let plan = blocking(move || plan(&w.keywords, embedded)).await?;
            for p in &mut out {
                let (clusters, alone) = plan.preview(p.threshold)?;
                p.clusters += clusters as u64;
                p.alone += alone as u64;
            }
        }
        Ok(out)
    }

    /// Cluster the site's (or one sector's) new keywords offline, cut at `threshold` (a cosine
    /// distance, default 0.5; lower is tighter). A job: progress, cancel (what was saved stays).
    pub async fn cluster_offline(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        threshold: Option<f32>,
    ) -> Result<OfflineClusterReport, CoreError> {
        let threshold = threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(0.0..=2.0).contains(&threshold) {
            return Err(folio_embed::EmbedError::Threshold(threshold).into());
        }
        let work = self.clustering_work(site, sector).await?;
        let job = self
            .jobs()
            .start(JobKind::Clustering, JobScope::Site { site })
            .await?;
        let mut report = OfflineClusterReport {
            threshold,
            keywords: work.iter().map(|w| w.keywords.len() as u64).sum(),
            ..OfflineClusterReport::default()
        };
        let outcome = self
            .cluster_offline_in(&job, site, work, threshold, &mut report)
            .await;
        match outcome {
            Ok(()) => job.finish(Ok(report)),
            Err(CoreError::Cancelled) => {
                report.cancelled = true;
                let _ = job.finish::<()>(Err(CoreError::Cancelled));
                Ok(report)
            }
            Err(e) => job.finish(Err(e)),
        }
    }

    async fn cluster_offline_in(
        &self,
        job: &crate::jobs::Job,
        site: SiteId,
        work: Vec<SectorWork>,
        threshold: f32,
        report: &mut OfflineClusterReport,
    ) -> Result<(), CoreError> {
        let total = report.keywords;
        job.say(
            JobPhase::Started,
            0,
            Some(total),
            "loading the clustering model",
        );
        let embedder = load_embedder().await?;
        let index = self.keyword_index.get(&self.pool, site).await?;
        for w in work {
            job.check()?;
            if w.keywords.is_empty() {
                continue;
            }
            // What the sector's existing clusters are about: their keywords and their names.
            let mut filter = KeywordFilter::site(site);
            filter.sector = Some(w.sector);
            let mut members: HashMap<ClusterId, Vec<String>> = HashMap::new();
            for i in index.select(&filter) {
                let row = index.entries[i as usize].to_row(&index.sectors);
                if let Some(c) = row.cluster_id {
                    members.entry(c).or_default().push(row.keyword);
                }
            }
            let existing: Vec<(String, Vec<String>)> = w
                .existing
                .iter()
                .map(|(name, id)| {
                    let mut texts = members.remove(id).unwrap_or_default();
                    texts.push(name.clone());
                    (name.clone(), texts)
                })
                .collect();
            job.say(
                JobPhase::Parsing,
                report.mapped + report.unclustered,
                Some(total),
                format!(
                    "grouping {} keywords of {}",
                    w.keywords.len(),
                    w.sector_name
                ),
            );
            let placement = {
                let embedded = self.embed_cached(&embedder, &texts(&w.keywords)).await?;
                let embedder = embedder.clone();
                let keywords = w.keywords.clone();
                blocking(move || place(&embedder, &keywords, embedded, &existing, threshold))
                    .await?
            };
            report.unclustered += placement.alone;
            // Additions to existing clusters first, then new clusters, a bounded number a write.
            let mut writes: Vec<(Named, Named)> = Vec::new();
            for chunk in placement.existing.chunks(CLUSTERS_PER_WRITE) {
                writes.push((Vec::new(), chunk.to_vec()));
            }
            for chunk in placement.new.chunks(CLUSTERS_PER_WRITE) {
                writes.push((chunk.to_vec(), Vec::new()));
            }
            for (new, existing) in writes {
                job.check()?;
                let rows: Vec<KeywordRow> = new
                    .iter()
                    .chain(&existing)
                    .flat_map(|(_, rows)| rows.iter().cloned())
                    .collect();
                let joined: u64 = existing.iter().map(|(_, r)| r.len() as u64).sum();
                let texts = |list: Named| {
                    list.into_iter()
                        .map(|(name, rows)| (name, rows.into_iter().map(|r| r.keyword).collect()))
                        .collect()
                };
                let answer = ClusterAnswer::placed(texts(new), texts(existing));
                let created = save_batch(self, site, w.sector, &rows, &answer, None).await?;
                report.mapped += rows.len() as u64;
                report.joined_existing += joined;
                report.created.extend(created.into_iter().map(|(id, _)| id));
                job.say(
                    JobPhase::Writing,
                    report.mapped + report.unclustered,
                    Some(total),
                    format!("saving the clusters of {}", w.sector_name),
                );
            }
        }
        Ok(())
    }
}

fn texts(keywords: &[KeywordRow]) -> Vec<String> {
    keywords.iter().map(|k| k.keyword.clone()).collect()
}

/// The keywords' plan from their (cached) embeddings.
fn plan(keywords: &[KeywordRow], embedded: Embeddings) -> Result<Plan, CoreError> {
    let input: Vec<KeywordIn> = keywords
        .iter()
        .map(|k| KeywordIn {
            text: &k.keyword,
            volume: k.volume.and_then(|v| u64::try_from(v).ok()).unwrap_or(0),
        })
        .collect();
    Ok(Plan::from_embeddings(&input, embedded)?)
}

/// Each new cluster (or lone keyword) goes to the nearest existing cluster within the
/// threshold; otherwise a cluster of two or more becomes a new cluster and a lone keyword stays.
fn place(
    embedder: &Embedder,
    keywords: &[KeywordRow],
    embedded: Embeddings,
    existing: &[(String, Vec<String>)],
    threshold: f32,
) -> Result<Placement, CoreError> {
    let plan = plan(keywords, embedded)?;
    let centres: Vec<Vec<f32>> = existing.iter().map(|(_, t)| embedder.centre(t)).collect();
    let mut joins: HashMap<usize, Vec<KeywordRow>> = HashMap::new();
    let mut out = Placement {
        new: Vec::new(),
        existing: Vec::new(),
        alone: 0,
    };
    for cluster in plan.cut(threshold)? {
        let nearest = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (i, 1.0 - similarity(&cluster.centre, c)))
            .filter(|&(_, d)| d <= threshold)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let rows: Vec<KeywordRow> = cluster
            .members
            .iter()
            .map(|&m| keywords[m].clone())
            .collect();
        match nearest {
            Some((i, _)) => joins.entry(i).or_default().extend(rows),
            None if rows.len() >= 2 => out.new.push((cluster.name, rows)),
            None => out.alone += 1,
        }
    }
    let mut joins: Vec<(usize, Vec<KeywordRow>)> = joins.into_iter().collect();
    joins.sort_by_key(|(i, _)| *i);
    out.existing = joins
        .into_iter()
        .map(|(i, rows)| (existing[i].0.clone(), rows))
        .collect();
    Ok(out)
}
