//! Typed settings and where their effective value came from.
//!
//! A setting resolves built-in default → system → account → site: the most specific layer that
//! sets it wins. Each key has one type and one valid range, checked by [`SettingKey::check`].

use crate::ai_config::{ImageQuality, ImageSize, ImageStyle, QualityTier};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SettingKey {
    #[serde(rename = "ai.temperature")]
    Temperature,
    #[serde(rename = "ai.max_tokens")]
    MaxTokens,
    #[serde(rename = "ai.image_style")]
    ImageStyle,
    #[serde(rename = "ai.image_quality")]
    ImageQuality,
    #[serde(rename = "ai.image_size")]
    ImageSize,
    /// In-article images per article (the featured image comes on top).
    #[serde(rename = "ai.max_images")]
    MaxImages,
    #[serde(rename = "ai.image_quality_tier")]
    ImageQualityTier,
    /// Provider calls a pipeline stage keeps in flight at once.
    #[serde(rename = "ai.concurrency")]
    Concurrency,
    /// The model of each pipeline stage (a model name from the registry); empty: the default
    /// model of its type.
    #[serde(rename = "ai.model.clustering")]
    ClusteringModel,
    #[serde(rename = "ai.model.ideas")]
    IdeasModel,
    #[serde(rename = "ai.model.writing")]
    WritingModel,
    #[serde(rename = "ai.model.image_prompts")]
    ImagePromptsModel,
    #[serde(rename = "ai.model.images")]
    ImagesModel,
    /// The author profile (its id) whose voice a site's articles are written in; empty: none.
    #[serde(rename = "writer.author_profile")]
    AuthorProfile,
    /// Phrases articles must not use, one per line (the quality gate reports them).
    #[serde(rename = "writer.banned_phrases")]
    BannedPhrases,
    /// An article's length when its idea names none.
    #[serde(rename = "writer.target_words")]
    TargetWords,
}

/// The most tokens a completion may be asked for; above every model Folio ships.
pub const MAX_TOKENS_LIMIT: i64 = 200_000;
/// In-article images per article.
pub const MAX_IMAGES_RANGE: (i64, i64) = (1, 8);
pub const CONCURRENCY_RANGE: (i64, i64) = (1, 16);
pub const TARGET_WORDS_RANGE: (i64, i64) = (300, 10_000);
/// The longest text setting (the banned-phrase list is the long one).
pub const MAX_TEXT_SETTING_CHARS: usize = 20_000;
pub const TEMPERATURE_RANGE: (f64, f64) = (0.0, 2.0);

