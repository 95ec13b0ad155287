//! AI providers on this device: which servers Folio calls, at which address, with which key.
//!
//! The provider list is compiled in ([`BUILTIN_PROVIDERS`]) plus OpenAI-compatible servers a
//! person adds; the device-local `ai_providers` table only holds overrides (base URL, the
//! structured-output mode that worked). API keys live in the OS keychain, one entry per
//! (account, provider) — never in SQLite, a document, a log line or an error message.

use crate::jobs::Job;
use crate::keychain::{provider_key_entry, Keychain};
use crate::store::db::{now, parse_stored, ts};
use crate::{CoreError, Folio};
use folio_ai::{ApiKey, Client, ProviderConfig, ProviderKind, StructuredMode};
use folio_model::{AiModel, JobKind, JobPhase, JobScope, KeyState, ProviderCheck, ProviderInfo};
use url::Url;

/// A provider Folio knows without being told.
pub struct BuiltinProvider {
    pub name: &'static str,
    pub kind: ProviderKind,
    pub display_name: &'static str,
    pub base_url: &'static str,
    pub needs_key: bool,
}

pub const BUILTIN_PROVIDERS: &[BuiltinProvider] = &[
    BuiltinProvider {
        name: "openai",
        kind: ProviderKind::OpenAi,
        display_name: "OpenAI",
        base_url: "https://api.openai.com/v1",
        needs_key: true,
    },
    BuiltinProvider {
        name: "anthropic",
        kind: ProviderKind::Anthropic,
        display_name: "Anthropic",
        base_url: "https://api.anthropic.com/v1",
        needs_key: true,
    },
    BuiltinProvider {
        name: "runware",
        kind: ProviderKind::Runware,
        display_name: "Runware",
        base_url: "https://api.runware.ai/v1",
        needs_key: true,
    },
    BuiltinProvider {
        name: "openrouter",
        kind: ProviderKind::OpenAiCompatible,
        display_name: "OpenRouter",
        base_url: "https://openrouter.ai/api/v1",
        needs_key: true,
    },
    BuiltinProvider {
        name: "ollama",
        kind: ProviderKind::OpenAiCompatible,
        display_name: "Ollama (local)",
        base_url: "http://127.0.0.1:11434/v1",
        needs_key: false,
    },
    BuiltinProvider {
        name: "lmstudio",
        kind: ProviderKind::OpenAiCompatible,
        display_name: "LM Studio (local)",
        base_url: "http://127.0.0.1:1234/v1",
        needs_key: false,
    },
    BuiltinProvider {
        name: "llamacpp",
        kind: ProviderKind::OpenAiCompatible,
        display_name: "llama.cpp server (local)",
        base_url: "http://127.0.0.1:8080/v1",
        needs_key: false,
    },
];

/// One provider with this device's overrides applied.
struct Resolved {
    name: String,
    kind: ProviderKind,
    display_name: String,
    base_url: String,
    default_base_url: Option<String>,
    needs_key: bool,
    structured_mode: Option<String>,
    is_builtin: bool,
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    name: String,
    kind: String,
    display_name: String,
    base_url: Option<String>,
    needs_key: bool,
    structured_mode: Option<String>,
    is_builtin: bool,
}

/// A provider slug: lowercase letters, digits and dashes, so it is safe in keychain entry names
/// and model rows.
fn check_name(raw: &str) -> Result<String, CoreError> {
    let name = raw.trim().to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(CoreError::invalid(
            "provider",
            format!(
                "{raw:?} is not a valid provider name; use lowercase letters, digits and dashes \
                 (at most 40), e.g. my-vllm"
            ),
        ))
    }
}

/// An http(s) URL without credentials; the trailing slash is dropped so paths join predictably.
pub(crate) fn check_base_url(raw: &str) -> Result<Url, CoreError> {
    let bad = |why: &str| {
        CoreError::invalid(
            "base_url",
            format!("{raw:?} is not a usable base URL: {why} (e.g. http://127.0.0.1:11434/v1)"),
        )
    };
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must start with http:// or https://"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "it must not carry a user name or password; store keys with set-key",
        ));
    }
    let trimmed = url.as_str().trim_end_matches('/').to_string();
    Url::parse(&trimmed).map_err(|e| bad(&e.to_string()))
}

