//! Local model servers: found with their models (Ollama's `/api/tags`, LM Studio's and
//! llama.cpp's `/v1/models`), not running, answering garbage, too big or too slow — each server
//! against a wiremock fake on 127.0.0.1:0 — and "use this model" (the provider's address, the
//! model at zero price, the default text model).
//! Runs under `scripts/headless.sh` (reading a provider needs the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::ai::local_servers::{default_addresses, detect_local_servers, LocalAddress};
use folio_model::{ErrorKind, ModelType};
use rust_decimal::Decimal;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/private_store.rs"]
mod private_store;
use private_store::open;

/// The built-in local providers, each at its fake's address instead of its default port.
fn at(servers: [&str; 3]) -> Vec<LocalAddress> {
    default_addresses()
        .into_iter()
        .zip(servers)
        .map(|(a, base)| LocalAddress {
            base_url: base.to_owned(),
            ..a
        })
        .collect()
}

/// An address nothing listens on: a port that was free a moment ago.
fn nobody() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/v1")
}

async fn ollama_with(models: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    let models: Vec<_> = models
        .iter()
        .map(|m| {
            serde_json::json!({"name": m, "model": m, "size": 2019393189_u64,
            "details": {"family": "llama", "parameter_size": "3.2B"}})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({ "models": models })),
        )
        .mount(&server)
        .await;
    server
}

async fn openai_style_with(models: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    let data: Vec<_> = models
        .iter()
        .map(|m| serde_json::json!({"id": m, "object": "model", "owned_by": "organization_owner"}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"object": "list", "data": data})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn running_servers_are_listed_with_their_models() {
    let ollama = ollama_with(&["llama3.2:3b", "qwen2.5:7b"]).await;
    let lmstudio = openai_style_with(&["lmstudio-community/gemma-2-9b"]).await;
    let llamacpp = openai_style_with(&["model.gguf"]).await;
    let found = detect_local_servers(at([
        &format!("{}/v1", ollama.uri()),
        &format!("{}/v1", lmstudio.uri()),
        &format!("{}/v1/", llamacpp.uri()),
    ]))
    .await;
    let names: Vec<&str> = found.iter().map(|s| s.provider.as_str()).collect();
    assert_eq!(names, ["ollama", "lmstudio", "llamacpp"]);
    assert_eq!(found[0].models, ["llama3.2:3b", "qwen2.5:7b"]);
    assert_eq!(found[1].models, ["lmstudio-community/gemma-2-9b"]);
    assert_eq!(found[2].models, ["model.gguf"]);
    for s in &found {
        assert!(s.running && s.usable(), "{s:?}");
        assert_eq!(s.problem, None);
    }
    assert_eq!(found[0].display_name, "Ollama (local)");
}

#[tokio::test]
async fn servers_that_are_not_running_are_reported_as_such() {
    let found = detect_local_servers(at([&nobody(), &nobody(), &nobody()])).await;
    assert_eq!(found.len(), 3);
    for s in &found {
        assert!(!s.running, "{s:?}");
        assert!(s.models.is_empty());
        assert!(
            s.problem.as_deref().unwrap().starts_with("not running"),
            "{s:?}"
        );
    }
}

#[tokio::test]
async fn a_garbage_or_oversized_answer_lists_no_model() {
    let html = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html><h1>It works!</h1></html>"))
        .mount(&html)
        .await;
    let huge = MockServer::start().await;
    let big_name = "m".repeat(1000);
    let body = format!(
        r#"{{"data":[{}]}}"#,
        vec![format!(r#"{{"id":"{big_name}"}}"#); 1500].join(",")
    );
    assert!(body.len() > 1024 * 1024);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&huge)
        .await;
    let broken = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&broken)
        .await;
    let found = detect_local_servers(at([
        &format!("{}/v1", html.uri()),
        &format!("{}/v1", huge.uri()),
        &format!("{}/v1", broken.uri()),
    ]))
    .await;
    for s in &found {
        assert!(s.running, "something answered: {s:?}");
        assert!(s.models.is_empty(), "{s:?}");
        assert!(!s.usable());
    }
    assert_eq!(
        found[0].problem.as_deref(),
        Some("it answered with something that is not a model list")
    );
    assert!(
        found[1].problem.as_deref().unwrap().contains("larger than"),
        "{:?}",
        found[1]
    );
    assert_eq!(
        found[2].problem.as_deref(),
        Some("it answered HTTP 500 to the model list")
    );
}

#[tokio::test]
async fn a_slow_server_does_not_hold_up_the_others() {
    let slow = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [{"id": "late"}]}))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&slow)
        .await;
    let quick = openai_style_with(&["quick"]).await;
    let found = detect_local_servers(at([
        &format!("{}/v1", slow.uri()),
        &format!("{}/v1", quick.uri()),
        &nobody(),
    ]))
    .await;
    // The slow one is cut off by the timeout (were it waited for, its model would be listed
    // after 30 s); the others are answered all the same.
    assert!(!found[0].usable());
    assert!(
        found[0]
            .problem
            .as_deref()
            .unwrap()
            .contains("did not answer within"),
        "{:?}",
        found[0]
    );
    assert_eq!(found[1].models, ["quick"]);
}

#[tokio::test]
async fn using_a_local_model_sets_the_address_registers_it_free_and_makes_it_the_default() {
    let (_dir, folio) = open().await;
    let ollama = ollama_with(&["llama3.2:3b"]).await;
    let base = format!("{}/v1", ollama.uri());
    // The store's addresses are the built-in ones until a person sets another.
    let addresses = folio.local_addresses().await.unwrap();
    assert_eq!(addresses, default_addresses());

    let model = folio
        .use_local_model("ollama", &base, "llama3.2:3b")
        .await
        .unwrap();
    assert_eq!(model.model_name, "llama3.2:3b");
    assert_eq!(model.provider, "ollama");
    assert!(model.is_default);
    assert_eq!(model.cost_per_1k_input, Some(Decimal::ZERO));
    assert_eq!(model.cost_per_1k_output, Some(Decimal::ZERO));
    assert_eq!(
        folio
            .default_model(ModelType::Text)
            .await
            .unwrap()
            .model_name,
        "llama3.2:3b"
    );
    assert_eq!(folio.provider("ollama").await.unwrap().base_url, base);
    // Detection now asks the address that was set, and finds the server there.
    let found = folio.detect_local_servers().await.unwrap();
    assert_eq!(found[0].models, ["llama3.2:3b"]);

    // Again with the same model: nothing is added twice; the default address is stored as none.
    let again = folio
        .use_local_model("ollama", "http://127.0.0.1:11434/v1", "llama3.2:3b")
        .await
        .unwrap();
    assert!(again.is_default);
    let p = folio.provider("ollama").await.unwrap();
    assert_eq!(p.base_url, "http://127.0.0.1:11434/v1");

    // Only the local servers; a hosted provider is refused with its field.
    let e = folio
        .use_local_model("openai", "https://api.openai.com/v1", "gpt-4o-mini")
        .await
        .unwrap_err();
    let dto = folio_model::ErrorDto::from(e);
    assert_eq!(dto.kind, ErrorKind::Validation);
    assert_eq!(dto.field.as_deref(), Some("provider"));
}
