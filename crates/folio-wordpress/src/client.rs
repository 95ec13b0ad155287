//! `WpClient`: the credentials, the HTTP clients, the retry rule and the translation of
//! WordPress answers into `WpError`s shared by every endpoint.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use crate::error::WpError;
use crate::html;
use crate::rest_url::{host_of, ApiRoot};

/// A WordPress user name and one of its application passwords (never the login password).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub app_password: String,
}

impl Credentials {
    pub fn new(user: impl Into<String>, app_password: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            app_password: app_password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("app_password", &"<redacted>")
            .finish()
    }
}

/// Timeouts and identity of the HTTP client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Per request (30 s).
    pub timeout: Duration,
    /// For media uploads, which carry megabytes and make WordPress resize images (120 s).
    pub upload_timeout: Duration,
    pub user_agent: String,
    /// How often a failed GET is repeated (2). Writes are never repeated.
    pub get_retries: u32,
    /// Wait before the first repeat; doubled for the next (250 ms).
    pub retry_backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(120),
            user_agent: format!("Folio/{} (WordPress publisher)", env!("CARGO_PKG_VERSION")),
            get_retries: 2,
            retry_backoff: Duration::from_millis(250),
        }
    }
}

/// A client for one site's REST API, logged in as one user (or anonymous).
#[derive(Clone)]
pub struct WpClient {
    pub(crate) root: ApiRoot,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) options: ClientOptions,
    /// Follows redirects: reads are safe to follow anywhere.
    pub(crate) reader: reqwest::Client,
    /// Never follows redirects: reqwest would turn a redirected POST into a GET, and a
    /// "created" post would silently be a listing.
    pub(crate) writer: reqwest::Client,
}

impl fmt::Debug for WpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WpClient")
            .field("api_root", &self.root.as_str())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// A request body.
pub(crate) enum Payload {
    None,
    Json(Vec<u8>),
    Raw {
        bytes: Vec<u8>,
        content_type: String,
        disposition: String,
    },
}

/// A successful (2xx) answer.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) url: Url,
}

impl Reply {
    pub(crate) fn content_type(&self) -> String {
        content_type(&self.headers)
    }

    pub(crate) fn header_u32(&self, name: &str) -> Option<u32> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The body as `T`; HTML or broken JSON becomes `NotJson`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, WpError> {
        let value: serde_json::Value =
            serde_json::from_slice(&self.body).map_err(|_| WpError::NotJson {
                url: self.url.to_string(),
                status: self.status.as_u16(),
                content_type: self.content_type(),
                snippet: html::snippet(&String::from_utf8_lossy(&self.body)),
            })?;
        serde_json::from_value(value).map_err(|e| {
            WpError::other(format!(
                "WordPress answered {} with JSON Folio does not understand ({e}); the site may run a plugin that changes the REST API",
                self.url
            ))
        })
    }
}

pub(crate) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_owned()
}

/// `{"code": …, "message": …, "data": {"status": …, "params": {…}, "term_id": …}}`.
#[derive(Deserialize)]
struct WpErrorBody {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
}

impl WpClient {
    /// A client for a REST root found earlier by [`WpClient::discover`].
    pub fn new(
        api_root: &str,
        credentials: Option<Credentials>,
        options: ClientOptions,
    ) -> Result<WpClient, WpError> {
        let root = ApiRoot::parse(api_root)?;
        let reader = http_client(&options, reqwest::redirect::Policy::limited(10))?;
        let writer = http_client(&options, reqwest::redirect::Policy::none())?;
        Ok(WpClient {
            root,
            credentials,
            options,
            reader,
            writer,
        })
    }

    /// The REST root, e.g. `https://example.com/wp-json/` or
    /// `https://example.com/index.php?rest_route=/`.
    pub fn api_root(&self) -> &str {
        self.root.as_str()
    }

    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    pub(crate) fn url(&self, route: &str, params: &[(&str, &str)]) -> Url {
        self.root.endpoint(route, params)
    }