/// An API key as pasted: surrounding whitespace and a trailing newline from stdin are dropped;
/// anything else odd is refused rather than stored.
fn check_key(raw: &str) -> Result<String, CoreError> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(CoreError::invalid("key", "the API key is empty"));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CoreError::invalid(
            "key",
            "the API key contains spaces or line breaks; paste only the key",
        ));
    }
    if key.len() > 1024 {
        return Err(CoreError::invalid(
            "key",
            "the API key is longer than 1024 characters",
        ));
    }
    Ok(key.to_string())
}

fn mask(key: &str) -> String {
    ApiKey::new(key).masked()
}

impl Folio {
    async fn provider_rows(&self) -> Result<Vec<ProviderRow>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT name, kind, display_name, base_url, needs_key, structured_mode, is_builtin
             FROM ai_providers ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn resolved_providers(&self) -> Result<Vec<Resolved>, CoreError> {
        let rows = self.provider_rows().await?;
        let mut out = Vec::new();
        for b in BUILTIN_PROVIDERS {
            let row = rows.iter().find(|r| r.name == b.name);
            out.push(Resolved {
                name: b.name.to_string(),
                kind: b.kind,
                display_name: b.display_name.to_string(),
                base_url: row
                    .and_then(|r| r.base_url.clone())
                    .unwrap_or_else(|| b.base_url.to_string()),
                default_base_url: Some(b.base_url.to_string()),
                needs_key: b.needs_key,
                structured_mode: row.and_then(|r| r.structured_mode.clone()),
                is_builtin: true,
            });
        }
        for r in rows.iter().filter(|r| !r.is_builtin) {
            if BUILTIN_PROVIDERS.iter().any(|b| b.name == r.name) {
                continue;
            }
            out.push(Resolved {
                name: r.name.clone(),
                kind: parse_stored("provider kind", &r.kind)?,
                display_name: r.display_name.clone(),
                base_url: r.base_url.clone().unwrap_or_default(),
                default_base_url: None,
                needs_key: r.needs_key,
                structured_mode: r.structured_mode.clone(),
                is_builtin: false,
            });
        }
        Ok(out)
    }

    async fn resolved_provider(&self, name: &str) -> Result<Resolved, CoreError> {
        let all = self.resolved_providers().await?;
        let wanted = name.trim().to_ascii_lowercase();
        let names: Vec<String> = all.iter().map(|p| p.name.clone()).collect();
        all.into_iter()
            .find(|p| p.name == wanted)
            .ok_or_else(|| CoreError::NotFound {
                what: format!(
                    "provider {name:?} (known: {}; add an OpenAI-compatible server with `folio \
                     provider add`)",
                    names.join(", ")
                ),
            })
    }

    async fn stored_key(&self, provider: &str) -> Result<Option<String>, CoreError> {
        Ok(Keychain::new()
            .get(&provider_key_entry(&self.account_id, provider))
            .await?)
    }

    async fn info(&self, p: Resolved, models: &[AiModel]) -> Result<ProviderInfo, CoreError> {
        let key = match self.stored_key(&p.name).await? {
            Some(k) => KeyState::Set { masked: mask(&k) },
            None if p.needs_key => KeyState::Missing,
            None => KeyState::NotNeeded,
        };
        let models = models
            .iter()
            .filter(|m| m.provider == p.name && m.is_active)
            .map(|m| m.model_name.clone())
            .collect();
        Ok(ProviderInfo {
            name: p.name,
            kind: p.kind.as_str().to_string(),
            display_name: p.display_name,
            base_url: p.base_url,
            default_base_url: p.default_base_url,
            needs_key: p.needs_key,
            key,
            structured_mode: p.structured_mode,
            is_builtin: p.is_builtin,
            models,
        })
    }

    /// Every provider with its address, whether its key is stored (masked) and its models.
    pub async fn providers(&self) -> Result<Vec<ProviderInfo>, CoreError> {
        let models = self.ai_models().await?;
        let mut out = Vec::new();
        for p in self.resolved_providers().await? {
            out.push(self.info(p, &models).await?);
        }
        Ok(out)
    }

    pub async fn provider(&self, name: &str) -> Result<ProviderInfo, CoreError> {
        let p = self.resolved_provider(name).await?;
        self.info(p, &self.ai_models().await?).await
    }

    /// Stores (or replaces) the provider's API key for this account in the OS keychain.
    pub async fn set_provider_key(&self, name: &str, key: &str) -> Result<ProviderInfo, CoreError> {
        let p = self.resolved_provider(name).await?;
        let key = check_key(key)?;
        Keychain::new()
            .set(&provider_key_entry(&self.account_id, &p.name), &key)
            .await?;
        tracing::info!(provider = %p.name, "provider key stored in the OS keychain");
        self.info(p, &self.ai_models().await?).await
    }

