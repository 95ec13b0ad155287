//! Shared helpers for the wiremock-based provider tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use folio_ai::{
    AiErrorKind, ApiKey, Client, ProviderConfig, ProviderKind, RetryObserver, RetryPolicy,
};
use serde_json::Value;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// Recognisable, so a leak into any message is easy to spot.
pub const KEY: &str = "sk-folio-test-SECRET-1234567890";

pub fn config(kind: ProviderKind, base: &str, key: Option<&str>) -> ProviderConfig {
    let mut c = ProviderConfig::new(
        kind.as_str(),
        kind,
        base.parse().expect("url"),
        key.map(ApiKey::new),
    );
    // Tiny delays keep the suite fast; server-requested waits are honoured up to 5 s.
    c.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    };
    c
}

pub type Retries = Arc<Mutex<Vec<(u32, Duration, AiErrorKind)>>>;

/// A client plus the log of the retries it reported.
pub fn client(config: ProviderConfig) -> (Client, Retries) {
    let seen: Retries = Arc::default();
    let log = seen.clone();
    let observer: RetryObserver = Arc::new(move |attempt, delay, kind| {
        log.lock().unwrap().push((attempt, delay, kind));
    });
    let client = Client::new(config)
        .expect("client")
        .with_retry_observer(observer);
    (client, seen)
}

/// A fake server and a client of `kind` pointed at its `/v1`.
pub async fn start(kind: ProviderKind, key: Option<&str>) -> (MockServer, Client, Retries) {
    let server = MockServer::start().await;
    let (c, r) = client(config(kind, &format!("{}/v1", server.uri()), key));
    (server, c, r)
}

/// Answers with `responses[i]` for the i-th call (the last one repeats) and keeps each
/// request body for later inspection.
#[derive(Clone)]
pub struct Seq {
    responses: Arc<Vec<ResponseTemplate>>,
    calls: Arc<AtomicUsize>,
    pub bodies: Arc<Mutex<Vec<Value>>>,
}

impl Seq {
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        Self {
            responses: Arc::new(responses),
            calls: Arc::default(),
            bodies: Arc::default(),
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn body(&self, i: usize) -> Value {
        self.bodies.lock().unwrap()[i].clone()
    }
}

impl Respond for Seq {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let i = self.calls.fetch_add(1, Ordering::SeqCst);
        self.bodies
            .lock()
            .unwrap()
            .push(request.body_json().unwrap_or(Value::Null));
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// An SSE body delivered in one piece; wiremock cannot stream with pauses, which is fine for
/// exercising the parser.
pub fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

/// An 8x8 PNG header is enough for MIME sniffing.
pub fn png_bytes() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R']);
    v
}

pub fn webp_bytes(tag: u8) -> Vec<u8> {
    let mut v = b"RIFF\x10\x00\x00\x00WEBPVP8 ".to_vec();
    v.push(tag);
    v
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
