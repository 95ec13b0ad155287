//! Floods at the password routes: per-address and per-email budgets answered 429 with
//! Retry-After, client addresses from X-Forwarded-For only behind a trusted proxy, and password
//! hashing bounded however many logins arrive at once.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod support;

use folio_server::hashing::HashingBound;
use folio_server::rate_limit::RateLimits;
use reqwest::StatusCode;
use serde_json::json;
use support::{assert_error, TestServer, PASSWORD};

async fn login_from(t: &TestServer, email: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut req = t
        .http
        .post(format!("{}/v1/auth/login", t.base))
        .json(&json!({"email": email, "password": "Not-The-Password-123"}));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_eleventh_login_in_a_minute_from_one_address_waits() {
    let t = TestServer::start_adjusted(|c| c.rate_limits = RateLimits::default()).await;
    // Different addresses each time, so only the per-address budget is spent.
    for i in 0..10 {
        let resp = login_from(&t, &format!("guess{i}@example.com"), None).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = login_from(&t, "guess10@example.com", None).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_error(&v, "rate_limited");
    // Registering has its own budget.
    t.register("ann@example.com").await;
}

#[tokio::test]
async fn one_email_is_limited_whatever_the_address_behind_a_trusted_proxy() {
    let t = TestServer::start_adjusted(|c| {
        c.rate_limits = RateLimits::default();
        c.trust_proxy = true;
    })
    .await;
    // Each from its own address (the proxy's entry is the last one), all naming one email.
    for i in 0..6 {
        let resp = login_from(
            &t,
            "ann@example.com",
            Some(&format!("6.6.6.6, 203.0.113.{i}")),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let resp = login_from(&t, "ann@example.com", Some("203.0.113.99")).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // 11 attempts from one forwarded address with different emails: the 11th waits, though the
    // TCP peer (127.0.0.1) is the same for all and a spoofed first entry varies.
    for i in 0..10 {
        let resp = login_from(
            &t,
            &format!("x{i}@example.com"),
            Some(&format!("{i}.1.1.1, 198.51.100.1")),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let resp = login_from(&t, "x10@example.com", Some("9.9.9.9, 198.51.100.1")).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn without_trust_proxy_the_forwarded_header_is_ignored() {
    let t = TestServer::start_adjusted(|c| c.rate_limits = RateLimits::default()).await;
    for i in 0..10 {
        let resp = login_from(
            &t,
            &format!("g{i}@example.com"),
            Some(&format!("203.0.113.{i}")),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = login_from(&t, "g10@example.com", Some("203.0.113.200")).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_logins_never_exceed_the_hashing_bound() {
    let t = TestServer::start_adjusted(|c| {
        c.hashing_bound = HashingBound {
            concurrent: 2,
            queue: 1000,
        };
    })
    .await;
    t.register("ann@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let http = t.http.clone();
        let url = format!("{}/v1/auth/login", t.base);
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let gate = t.server.hash_gate();
    assert!(
        gate.peak_concurrency() <= 2,
        "{} hashes ran at once",
        gate.peak_concurrency()
    );
    assert!(gate.peak_concurrency() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn past_the_hashing_queue_the_answer_is_busy_with_retry_after() {
    let t = TestServer::start_adjusted(|c| {
        c.hashing_bound = HashingBound {
            concurrent: 1,
            queue: 0,
        };
    })
    .await;
    t.register("ann@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let http = t.http.clone();
        let url = format!("{}/v1/auth/login", t.base);
        tasks.push(tokio::spawn(async move {
            let resp = http
                .post(url)
                .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            (resp.status(), resp.headers().get("retry-after").cloned())
        }));
    }
    for task in tasks {
        let (status, retry) = task.await.unwrap();
        match status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => assert!(retry.is_some()),
            other => panic!("{other}"),
        }
    }
    assert_eq!(t.server.hash_gate().peak_concurrency(), 1);
}
