//! Local model servers on this computer: Ollama (`GET /api/tags`), LM Studio and llama.cpp's
//! server (`GET /v1/models`), looked for at the local providers' addresses (the built-in ones
//! of [`BUILTIN_PROVIDERS`], or the address a person set), all at once with a short timeout, and
//! "use this model": the provider's address, the model in the registry at zero price, and the
//! model as the default text model.
//!
//! What a server answers is untrusted: the body is read up to [`MAX_BODY_BYTES`], at most
//! [`MAX_MODELS`] names are kept and a name must be 1–200 printable characters.

use crate::ai::providers::BUILTIN_PROVIDERS;
use crate::{CoreError, Folio};
use folio_model::{AiModel, LocalServer, ModelType, NewAiModel};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::time::Duration;

/// The local providers looked for, by their provider names in [`BUILTIN_PROVIDERS`].
pub const LOCAL_PROVIDERS: [&str; 3] = ["ollama", "lmstudio", "llamacpp"];

/// How long connecting to one server may take: a local server that is running accepts at once.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long one server may take to answer in all.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(1);
/// A model list larger than this is not a model list.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Model names kept per server.
pub const MAX_MODELS: usize = 200;

/// One local server to look for: its provider and the (OpenAI-compatible) address asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalAddress {
    pub provider: String,
    pub display_name: String,
    pub base_url: String,
}

/// The local providers at their built-in addresses.
pub fn default_addresses() -> Vec<LocalAddress> {
    LOCAL_PROVIDERS
        .iter()
        .filter_map(|name| BUILTIN_PROVIDERS.iter().find(|b| b.name == *name))
        .map(|b| LocalAddress {
            provider: b.name.to_owned(),
            display_name: b.display_name.to_owned(),
            base_url: b.base_url.to_owned(),
        })
        .collect()
}

/// Where a server lists its models: Ollama's native `/api/tags` beside its `/v1`, the others'
/// `<base>/models`.
fn models_url(address: &LocalAddress) -> String {
    let base = address.base_url.trim_end_matches('/');
    if address.provider == "ollama" {
        let root = base.strip_suffix("/v1").unwrap_or(base);
        format!("{root}/api/tags")
    } else {
        format!("{base}/models")
    }
}

/// Both shapes: Ollama's `{"models":[{"name"}]}` and OpenAI's `{"data":[{"id"}]}` (newer
/// llama.cpp servers send both).
#[derive(Deserialize)]
struct ModelList {
    #[serde(default)]
    models: Option<Vec<NamedModel>>,
    #[serde(default)]
    data: Option<Vec<NamedModel>>,
}

#[derive(Deserialize)]
struct NamedModel {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

fn usable_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && n.chars().count() <= 200 && !n.chars().any(char::is_control)
}

/// The model names of a server's answer, or why it is not a model list.
pub fn parse_model_list(body: &[u8]) -> Result<Vec<String>, String> {
    let list: ModelList = serde_json::from_slice(body)
        .map_err(|_| "it answered with something that is not a model list".to_owned())?;
    let Some(entries) = list.data.or(list.models) else {
        return Err("its answer lists no models (no `data` or `models`)".to_owned());
    };
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let Some(name) = entry.id.or(entry.name).or(entry.model) else {
            continue;
        };
        let name = name.trim().to_owned();
        if usable_name(&name) && !names.contains(&name) {
            names.push(name);
        }
        if names.len() == MAX_MODELS {
            break;
        }
    }
    Ok(names)
}

/// Reads at most `limit` bytes of the body; more is an error.
async fn bounded_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(format!(
                        "its answer is larger than {} KiB, which no model list is",
                        limit / 1024
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => return Err(too_slow()),
            Err(_) => return Err("its answer was cut off".to_owned()),
        }
    }
}

fn too_slow() -> String {
    format!(
        "it did not answer within {} s",
        ANSWER_TIMEOUT.as_secs_f32()
    )
}

async fn look_for(client: &reqwest::Client, address: LocalAddress) -> LocalServer {
    let mut server = LocalServer {
        provider: address.provider.clone(),
        display_name: address.display_name.clone(),
        base_url: address.base_url.clone(),
        running: false,
        models: Vec::new(),
        problem: None,
    };
    let response = match client.get(models_url(&address)).send().await {
        Ok(r) => r,
        Err(e) if e.is_connect() => {
            server.problem = Some("not running (nothing answers at this address)".to_owned());
            return server;
        }
        Err(e) if e.is_timeout() => {
            server.problem = Some(too_slow());
            return server;
        }
        Err(_) => {
            server.problem = Some("not reachable".to_owned());
            return server;
        }
    };
    server.running = true;
    if !response.status().is_success() {
        server.problem = Some(format!(
            "it answered HTTP {} to the model list",
            response.status().as_u16()
        ));
        return server;
    }
    match bounded_body(response, MAX_BODY_BYTES).await {
        Ok(body) => match parse_model_list(&body) {
            Ok(models) if models.is_empty() => {
                server.problem = Some("it serves no model yet; download one first".to_owned());
            }
            Ok(models) => server.models = models,
            Err(why) => server.problem = Some(why),
        },
        Err(why) => server.problem = Some(why),
    }
    server
}