impl SettingKey {
    pub const ALL: [SettingKey; 16] = [
        SettingKey::Temperature,
        SettingKey::MaxTokens,
        SettingKey::ImageStyle,
        SettingKey::ImageQuality,
        SettingKey::ImageSize,
        SettingKey::MaxImages,
        SettingKey::ImageQualityTier,
        SettingKey::Concurrency,
        SettingKey::ClusteringModel,
        SettingKey::IdeasModel,
        SettingKey::WritingModel,
        SettingKey::ImagePromptsModel,
        SettingKey::ImagesModel,
        SettingKey::AuthorProfile,
        SettingKey::BannedPhrases,
        SettingKey::TargetWords,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingKey::Temperature => "ai.temperature",
            SettingKey::MaxTokens => "ai.max_tokens",
            SettingKey::ImageStyle => "ai.image_style",
            SettingKey::ImageQuality => "ai.image_quality",
            SettingKey::ImageSize => "ai.image_size",
            SettingKey::MaxImages => "ai.max_images",
            SettingKey::ImageQualityTier => "ai.image_quality_tier",
            SettingKey::Concurrency => "ai.concurrency",
            SettingKey::ClusteringModel => "ai.model.clustering",
            SettingKey::IdeasModel => "ai.model.ideas",
            SettingKey::WritingModel => "ai.model.writing",
            SettingKey::ImagePromptsModel => "ai.model.image_prompts",
            SettingKey::ImagesModel => "ai.model.images",
            SettingKey::AuthorProfile => "writer.author_profile",
            SettingKey::BannedPhrases => "writer.banned_phrases",
            SettingKey::TargetWords => "writer.target_words",
        }
    }

    /// The value compiled into Folio, used when no layer sets the key.
    pub fn built_in(self) -> SettingValue {
        match self {
            SettingKey::Temperature => SettingValue::Float(0.7),
            SettingKey::MaxTokens => SettingValue::Int(8192),
            SettingKey::ImageStyle => {
                SettingValue::Text(ImageStyle::Photorealistic.as_str().into())
            }
            SettingKey::ImageQuality => SettingValue::Text(ImageQuality::Standard.as_str().into()),
            SettingKey::ImageSize => SettingValue::Text(ImageSize::Square.as_str().into()),
            SettingKey::MaxImages => SettingValue::Int(4),
            SettingKey::ImageQualityTier => SettingValue::Text(QualityTier::Basic.as_str().into()),
            SettingKey::Concurrency => SettingValue::Int(4),
            SettingKey::ClusteringModel
            | SettingKey::IdeasModel
            | SettingKey::WritingModel
            | SettingKey::ImagePromptsModel
            | SettingKey::ImagesModel
            | SettingKey::AuthorProfile => SettingValue::Text(String::new()),
            SettingKey::BannedPhrases => {
                SettingValue::Text(crate::quality::DEFAULT_BANNED_PHRASES.join("\n"))
            }
            SettingKey::TargetWords => SettingValue::Int(1500),
        }
    }

    /// Check a value for this key and put it in canonical form (an integer given for the
    /// temperature becomes a float; a choice is lowercased). The error says what is allowed.
    pub fn check(self, value: &SettingValue) -> Result<SettingValue, String> {
        let key = self.as_str();
        match self {
            SettingKey::Temperature => {
                let v = match value {
                    SettingValue::Float(f) => *f,
                    SettingValue::Int(i) => *i as f64,
                    SettingValue::Text(t) => t
                        .trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{key} must be a number, not {t:?}"))?,
                };
                let (lo, hi) = TEMPERATURE_RANGE;
                if !(lo..=hi).contains(&v) || v.is_nan() {
                    return Err(format!(
                        "{key} must be between {lo:.1} and {hi:.1} (got {v})"
                    ));
                }
                Ok(SettingValue::Float(v))
            }
            SettingKey::MaxTokens => int_in(key, value, 1, MAX_TOKENS_LIMIT),
            SettingKey::MaxImages => int_in(key, value, MAX_IMAGES_RANGE.0, MAX_IMAGES_RANGE.1),
            SettingKey::ImageStyle => choice::<ImageStyle>(key, value),
            SettingKey::ImageQuality => choice::<ImageQuality>(key, value),
            SettingKey::ImageSize => choice::<ImageSize>(key, value),
            SettingKey::ImageQualityTier => choice::<QualityTier>(key, value),
            SettingKey::Concurrency => int_in(key, value, CONCURRENCY_RANGE.0, CONCURRENCY_RANGE.1),
            SettingKey::TargetWords => {
                int_in(key, value, TARGET_WORDS_RANGE.0, TARGET_WORDS_RANGE.1)
            }
            SettingKey::ClusteringModel
            | SettingKey::IdeasModel
            | SettingKey::WritingModel
            | SettingKey::ImagePromptsModel
            | SettingKey::ImagesModel
            | SettingKey::AuthorProfile => text_up_to(key, value, 200),
            SettingKey::BannedPhrases => text_up_to(key, value, MAX_TEXT_SETTING_CHARS),
        }
    }
}

fn int_in(key: &str, value: &SettingValue, lo: i64, hi: i64) -> Result<SettingValue, String> {
    let v = match value {
        SettingValue::Int(i) => *i,
        SettingValue::Float(f) if f.fract() == 0.0 && f.is_finite() => *f as i64,
        SettingValue::Float(f) => return Err(format!("{key} must be a whole number (got {f})")),
        SettingValue::Text(t) => t
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("{key} must be a whole number, not {t:?}"))?,
    };
    if !(lo..=hi).contains(&v) {
        return Err(format!("{key} must be between {lo} and {hi} (got {v})"));
    }
    Ok(SettingValue::Int(v))
}

