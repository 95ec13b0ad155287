//! Stage 1: a site's (or sector's) `new` keywords → clusters, with a model.
//!
//! Keywords go in batches (sorted by text, so a head term's variants share a batch), each with
//! the sector's existing clusters. The answer must place every keyword of the batch exactly
//! once — in a new cluster, an existing one, or `unclustered` — invent none, name new clusters
//! uniquely and give each 3–10 keywords unless it explains a smaller one. A batch's clusters and
//! its keywords' new cluster (`mapped`) are saved in one write; batches running side by side
//! that propose the same new name end up in one cluster. Keywords left unclustered stay `new`.

use crate::ai::calls::KeepAnswer;
use crate::pipeline::checkpoints;
use crate::pipeline::runner::StageRun;
use crate::planner::clusters::insert_cluster;
use crate::planner::keywords::set_keyword_clusters;
use crate::text::name_key;
use crate::{CoreError, Folio};
use folio_ai::StructuredRequest;
use folio_model::{
    AiOperation, ClusterId, KeywordFilter, KeywordId, KeywordRow, KeywordStatus, PromptKind,
    SectorId, SiteId,
};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::{HashMap, HashSet};

/// Keywords per call unless the model's context is smaller.
pub const DEFAULT_BATCH: usize = 150;
/// Keywords a new cluster holds unless the model explains a smaller one.
pub const CLUSTER_SIZE: (usize, usize) = (3, 10);

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct ClusterAnswer {
    #[serde(default)]
    clusters: Vec<NewClusterAnswer>,
    #[serde(default)]
    existing: Vec<ExistingAnswer>,
    #[serde(default)]
    unclustered: Vec<String>,
}

