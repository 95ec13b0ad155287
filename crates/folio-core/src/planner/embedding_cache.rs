//! The offline model in core: loaded once per process, its CPU work off the async workers, and
//! its embeddings kept on this device (`embedding_cache`, never synced): a keyword's topic is
//! embedded once per model and read back afterwards. A row of the wrong size (damaged, or
//! another model's) counts as missing and is embedded again.

use crate::{CoreError, Folio};
use folio_embed::{topic_text, Embedder, Embeddings, MODEL_NAME};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::HashMap;
use std::sync::Arc;

/// Topics looked up or stored per statement (under SQLite's bound-parameter limit).
const CHUNK: usize = 300;

/// The model, loaded once per process off the async workers (it reads ~8 MB); a failed load
/// is not remembered, so installing the model fixes the next call.
pub(crate) async fn load_embedder() -> Result<Arc<Embedder>, CoreError> {
    static LOADED: std::sync::Mutex<Option<Arc<Embedder>>> = std::sync::Mutex::new(None);
    if let Some(e) = LOADED.lock().ok().and_then(|l| l.clone()) {
        return Ok(e);
    }
    let e = blocking(|| Ok(Arc::new(Embedder::load_default()?))).await?;
    if let Ok(mut l) = LOADED.lock() {
        *l = Some(e.clone());
    }
    Ok(e)
}

/// CPU work (embedding, linkage: about a second for 10k keywords) on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::Internal(format!("offline embedding work stopped: {e}")))?
}

impl Folio {
    /// One unit-length row per keyword, of its topic: from the cache, the rest embedded now and
    /// stored.
    pub(crate) async fn embed_cached(
        &self,
        embedder: &Arc<Embedder>,
        keywords: &[String],
    ) -> Result<Embeddings, CoreError> {
        let dim = embedder.dim();
        let topics: Vec<String> = keywords.iter().map(|k| topic_text(k)).collect();
        let mut distinct: Vec<&str> = topics.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut known: HashMap<String, Vec<f32>> = HashMap::with_capacity(distinct.len());
        for chunk in distinct.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT topic, vector FROM embedding_cache WHERE model = ");
            q.push_bind(MODEL_NAME);
            q.push(" AND topic IN (");
            let mut list = q.separated(", ");
            for t in chunk {
                list.push_bind(*t);
            }
            q.push(")");
            let rows: Vec<(String, Vec<u8>)> = q.build_query_as().fetch_all(&self.pool).await?;
            for (topic, bytes) in rows {
                if let Some(v) = decode(&bytes, dim) {
                    known.insert(topic, v);
                }
            }
        }
        let missing: Vec<String> = distinct
            .iter()
            .filter(|t| !known.contains_key(**t))
            .map(|t| t.to_string())
            .collect();
        if !missing.is_empty() {
            let fresh = {
                let (embedder, missing) = (embedder.clone(), missing.clone());
                blocking(move || Ok(embedder.embed(&missing))).await?
            };
            for (i, chunk) in missing.chunks(CHUNK).enumerate() {
                let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                    "INSERT OR REPLACE INTO embedding_cache (model, topic, vector) ",
                );
                q.push_values(chunk.iter().enumerate(), |mut row, (j, topic)| {
                    row.push_bind(MODEL_NAME)
                        .push_bind(topic.as_str())
                        .push_bind(encode(fresh.row(i * CHUNK + j)));
                });
                q.build().execute(&self.pool).await?;
            }
            for (i, topic) in missing.into_iter().enumerate() {
                known.insert(topic, fresh.row(i).to_vec());
            }
        }
        let mut data = Vec::with_capacity(topics.len() * dim);
        for t in &topics {
            match known.get(t) {
                Some(v) => data.extend_from_slice(v),
                None => data.extend(std::iter::repeat_n(0.0, dim)),
            }
        }
        Ok(Embeddings::from_rows(dim, data))
    }
}

fn encode(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector, if it has the model's size and only finite numbers.
fn decode(bytes: &[u8], dim: usize) -> Option<Vec<f32>> {
    if bytes.len() != dim * 4 {
        return None;
    }
    let v: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    v.iter().all(|x| x.is_finite()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_damaged_ones_are_refused() {
        let v = vec![0.5, -0.25, 1.0];
        assert_eq!(decode(&encode(&v), 3), Some(v));
        assert_eq!(decode(&[0; 8], 3), None, "the wrong size");
        assert_eq!(decode(&encode(&[f32::NAN, 0.0, 0.0]), 3), None);
    }
}
