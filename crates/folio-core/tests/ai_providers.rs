//! Providers on this device: keys in the real OS keychain (shown masked only), addresses, the
//! connection test against an HTTP-level fake of OpenAI, and the model registry.
//! Runs under `scripts/headless.sh` (the keys need the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/sync_server.rs"]
mod sync_server;

use folio_core::keychain::{provider_key_entry, Keychain};
use folio_core::Folio;
use folio_model::{ErrorKind, ImageDimensions, KeyState, ModelType, NewAiModel};
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GOOD_KEY: &str = "sk-folio-test-GOOD-7f3a9c2e1b";
const BAD_KEY: &str = "sk-folio-test-WRONG-0d1e2f3a4b";

/// One keychain service for the whole test binary: tests run in parallel threads and the
/// service is read from the environment at each call, so it must not change under them. Each
/// test has its own account, and keys are stored per account.
static KEYCHAIN: std::sync::Once = std::sync::Once::new();

async fn open() -> (tempfile::TempDir, Folio) {
    KEYCHAIN.call_once(sync_server::private_keychain);
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    (dir, folio)
}

/// OpenAI's `GET /v1/models`: a list for the right key, OpenAI's 401 envelope (which echoes
/// part of the key) for any other.
async fn fake_openai() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {GOOD_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "list",
            "data": [
                {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
                {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"}
            ]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-request-id", "req_401_test")
                .set_body_json(serde_json::json!({
                    "error": {
                        "message": format!("Incorrect API key provided: {BAD_KEY}. You can find your API key at https://platform.openai.com/account/api-keys."),
                        "type": "invalid_request_error",
                        "param": null,
                        "code": "invalid_api_key"
                    }
                })),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_key_is_kept_in_the_keychain_and_shown_masked_only() {
    let (_dir, folio) = open().await;
    let before = folio.provider("openai").await.unwrap();
    assert_eq!(before.key, KeyState::Missing);
    assert_eq!(
        folio.provider("ollama").await.unwrap().key,
        KeyState::NotNeeded
    );

    // stdin brings a trailing newline; it is not part of the key
    let info = folio
        .set_provider_key("OpenAI", &format!("{GOOD_KEY}\n"))
        .await
        .unwrap();
    let KeyState::Set { masked } = &info.key else {
        panic!("key not set: {:?}", info.key)
    };
    assert!(masked.ends_with("1b"), "{masked}");
    assert!(!masked.contains("GOOD"), "{masked}");
    let listed = serde_json::to_string(&folio.providers().await.unwrap()).unwrap();
    assert!(!listed.contains(GOOD_KEY), "{listed}");

    let account = folio.account().await.unwrap().id;
    let stored = Keychain::new()
        .get(&provider_key_entry(&account, "openai"))
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(GOOD_KEY));

    assert!(folio.remove_provider_key("openai").await.unwrap());
    assert!(!folio.remove_provider_key("openai").await.unwrap());
    assert_eq!(
        folio.provider("openai").await.unwrap().key,
        KeyState::Missing
    );
}

#[tokio::test]
async fn bad_keys_and_unknown_providers_are_refused_clearly() {
    let (_dir, folio) = open().await;
    let e = folio
        .set_provider_key("openai", "sk-a b")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = folio.set_provider_key("openai", " \n").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = folio
        .set_provider_key("gemini", GOOD_KEY)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("openai, anthropic"), "{e}");

    // no key stored: a clear message naming the command, before any request
    let e = folio.ai_client("anthropic", None).await.unwrap_err();
    assert!(
        e.to_string().contains("folio provider set-key anthropic"),
        "{e}"
    );
}

#[tokio::test]
async fn the_connection_test_tells_a_wrong_key_from_a_working_one() {
    let (_dir, folio) = open().await;
    let server = fake_openai().await;
    let base = format!("{}/v1", server.uri());
    folio
        .set_provider_base_url("openai", Some(&base))
        .await
        .unwrap();

    folio.set_provider_key("openai", BAD_KEY).await.unwrap();
    let check = folio.test_provider("openai", None).await.unwrap();
    assert!(!check.ok);
    assert_eq!(check.error_kind.as_deref(), Some("auth"));
    let message = check.message.unwrap();
    assert!(!message.contains(BAD_KEY), "the key leaked: {message}");
    assert!(message.contains("openai"), "{message}");

    folio.set_provider_key("openai", GOOD_KEY).await.unwrap();
    let check = folio.test_provider("openai", None).await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.models, Some(2));
    assert_eq!(check.base_url.trim_end_matches('/'), base);

    // nothing listens on port 9 of this machine
    let check = folio
        .test_provider("openai", Some("http://127.0.0.1:9/v1"))
        .await
        .unwrap();
    assert_eq!(
        check.error_kind.as_deref(),
        Some("unreachable"),
        "{check:?}"
    );
    // the override was for that one test only
    assert_eq!(
        folio
            .provider("openai")
            .await
            .unwrap()
            .base_url
            .trim_end_matches('/'),
        base
    );

    folio.set_provider_base_url("openai", None).await.unwrap();
    assert_eq!(
        folio.provider("openai").await.unwrap().base_url,
        "https://api.openai.com/v1"
    );
}