fn text_up_to(key: &str, value: &SettingValue, max: usize) -> Result<SettingValue, String> {
    match value {
        SettingValue::Text(t) if t.chars().count() <= max => {
            Ok(SettingValue::Text(t.trim().into()))
        }
        SettingValue::Text(_) => Err(format!("{key} can be at most {max} characters")),
        other => Err(format!("{key} must be text, not {other}")),
    }
}

fn choice<T>(key: &str, value: &SettingValue) -> Result<SettingValue, String>
where
    T: FromStr<Err = String> + fmt::Display,
{
    match value {
        SettingValue::Text(t) => t
            .parse::<T>()
            .map(|v| SettingValue::Text(v.to_string()))
            .map_err(|e| format!("{key}: {e}")),
        other => Err(format!("{key} must be text, not {other}")),
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SettingKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        SettingKey::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = SettingKey::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown setting {s:?}; known settings: {}",
                    names.join(", ")
                )
            })
    }
}

/// A setting's value as stored and sent over IPC: a JSON number or string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SettingValue {
    Int(i64),
    Float(f64),
    Text(String),
}

impl SettingValue {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            SettingValue::Int(i) => Some(*i as f64),
            SettingValue::Float(f) => Some(*f),
            SettingValue::Text(_) => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SettingValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            SettingValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingValue::Int(i) => write!(f, "{i}"),
            SettingValue::Float(x) => write!(f, "{x}"),
            SettingValue::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// The layer a setting's effective value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    BuiltIn,
    System,
    Account,
    Site,
}

/// One setting's effective value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectiveSetting {
    pub key: SettingKey,
    pub value: SettingValue,
    pub source: SettingSource,
}

/// A typed effective value with its source.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resolved<T> {
    pub value: T,
    pub source: SettingSource,
}

/// Every AI setting, resolved for an account (and optionally a site).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AiSettings {
    pub temperature: Resolved<f64>,
    pub max_tokens: Resolved<u32>,
    pub image_style: Resolved<ImageStyle>,
    pub image_quality: Resolved<ImageQuality>,
    pub image_size: Resolved<ImageSize>,
    pub max_images: Resolved<u32>,
    pub image_quality_tier: Resolved<QualityTier>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_canonicalised() {
        assert_eq!(
            SettingKey::Temperature.check(&SettingValue::Int(1)),
            Ok(SettingValue::Float(1.0))
        );
        let err = SettingKey::Temperature
            .check(&SettingValue::Float(2.5))
            .unwrap_err();
        assert_eq!(err, "ai.temperature must be between 0.0 and 2.0 (got 2.5)");
        let err = SettingKey::MaxImages
            .check(&SettingValue::Int(9))
            .unwrap_err();
        assert_eq!(err, "ai.max_images must be between 1 and 8 (got 9)");
        assert_eq!(
            SettingKey::ImageStyle.check(&SettingValue::Text("Cartoon".into())),
            Ok(SettingValue::Text("cartoon".into()))
        );
        assert!(SettingKey::ImageSize
            .check(&SettingValue::Text("800x600".into()))
            .unwrap_err()
            .contains("1024x1024, 1792x1024, 1024x1792"));
        for key in SettingKey::ALL {
            assert_eq!(key.check(&key.built_in()), Ok(key.built_in()), "{key}");
        }
    }

    #[test]
    fn values_serialise_as_plain_json() {
        assert_eq!(
            serde_json::to_string(&SettingValue::Float(0.7)).unwrap(),
            "0.7"
        );
        assert_eq!(
            serde_json::from_str::<SettingValue>("8192").unwrap(),
            SettingValue::Int(8192)
        );
        assert_eq!(
            serde_json::from_str::<SettingKey>("\"ai.max_images\"").unwrap(),
            SettingKey::MaxImages
        );
    }
}
