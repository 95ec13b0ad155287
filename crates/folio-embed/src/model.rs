//! The embedding model: files read by path (size-capped, since a damaged or swapped file is
//! untrusted input), run by `model2vec-rs`.

use crate::EmbedError;
use model2vec_rs::model::StaticModel;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The model `scripts/models.sh` installs.
pub const MODEL_NAME: &str = "potion-base-2M";

/// The files a model2vec model needs, with a cap on each (the installed files are 200 B,
/// 7.6 MB and 0.7 MB).
const FILES: [(&str, u64); 3] = [
    ("config.json", 64 << 10),
    ("model.safetensors", 256 << 20),
    ("tokenizer.json", 32 << 20),
];

/// Where the model is looked for: `$FOLIO_MODELS_DIR/potion-base-2M`, else the user's cache
/// folder (`~/.cache/folio/models/potion-base-2M` on Linux), where setup installs it.
pub fn default_model_dir() -> Option<PathBuf> {
    let root = match std::env::var_os("FOLIO_MODELS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::cache_dir()?.join("folio").join("models"),
    };
    Some(root.join(MODEL_NAME))
}

/// A loaded model. Embedding is pure CPU work and needs no `&mut`; share it behind an `Arc`.
pub struct Embedder {
    model: StaticModel,
    dim: usize,
}

/// Unit-length vectors, one row of `dim` floats per text (a text with no known token gets a
/// zero row, which is similar to nothing).
#[derive(Clone, Debug, Default)]
pub struct Embeddings {
    dim: usize,
    data: Vec<f32>,
}

impl Embedder {
    /// Load the model in `dir`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        if !dir.join(FILES[1].0).is_file() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
                model: MODEL_NAME,
            });
        }
        let invalid = |reason: String| EmbedError::ModelInvalid {
            dir: dir.to_path_buf(),
            reason,
        };
        let mut bytes = Vec::new();
        for (name, cap) in FILES {
            bytes.push(
                read_capped(&dir.join(name), cap).map_err(|e| invalid(format!("{name}: {e}")))?,
            );
        }
        let model = StaticModel::from_bytes(&bytes[2], &bytes[1], &bytes[0], Some(true))
            .map_err(|e| invalid(e.to_string()))?;
        let dim = model.dim();
        if dim == 0 {
            return Err(invalid("it has no dimensions".into()));
        }
        Ok(Self { model, dim })
    }

    /// The model in [`default_model_dir`].
    pub fn load_default() -> Result<Self, EmbedError> {
        let dir = default_model_dir().ok_or_else(|| EmbedError::ModelMissing {
            dir: PathBuf::from("~/.cache/folio/models"),
            model: MODEL_NAME,
        })?;
        Self::load(&dir)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The unit-length centre of some keywords (an existing cluster's members and name): the
    /// mean of their topics' embeddings, as the clustering computes it.
    pub fn centre(&self, keywords: &[String]) -> Vec<f32> {
        let topics: Vec<String> = keywords
            .iter()
            .map(|k| crate::lexical::topic_text(k))
            .collect();
        let rows = self.embed(&topics);
        let mut c = vec![0f32; self.dim];
        for i in 0..rows.len() {
            c.iter_mut().zip(rows.row(i)).for_each(|(a, b)| *a += b);
        }
        normalise(&mut c);
        c
    }

    /// Embed keywords by their topic (search modifiers left out, as the clustering does).
    pub fn embed_keywords(&self, keywords: &[String]) -> Embeddings {
        let topics: Vec<String> = keywords
            .iter()
            .map(|k| crate::lexical::topic_text(k))
            .collect();
        self.embed(&topics)
    }

    /// Embed `texts`, one unit-length row each.
    pub fn embed(&self, texts: &[String]) -> Embeddings {
        let mut data = self.model.encode_flat(texts);
        // The model normalises already; again here so a row is unit-length whatever the
        // model's config says (and a zero row stays zero instead of becoming NaN).
        data.resize(texts.len() * self.dim, 0.0);
        for row in data.chunks_mut(self.dim) {
            normalise(row);
        }
        Embeddings {
            dim: self.dim,
            data,
        }
    }
}

/// Scale to unit length; a zero (or broken) vector becomes all zeros, similar to nothing.
pub(crate) fn normalise(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
    } else {
        v.iter_mut().for_each(|x| *x = 0.0);
    }
}

/// Cosine similarity of two unit-length vectors.
pub fn similarity(a: &[f32], b: &[f32]) -> f32 {
    dot(a, b)
}

fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::other(format!("larger than {cap} bytes")));
    }
    Ok(bytes)
}

impl Embeddings {
    /// Rows of `dim` floats; for building a cache or tests.
    pub fn from_rows(dim: usize, data: Vec<f32>) -> Self {
        Self { dim, data }
    }

    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Cosine similarity of two rows (both unit-length).
    pub fn similarity(&self, i: usize, j: usize) -> f32 {
        dot(self.row(i), self.row(j))
    }
}

/// A dot product in eight lanes, so the compiler vectorises it (a single running sum must stay
/// sequential); the all-pairs distance matrix is 50 million of these at 10k groups.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    let mut sum: f32 = lanes.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}
