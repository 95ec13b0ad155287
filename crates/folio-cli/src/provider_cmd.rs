//! `folio provider …` and `folio model …`: AI providers, their keys (OS keychain) and the model
//! registry.

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{
    AiModel, ImageDimensions, KeyState, ModelType, NewAiModel, ProviderInfo, QualityTier,
};
use rust_decimal::Decimal;

#[derive(Subcommand)]
pub enum ProviderCommand {
    /// Store the provider's API key in the OS keychain (read from stdin, never from argv).
    SetKey(ProviderArg),
    /// Remove the provider's API key from the OS keychain.
    RemoveKey(ProviderArg),
    /// Make a cheap authenticated call; exits 0 when it works, 1 with the error kind (auth,
    /// rate_limited, unreachable, …) when it does not.
    Test(TestArgs),
    /// Every provider: address, key (masked) and models.
    List(JsonFlag),
    /// Point a provider at another address (a local server's port); --default goes back.
    SetUrl(SetUrl),
    /// Add an OpenAI-compatible server (vLLM, LiteLLM, another Ollama) under a name.
    Add(AddProvider),
    /// Remove a provider you added, with its key and models.
    Remove(ProviderArg),
}

impl ProviderCommand {
    pub fn json(&self) -> bool {
        match self {
            ProviderCommand::SetKey(a) | ProviderCommand::RemoveKey(a) => a.json.json,
            ProviderCommand::Remove(a) => a.json.json,
            ProviderCommand::Test(a) => a.json.json,
            ProviderCommand::List(j) => j.json,
            ProviderCommand::SetUrl(a) => a.json.json,
            ProviderCommand::Add(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ProviderArg {
    /// openai, anthropic, runware, openrouter, ollama, lmstudio, llamacpp or one you added.
    provider: String,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct TestArgs {
    provider: String,
    /// Test this address instead of the stored one (nothing is saved).
    #[arg(long)]
    base_url: Option<String>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct SetUrl {
    provider: String,
    /// The new base URL, e.g. http://127.0.0.1:11434/v1.
    #[arg(required_unless_present = "default")]
    url: Option<String>,
    /// Go back to the built-in address.
    #[arg(long, conflicts_with = "url")]
    default: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct AddProvider {
    /// A short name: lowercase letters, digits and dashes.
    name: String,
    #[arg(long)]
    base_url: String,
    #[arg(long)]
    display_name: Option<String>,
    /// The server wants an API key (set it with `folio provider set-key NAME`).
    #[arg(long)]
    needs_key: bool,
    #[command(flatten)]
    json: JsonFlag,
}

fn read_key(provider: &str) -> Result<String, Failure> {
    crate::output::read_stdin_secret(
        "key",
        &format!("printf %s \"$KEY\" | folio provider set-key {provider}"),
    )
}

fn key_text(key: &KeyState) -> String {
    match key {
        KeyState::Set { masked } => format!("set ({masked})"),
        KeyState::Missing => "missing".into(),
        KeyState::NotNeeded => "not needed".into(),
    }
}

fn print_provider(p: &ProviderInfo) {
    println!("{} ({})", p.display_name, p.name);
    println!("  address: {}", p.base_url);
    println!("  key:     {}", key_text(&p.key));
}

pub async fn run(folio: &Folio, command: ProviderCommand) -> Result<(), Failure> {
    match command {
        ProviderCommand::SetKey(a) => {
            let key = read_key(&a.provider)?;
            let info = folio.set_provider_key(&a.provider, &key).await?;
            if a.json.json {
                return print_json(&info);
            }
            println!("Stored the {} key in the OS keychain.", info.display_name);
            print_provider(&info);
            Ok(())
        }
        ProviderCommand::RemoveKey(a) => {
            let removed = folio.remove_provider_key(&a.provider).await?;
            if a.json.json {
                return print_json(
                    &serde_json::json!({ "provider": a.provider, "removed": removed }),
                );
            }
            if removed {
                println!("Removed the {} key from the OS keychain.", a.provider);
            } else {
                println!("No {} key was stored.", a.provider);
            }
            Ok(())
        }
        ProviderCommand::Test(a) => {
            let check = with_progress(
                folio,
                a.json.json,
                folio.test_provider(&a.provider, a.base_url.as_deref()),
            )
            .await?;
            if a.json.json {
                print_json(&check)?;
            } else if check.ok {
                match check.models {
                    Some(n) => println!(
                        "{} works at {} ({n} models).",
                        check.provider, check.base_url
                    ),
                    None => println!("{} works at {}.", check.provider, check.base_url),
                }
            }
            if check.ok {
                return Ok(());
            }
            let kind = check.error_kind.clone().unwrap_or_else(|| "unknown".into());
            let message = check.message.clone().unwrap_or_default();
            Err(Failure::Provider { kind, message })
        }
        ProviderCommand::List(j) => {
            let providers = folio.providers().await?;
            if j.json {
                return print_json(&providers);
            }
            let rows: Vec<Vec<String>> = providers
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.display_name.clone(),
                        key_text(&p.key),
                        p.base_url.clone(),
                        p.models.join(", "),
                    ]
                })
                .collect();
            print_table(&["NAME", "PROVIDER", "KEY", "ADDRESS", "MODELS"], &rows);
            Ok(())
        }
        ProviderCommand::SetUrl(a) => {
            let url = if a.default { None } else { a.url.as_deref() };
            let info = folio.set_provider_base_url(&a.provider, url).await?;
            if a.json.json {
                return print_json(&info);
            }
            print_provider(&info);
            Ok(())
        }
        ProviderCommand::Add(a) => {
            let info = folio
                .add_provider(&a.name, &a.base_url, a.display_name.as_deref(), a.needs_key)
                .await?;
            if a.json.json {
                return print_json(&info);
            }
            print_provider(&info);
            Ok(())
        }
        ProviderCommand::Remove(a) => {
            folio.remove_provider(&a.provider).await?;
            if a.json.json {
                return print_json(&serde_json::json!({ "provider": a.provider, "removed": true }));
            }
            println!("Removed {}.", a.provider);
            Ok(())
        }
    }
}

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Every model: provider, prices and credits, the defaults marked.
    List(JsonFlag),
    /// Add a model of a provider, e.g. a local Ollama model at zero price.
    Add(Box<AddModel>),
    /// Remove a model you added.
    Remove(ModelArg),
    /// Make a model the default of its type (text or image).
    Default(ModelArg),
}

impl ModelCommand {
    pub fn json(&self) -> bool {
        match self {
            ModelCommand::List(j) => j.json,
            ModelCommand::Add(a) => a.json.json,
            ModelCommand::Remove(a) | ModelCommand::Default(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ModelArg {
    model: String,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct AddModel {
    /// The model name as the provider spells it, e.g. llama3.2:3b.
    model: String,
    #[arg(long)]
    provider: String,
    /// text or image.
    #[arg(long = "type", default_value = "text")]
    model_type: String,
    #[arg(long)]
    display_name: Option<String>,
    /// USD per 1,000 input tokens (default 0).
    #[arg(long)]
    input_price: Option<Decimal>,
    /// USD per 1,000 output tokens (default 0).
    #[arg(long)]
    output_price: Option<Decimal>,
    /// Text models: tokens one credit buys (default 10000).
    #[arg(long)]
    tokens_per_credit: Option<u32>,
    /// Image models: credits per image (default 1).
    #[arg(long)]
    credits_per_image: Option<u32>,
    /// Image models: USD per image (default 0).
    #[arg(long)]
    image_price: Option<Decimal>,
    /// Image models: basic, quality or premium.
    #[arg(long)]
    tier: Option<String>,
    /// Image models: accepted sizes, e.g. --size 1024x1024 --size 1344x768.
    #[arg(long = "size")]
    sizes: Vec<String>,
    #[arg(long)]
    max_output_tokens: Option<u32>,
    #[arg(long)]
    context_window: Option<u32>,
    #[command(flatten)]
    json: JsonFlag,
}

fn invalid(field: &str, message: String) -> Failure {
    Failure::Core(
        folio_model::ErrorDto::new(folio_model::ErrorKind::Validation, message).with_field(field),
    )
}

fn price(d: Option<Decimal>) -> String {
    d.map(|d| format!("${d}")).unwrap_or_else(|| "-".into())
}

fn model_rows(models: &[AiModel]) -> Vec<Vec<String>> {
    models
        .iter()
        .map(|m| {
            let credits = match m.model_type {
                ModelType::Text => m
                    .tokens_per_credit
                    .map(|t| format!("1 per {t} tokens"))
                    .unwrap_or_default(),
                ModelType::Image => m
                    .credits_per_image
                    .map(|c| format!("{c} per image"))
                    .unwrap_or_default(),
            };
            let prices = match m.model_type {
                ModelType::Text => format!(
                    "{} in / {} out per 1k",
                    price(m.cost_per_1k_input),
                    price(m.cost_per_1k_output)
                ),
                ModelType::Image => format!("{} per image", price(m.cost_per_image)),
            };
            vec![
                format!("{}{}", m.model_name, if m.is_default { " *" } else { "" }),
                m.model_type.to_string(),
                m.provider.clone(),
                prices,
                credits,
            ]
        })
        .collect()
}

pub async fn run_model(folio: &Folio, command: ModelCommand) -> Result<(), Failure> {
    match command {
        ModelCommand::List(j) => {
            let models = folio.ai_models().await?;
            if j.json {
                return print_json(&models);
            }
            print_table(
                &["MODEL (* default)", "TYPE", "PROVIDER", "PRICE", "CREDITS"],
                &model_rows(&models),
            );
            Ok(())
        }
        ModelCommand::Add(a) => {
            let model_type: ModelType = a
                .model_type
                .parse()
                .map_err(|e: String| invalid("model_type", e))?;
            let quality_tier = a
                .tier
                .as_deref()
                .map(|t| t.parse::<QualityTier>())
                .transpose()
                .map_err(|e| invalid("quality_tier", e))?;
            let sizes = a
                .sizes
                .iter()
                .map(|s| {
                    s.parse::<ImageDimensions>()
                        .map_err(|e| invalid("sizes", e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let model = folio
                .add_model(NewAiModel {
                    model_name: a.model,
                    model_type,
                    provider: a.provider,
                    display_name: a.display_name,
                    cost_per_1k_input: a.input_price,
                    cost_per_1k_output: a.output_price,
                    tokens_per_credit: a.tokens_per_credit,
                    credits_per_image: a.credits_per_image,
                    cost_per_image: a.image_price,
                    quality_tier,
                    max_output_tokens: a.max_output_tokens,
                    context_window: a.context_window,
                    sizes,
                })
                .await?;
            if a.json.json {
                return print_json(&model);
            }
            println!("Added {} ({}).", model.model_name, model.provider);
            Ok(())
        }
        ModelCommand::Remove(a) => {
            folio.remove_model(&a.model).await?;
            if a.json.json {
                return print_json(&serde_json::json!({ "model": a.model, "removed": true }));
            }
            println!("Removed {}.", a.model);
            Ok(())
        }
        ModelCommand::Default(a) => {
            let model = folio.set_default_model(&a.model).await?;
            if a.json.json {
                return print_json(&model);
            }
            println!(
                "{} is now the default {} model.",
                model.model_name, model.model_type
            );
            Ok(())
        }
    }
}