    /// Removes the provider's key from the OS keychain; `false` when none was stored.
    pub async fn remove_provider_key(&self, name: &str) -> Result<bool, CoreError> {
        let p = self.resolved_provider(name).await?;
        let removed = Keychain::new()
            .delete(&provider_key_entry(&self.account_id, &p.name))
            .await?;
        tracing::info!(provider = %p.name, removed, "provider key removed");
        Ok(removed)
    }

    /// Points a provider at another address (a local server's port, a proxy); `None` goes back
    /// to the built-in address.
    pub async fn set_provider_base_url(
        &self,
        name: &str,
        base_url: Option<&str>,
    ) -> Result<ProviderInfo, CoreError> {
        let p = self.resolved_provider(name).await?;
        let url = match base_url {
            Some(raw) => Some(check_base_url(raw)?.to_string()),
            None if p.is_builtin => None,
            None => {
                return Err(CoreError::invalid(
                    "base_url",
                    format!(
                        "{} was added by hand and has no built-in address; give one",
                        p.name
                    ),
                ))
            }
        };
        sqlx::query(
            "INSERT INTO ai_providers (name, kind, display_name, base_url, needs_key, is_builtin, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET base_url = excluded.base_url,
                 structured_mode = NULL, updated_at = excluded.updated_at",
        )
        .bind(&p.name)
        .bind(p.kind.as_str())
        .bind(&p.display_name)
        .bind(url)
        .bind(p.needs_key)
        .bind(p.is_builtin)
        .bind(ts(now()))
        .execute(&self.pool)
        .await?;
        self.provider(&p.name).await
    }

    /// Adds an OpenAI-compatible server (vLLM, a LiteLLM proxy, another Ollama) under a name.
    pub async fn add_provider(
        &self,
        name: &str,
        base_url: &str,
        display_name: Option<&str>,
        needs_key: bool,
    ) -> Result<ProviderInfo, CoreError> {
        let name = check_name(name)?;
        let url = check_base_url(base_url)?;
        if self.resolved_provider(&name).await.is_ok() {
            return Err(CoreError::Conflict {
                field: "provider",
                message: format!(
                    "a provider named {name} exists already; choose another name or change its \
                     address with `folio provider set-url`"
                ),
            });
        }
        let display = display_name
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(&name)
            .to_string();
        sqlx::query(
            "INSERT INTO ai_providers (name, kind, display_name, base_url, needs_key, is_builtin, updated_at)
             VALUES (?, 'openai_compatible', ?, ?, ?, 0, ?)",
        )
        .bind(&name)
        .bind(display)
        .bind(url.as_str())
        .bind(needs_key)
        .bind(ts(now()))
        .execute(&self.pool)
        .await?;
        self.provider(&name).await
    }