    pub(crate) async fn get(&self, route: &str, params: &[(&str, &str)]) -> Result<Reply, WpError> {
        self.execute(Method::GET, self.url(route, params), Payload::None, None)
            .await
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        route: &str,
        params: &[(&str, &str)],
    ) -> Result<T, WpError> {
        self.get(route, params).await?.json()
    }

    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &str,
        params: &[(&str, &str)],
        body: &impl serde::Serialize,
    ) -> Result<T, WpError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| WpError::other(format!("could not encode the request: {e}")))?;
        self.execute(method, self.url(route, params), Payload::Json(bytes), None)
            .await?
            .json()
    }

    /// Sends one request; GET/HEAD/OPTIONS are repeated on 5xx, timeouts and connection
    /// failures. Anything else is sent exactly once: a create that timed out may still have
    /// happened, and repeating it would make a second post.
    pub(crate) async fn execute(
        &self,
        method: Method,
        url: Url,
        payload: Payload,
        timeout: Option<Duration>,
    ) -> Result<Reply, WpError> {
        let idempotent = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        let retries = if idempotent {
            self.options.get_retries
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            let result = self
                .execute_once(method.clone(), url.clone(), &payload, timeout)
                .await;
            match result {
                Err(e) if attempt < retries && e.is_transient() => {
                    let wait = self.options.retry_backoff * 2u32.saturating_pow(attempt);
                    tracing::debug!(%method, %url, error = %e.code(), ?wait, "retrying WordPress GET");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn execute_once(
        &self,
        method: Method,
        url: Url,
        payload: &Payload,
        timeout: Option<Duration>,
    ) -> Result<Reply, WpError> {
        let http = if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
            &self.reader
        } else {
            &self.writer
        };
        let mut request = http.request(method.clone(), url.clone());
        if let Some(c) = &self.credentials {
            request = request.basic_auth(&c.user, Some(&c.app_password));
        }
        if let Some(t) = timeout {
            request = request.timeout(t);
        }
        request = match payload {
            Payload::None => request,
            Payload::Json(bytes) => request
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Payload::Raw {
                bytes,
                content_type,
                disposition,
            } => request
                .header(CONTENT_TYPE, content_type.as_str())
                .header("Content-Disposition", disposition.as_str())
                .body(bytes.clone()),
        };
        tracing::debug!(%method, %url, "WordPress request");
        let after = timeout.unwrap_or(self.options.timeout);
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, &url, after))?;
        let status = response.status();
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, &url, after))?
            .to_vec();
        let reply = Reply {
            status,
            headers,
            body,
            url: final_url,
        };
        if status.is_success() {
            Ok(reply)
        } else {
            Err(self.error_from(reply))
        }
    }

    /// Turns a non-2xx answer into the matching `WpError`, keeping WordPress's code.
    pub(crate) fn error_from(&self, reply: Reply) -> WpError {
        let status = reply.status.as_u16();
        let parsed: Option<WpErrorBody> = serde_json::from_slice(&reply.body).ok();
        let (wp_code, message, data) = match parsed {
            Some(b) => (
                Some(b.code),
                self.scrub(&html::decode_entities(&b.message)),
                b.data,
            ),
            None => {
                let text = String::from_utf8_lossy(&reply.body);
                (None, self.scrub(&html::snippet(&text)), None)
            }
        };
        let data = data.unwrap_or(serde_json::Value::Null);
        match status {
            401 => WpError::Auth {
                user: self.credentials.as_ref().map(|c| c.user.clone()),
                wp_code,
                message,
            },
            403 => WpError::Forbidden { wp_code, message },
            404 | 410 => WpError::NotFound {
                url: reply.url.to_string(),
                status,
                wp_code,
                message,
            },
            501 if wp_code
                .as_deref()
                .is_some_and(|c| c.starts_with("application_passwords_disabled")) =>
            {
                WpError::AppPasswordsUnavailable {
                    wp_code: wp_code.unwrap_or_default(),
                    message,
                }
            }
            500..=599 => WpError::Server {
                status,
                wp_code,
                message,
            },
            300..=399 => {
                let location = reply
                    .headers
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("another address");
                WpError::other(format!(
                    "WordPress redirected a change request for {} to {location} (HTTP {status}); Folio does not follow redirects for changes — connect the site again so Folio uses its current address",
                    reply.url
                ))
            }
            _ => WpError::Invalid {
                status,
                wp_code,
                message,
                params: data
                    .get("params")
                    .and_then(|p| p.as_object())
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| {
                                let text = v.as_str().map(str::to_owned).unwrap_or(v.to_string());
                                (k.clone(), self.scrub(&text))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                term_id: data.get("term_id").and_then(|v| v.as_i64()),
            },
        }
    }

    /// WordPress has no reason to echo the password, but a plugin might; it must never reach
    /// an error message.
    fn scrub(&self, text: &str) -> String {
        let Some(c) = &self.credentials else {
            return text.to_owned();
        };
        let mut out = text.to_owned();
        let compact: String = c.app_password.split_whitespace().collect();
        for secret in [c.app_password.as_str(), compact.as_str()] {
            if secret.len() >= 4 {
                out = out.replace(secret, "<redacted>");
            }
        }
        out
    }
}

pub(crate) fn http_client(
    options: &ClientOptions,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client, WpError> {
    reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(Duration::from_secs(15)))
        .user_agent(options.user_agent.clone())
        .redirect(redirects)
        .build()
        .map_err(|e| WpError::other(format!("could not set up the HTTP client: {e}")))
}

pub(crate) fn transport_error(e: &reqwest::Error, url: &Url, after: Duration) -> WpError {
    let host = host_of(url);
    if e.is_timeout() {
        return WpError::Timeout { host, after };
    }
    if e.is_redirect() {
        return WpError::other(format!(
            "{host} redirects in a loop; open the site in a browser to check its address"
        ));
    }
    WpError::Unreachable {
        host,
        detail: root_cause(e),
    }
}

/// The innermost cause ("Connection refused", "invalid peer certificate", "failed to lookup
/// address"), which is what a person can act on; reqwest's own text only repeats the URL.
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    let mut text = if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    while let Some(next) = source.source() {
        text = next.to_string();
        source = next;
    }
    text
}