#[tokio::test]
async fn added_servers_and_models_join_the_registry() {
    let (_dir, folio) = open().await;
    let server = folio
        .add_provider(
            "my-vllm",
            "http://127.0.0.1:8000/v1/",
            Some("vLLM box"),
            false,
        )
        .await
        .unwrap();
    assert_eq!(server.kind, "openai_compatible");
    assert_eq!(
        server.base_url.trim_end_matches('/'),
        "http://127.0.0.1:8000/v1"
    );
    let e = folio
        .add_provider("ollama", "http://127.0.0.1:1/v1", None, false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let e = folio
        .add_provider("x", "file:///etc/passwd", None, false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);

    let model = folio
        .add_model(NewAiModel {
            model_name: "llama3.2:3b".into(),
            model_type: ModelType::Text,
            provider: "ollama".into(),
            display_name: Some("Llama 3.2 3B (local)".into()),
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: None,
            quality_tier: None,
            max_output_tokens: Some(4096),
            context_window: Some(8192),
            sizes: vec![],
        })
        .await
        .unwrap();
    assert_eq!(model.cost_per_1k_input, Some(Decimal::ZERO));
    assert!(!model.is_builtin);
    assert!(folio.model("gpt-4o").await.unwrap().is_builtin);
    assert_eq!(model.tokens_per_credit, Some(10_000));
    assert_eq!(
        folio.provider("ollama").await.unwrap().models,
        ["llama3.2:3b"]
    );

    let e = folio
        .add_model(NewAiModel {
            model_name: "flux-local".into(),
            model_type: ModelType::Image,
            provider: "my-vllm".into(),
            display_name: None,
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: Some(Decimal::new(-1, 2)),
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: vec![ImageDimensions {
                width: 1024,
                height: 1024,
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("cost_per_image"));

    let chosen = folio.set_default_model("llama3.2:3b").await.unwrap();
    assert!(chosen.is_default);
    let text = folio.default_model(ModelType::Text).await.unwrap();
    assert_eq!(text.model_name, "llama3.2:3b");
    let defaults = folio
        .ai_models()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.model_type == ModelType::Text && m.is_default)
        .count();
    assert_eq!(defaults, 1);

    let e = folio.remove_model("llama3.2:3b").await.unwrap_err();
    assert!(e.to_string().contains("default"), "{e}");
    folio.set_default_model("gpt-4o-mini").await.unwrap();
    folio.remove_model("llama3.2:3b").await.unwrap();
    let e = folio.remove_model("gpt-4o").await.unwrap_err();
    assert!(e.to_string().contains("built in"), "{e}");

    folio.remove_provider("my-vllm").await.unwrap();
    assert_eq!(
        folio.provider("my-vllm").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let e = folio.remove_provider("openai").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn a_chosen_default_model_outlives_a_new_releases_defaults() {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};

    let (dir, folio) = open().await;
    folio.set_default_model("gpt-4o").await.unwrap();
    folio.set_default_model("dall-e-3").await.unwrap();
    folio.close().await;

    // What a newer release finds: built-in rows older than its defaults, so it writes them again.
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join("folio.db"))
        .connect()
        .await
        .unwrap();
    sqlx::query("UPDATE local_meta SET value = '1' WHERE key = 'defaults_version'")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let folio = Folio::open(dir.path()).await.unwrap();
    assert_eq!(
        folio
            .default_model(ModelType::Text)
            .await
            .unwrap()
            .model_name,
        "gpt-4o"
    );
    assert_eq!(
        folio
            .default_model(ModelType::Image)
            .await
            .unwrap()
            .model_name,
        "dall-e-3"
    );
    folio.close().await;
}