    /// Removes a provider added by hand, its key and its models.
    pub async fn remove_provider(&self, name: &str) -> Result<(), CoreError> {
        let p = self.resolved_provider(name).await?;
        if p.is_builtin {
            return Err(CoreError::invalid(
                "provider",
                format!(
                    "{} is built in and cannot be removed; remove its key instead",
                    p.name
                ),
            ));
        }
        Keychain::new()
            .delete(&provider_key_entry(&self.account_id, &p.name))
            .await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ai_models WHERE provider = ? AND is_builtin = 0")
            .bind(&p.name)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM ai_providers WHERE name = ?")
            .bind(&p.name)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keys follow the person when the device joins another account: each key the new account
    /// lacks is copied from the old one (the old entries stay, in case they log back in).
    pub(crate) async fn carry_provider_keys(
        &self,
        from: &folio_model::AccountId,
        to: &folio_model::AccountId,
    ) -> Result<(), CoreError> {
        let keychain = Keychain::new();
        for p in self.resolved_providers().await? {
            let Some(key) = keychain.get(&provider_key_entry(from, &p.name)).await? else {
                continue;
            };
            let target = provider_key_entry(to, &p.name);
            if keychain.get(&target).await?.is_none() {
                keychain.set(&target, &key).await?;
                tracing::info!(provider = %p.name, "provider key carried into the joined account");
            }
        }
        Ok(())
    }

    /// A client for the provider, with its key from the keychain. `base_url` overrides the
    /// stored address for this client only (`folio provider test --base-url`).
    pub async fn ai_client(&self, name: &str, base_url: Option<&str>) -> Result<Client, CoreError> {
        let p = self.resolved_provider(name).await?;
        let url = check_base_url(base_url.unwrap_or(&p.base_url))?;
        let key = self.stored_key(&p.name).await?;
        if key.is_none() && p.needs_key {
            return Err(CoreError::invalid(
                "key",
                format!(
                    "no API key for {} is stored for this account: add it in Settings → Providers \
                     or with `folio provider set-key {}`",
                    p.display_name, p.name
                ),
            ));
        }
        let mut config = ProviderConfig::new(p.name.clone(), p.kind, url, key.map(ApiKey::new));
        if let Some(mode) = p.structured_mode.as_deref() {
            if let Ok(mode) = mode.parse::<StructuredMode>() {
                config.structured_mode = mode;
            }
        }
        Ok(Client::new(config)?)
    }

    /// Remembers the structured-output mode a compatible server turned out to support, so the
    /// next call starts with it instead of failing over again.
    pub async fn remember_structured_mode(&self, client: &Client) -> Result<(), CoreError> {
        let config = client.config();
        let mode = client.structured_mode();
        if mode == config.structured_mode {
            return Ok(());
        }
        let p = self.resolved_provider(&config.name).await?;
        sqlx::query(
            "INSERT INTO ai_providers (name, kind, display_name, needs_key, structured_mode, is_builtin, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET structured_mode = excluded.structured_mode,
                 updated_at = excluded.updated_at",
        )
        .bind(&p.name)
        .bind(p.kind.as_str())
        .bind(&p.display_name)
        .bind(p.needs_key)
        .bind(mode.as_str())
        .bind(p.is_builtin)
        .bind(ts(now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A cheap authenticated call (listing models). A provider failure is a result, not an
    /// error: the check reports its kind (`auth`, `rate_limited`, `unreachable`, …).
    ///
    /// Runs as a `provider_test` job (cancel it with [`crate::jobs::Jobs::cancel`]); a newer
    /// test of the same provider in this process replaces a running one.
    pub async fn test_provider(
        &self,
        name: &str,
        base_url: Option<&str>,
    ) -> Result<ProviderCheck, CoreError> {
        let scope = JobScope::Provider {
            provider: name.trim().to_owned(),
        };
        self.jobs().cancel_matching(JobKind::ProviderTest, &scope);
        let job = self.jobs().start(JobKind::ProviderTest, scope).await?;
        let result = self.check_provider(&job, name, base_url).await;
        job.finish(result)
    }

    /// Cancel this process's running test of a provider; whether one was running.
    pub fn cancel_provider_test(&self, name: &str) -> bool {
        let scope = JobScope::Provider {
            provider: name.trim().to_owned(),
        };
        self.jobs().cancel_matching(JobKind::ProviderTest, &scope) > 0
    }

    async fn check_provider(
        &self,
        job: &Job,
        name: &str,
        base_url: Option<&str>,
    ) -> Result<ProviderCheck, CoreError> {
        let client = self.ai_client(name, base_url).await?;
        let base = client.config().base_url.to_string();
        let provider = client.config().name.clone();
        job.say(
            JobPhase::Calling,
            0,
            None,
            format!("asking {base} for its models"),
        );
        match client.check(job.token()).await {
            Ok(report) => Ok(ProviderCheck {
                provider,
                base_url: base,
                ok: true,
                models: report.models,
                error_kind: None,
                message: None,
                request_id: report.request_id,
            }),
            Err(e) if e.kind == folio_ai::AiErrorKind::Cancelled => Err(CoreError::Cancelled),
            Err(e) => Ok(ProviderCheck {
                provider,
                base_url: base,
                ok: false,
                models: None,
                error_kind: Some(e.kind.as_str().to_string()),
                message: Some(e.to_string()),
                request_id: e.request_id.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        let url = check_base_url(" http://127.0.0.1:11434/v1/ ");
        assert_eq!(
            url.map(|u| u.to_string()).ok().as_deref(),
            Some("http://127.0.0.1:11434/v1")
        );
        assert!(check_base_url("ftp://example.com").is_err());
        assert!(check_base_url("https://user:pw@example.com/v1").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn keys_are_trimmed_and_odd_ones_refused() {
        assert_eq!(check_key("  sk-abc\n").ok().as_deref(), Some("sk-abc"));
        assert!(check_key("\n").is_err());
        assert!(check_key("sk-abc def").is_err());
    }

    #[test]
    fn provider_names_are_slugs() {
        assert_eq!(check_name("My-VLLM").ok().as_deref(), Some("my-vllm"));
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
    }
}
