use std::path::PathBuf;

/// What can go wrong loading the model or clustering; each variant has a stable [`code`].
///
/// [`code`]: EmbedError::code
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the offline clustering model is not installed in {dir}; run scripts/models.sh (scripts/setup.sh does) or set FOLIO_MODELS_DIR to the folder that holds {model}")]
    ModelMissing { dir: PathBuf, model: &'static str },
    #[error("the offline clustering model in {dir} cannot be used: {reason}; reinstall it with scripts/models.sh")]
    ModelInvalid { dir: PathBuf, reason: String },
    #[error("{groups} distinct keyword groups are more than one clustering pass takes ({max}); cluster a sector at a time")]
    TooMany { groups: usize, max: usize },
    #[error("the clustering threshold {0} is not a cosine distance between 0 and 2")]
    Threshold(f32),
    #[error("{rows} embeddings were given for {keywords} keywords")]
    Embeddings { rows: usize, keywords: usize },
}

impl EmbedError {
    /// A stable machine-readable code (for the CLI's `--json` and the app).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ModelMissing { .. } => "model_missing",
            Self::ModelInvalid { .. } => "model_invalid",
            Self::TooMany { .. } => "too_many_keywords",
            Self::Threshold(_) => "bad_threshold",
            Self::Embeddings { .. } => "embeddings_mismatch",
        }
    }
}
