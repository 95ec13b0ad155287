//! The offline model's other uses (DESIGN §4a): keywords like a given one, and ideas whose topic
//! an existing article already covers. Both embed on demand — the static model embeds 10k
//! keywords in milliseconds, faster than reading stored vectors back — and write nothing.

use crate::planner::embedding_cache::{blocking, load_embedder};
use crate::{CoreError, Folio};
use folio_embed::{similarity, variant_key};
use folio_model::{
    ContentId, DuplicateTopic, IdeaId, KeywordFilter, KeywordId, SimilarKeyword, SiteId,
};

/// Topics at least this similar (or lexical variants of each other) are one article's topic.
pub const DUPLICATE_SIMILARITY: f32 = 0.85;

/// The most keywords [`Folio::similar_keywords`] lists.
pub const MAX_SIMILAR: u32 = 200;

impl Folio {
    /// The site's keywords most like `keyword` (itself left out), most similar first.
    pub async fn similar_keywords(
        &self,
        site: SiteId,
        keyword: KeywordId,
        limit: u32,
    ) -> Result<Vec<SimilarKeyword>, CoreError> {
        let index = self.keyword_index.get(&self.pool, site).await?;
        let rows: Vec<_> = index
            .select(&KeywordFilter::site(site))
            .into_iter()
            .map(|i| index.entries[i as usize].to_row(&index.sectors))
            .collect();
        let Some(target) = rows.iter().position(|r| r.id == keyword) else {
            return Err(crate::store::db::not_found(format!(
                "keyword {keyword} in this site"
            )));
        };
        let embedder = load_embedder().await?;
        let limit = limit.clamp(1, MAX_SIMILAR) as usize;
        let texts: Vec<String> = rows.iter().map(|r| r.keyword.clone()).collect();
        let e = self.embed_cached(&embedder, &texts).await?;
        blocking(move || {
            let mut scored: Vec<(f32, usize)> = (0..rows.len())
                .filter(|&i| i != target)
                .map(|i| (e.similarity(target, i), i))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            Ok(scored
                .into_iter()
                .take(limit)
                .map(|(s, i)| SimilarKeyword {
                    keyword: rows[i].clone(),
                    similarity: s,
                })
                .collect())
        })
        .await
    }

    /// Ideas not yet written whose topic is one an article of the site already covers: the
    /// same lexical variant, or embeddings at least [`DUPLICATE_SIMILARITY`] alike. The
    /// pipeline's title check (Jaccard) is the cheap first pass; this catches the same topic in
    /// other words.
    pub async fn duplicate_topics(&self, site: SiteId) -> Result<Vec<DuplicateTopic>, CoreError> {
        let ideas: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT i.id, i.title, k.keyword FROM ideas i
             LEFT JOIN keywords k ON k.id = i.primary_keyword_id
             WHERE i.site_id = ? AND i.status <> 'completed'
             ORDER BY i.created_at, i.id",
        )
        .bind(site.to_string())
        .fetch_all(&self.pool)
        .await?;
        let articles: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.title, k.keyword FROM content c
             LEFT JOIN tasks t ON t.id = c.task_id
             LEFT JOIN ideas i ON i.id = t.idea_id
             LEFT JOIN keywords k ON k.id = i.primary_keyword_id
             WHERE c.site_id = ?
             ORDER BY c.created_at, c.id",
        )
        .bind(site.to_string())
        .fetch_all(&self.pool)
        .await?;
        if ideas.is_empty() || articles.is_empty() {
            return Ok(Vec::new());
        }
        let embedder = load_embedder().await?;
        let topic = |(_, title, kw): &(String, String, Option<String>)| {
            kw.clone().unwrap_or_else(|| title.clone())
        };
        let idea_topics: Vec<String> = ideas.iter().map(topic).collect();
        let article_topics: Vec<String> = articles.iter().map(topic).collect();
        let ei = self.embed_cached(&embedder, &idea_topics).await?;
        let ea = self.embed_cached(&embedder, &article_topics).await?;
        let found = blocking(move || {
            let keys: Vec<String> = article_topics.iter().map(|t| variant_key(t)).collect();
            let mut out = Vec::new();
            for (i, it) in idea_topics.iter().enumerate() {
                let key = variant_key(it);
                let best = (0..article_topics.len())
                    .map(|a| {
                        let s = if keys[a] == key {
                            1.0
                        } else {
                            similarity(ei.row(i), ea.row(a))
                        };
                        (s, a)
                    })
                    .max_by(|x, y| x.0.total_cmp(&y.0));
                if let Some((s, a)) = best.filter(|b| b.0 >= DUPLICATE_SIMILARITY) {
                    out.push((i, a, s, it.clone(), article_topics[a].clone()));
                }
            }
            Ok(out)
        })
        .await?;
        found
            .into_iter()
            .map(|(i, a, s, idea_topic, content_topic)| {
                Ok(DuplicateTopic {
                    idea: crate::store::db::parse_stored::<IdeaId>("idea id", &ideas[i].0)?,
                    idea_title: ideas[i].1.clone(),
                    content: crate::store::db::parse_stored::<ContentId>(
                        "content id",
                        &articles[a].0,
                    )?,
                    content_title: articles[a].1.clone(),
                    idea_topic,
                    content_topic,
                    similarity: s,
                })
            })
            .collect()
    }
}
