//! Trust boundaries of the client (issue 15): the application password goes only to the origin
//! it is bound to, https is required off this computer, and no answer is read without limit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{credentials, options, PASSWORD};
use folio_wordpress::{origin_of, ClientOptions, WpClient};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_bound_password_is_refused_for_another_origin_before_any_request() {
    let trusted = MockServer::start().await;
    let attacker = MockServer::start().await;
    let root = format!("{}/wp-json/", attacker.uri());
    let err = WpClient::new_bound(
        &root,
        credentials(),
        &origin_of(&trusted.uri()).unwrap(),
        options(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "origin_changed");
    let text = err.to_string();
    assert!(text.contains(&attacker.uri()), "{text}");
    assert!(
        text.contains("reconnect WordPress on this device"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(attacker.received_requests().await.unwrap().is_empty());

    // The same origin is fine: scheme, host and port match, the path may differ.
    let ok = WpClient::new_bound(
        &format!("{}/blog/?rest_route=/", trusted.uri()),
        credentials(),
        &origin_of(&trusted.uri()).unwrap(),
        options(),
    )
    .unwrap();
    assert_eq!(ok.origin(), origin_of(&trusted.uri()).unwrap());
}

#[tokio::test]
async fn plain_http_is_refused_off_this_computer_unless_opted_in() {
    let err = WpClient::new("http://blog.example/wp-json/", None, options()).unwrap_err();
    assert_eq!(err.code(), "insecure_http");
    assert!(err.to_string().contains("--allow-insecure"), "{err}");
    let err = WpClient::discover("http://192.168.1.9/", None, options())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "insecure_http");
    let opted_in = ClientOptions {
        allow_insecure_http: true,
        ..options()
    };
    assert!(WpClient::new("http://192.168.1.9/wp-json/", None, opted_in).is_ok());
    assert!(WpClient::new("https://blog.example/wp-json/", None, options()).is_ok());
    assert!(WpClient::new("http://127.0.0.1:9/wp-json/", None, options()).is_ok());
}

#[tokio::test]
async fn a_read_redirected_onto_insecure_http_elsewhere_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            "http://downgrade.example/wp-json/wp/v2/users/me",
        ))
        .mount(&server)
        .await;
    let client = WpClient::new(
        &format!("{}/wp-json/", server.uri()),
        Some(credentials()),
        options(),
    )
    .unwrap();
    let err = client.me().await.unwrap_err();
    assert_eq!(err.code(), "insecure_http", "{err}");
}

#[tokio::test]
async fn answers_over_the_limit_are_refused() {
    let server = MockServer::start().await;
    let big = json!({ "id": 1, "name": "x".repeat(4096) });
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&big))
        .mount(&server)
        .await;
    let small = ClientOptions {
        max_body_bytes: 1024,
        ..options()
    };
    let client = WpClient::new(
        &format!("{}/wp-json/", server.uri()),
        Some(credentials()),
        small,
    )
    .unwrap();
    let err = client.me().await.unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
    assert!(!err.is_transient());
    // Under the limit the same answer reads fine.
    let client = WpClient::new(
        &format!("{}/wp-json/", server.uri()),
        Some(credentials()),
        options(),
    )
    .unwrap();
    assert_eq!(client.me().await.unwrap().id, 1);
    assert_eq!(
        ClientOptions::default().max_body_bytes,
        folio_wordpress::DEFAULT_MAX_BODY_BYTES
    );
}

#[tokio::test]
async fn discovery_never_sends_a_bound_password_to_another_origin() {
    // A site that refuses anonymous visitors: discovery would normally retry logged in.
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(fake::wp_error(401, "rest_not_logged_in", "log in"))
        .mount(&elsewhere)
        .await;
    let bound = folio_wordpress::Credentials::bound(fake::USER, PASSWORD, "https://blog.example");
    let err = WpClient::discover(&elsewhere.uri(), Some(bound), options())
        .await
        .unwrap_err();
    let requests = elsewhere.received_requests().await.unwrap();
    assert!(!requests.is_empty(), "discovery did look at the address");
    assert!(
        requests
            .iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "the password went to {}: {err}",
        elsewhere.uri()
    );
    // Bound to this origin, the same site does get the logged-in retry.
    let own = folio_wordpress::Credentials::bound(
        fake::USER,
        PASSWORD,
        origin_of(&elsewhere.uri()).unwrap(),
    );
    let _ = WpClient::discover(&elsewhere.uri(), Some(own), options()).await;
    let requests = elsewhere.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .any(|r| r.headers.contains_key("authorization")));
}

#[tokio::test]
async fn a_streamed_answer_without_length_is_cut_off_at_the_limit() {
    use std::io::{Read, Write};
    // A server that streams a chunked body and never says how long it is.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
            );
            let chunk = vec![b' '; 512];
            for _ in 0..8 {
                let _ = write!(s, "{:x}\r\n", chunk.len());
                let _ = s.write_all(&chunk);
                let _ = s.write_all(b"\r\n");
            }
            let _ = s.write_all(b"1\r\n1\r\n0\r\n\r\n");
        }
    });
    let small = ClientOptions {
        max_body_bytes: 1024,
        ..options()
    };
    let client = WpClient::new(&format!("http://127.0.0.1:{port}/wp-json/"), None, small).unwrap();
    let err = client.me().await.unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
}
