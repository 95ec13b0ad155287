//! AI configuration: the models Folio can call and what they cost, image options, prompts,
//! author profiles and the credit price of each operation.

use crate::ids::id_type;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

id_type!(
    /// An author profile (a voice articles are written in).
    AuthorProfileId
);

/// Implements `as_str`, `ALL`, `Display` and a `FromStr` whose error lists the choices.
macro_rules! choice_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| {
                        let names: Vec<_> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("{:?} is not a valid {}; use one of: {}", s, $what, names.join(", "))
                    })
            }
        }
    };
}
pub(crate) use choice_enum;

choice_enum! {
    ModelType, "model type" { Text = "text", Image = "image" }
}

choice_enum! {
    /// The price class of an image model; a person can prefer one (`ai.image_quality_tier`).
    QualityTier, "image quality tier" { Basic = "basic", Quality = "quality", Premium = "premium" }
}

choice_enum! {
    ImageStyle, "image style" {
        Photorealistic = "photorealistic",
        Illustration = "illustration",
        Render3d = "3d_render",
        MinimalFlat = "minimal_flat",
        Artistic = "artistic",
        Cartoon = "cartoon",
    }
}

choice_enum! {
    ImageQuality, "image quality" { Standard = "standard", Hd = "hd" }
}

choice_enum! {
    /// The image sizes a person can choose (square, landscape, portrait).
    ImageSize, "image size" {
        Square = "1024x1024",
        Landscape = "1792x1024",
        Portrait = "1024x1792",
    }
}

choice_enum! {
    /// The prompt templates the pipeline uses.
    PromptKind, "prompt kind" {
        /// keywords → clusters
        Clustering = "clustering",
        /// a cluster → ideas with outlines
        Ideas = "ideas",
        /// a task → an article
        ContentGeneration = "content_generation",
        /// an article → image prompts
        ImagePromptExtraction = "image_prompt_extraction",
        /// the wrapper every image prompt is sent in
        ImagePromptTemplate = "image_prompt_template",
        /// what images must not contain
        NegativePrompt = "negative_prompt",
    }
}

choice_enum! {
    /// Operations that cost credits.
    AiOperation, "operation" {
        Clustering = "clustering",
        IdeaGeneration = "idea_generation",
        ContentGeneration = "content_generation",
        ImagePromptExtraction = "image_prompt_extraction",
        ImageGeneration = "image_generation",
        Linking = "linking",
        Optimization = "optimization",
    }
}

/// Width × height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImageDimensions {
    pub width: u32,
    pub height: u32,
}

impl fmt::Display for ImageDimensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// `1024x1024` (or `1024X1024`, spaces around the numbers allowed); the error says what was
/// expected.
impl FromStr for ImageDimensions {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{raw:?} is not a size like 1024x1024");
        let (w, h) = raw.trim().split_once(['x', 'X']).ok_or_else(bad)?;
        Ok(ImageDimensions {
            width: w.trim().parse().map_err(|_| bad())?,
            height: h.trim().parse().map_err(|_| bad())?,
        })
    }
}

/// A model Folio can call, with what it costs in money and in credits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiModel {
    /// The provider's model name (`gpt-4o-mini`, `runware:97@1`).
    pub model_name: String,
    pub model_type: ModelType,
    pub provider: String,
    pub display_name: String,
    /// One default per model type.
    pub is_default: bool,
    pub is_active: bool,
    /// Shipped with Folio (its prices come with releases); only models a person added can be
    /// removed.
    #[serde(default)]
    pub is_builtin: bool,
    /// USD per 1,000 input tokens (text models).
    pub cost_per_1k_input: Option<Decimal>,
    /// USD per 1,000 output tokens (text models).
    pub cost_per_1k_output: Option<Decimal>,
    /// Text models: one credit buys this many tokens.
    pub tokens_per_credit: Option<u32>,
    /// Image models: credits per generated image.
    pub credits_per_image: Option<u32>,
    /// Image models: USD per image at the smallest size.
    pub cost_per_image: Option<Decimal>,
    pub quality_tier: Option<QualityTier>,
    /// Longest completion the model returns (text models).
    pub max_output_tokens: Option<u32>,
    pub context_window: Option<u32>,
    /// Sizes the model accepts (image models); other sizes are snapped to one of these.
    pub sizes: Vec<ImageDimensions>,
}

/// Where a prompt template came from, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptSource {
    /// The task's own override.
    Task,
    /// The account's version.
    Account,
    /// The platform's global prompt.
    Global,
    /// The text compiled into Folio, used when nothing else is set.
    BuiltIn,
}

/// The prompt template that applies, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedPrompt {
    pub kind: PromptKind,
    pub text: String,
    pub source: PromptSource,
    /// The `[IGNY8_*]` variables this kind of prompt may use.
    pub variables: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileScope {
    /// Shipped with the app; every account can use it.
    Global,
    Account,
}

/// A voice to write in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorProfile {
    pub id: AuthorProfileId,
    pub scope: ProfileScope,
    pub name: String,
    /// professional, casual, technical, … (free text, shown to the model).
    pub tone: String,
    /// A language tag such as `en` or `pt-BR`.
    pub language: String,
    pub description: String,
    pub is_active: bool,
    /// first person, second person, third person… (free text, shown to the model).
    #[serde(default)]
    pub point_of_view: String,
    /// Who reads the articles.
    #[serde(default)]
    pub audience: String,
    /// Up to three paragraphs in the writer's own voice, shown to the model as examples.
    #[serde(default)]
    pub samples: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuthorProfile {
    pub name: String,
    pub tone: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub point_of_view: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub samples: Vec<String>,
}

/// The most sample paragraphs a profile keeps, and their longest.
pub const MAX_PROFILE_SAMPLES: usize = 3;
pub const MAX_PROFILE_SAMPLE_CHARS: usize = 2_000;

fn default_language() -> String {
    "en".into()
}

/// The fixed minimum an operation costs; token- and image-based charges come on top of it
/// through `max(base_credits, computed)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditCost {
    pub operation: AiOperation,
    pub display_name: String,
    pub base_credits: u32,
    pub is_active: bool,
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_through_their_seed_spelling() {
        assert_eq!("3d_render".parse::<ImageStyle>(), Ok(ImageStyle::Render3d));
        assert_eq!(
            serde_json::to_string(&ImageSize::Landscape).unwrap(),
            "\"1792x1024\""
        );
        let err = "watercolour".parse::<ImageStyle>().unwrap_err();
        assert!(err.contains("photorealistic, illustration"), "{err}");
        assert_eq!(
            serde_json::from_str::<PromptKind>("\"image_prompt_extraction\"").unwrap(),
            PromptKind::ImagePromptExtraction
        );
    }

    #[test]
    fn image_sizes_parse_from_width_x_height() {
        let d = |width, height| ImageDimensions { width, height };
        assert_eq!(" 1024 X 768 ".parse::<ImageDimensions>(), Ok(d(1024, 768)));
        assert_eq!(d(1792, 1024).to_string().parse(), Ok(d(1792, 1024)));
        let err = "1024".parse::<ImageDimensions>().unwrap_err();
        assert!(err.contains("like 1024x1024"), "{err}");
        assert!("axb".parse::<ImageDimensions>().is_err());
    }
}
