//! What Folio ships, as data: plans, AI models and their prices, credit costs per operation,
//! author profiles and the keyword library's industries. A data table: long by nature.

use folio_model::{AiOperation, ModelType, QualityTier};

pub struct BuiltinPlan {
    pub id: &'static str,
    pub name: &'static str,
    pub included_credits: u32,
    pub max_sites: u32,
    pub max_users: u32,
    pub max_keywords: u32,
    pub price_monthly: &'static str,
}

/// IGNY8's approved plan table (Dec 2025); Free is Folio's own (IGNY8's numbers are unknown).
pub const PLANS: &[BuiltinPlan] = &[
    BuiltinPlan {
        id: "free",
        name: "Free",
        included_credits: 100,
        max_sites: 1,
        max_users: 1,
        max_keywords: 100,
        price_monthly: "0",
    },
    BuiltinPlan {
        id: "starter",
        name: "Starter",
        included_credits: 1_000,
        max_sites: 2,
        max_users: 2,
        max_keywords: 500,
        price_monthly: "100",
    },
    BuiltinPlan {
        id: "growth",
        name: "Growth",
        included_credits: 2_000,
        max_sites: 5,
        max_users: 3,
        max_keywords: 2_000,
        price_monthly: "200",
    },
    BuiltinPlan {
        id: "scale",
        name: "Scale",
        included_credits: 5_000,
        max_sites: 99,
        max_users: 5,
        max_keywords: 5_000,
        price_monthly: "500",
    },
];

pub struct BuiltinModel {
    pub model_name: &'static str,
    pub model_type: ModelType,
    pub provider: &'static str,
    pub display_name: &'static str,
    pub is_default: bool,
    /// USD per 1k input / output tokens.
    pub cost_per_1k: Option<(&'static str, &'static str)>,
    pub tokens_per_credit: Option<u32>,
    pub credits_per_image: Option<u32>,
    /// USD per image at 1024×1024.
    pub cost_per_image: Option<&'static str>,
    pub quality_tier: Option<QualityTier>,
    pub max_output_tokens: Option<u32>,
    pub context_window: Option<u32>,
    pub sizes: &'static [(u32, u32)],
}

