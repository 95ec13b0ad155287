//! Stage 2: a cluster → 3–7 ideas, each with its full outline persisted.
//!
//! Validation (quoted back to the model on a re-ask): 3–7 ideas; primary and 2–3 covered
//! keywords, all from the cluster, primary keywords unique across the site; 6–10 H2 sections
//! each with its coverage note, format and keywords; 3–5 FAQ questions; a target length; and no
//! title too close to one of the site's ideas or articles (normalised-word Jaccard ≥ 0.6). The
//! ideas and the cluster's move to `mapped` are saved in one write.

use crate::ai::calls::KeepAnswer;
use crate::pipeline::chat;
use crate::pipeline::checkpoints;
use crate::pipeline::runner::StageRun;
use crate::planner::ideas::insert_idea;
use crate::store::db::{now, ts};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio};
use folio_ai::StructuredRequest;
use folio_model::{
    AiOperation, Cluster, ClusterId, ClusterStatus, ContentIdea, ContentStructure, ContentType,
    IdeaId, IdeaStatus, KeywordFilter, KeywordId, OutlineSection, PromptKind, SectionFormat,
    SiteId,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub const IDEAS_PER_CLUSTER: (usize, usize) = (3, 7);
pub const SECTIONS: (usize, usize) = (6, 10);
pub const FAQ: (usize, usize) = (3, 5);
pub const COVERED: (usize, usize) = (2, 3);
/// Titles at least this similar (Jaccard of normalised words) are the same article.
pub const TITLE_JACCARD: f64 = 0.6;

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct IdeasAnswer {
    pub ideas: Vec<IdeaAnswer>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct IdeaAnswer {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub content_structure: String,
    pub primary_keyword: String,
    pub covered_keywords: Vec<String>,
    pub target_word_count: u32,
    pub outline: Vec<SectionAnswer>,
    pub faq: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct SectionAnswer {
    pub heading: String,
    pub coverage: String,
    #[serde(default)]
    pub subheadings: Vec<String>,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub keywords: Vec<String>,
}

pub(crate) fn schema() -> serde_json::Value {
    let strings = serde_json::json!({"type": "array", "items": {"type": "string"}});
    serde_json::json!({
        "type": "object", "additionalProperties": false, "required": ["ideas"],
        "properties": {"ideas": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "required": ["title", "description", "content_structure", "primary_keyword",
                         "covered_keywords", "target_word_count", "outline", "faq"],
            "properties": {
                "title": {"type": "string"}, "description": {"type": "string"},
                "content_structure": {"type": "string", "enum": ["article", "guide", "comparison", "review", "listicle"]},
                "primary_keyword": {"type": "string"}, "covered_keywords": strings,
                "target_word_count": {"type": "integer"},
                "outline": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["heading", "coverage", "subheadings", "format", "keywords"],
                    "properties": {
                        "heading": {"type": "string"}, "coverage": {"type": "string"},
                        "subheadings": strings,
                        "format": {"type": "string", "enum": ["paragraphs", "list", "table"]},
                        "keywords": strings
                    }}},
                "faq": strings
            }}}}
    })
}

/// Lowercased words of letters and digits, for comparing titles.
pub fn title_words(title: &str) -> HashSet<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// What the site already has that new ideas must not repeat.
pub(crate) struct Taken {
    pub titles: Vec<String>,
    pub primary_keys: HashSet<String>,
}

