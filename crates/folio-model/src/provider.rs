//! AI providers as the UI and the CLI see them, and the input for a model a person adds.

use crate::ai_config::{ImageDimensions, ModelType, QualityTier};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Whether a provider has its API key. The key itself never leaves core and the OS keychain;
/// `masked` shows only its last four characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeyState {
    Set {
        masked: String,
    },
    Missing,
    /// A local server (Ollama, LM Studio, llama.cpp) that takes no key.
    NotNeeded,
}

/// A provider Folio can call from this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInfo {
    /// The slug used everywhere else: `openai`, `anthropic`, `runware`, `ollama`, …
    pub name: String,
    /// `openai`, `anthropic`, `runware` or `openai_compatible` (the wire format spoken).
    pub kind: String,
    pub display_name: String,
    /// Where requests go now.
    pub base_url: String,
    /// The built-in address, when there is one; `base_url` differs when a person set another.
    pub default_base_url: Option<String>,
    pub needs_key: bool,
    pub key: KeyState,
    /// The structured-output mode that last worked (`json_schema`, `json_object`, `prompt_only`).
    pub structured_mode: Option<String>,
    pub is_builtin: bool,
    /// Active models of this provider in the registry.
    pub models: Vec<String>,
}

/// The outcome of `folio provider test`: a cheap authenticated call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCheck {
    pub provider: String,
    pub base_url: String,
    pub ok: bool,
    /// How many models the provider listed, when it lists them.
    pub models: Option<usize>,
    /// On failure: `auth`, `rate_limited`, `unreachable`, … (the provider error kinds).
    pub error_kind: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// A model a person adds to the registry, e.g. a local Ollama model priced at zero.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAiModel {
    pub model_name: String,
    pub model_type: ModelType,
    pub provider: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub cost_per_1k_input: Option<Decimal>,
    #[serde(default)]
    pub cost_per_1k_output: Option<Decimal>,
    #[serde(default)]
    pub tokens_per_credit: Option<u32>,
    #[serde(default)]
    pub credits_per_image: Option<u32>,
    #[serde(default)]
    pub cost_per_image: Option<Decimal>,
    #[serde(default)]
    pub quality_tier: Option<QualityTier>,
    #[serde(default)]
    pub max_output_tokens: Option<u32>,
    #[serde(default)]
    pub context_window: Option<u32>,
    #[serde(default)]
    pub sizes: Vec<ImageDimensions>,
}