impl ClusterAnswer {
    /// Placements made without a model (offline clustering): new clusters by name, and
    /// keywords for clusters that exist, each with its keywords' texts. Saved by [`save_batch`]
    /// like a model's answer.
    pub(crate) fn placed(
        new: Vec<(String, Vec<String>)>,
        existing: Vec<(String, Vec<String>)>,
    ) -> Self {
        Self {
            clusters: new
                .into_iter()
                .map(|(name, keywords)| NewClusterAnswer {
                    name,
                    description: String::new(),
                    keywords,
                    singleton_reason: String::new(),
                })
                .collect(),
            existing: existing
                .into_iter()
                .map(|(cluster, keywords)| ExistingAnswer { cluster, keywords })
                .collect(),
            unclustered: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
struct NewClusterAnswer {
    name: String,
    #[serde(default)]
    description: String,
    keywords: Vec<String>,
    #[serde(default)]
    singleton_reason: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct ExistingAnswer {
    cluster: String,
    keywords: Vec<String>,
}

pub(crate) fn schema() -> serde_json::Value {
    let strings = serde_json::json!({"type": "array", "items": {"type": "string"}});
    serde_json::json!({
        "type": "object", "additionalProperties": false,
        "required": ["clusters", "existing", "unclustered"],
        "properties": {
            "clusters": {"type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["name", "description", "keywords", "singleton_reason"],
                "properties": {
                    "name": {"type": "string"}, "description": {"type": "string"},
                    "keywords": strings, "singleton_reason": {"type": "string"}
                }}},
            "existing": {"type": "array", "items": {
                "type": "object", "additionalProperties": false,
                "required": ["cluster", "keywords"],
                "properties": {"cluster": {"type": "string"}, "keywords": strings}}},
            "unclustered": strings
        }
    })
}

fn key(s: &str) -> String {
    name_key(s)
}

/// The batch's keywords must each be placed exactly once; nothing invented; names unique and
/// new; sizes within [`CLUSTER_SIZE`] unless explained. The message is what the re-ask quotes.
pub(crate) fn validate(
    answer: &ClusterAnswer,
    batch: &[String],
    existing: &[String],
) -> Result<(), String> {
    let wanted: HashSet<String> = batch.iter().map(|k| key(k)).collect();
    let existing_keys: HashSet<String> = existing.iter().map(|c| key(c)).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    let placed = answer
        .clusters
        .iter()
        .flat_map(|c| &c.keywords)
        .chain(answer.existing.iter().flat_map(|e| &e.keywords))
        .chain(&answer.unclustered);
    for k in placed {
        *seen.entry(key(k)).or_default() += 1;
        if !wanted.contains(&key(k)) {
            problems.push(format!("\"{k}\" is not one of the keywords given; use only the given keywords, spelled as given"));
        }
    }
    for (k, n) in &seen {
        if *n > 1 && wanted.contains(k) {
            problems.push(format!(
                "\"{k}\" is placed {n} times; place each keyword exactly once"
            ));
        }
    }
    let missing: Vec<&String> = batch
        .iter()
        .filter(|k| !seen.contains_key(&key(k)))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(10)
            .map(|k| format!("\"{k}\""))
            .collect();
        problems.push(format!(
            "{} keywords are missing ({}); place every keyword in a cluster or in \"unclustered\"",
            missing.len(),
            shown.join(", ")
        ));
    }
    let mut names = HashSet::new();
    for c in &answer.clusters {
        let k = key(&c.name);
        if k.is_empty() {
            problems.push("a new cluster has no name".into());
        } else if existing_keys.contains(&k) {
            problems.push(format!("\"{}\" already exists; put its keywords under \"existing\" instead of a new cluster", c.name));
        } else if !names.insert(k) {
            problems.push(format!(
                "two new clusters are named \"{}\"; names must be unique",
                c.name
            ));
        }
        let n = c.keywords.len();
        if n > CLUSTER_SIZE.1 {
            problems.push(format!(
                "\"{}\" has {n} keywords; split it (at most {})",
                c.name, CLUSTER_SIZE.1
            ));
        } else if n < CLUSTER_SIZE.0 && c.singleton_reason.trim().is_empty() {
            problems.push(format!("\"{}\" has {n} keywords; a cluster needs {} to {} unless singleton_reason explains why its intent stands alone", c.name, CLUSTER_SIZE.0, CLUSTER_SIZE.1));
        }
    }
    for e in &answer.existing {
        if !existing_keys.contains(&key(&e.cluster)) {
            problems.push(format!(
                "\"{}\" is not an existing cluster; make it a new cluster",
                e.cluster
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One sector's keywords waiting for a cluster, and its existing clusters (name → id).
pub(crate) struct SectorWork {
    pub sector: SectorId,
    pub sector_name: String,
    pub keywords: Vec<KeywordRow>,
    pub existing: Vec<(String, ClusterId)>,
    /// The sector's cluster names as a run goes, newest last: the existing ones, then each
    /// batch's new ones once saved. Kept here rather than read before every batch — a
    /// 10k-keyword sector makes thousands of clusters, and reading them all per batch grew
    /// with the square of the keywords.
    pub names: std::sync::Mutex<Vec<String>>,
}

impl SectorWork {
    /// The cluster names a batch starting now is told about, newest first.
    fn names_now(&self) -> Vec<String> {
        self.names
            .lock()
            .map(|n| n.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    fn add_names(&self, new: impl IntoIterator<Item = String>) {
        if let Ok(mut n) = self.names.lock() {
            n.extend(new);
        }
    }
}

impl Folio {
    /// The keywords of a site (or one sector) that wait for a cluster, by sector.
    /// The clustering work of a stage's target: [`Self::clustering_work`], kept to the
    /// target's keywords when it names some.
    pub(crate) async fn clustering_work_for(
        &self,
        target: &folio_model::StageTarget,
    ) -> Result<Vec<SectorWork>, CoreError> {
        let mut work = self.clustering_work(target.site, target.sector).await?;
        if !target.keywords.is_empty() {
            let only: std::collections::HashSet<_> = target.keywords.iter().collect();
            for w in &mut work {
                w.keywords.retain(|k| only.contains(&k.id));
            }
            work.retain(|w| !w.keywords.is_empty());
        }
        Ok(work)
    }

    pub(crate) async fn clustering_work(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
    ) -> Result<Vec<SectorWork>, CoreError> {
        let s = self.get_site(site).await?;
        let index = self.keyword_index.get(&self.pool, site).await?;
        let mut out = Vec::new();
        for sec in &s.sectors {
            if sector.is_some_and(|want| want != sec.id) {
                continue;
            }
            let mut filter = KeywordFilter::site(site);
            filter.sector = Some(sec.id);
            filter.status = Some(KeywordStatus::New);
            let mut keywords: Vec<KeywordRow> = index
                .select(&filter)
                .into_iter()
                .map(|i| index.entries[i as usize].to_row(&index.sectors))
                .filter(|k| k.cluster_id.is_none())
                .collect();
            keywords.sort_by(|a, b| a.keyword.cmp(&b.keyword));
            let existing: Vec<(String, ClusterId)> = self
                .list_clusters(site, Some(sec.id), None)
                .await?
                .into_iter()
                .map(|c| (c.name, c.id))
                .collect();
            let names = existing
                .iter()
                .rev()
                .map(|(name, _)| name.clone())
                .collect();
            out.push(SectorWork {
                sector: sec.id,
                sector_name: sec.name.clone(),
                keywords,
                existing,
                names: std::sync::Mutex::new(names),
            });
        }
        if let Some(want) = sector {
            if out.is_empty() {
                return Err(CoreError::invalid(
                    "sector",
                    format!(
                        "sector {want} is not a sector of the site \u{201c}{}\u{201d}",
                        s.name
                    ),
                ));
            }
        }
        Ok(out)
    }
}

/// The prompt of one batch.
pub(crate) fn batch_prompt(
    template: &str,
    site_name: &str,
    sector_name: &str,
    batch: &[KeywordRow],
    existing: &[String],
) -> Result<String, CoreError> {
    let keywords: Vec<String> = batch
        .iter()
        .map(|k| {
            format!(
                "{} | {} | {}",
                k.keyword,
                k.volume.map_or("-".into(), |v| v.to_string()),
                k.difficulty.map_or("-".into(), |d| d.to_string())
            )
        })
        .collect();
    let keyword_block = format!("keyword | volume | difficulty\n{}", keywords.join("\n"));
    let rendered = crate::ai::prompts::render(
        template,
        &[
            ("IGNY8_SITE_NAME", site_name),
            ("IGNY8_SECTOR", sector_name),
            ("IGNY8_KEYWORDS", &keyword_block),
        ],
    )?;
    let mut prompt = rendered;
    prompt.push_str("\n\n[EXISTING CLUSTERS]\n");
    if existing.is_empty() {
        prompt.push_str("(none yet)");
    } else {
        prompt.push_str(&existing.join("\n"));
    }
    if !template.contains("[IGNY8_KEYWORDS]") {
        prompt.push_str("\n\n[KEYWORDS]\n");
        prompt.push_str(&keyword_block);
    }
    prompt.push_str(&format!(
        "\n\n[RULES]\nPlace every keyword of [KEYWORDS] exactly once: in a new cluster (\"clusters\"), in an existing cluster from [EXISTING CLUSTERS] (\"existing\", by its exact name), or in \"unclustered\" when it fits nowhere. Never invent or respell keywords. New cluster names are unique and differ from the existing ones. A new cluster has {} to {} keywords; a smaller one needs \"singleton_reason\" (otherwise an empty string).",
        CLUSTER_SIZE.0, CLUSTER_SIZE.1
    ));
    Ok(prompt)
}

/// Keywords per call for a model: [`DEFAULT_BATCH`], fewer when its context window is small
/// (about 25 tokens a keyword in and out, half the window for the rest).
pub(crate) fn batch_size(context_window: Option<u32>) -> usize {
    match context_window {
        Some(w) => (usize::try_from(w / 2 / 25).unwrap_or(DEFAULT_BATCH)).clamp(10, DEFAULT_BATCH),
        None => DEFAULT_BATCH,
    }
}

/// Run one batch: call, validate, save. Returns the ids of the clusters it made.
pub(crate) async fn cluster_batch(
    run: &StageRun,
    template: &str,
    system: &str,
    site_name: &str,
    work: &SectorWork,
    batch: &[KeywordRow],
) -> Result<Vec<String>, CoreError> {
    run.check()?;
    let folio = &run.folio;
    // Existing clusters' names as they are now (earlier batches of this run included).
    let existing_names = work.names_now();
    let texts: Vec<String> = batch.iter().map(|k| k.keyword.clone()).collect();
    let prompt = batch_prompt(
        template,
        site_name,
        &work.sector_name,
        batch,
        &existing_names,
    )?;
    let req = StructuredRequest {
        chat: crate::pipeline::chat(system, prompt),
        schema_name: "clusters".into(),
        schema: schema(),
    };
    // A batch is known by its first keyword and its size; an answer a stopped run paid for is
    // saved now (if it still fits the batch) rather than bought again.
    let keep = KeepAnswer {
        item: batch.first().map(|k| k.id.to_string()).unwrap_or_default(),
        part: format!("clusters:{}", batch.len()),
    };
    let kept = checkpoints::kept::<ClusterAnswer>(folio, &keep)
        .await?
        .filter(|a| validate(a, &texts, &existing_names).is_ok());
    let answer = if let Some(answer) = kept {
        answer
    } else {
        let _slot = run.slot().await?;
        run.say(format!(
            "clustering {} keywords of {}",
            batch.len(),
            work.sector_name
        ));
        folio
            .ai_structured_kept::<ClusterAnswer>(
                run.call(AiOperation::Clustering)
                    .keep(&keep.item, keep.part.clone()),
                req,
                |a| validate(a, &texts, &existing_names),
                run.token(),
            )
            .await?
            .value
    };
    let created = save_batch(folio, run.site, work.sector, batch, &answer, Some(&keep)).await?;
    work.add_names(created.iter().map(|(_, name)| name.clone()));
    Ok(created.into_iter().map(|(id, _)| id).collect())
}

pub(crate) async fn save_batch(
    folio: &Folio,
    site: SiteId,
    sector: SectorId,
    batch: &[KeywordRow],
    answer: &ClusterAnswer,
    kept: Option<&KeepAnswer>,
) -> Result<Vec<(String, String)>, CoreError> {
    let ids: HashMap<String, KeywordId> = batch.iter().map(|k| (key(&k.keyword), k.id)).collect();
    let mut tx = folio.begin_write().await?;
    // The clusters the answer names, as they are inside this write (a side-by-side batch may
    // have made one since) — only those, not every cluster of the sector.
    let named: HashSet<String> = answer
        .clusters
        .iter()
        .map(|c| key(&c.name))
        .chain(answer.existing.iter().map(|e| key(&e.cluster)))
        .collect();
    let mut rows: Vec<(String, String)> = Vec::new();
    let named: Vec<String> = named.into_iter().collect();
    for chunk in named.chunks(300) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, name_key FROM clusters WHERE site_id = ");
        q.push_bind(site.to_string());
        q.push(" AND sector_id = ");
        q.push_bind(sector.to_string());
        q.push(" AND name_key IN (");
        let mut list = q.separated(", ");
        for k in chunk {
            list.push_bind(k.clone());
        }
        q.push(")");
        rows.extend(
            q.build_query_as::<(String, String)>()
                .fetch_all(tx.conn())
                .await?,
        );
    }
    let mut by_key: HashMap<String, ClusterId> = HashMap::new();
    for (id, k) in rows {
        by_key.insert(k, crate::store::db::parse_stored("cluster id", &id)?);
    }
    let mut created = Vec::new();
    let mut updates = Vec::new();
    for c in &answer.clusters {
        let k = key(&c.name);
        let id = match by_key.get(&k) {
            Some(id) => *id,
            None => {
                let cluster = insert_cluster(
                    &mut tx,
                    site,
                    sector,
                    crate::text::tidy(&c.name),
                    c.description.trim(),
                )
                .await?;
                by_key.insert(k, cluster.id);
                created.push((cluster.id.to_string(), cluster.name.clone()));
                cluster.id
            }
        };
        for kw in &c.keywords {
            if let Some(kid) = ids.get(&key(kw)) {
                updates.push((*kid, KeywordStatus::Mapped, Some(id)));
            }
        }
    }
    for e in &answer.existing {
        if let Some(id) = by_key.get(&key(&e.cluster)) {
            for kw in &e.keywords {
                if let Some(kid) = ids.get(&key(kw)) {
                    updates.push((*kid, KeywordStatus::Mapped, Some(*id)));
                }
            }
        }
    }
    set_keyword_clusters(&mut tx, site, &updates).await?;
    if let Some(keep) = kept {
        checkpoints::forget(tx.conn(), keep).await?;
    }
    tx.commit().await?;
    Ok(created)
}

/// The prompt template for clustering, resolved (account → global → built-in).
pub(crate) async fn template(folio: &Folio) -> Result<String, CoreError> {
    Ok(folio
        .resolve_prompt(PromptKind::Clustering, None)
        .await?
        .text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: serde_json::Value) -> ClusterAnswer {
        serde_json::from_value(json).unwrap()
    }

    fn batch() -> Vec<String> {
        [
            "rose pruning",
            "prune roses",
            "when to prune roses",
            "rose food",
            "best rose fertilizer",
            "feeding roses",
            "rose hip tea",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn a_complete_answer_passes() {
        let a = answer(serde_json::json!({
            "clusters": [
                {"name": "Pruning roses", "description": "", "keywords": ["rose pruning", "prune roses", "when to prune roses"], "singleton_reason": ""},
                {"name": "Rose hips", "description": "", "keywords": ["rose hip tea"], "singleton_reason": "a recipe intent, not care"}
            ],
            "existing": [{"cluster": "Feeding Roses", "keywords": ["rose food", "best rose fertilizer", "feeding roses"]}],
            "unclustered": []
        }));
        assert_eq!(validate(&a, &batch(), &["Feeding roses".into()]), Ok(()));
    }

    #[test]
    fn invented_dropped_duplicated_and_misnamed_keywords_are_named() {
        let a = answer(serde_json::json!({
            "clusters": [
                {"name": "Pruning", "description": "", "keywords": ["rose pruning", "prune roses", "rose pruning", "climbing rose pruning"], "singleton_reason": ""},
                {"name": "pruning ", "description": "", "keywords": ["rose food", "best rose fertilizer", "feeding roses"], "singleton_reason": ""},
                {"name": "Feeding roses", "description": "", "keywords": ["rose hip tea"], "singleton_reason": ""}
            ],
            "existing": [], "unclustered": []
        }));
        let err = validate(&a, &batch(), &["Feeding roses".into()]).unwrap_err();
        assert!(
            err.contains("\"climbing rose pruning\" is not one of the keywords"),
            "{err}"
        );
        assert!(err.contains("placed 2 times"), "{err}");
        assert!(err.contains("\"when to prune roses\""), "{err}");
        assert!(err.contains("two new clusters are named"), "{err}");
        assert!(err.contains("already exists"), "{err}");
    }

    #[test]
    fn small_and_large_clusters_need_a_reason_or_a_split() {
        let many: Vec<String> = (0..11).map(|i| format!("kw {i}")).collect();
        let a = answer(serde_json::json!({
            "clusters": [{"name": "All", "description": "", "keywords": many, "singleton_reason": ""}],
            "existing": [], "unclustered": []
        }));
        assert!(validate(&a, &many, &[]).unwrap_err().contains("split it"));
        let two = vec!["a b".to_string(), "c d".to_string()];
        let a = answer(serde_json::json!({
            "clusters": [{"name": "Pair", "description": "", "keywords": two, "singleton_reason": " "}],
            "existing": [], "unclustered": []
        }));
        assert!(validate(&a, &two, &[])
            .unwrap_err()
            .contains("singleton_reason"));
    }

    #[test]
    fn batches_shrink_for_small_context_windows() {
        assert_eq!(batch_size(None), DEFAULT_BATCH);
        assert_eq!(batch_size(Some(128_000)), DEFAULT_BATCH);
        assert_eq!(batch_size(Some(4096)), 81);
        assert_eq!(batch_size(Some(100)), 10);
    }
}