/// Looks for every server of `addresses` at once; each answers within [`ANSWER_TIMEOUT`] or is
/// reported as too slow. The order of `addresses` is kept.
pub async fn detect_local_servers(addresses: Vec<LocalAddress>) -> Vec<LocalServer> {
    let client = match reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(ANSWER_TIMEOUT)
        // Only this computer's servers: never through a proxy.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            return addresses
                .into_iter()
                .map(|a| LocalServer {
                    provider: a.provider,
                    display_name: a.display_name,
                    base_url: a.base_url,
                    running: false,
                    models: Vec::new(),
                    problem: Some(format!("cannot make an HTTP client: {e}")),
                })
                .collect()
        }
    };
    let lookups = addresses.into_iter().map(|a| look_for(&client, a));
    futures_util::future::join_all(lookups).await
}

impl Folio {
    /// The local providers at the addresses this device uses for them (the built-in ones unless
    /// a person set another).
    pub async fn local_addresses(&self) -> Result<Vec<LocalAddress>, CoreError> {
        let mut out = Vec::new();
        for default in default_addresses() {
            let p = self.provider(&default.provider).await?;
            out.push(LocalAddress {
                provider: p.name,
                display_name: p.display_name,
                base_url: p.base_url,
            });
        }
        Ok(out)
    }

    /// Looks for Ollama, LM Studio and llama.cpp's server at this device's addresses.
    pub async fn detect_local_servers(&self) -> Result<Vec<LocalServer>, CoreError> {
        Ok(detect_local_servers(self.local_addresses().await?).await)
    }

    /// Writes with a model of a local server: points the provider at `base_url` when it is not
    /// where it points now, adds the model to the registry at zero price if it is not there, and
    /// makes it the default text model.
    pub async fn use_local_model(
        &self,
        provider: &str,
        base_url: &str,
        model: &str,
    ) -> Result<AiModel, CoreError> {
        if !LOCAL_PROVIDERS.contains(&provider) {
            return Err(CoreError::invalid(
                "provider",
                format!(
                    "{provider:?} is not a local server; choose one of {}",
                    LOCAL_PROVIDERS.join(", ")
                ),
            ));
        }
        let current = self.provider(provider).await?;
        let wanted = crate::ai::providers::check_base_url(base_url)?;
        if wanted.as_str().trim_end_matches('/') != current.base_url.trim_end_matches('/') {
            let back_to_default = current
                .default_base_url
                .as_deref()
                .is_some_and(|d| d.trim_end_matches('/') == wanted.as_str().trim_end_matches('/'));
            let url = (!back_to_default).then(|| wanted.to_string());
            self.set_provider_base_url(provider, url.as_deref()).await?;
        }
        let name = model.trim();
        let existing = self
            .ai_models()
            .await?
            .into_iter()
            .find(|m| m.model_name == name);
        match existing {
            Some(m) if m.provider != provider => {
                return Err(CoreError::Conflict {
                    field: "model_name",
                    message: format!(
                        "the registry has a model named {name} of {} already; remove it first",
                        m.provider
                    ),
                })
            }
            Some(m) if m.model_type != ModelType::Text => {
                return Err(CoreError::invalid(
                    "model_name",
                    format!("{name} is an image model here; it cannot write"),
                ))
            }
            Some(_) => {}
            None => {
                self.add_model(NewAiModel {
                    model_name: name.to_owned(),
                    model_type: ModelType::Text,
                    provider: provider.to_owned(),
                    display_name: None,
                    cost_per_1k_input: Some(Decimal::ZERO),
                    cost_per_1k_output: Some(Decimal::ZERO),
                    tokens_per_credit: None,
                    credits_per_image: None,
                    cost_per_image: None,
                    quality_tier: None,
                    max_output_tokens: None,
                    context_window: None,
                    sizes: Vec::new(),
                })
                .await?;
            }
        }
        tracing::info!(%provider, model = %name, "a local model is the default text model");
        self.set_default_model(name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_addresses_are_the_built_in_providers() {
        let a = default_addresses();
        let names: Vec<&str> = a.iter().map(|a| a.provider.as_str()).collect();
        assert_eq!(names, LOCAL_PROVIDERS);
        assert_eq!(models_url(&a[0]), "http://127.0.0.1:11434/api/tags");
        assert_eq!(models_url(&a[1]), "http://127.0.0.1:1234/v1/models");
        assert_eq!(models_url(&a[2]), "http://127.0.0.1:8080/v1/models");
    }

    #[test]
    fn both_list_shapes_are_read_and_odd_names_dropped() {
        let ollama = br#"{"models":[{"name":"llama3.2:3b","model":"llama3.2:3b","size":1},
            {"name":"  "},{"name":"qwen2.5:7b"},{"name":"llama3.2:3b"}]}"#;
        assert_eq!(
            parse_model_list(ollama).unwrap(),
            ["llama3.2:3b", "qwen2.5:7b"]
        );
        let openai = br#"{"object":"list","data":[{"id":"local-model","object":"model"},
            {"id":"bad\u0007name"}]}"#;
        assert_eq!(parse_model_list(openai).unwrap(), ["local-model"]);
        assert!(parse_model_list(b"<html>nginx</html>").is_err());
        assert!(parse_model_list(br#"{"ok":true}"#).is_err());
        let many = format!(
            r#"{{"data":[{}]}}"#,
            (0..500)
                .map(|i| format!(r#"{{"id":"m{i}"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(parse_model_list(many.as_bytes()).unwrap().len(), MAX_MODELS);
    }
}
