//! The sync server's HTTP API as the device calls it: one access token, JSON bodies, the
//! server's errors mapped to core's (never with the URL, which may carry a token).

use crate::CoreError;
use folio_sync::api::{url_path, ErrorBody};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

/// The input a server validation error is about, as the form names it.
fn form_field(field: Option<&str>) -> &'static str {
    match field {
        Some("email") => "email",
        Some("password") => "password",
        Some("role") => "role",
        _ => "server",
    }
}

/// The server's HTTP API with one access token.
pub(crate) struct Api {
    pub(crate) base: String,
    http: reqwest::Client,
    pub(crate) access: Option<String>,
}

impl Api {
    /// The API at `server`; `insecure` is the one plain-HTTP origin this device allows
    /// ([`crate::sync::transport`]).
    pub(crate) fn new(server: &str, insecure: Option<&str>) -> Result<Self, CoreError> {
        let url = url::Url::parse(server.trim()).map_err(|e| {
            CoreError::invalid(
                "server",
                format!("{server:?} is not a server URL ({e}); use e.g. https://sync.example.com"),
            )
        })?;
        crate::sync::transport::check(&url, insecure)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| CoreError::Sync(format!("cannot set up HTTP: {e}")))?;
        Ok(Self {
            base: url.as_str().trim_end_matches('/').to_string(),
            http,
            access: None,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, CoreError> {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, url_path(path)));
        if let Some(token) = &self.access {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.map_err(|e| {
            CoreError::Sync(format!(
                "cannot reach the sync server at {}: {}. Check the URL and your connection; your work is kept here",
                self.base,
                without_url(&e)
            ))
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| {
            CoreError::Sync(format!(
                "the sync server's answer broke off: {}",
                without_url(&e)
            ))
        })?;
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(serde_json::Value::Null);
            }
            return serde_json::from_slice(&bytes).map_err(|_| {
                CoreError::Sync(format!(
                    "{} does not answer like a Folio sync server",
                    self.base
                ))
            });
        }
        let Ok(err) = serde_json::from_slice::<ErrorBody>(&bytes) else {
            return Err(CoreError::Sync(format!(
                "{} answered {status} and is not a Folio sync server (or is misconfigured)",
                self.base
            )));
        };
        let field = form_field(err.error.field.as_deref());
        let message = err.error.message;
        Err(match err.error.kind.as_str() {
            "validation" => CoreError::invalid(field, message),
            "conflict" => CoreError::Conflict {
                field: "email",
                message,
            },
            "limit" => CoreError::Limit(message),
            "not_found" => CoreError::NotFound { what: message },
            "unauthenticated" => CoreError::Unauthenticated(message),
            "forbidden" => CoreError::Forbidden(message),
            _ => CoreError::Sync(format!("the sync server failed: {message}")),
        })
    }

    /// `POST` a [`folio_sync::api`] body to one of its paths and read the answer as `R`.
    pub(crate) async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, CoreError> {
        let body = serde_json::to_value(body)
            .map_err(|e| CoreError::Internal(format!("encoding a request: {e}")))?;
        parse(self.call(reqwest::Method::POST, path, Some(body)).await?)
    }

    pub(crate) async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, CoreError> {
        parse(self.call(reqwest::Method::GET, path, None).await?)
    }
}

/// reqwest's errors name the URL, which may carry credentials; say only what happened.
fn without_url(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_decode() {
        "unreadable answer"
    } else {
        "transport error"
    }
}

/// Register a site or document with the server; a refusal for lack of rights (a viewer) is not
/// an error: such a person only receives.
pub(crate) async fn register<B: Serialize + std::fmt::Debug>(
    api: &Api,
    path: &str,
    body: &B,
) -> Result<(), CoreError> {
    match api.post::<B, serde_json::Value>(path, body).await {
        Ok(_) => Ok(()),
        Err(CoreError::Forbidden(m)) => {
            tracing::debug!(%path, ?body, "not registered: {m}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, CoreError> {
    serde_json::from_value(v).map_err(|e| {
        CoreError::Sync(format!(
            "the sync server's answer is not what this version expects ({e}); update Folio"
        ))
    })
}
