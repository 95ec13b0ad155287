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
use crate::origin::{check_transport, url_origin};
use crate::rest_url::{host_of, ApiRoot};

/// The most Folio reads of one answer (16 MiB). The largest real answers are a REST index with
/// many plugins (a few MiB) and 100 posts with their raw content; anything larger is a broken
/// or hostile server, and reading it whole would exhaust memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A WordPress user name and one of its application passwords (never the login password).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub app_password: String,
    /// The origin (scheme, host, port) this password was connected with on this device; a
    /// client for any other origin refuses it ([`WpError::OriginChanged`]). `None` only while
    /// connecting, for a password the person has just typed for the address they typed.
    pub origin: Option<String>,
}

impl Credentials {
    /// A password just typed for a site being connected: not bound to an origin yet.
    pub fn new(user: impl Into<String>, app_password: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            app_password: app_password.into(),
            origin: None,
        }
    }

    /// A stored password, only ever sent to `origin`.
    pub fn bound(
        user: impl Into<String>,
        app_password: impl Into<String>,
        origin: impl Into<String>,
    ) -> Self {
        Self {
            user: user.into(),
            app_password: app_password.into(),
            origin: Some(origin.into()),
        }
    }

    /// Whether the password may go to `origin`.
    pub(crate) fn allows(&self, origin: &str) -> bool {
        self.origin.as_deref().is_none_or(|o| o.trim() == origin)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("app_password", &"<redacted>")
            .field("origin", &self.origin)
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
    /// Plain `http://` to a host other than this computer (off: https is required). Only ever
    /// set from the person's own choice on this device, never from synced data.
    pub allow_insecure_http: bool,
    /// Answers larger than this are refused ([`DEFAULT_MAX_BODY_BYTES`]).
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(120),
            user_agent: format!("Folio/{} (WordPress publisher)", env!("CARGO_PKG_VERSION")),
            get_retries: 2,
            retry_backoff: Duration::from_millis(250),
            allow_insecure_http: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// A client for one site's REST API, logged in as one user (or anonymous).
#[derive(Clone)]
pub struct WpClient {
    pub(crate) root: ApiRoot,
    pub(crate) credentials: Option<Credentials>,
    /// The only origin the credentials are ever sent to: the root's own. A URL built any other
    /// way (or a redirect) is refused before the request leaves.
    pub(crate) credential_origin: String,
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
        check_transport(root.url(), options.allow_insecure_http)?;
        let credential_origin = url_origin(root.url())?;
        if let Some(c) = &credentials {
            if !c.allows(&credential_origin) {
                return Err(WpError::OriginChanged {
                    trusted: c.origin.clone().unwrap_or_default(),
                    requested: credential_origin,
                });
            }
        }
        let reader = http_client(&options, read_redirects(&options))?;
        let writer = http_client(&options, reqwest::redirect::Policy::none())?;
        Ok(WpClient {
            root,
            credentials,
            credential_origin,
            options,
            reader,
            writer,
        })
    }

    /// A logged-in client whose password is bound to `trusted_origin` (the origin it was
    /// connected with on this device). A REST root anywhere else — changed on another device,
    /// say — is refused with [`WpError::OriginChanged`] before any request is made.
    pub fn new_bound(
        api_root: &str,
        credentials: Credentials,
        trusted_origin: &str,
        options: ClientOptions,
    ) -> Result<WpClient, WpError> {
        let credentials = Credentials {
            origin: Some(trusted_origin.trim().to_owned()),
            ..credentials
        };
        WpClient::new(api_root, Some(credentials), options)
    }

    /// The origin (scheme, host, port) of the REST root: what a password is bound to.
    pub fn origin(&self) -> &str {
        &self.credential_origin
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
        check_transport(&url, self.options.allow_insecure_http)?;
        let mut request = http.request(method.clone(), url.clone());
        if let Some(c) = &self.credentials {
            let requested = url_origin(&url)?;
            if requested != self.credential_origin {
                return Err(WpError::OriginChanged {
                    trusted: self.credential_origin.clone(),
                    requested,
                });
            }
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
        let body = read_capped(response, self.options.max_body_bytes, &url, after).await?;
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

/// Reads redirects up to 10 hops, but never onto plain http to another computer (an https site
/// redirecting a read to http:// would otherwise downgrade it silently). reqwest itself drops
/// the Authorization header when a redirect leaves the host.
pub(crate) fn read_redirects(options: &ClientOptions) -> reqwest::redirect::Policy {
    let allow_insecure = options.allow_insecure_http;
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 10 {
            attempt.error("too many redirects")
        } else if let Err(e) = check_transport(attempt.url(), allow_insecure) {
            attempt.error(e)
        } else {
            attempt.follow()
        }
    })
}

/// The body, read chunk by chunk and refused past `limit` (a `Content-Length` above it is
/// refused before reading anything).
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
    url: &Url,
    after: Duration,
) -> Result<Vec<u8>, WpError> {
    let too_large = || WpError::TooLarge {
        url: url.to_string(),
        limit,
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(&e, url, after))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn transport_error(e: &reqwest::Error, url: &Url, after: Duration) -> WpError {
    // A refusal of our own inside reqwest (a redirect onto insecure http) keeps its wording.
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        if let Some(ours) = s.downcast_ref::<WpError>() {
            return ours.clone();
        }
        source = s.source();
    }
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