/// Credits per image follow IGNY8's tiers (basic 1, quality 5, premium 15). Bria 3.2 has no
/// published credit price; as a "quality" model it gets the quality tier's 5. Money prices are
/// the providers' list prices (see the shared ai-providers reference).
pub const AI_MODELS: &[BuiltinModel] = &[
    BuiltinModel {
        model_name: "gpt-4o",
        model_type: ModelType::Text,
        provider: "openai",
        display_name: "GPT-4o",
        is_default: false,
        cost_per_1k: Some(("0.0025", "0.01")),
        tokens_per_credit: Some(1_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(16_384),
        context_window: Some(128_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "gpt-4o-mini",
        model_type: ModelType::Text,
        provider: "openai",
        display_name: "GPT-4o mini",
        is_default: true,
        cost_per_1k: Some(("0.00015", "0.0006")),
        tokens_per_credit: Some(10_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(16_384),
        context_window: Some(128_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "claude-sonnet-4-5",
        model_type: ModelType::Text,
        provider: "anthropic",
        display_name: "Claude Sonnet 4.5",
        is_default: false,
        cost_per_1k: Some(("0.003", "0.015")),
        tokens_per_credit: Some(1_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(64_000),
        context_window: Some(200_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "claude-haiku-4-5",
        model_type: ModelType::Text,
        provider: "anthropic",
        display_name: "Claude Haiku 4.5",
        is_default: false,
        cost_per_1k: Some(("0.001", "0.005")),
        tokens_per_credit: Some(3_000),
        credits_per_image: None,
        cost_per_image: None,
        quality_tier: None,
        max_output_tokens: Some(64_000),
        context_window: Some(200_000),
        sizes: &[],
    },
    BuiltinModel {
        model_name: "dall-e-3",
        model_type: ModelType::Image,
        provider: "openai",
        display_name: "DALL\u{b7}E 3",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.04"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1792, 1024), (1024, 1792)],
    },
    BuiltinModel {
        model_name: "gpt-image-1",
        model_type: ModelType::Image,
        provider: "openai",
        display_name: "GPT Image 1",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.042"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1536, 1024), (1024, 1536)],
    },
    BuiltinModel {
        model_name: "runware:97@1",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "HiDream-I1 Full",
        is_default: true,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(1),
        cost_per_image: Some("0.009"),
        quality_tier: Some(QualityTier::Basic),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1280, 768)],
    },
    BuiltinModel {
        model_name: "bria:10@1",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "Bria 3.2",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(5),
        cost_per_image: Some("0.04"),
        quality_tier: Some(QualityTier::Quality),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1344, 768)],
    },
    BuiltinModel {
        model_name: "google:4@2",
        model_type: ModelType::Image,
        provider: "runware",
        display_name: "Nano Banana Pro",
        is_default: false,
        cost_per_1k: None,
        tokens_per_credit: None,
        credits_per_image: Some(15),
        cost_per_image: Some("0.138"),
        quality_tier: Some(QualityTier::Premium),
        max_output_tokens: None,
        context_window: None,
        sizes: &[(1024, 1024), (1376, 768)],
    },
];

/// Minimum credits per operation. IGNY8's current `base_credits` are not published; these are
/// its documented per-operation minimums (clustering 2, content 3, ideas and image prompts 1).
/// Image generation is charged per image by the model's tier, so its minimum is the seed default
/// of 1 rather than the old flat 5, which would make a 1-credit basic image cost 5.
pub const CREDIT_COSTS: &[(AiOperation, &str, u32, bool, &str)] = &[
    (
        AiOperation::Clustering,
        "Keyword clustering",
        2,
        true,
        "Keywords grouped into clusters; charged by tokens, at least this much.",
    ),
    (
        AiOperation::IdeaGeneration,
        "Idea generation",
        1,
        true,
        "Article ideas with outlines for clusters; charged by tokens.",
    ),
    (
        AiOperation::ContentGeneration,
        "Content generation",
        3,
        true,
        "An article written from a task; charged by tokens.",
    ),
    (
        AiOperation::ImagePromptExtraction,
        "Image prompt extraction",
        1,
        true,
        "Image prompts drawn from an article; charged by tokens.",
    ),
    (
        AiOperation::ImageGeneration,
        "Image generation",
        1,
        true,
        "Images generated from prompts; charged per image by the model's tier.",
    ),
    (
        AiOperation::Linking,
        "Internal linking",
        1,
        false,
        "Internal links suggested between articles (module off by default).",
    ),
    (
        AiOperation::Optimization,
        "Content optimization",
        1,
        false,
        "An article rewritten for its keywords (module off by default).",
    ),
];

/// Stable ids, so every device (and the server) agrees on the built-in profiles.
pub const AUTHOR_PROFILES: &[(u128, &str, &str, &str)] = &[
    (
        0x0190_0000_0000_7000_8000_0000_0000_0001,
        "Professional",
        "professional",
        "Clear, confident and precise; plain business English, no slang, claims backed by facts.",
    ),
    (
        0x0190_0000_0000_7000_8000_0000_0000_0002,
        "Casual",
        "casual",
        "Friendly and conversational; short sentences, second person, everyday examples.",
    ),
    (
        0x0190_0000_0000_7000_8000_0000_0000_0003,
        "Technical",
        "technical",
        "Exact and thorough for practitioners; correct terminology, numbers, steps and trade-offs.",
    ),
];

/// The keyword library's industries and their sectors; the seed keyword CSV must use these names.
pub const INDUSTRIES: &[(&str, &[&str])] = &[
    (
        "Health & Wellness",
        &["Massage Products", "Fitness Equipment"],
    ),
    ("Home & Garden", &["Gardening", "Home Improvement"]),
    (
        "Technology",
        &["Web Hosting", "Project Management Software"],
    ),
];

/// The shipped seed keywords (`keyword,industry,sector,volume,difficulty,country,is_active`).
pub const SEED_KEYWORDS_CSV: &str = include_str!("../../defaults/seed_keywords.csv");