pub(crate) fn validate(
    answer: &IdeasAnswer,
    cluster_keywords: &[String],
    taken: &Taken,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let n = answer.ideas.len();
    if !(IDEAS_PER_CLUSTER.0..=IDEAS_PER_CLUSTER.1).contains(&n) {
        problems.push(format!(
            "give {} to {} ideas, not {n}",
            IDEAS_PER_CLUSTER.0, IDEAS_PER_CLUSTER.1
        ));
    }
    let allowed: HashSet<String> = cluster_keywords.iter().map(|k| name_key(k)).collect();
    let taken_titles: Vec<HashSet<String>> = taken.titles.iter().map(|t| title_words(t)).collect();
    let mut primaries = HashSet::new();
    let mut titles: Vec<HashSet<String>> = Vec::new();
    for (i, idea) in answer.ideas.iter().enumerate() {
        let who = format!("idea {} (\"{}\")", i + 1, idea.title);
        if tidy(&idea.title).is_empty() {
            problems.push(format!("idea {} has no title", i + 1));
        }
        let words = title_words(&idea.title);
        if let Some(t) = taken
            .titles
            .iter()
            .zip(&taken_titles)
            .find(|(_, w)| jaccard(&words, w) >= TITLE_JACCARD)
        {
            problems.push(format!(
                "{who} is too close to the site's existing \"{}\"; choose a different angle",
                t.0
            ));
        }
        if titles.iter().any(|w| jaccard(&words, w) >= TITLE_JACCARD) {
            problems.push(format!("{who} is too close to another idea of this answer"));
        }
        titles.push(words);
        let pk = name_key(&idea.primary_keyword);
        if !allowed.contains(&pk) {
            problems.push(format!(
                "{who}: primary_keyword \"{}\" is not one of the cluster's keywords",
                idea.primary_keyword
            ));
        } else if taken.primary_keys.contains(&pk) {
            problems.push(format!("{who}: \"{}\" is already the primary keyword of another idea of the site; choose another", idea.primary_keyword));
        } else if !primaries.insert(pk.clone()) {
            problems.push(format!(
                "{who}: \"{}\" is the primary keyword of two ideas",
                idea.primary_keyword
            ));
        }
        let c = idea.covered_keywords.len();
        if !(COVERED.0..=COVERED.1).contains(&c) {
            problems.push(format!(
                "{who} has {c} covered keywords; give {} to {}",
                COVERED.0, COVERED.1
            ));
        }
        for k in &idea.covered_keywords {
            if !allowed.contains(&name_key(k)) {
                problems.push(format!(
                    "{who}: covered keyword \"{k}\" is not one of the cluster's keywords"
                ));
            } else if name_key(k) == pk {
                problems.push(format!("{who}: \"{k}\" is both primary and covered"));
            }
        }
        let s = idea.outline.len();
        if !(SECTIONS.0..=SECTIONS.1).contains(&s) {
            problems.push(format!(
                "{who} has {s} outline sections; plan {} to {} H2 sections",
                SECTIONS.0, SECTIONS.1
            ));
        }
        for (j, sec) in idea.outline.iter().enumerate() {
            if tidy(&sec.heading).is_empty() || sec.coverage.trim().is_empty() {
                problems.push(format!(
                    "{who}: section {} needs a heading and a coverage note",
                    j + 1
                ));
            }
        }
        let f = idea.faq.len();
        if !(FAQ.0..=FAQ.1).contains(&f) {
            problems.push(format!(
                "{who} has {f} FAQ questions; give {} to {}",
                FAQ.0, FAQ.1
            ));
        }
        if !(300..=10_000).contains(&idea.target_word_count) {
            problems.push(format!(
                "{who}: target_word_count {} must be between 300 and 10000",
                idea.target_word_count
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn structure(s: &str) -> ContentStructure {
    s.parse().unwrap_or_default()
}

fn format(s: &str) -> SectionFormat {
    match s.trim().to_lowercase().as_str() {
        "list" => SectionFormat::List,
        "table" => SectionFormat::Table,
        _ => SectionFormat::Paragraphs,
    }
}

/// The site's idea titles, article titles and primary keywords (as name keys).
pub(crate) async fn taken(folio: &Folio, site: SiteId) -> Result<Taken, CoreError> {
    let titles: Vec<(String,)> = sqlx::query_as(
        "SELECT title FROM ideas WHERE site_id = ?1 UNION ALL SELECT title FROM content WHERE site_id = ?1",
    )
    .bind(site.to_string())
    .fetch_all(&folio.pool)
    .await?;
    let primaries: Vec<(String,)> = sqlx::query_as(
        "SELECT k.keyword FROM ideas i JOIN keywords k ON k.id = i.primary_keyword_id WHERE i.site_id = ?",
    )
    .bind(site.to_string())
    .fetch_all(&folio.pool)
    .await?;
    Ok(Taken {
        titles: titles.into_iter().map(|(t,)| t).collect(),
        primary_keys: primaries.into_iter().map(|(k,)| name_key(&k)).collect(),
    })
}

/// A cluster's keywords (id, text), by volume.
pub(crate) async fn cluster_keywords(
    folio: &Folio,
    cluster: &Cluster,
) -> Result<Vec<(KeywordId, String, Option<i64>)>, CoreError> {
    let index = folio
        .keyword_index
        .get(&folio.pool, cluster.site_id)
        .await?;
    let mut f = KeywordFilter::site(cluster.site_id);
    f.cluster = Some(cluster.id);
    let mut out: Vec<(KeywordId, String, Option<i64>)> = index
        .select(&f)
        .into_iter()
        .map(|i| {
            let e = &index.entries[i as usize];
            (e.id, e.keyword.to_string(), e.volume)
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    Ok(out)
}

pub(crate) fn cluster_prompt(
    template: &str,
    site_name: &str,
    sector_name: &str,
    cluster: &Cluster,
    keywords: &[(KeywordId, String, Option<i64>)],
    taken: &Taken,
) -> Result<String, CoreError> {
    let lines: Vec<String> = keywords
        .iter()
        .map(|(_, k, v)| format!("{k} | {}", v.map_or("-".into(), |v| v.to_string())))
        .collect();
    let block = format!(
        "{}: {}\nkeyword | volume\n{}",
        cluster.name,
        cluster.description,
        lines.join("\n")
    );
    let mut prompt = crate::ai::prompts::render(
        template,
        &[
            ("IGNY8_SITE_NAME", site_name),
            ("IGNY8_SECTOR", sector_name),
            ("IGNY8_CLUSTERS", &block),
        ],
    )?;
    if !template.contains("[IGNY8_CLUSTERS]") {
        prompt.push_str("\n\n[CLUSTER]\n");
        prompt.push_str(&block);
    }
    prompt
        .push_str("\n\n[TAKEN]\nTitles the site already has (do not repeat them or come close):\n");
    let recent: Vec<&String> = taken.titles.iter().rev().take(200).collect();
    if recent.is_empty() {
        prompt.push_str("(none)");
    } else {
        for t in recent {
            prompt.push_str(&format!("- {t}\n"));
        }
    }
    prompt.push_str(&format!(
        "\n\n[RULES]\n{}–{} ideas. Each: one primary keyword and {}–{} covered keywords, all from [CLUSTER], spelled as given, primary keywords unused elsewhere; a target word count; {}–{} H2 sections each with heading, coverage, optional subheadings (H3s), format (paragraphs, list or table) and the keywords it uses; {}–{} FAQ questions.",
        IDEAS_PER_CLUSTER.0, IDEAS_PER_CLUSTER.1, COVERED.0, COVERED.1, SECTIONS.0, SECTIONS.1, FAQ.0, FAQ.1
    ));
    Ok(prompt)
}

/// One cluster: call, validate, save. Returns the ideas' ids.
pub(crate) async fn ideas_for_cluster(
    run: &StageRun,
    template: &str,
    system: &str,
    site_name: &str,
    cluster: &Cluster,
) -> Result<Vec<String>, CoreError> {
    run.check()?;
    let folio = &run.folio;
    let keywords = cluster_keywords(folio, cluster).await?;
    if keywords.is_empty() {
        return Err(CoreError::invalid(
            "cluster",
            format!(
                "the cluster \u{201c}{}\u{201d} has no keywords to plan articles from",
                cluster.name
            ),
        ));
    }
    let sector_name = folio
        .get_site(cluster.site_id)
        .await?
        .sectors
        .into_iter()
        .find(|s| s.id == cluster.sector_id)
        .map(|s| s.name)
        .unwrap_or_default();
    let taken_now = taken(folio, cluster.site_id).await?;
    let texts: Vec<String> = keywords.iter().map(|(_, k, _)| k.clone()).collect();
    let prompt = cluster_prompt(
        template,
        site_name,
        &sector_name,
        cluster,
        &keywords,
        &taken_now,
    )?;
    // an answer paid for by a run that stopped before saving it is saved now, not bought again
    let keep = KeepAnswer {
        item: cluster.id.to_string(),
        part: "ideas".into(),
    };
    let kept = checkpoints::kept::<IdeasAnswer>(folio, &keep)
        .await?
        .filter(|a| validate(a, &texts, &taken_now).is_ok());
    let answer = if let Some(answer) = kept {
        answer
    } else {
        let _slot = run.slot().await?;
        run.say(format!("ideas for \u{201c}{}\u{201d}", cluster.name));
        folio
            .ai_structured_kept::<IdeasAnswer>(
                run.call(AiOperation::IdeaGeneration)
                    .keep(cluster.id, "ideas"),
                StructuredRequest {
                    chat: chat(system, prompt),
                    schema_name: "ideas".into(),
                    schema: schema(),
                },
                |a| validate(a, &texts, &taken_now),
                run.token(),
            )
            .await?
            .value
    };
    save(folio, cluster, &keywords, &answer, &keep).await
}

async fn save(
    folio: &Folio,
    cluster: &Cluster,
    keywords: &[(KeywordId, String, Option<i64>)],
    answer: &IdeasAnswer,
    keep: &KeepAnswer,
) -> Result<Vec<String>, CoreError> {
    let ids: HashMap<String, KeywordId> = keywords
        .iter()
        .map(|(id, k, _)| (name_key(k), *id))
        .collect();
    let mut tx = folio.begin_write().await?;
    let at = now();
    let mut created = Vec::new();
    for a in &answer.ideas {
        let idea = ContentIdea {
            id: IdeaId(Uuid::now_v7()),
            site_id: cluster.site_id,
            sector_id: cluster.sector_id,
            cluster_id: cluster.id,
            title: tidy(&a.title),
            description: a.description.trim().to_owned(),
            primary_keyword: ids.get(&name_key(&a.primary_keyword)).copied(),
            secondary_keywords: a
                .covered_keywords
                .iter()
                .filter_map(|k| ids.get(&name_key(k)).copied())
                .collect(),
            content_type: ContentType::default(),
            content_structure: structure(&a.content_structure),
            target_word_count: Some(a.target_word_count),
            outline: a
                .outline
                .iter()
                .map(|s| OutlineSection {
                    heading: tidy(&s.heading),
                    notes: s.coverage.trim().to_owned(),
                    subheadings: s
                        .subheadings
                        .iter()
                        .map(|h| tidy(h))
                        .filter(|h| !h.is_empty())
                        .collect(),
                    format: format(&s.format),
                    keywords: s
                        .keywords
                        .iter()
                        .map(|k| tidy(k))
                        .filter(|k| !k.is_empty())
                        .collect(),
                    target_words: None,
                })
                .collect(),
            faq: a
                .faq
                .iter()
                .map(|q| tidy(q))
                .filter(|q| !q.is_empty())
                .collect(),
            rejected: false,
            status: IdeaStatus::New,
            created_at: at,
            updated_at: at,
        };
        insert_idea(&mut tx, &idea).await?;
        created.push(idea.id.to_string());
    }
    if cluster.status == ClusterStatus::New {
        sqlx::query("UPDATE clusters SET status = 'mapped', updated_at = ? WHERE id = ?")
            .bind(ts(at))
            .bind(cluster.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, cluster.id.as_uuid());
    }
    checkpoints::forget(tx.conn(), keep).await?;
    tx.commit().await?;
    Ok(created)
}

pub(crate) async fn template(folio: &Folio) -> Result<String, CoreError> {
    Ok(folio.resolve_prompt(PromptKind::Ideas, None).await?.text)
}

/// The clusters a run works on: those named, else every cluster of the site (or sector)
/// without ideas yet.
pub(crate) async fn clusters_to_plan(
    folio: &Folio,
    site: SiteId,
    sector: Option<folio_model::SectorId>,
    named: &[ClusterId],
) -> Result<(Vec<Cluster>, u64), CoreError> {
    let all = folio.list_clusters(site, sector, None).await?;
    let with_ideas: HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT DISTINCT cluster_id FROM ideas WHERE site_id = ?")
            .bind(site.to_string())
            .fetch_all(&folio.pool)
            .await?
            .into_iter()
            .map(|(c,)| c)
            .collect();
    if !named.is_empty() {
        for id in named {
            if !all.iter().any(|c| c.id == *id) {
                return Err(crate::store::db::not_found(format!(
                    "cluster {id} in this site"
                )));
            }
        }
    }
    let mut todo = Vec::new();
    let mut skipped = 0;
    for c in all.into_iter().rev() {
        if !named.is_empty() && !named.contains(&c.id) {
            continue;
        }
        if c.disabled {
            continue;
        }
        if with_ideas.contains(&c.id.to_string()) {
            skipped += 1;
        } else {
            todo.push(c);
        }
    }
    Ok((todo, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idea(
        title: &str,
        primary: &str,
        covered: &[&str],
        sections: usize,
        faq: usize,
    ) -> serde_json::Value {
        let outline: Vec<_> = (0..sections)
            .map(|i| serde_json::json!({"heading": format!("Part {i}"), "coverage": "what", "subheadings": [], "format": "paragraphs", "keywords": []}))
            .collect();
        serde_json::json!({"title": title, "description": "", "content_structure": "guide",
            "primary_keyword": primary, "covered_keywords": covered, "target_word_count": 1500,
            "outline": outline, "faq": (0..faq).map(|i| format!("Q{i}?")).collect::<Vec<_>>()})
    }

    fn kws() -> Vec<String> {
        [
            "prune roses",
            "rose pruning",
            "when to prune roses",
            "pruning shears",
            "rose cuts",
            "deadheading roses",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn none() -> Taken {
        Taken {
            titles: vec![],
            primary_keys: HashSet::new(),
        }
    }

    #[test]
    fn a_good_answer_passes() {
        let a: IdeasAnswer = serde_json::from_value(serde_json::json!({"ideas": [
            idea("How to prune roses", "prune roses", &["rose pruning", "rose cuts"], 6, 3),
            idea("Choosing pruning shears", "pruning shears", &["rose cuts", "prune roses"], 7, 4),
            idea("Deadheading through summer", "deadheading roses", &["when to prune roses", "rose cuts"], 8, 5),
        ]})).unwrap();
        assert_eq!(validate(&a, &kws(), &none()), Ok(()));
    }

    #[test]
    fn short_outlines_foreign_keywords_and_close_titles_are_refused() {
        let a: IdeasAnswer = serde_json::from_value(serde_json::json!({"ideas": [
            idea("How to prune roses", "prune roses", &["rose pruning", "climbing roses"], 4, 3),
            idea("How to prune your roses", "rose pruning", &["rose cuts", "prune roses"], 6, 2),
            idea("Pruning shears", "prune roses", &["rose cuts", "deadheading roses"], 6, 3),
        ]}))
        .unwrap();
        let taken = Taken {
            titles: vec!["Pruning Shears!".into()],
            primary_keys: HashSet::new(),
        };
        let err = validate(&a, &kws(), &taken).unwrap_err();
        assert!(err.contains("4 outline sections"), "{err}");
        assert!(
            err.contains("\"climbing roses\" is not one of the cluster's keywords"),
            "{err}"
        );
        assert!(err.contains("too close to another idea"), "{err}");
        assert!(
            err.contains("too close to the site's existing \"Pruning Shears!\""),
            "{err}"
        );
        assert!(err.contains("primary keyword of two ideas"), "{err}");
        assert!(err.contains("2 FAQ questions"), "{err}");
    }

    #[test]
    fn jaccard_compares_normalised_words() {
        let a = title_words("How to Prune Roses");
        let b = title_words("how to prune roses!");
        assert!((jaccard(&a, &b) - 1.0).abs() < f64::EPSILON);
        let c = title_words("Rose food guide");
        assert!(jaccard(&a, &c) < 0.2);
        assert_eq!(jaccard(&HashSet::new(), &HashSet::new()), 0.0);
    }
}
