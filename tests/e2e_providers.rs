//! Settings → AI providers in the real app window against a mock OpenAI (wiremock on
//! 127.0.0.1:0): point OpenAI at the mock, paste a wrong key (the test says `auth`), paste the
//! right one (the test works and the mock saw it), and check that the key field is emptied, only
//! the masked tail is shown and the key is nowhere in the page. Then pick a default text model and
//! find it still chosen after a restart and in core. The app gets its own throwaway keychain
//! service (`FOLIO_KEYCHAIN_SERVICE`; scripts/headless.sh provides the keychain). Screenshots in
//! `target/e2e/`.

use anyhow::Result;
use fantoccini::{Client, Locator};
use folio_e2e::{
    click, display_available, props, screenshot, texts, type_into, wait_for_attr, wait_for_props,
    wait_for_text, wait_for_texts, Driver,
};
use folio_model::ModelType;
use serde_json::json;
use std::ffi::OsStr;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The key the mock accepts; core shows it as `sk-…a1b2`.
const GOOD_KEY: &str = "sk-folio-e2e-4d7a2c9b81e5f0a1b2";
const WRONG_KEY: &str = "sk-folio-e2e-0000000000000dead";

async fn mock_openai() -> MockServer {
    let server = MockServer::start().await;
    // The right key lists three models, as OpenAI's `GET /v1/models` does.
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {GOOD_KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_e2e_ok")
                .set_body_json(json!({
                    "object": "list",
                    "data": [
                        {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
                        {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"},
                        {"id": "dall-e-3", "object": "model", "created": 1698785189, "owned_by": "system"}
                    ]
                })),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    // Anything else is OpenAI's 401 envelope.
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-request-id", "req_e2e_401")
                .set_body_json(json!({
                    "error": {
                        "message": "Incorrect API key provided: sk-folio***dead. You can find your API key at https://platform.openai.com/account/api-keys.",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_stores_a_provider_key_tests_it_and_keeps_the_default_model() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let mock = mock_openai().await;
    let base_url = format!("{}/v1", mock.uri());
    let data_dir = tempfile::tempdir()?;
    let keychain = folio_e2e::keychain_service("providers");
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;
    open_providers(&app).await?;

    // A fresh device: OpenAI needs a key, a local server does not.
    wait_for_text(&app, "#provider-openai-key-state", "openai's key", |t| {
        t == "key: missing"
    })
    .await?;
    wait_for_text(&app, "#provider-ollama-key-state", "ollama's key", |t| {
        t == "key: not needed"
    })
    .await?;
    assert_eq!(
        props(&app, "#provider-openai-url", "value").await?,
        ["https://api.openai.com/v1"]
    );

    // Point OpenAI at the mock.
    type_into(&app, "#provider-openai-url", &base_url).await?;
    click(&app, "#provider-openai-save-url").await?;
    wait_for_text(&app, "#provider-openai-notice", "the address saved", |t| {
        t == "Address saved."
    })
    .await?;
    assert_eq!(
        props(&app, "#provider-openai-url", "value").await?,
        [base_url.as_str()]
    );

    // A wrong key is stored, and the test says the provider refused it.
    type_into(&app, "#provider-openai-key", WRONG_KEY).await?;
    click(&app, "#provider-openai-save-key").await?;
    wait_for_text(
        &app,
        "#provider-openai-key-state",
        "the wrong key, masked",
        |t| t == "key: sk-…dead",
    )
    .await?;
    wait_for_props(
        &app,
        "#provider-openai-key",
        "value",
        "the key field",
        |v| v == [""],
    )
    .await?;
    click(&app, "#provider-openai-test").await?;
    wait_for_attr(&app, "#provider-openai-result", "data-state", "error").await?;
    let shown = texts(&app, "#provider-openai-result").await?.concat();
    assert!(shown.starts_with("auth: "), "{shown}");
    assert!(!shown.contains(WRONG_KEY), "{shown}");
    screenshot(&app, "providers-wrong-key").await?;

    // The right key works.
    type_into(&app, "#provider-openai-key", GOOD_KEY).await?;
    click(&app, "#provider-openai-save-key").await?;
    wait_for_text(&app, "#provider-openai-key-state", "the key, masked", |t| {
        t == "key: sk-…a1b2"
    })
    .await?;
    wait_for_props(
        &app,
        "#provider-openai-key",
        "value",
        "the key field",
        |v| v == [""],
    )
    .await?;
    assert!(
        texts(&app, "#provider-openai-result").await?.is_empty(),
        "a new key drops the old test result"
    );
    click(&app, "#provider-openai-test").await?;
    wait_for_attr(&app, "#provider-openai-result", "data-state", "ok").await?;
    assert_eq!(
        texts(&app, "#provider-openai-result").await?,
        ["Works (3 models)"]
    );
    let authorizations: Vec<String> = mock
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        authorizations,
        [format!("Bearer {WRONG_KEY}"), format!("Bearer {GOOD_KEY}")],
        "each test sent the key stored at the time, once"
    );
    let source = app.source().await?;
    for key in [GOOD_KEY, WRONG_KEY] {
        assert!(!source.contains(key), "the page holds a full key");
    }
    assert!(source.contains("sk-…a1b2"));
    screenshot(&app, "providers-works").await?;

    // Remove and re-add the key: Remove key goes back to "missing".
    click(&app, "#provider-openai-remove-key").await?;
    wait_for_text(&app, "#provider-openai-key-state", "the key removed", |t| {
        t == "key: missing"
    })
    .await?;
    type_into(&app, "#provider-openai-key", GOOD_KEY).await?;
    click(&app, "#provider-openai-save-key").await?;
    wait_for_text(&app, "#provider-openai-key-state", "the key, masked", |t| {
        t == "key: sk-…a1b2"
    })
    .await?;

    // A local model at zero price joins the registry and the default picker, and goes again.
    type_into(&app, "#model-add-name", "llama3.2:3b").await?;
    click(&app, "#model-add-provider option[value=ollama]").await?;
    click(&app, "#model-add-submit").await?;
    wait_for_text(&app, "#model-add-notice", "the model added", |t| {
        t == "Added llama3.2:3b."
    })
    .await?;
    wait_for_texts(
        &app,
        "#default-text-model option[value='llama3.2:3b']",
        "the local model in the picker",
        |t| t.len() == 1,
    )
    .await?;
    let price = texts(&app, ".model-row[data-model='llama3.2:3b'] .model-price").await?;
    assert_eq!(price, ["$0 in / $0 out per 1k tokens"]);
    click(&app, ".model-row[data-model='llama3.2:3b'] .model-remove").await?;
    folio_e2e::wait_gone(
        &app,
        ".model-row[data-model='llama3.2:3b']",
        "the removed model",
    )
    .await?;
    // A built-in model offers no Remove (it carries the shipped prices).
    let remove = texts(&app, ".model-row[data-model='gpt-4o'] .model-remove").await?;
    assert!(remove.is_empty(), "{remove:?}");

    // A new default text model.
    let before = selected(&app, "#default-text-model").await?;
    assert_eq!(before, "gpt-4o-mini", "the shipped default");
    click(&app, "#default-text-model option[value=claude-haiku-4-5]").await?;
    wait_for_text(&app, "#default-model-saved", "the default saved", |t| {
        t.contains("is now the default text model")
    })
    .await?;
    screenshot(&app, "providers-default-model").await?;

    // After a restart: the address, the masked key and the default are still there.
    app.close().await?;
    let app = driver.launch_app().await?;
    open_providers(&app).await?;
    wait_for_text(&app, "#provider-openai-key-state", "the key, masked", |t| {
        t == "key: sk-…a1b2"
    })
    .await?;
    assert_eq!(
        props(&app, "#provider-openai-url", "value").await?,
        [base_url.as_str()]
    );
    assert_eq!(
        selected(&app, "#default-text-model").await?,
        "claude-haiku-4-5"
    );
    click(&app, "#provider-openai-test").await?;
    wait_for_attr(&app, "#provider-openai-result", "data-state", "ok").await?;
    app.close().await?;
    drop(driver);

    // Core on the same data directory agrees.
    let folio = folio_core::Folio::open(data_dir.path()).await?;
    let default = folio.default_model(ModelType::Text).await?;
    assert_eq!(default.model_name, "claude-haiku-4-5");
    Ok(())
}

async fn open_providers(app: &Client) -> Result<()> {
    // The app opens on the dashboard, its start page.
    wait_for_text(app, "#page-title", "the dashboard", |t| t == "Dashboard").await?;
    click(app, "#nav-settings").await?;
    wait_for_text(app, "#providers-title", "the providers section", |t| {
        t == "AI providers"
    })
    .await?;
    wait_for_text(app, "#provider-openai h3", "the OpenAI row", |t| {
        t == "OpenAI"
    })
    .await?;
    Ok(())
}

/// The value of the chosen option of a select.
async fn selected(app: &Client, css: &str) -> Result<String> {
    let option = app
        .find(Locator::Css(&format!("{css} option:checked")))
        .await?;
    Ok(option.attr("value").await?.unwrap_or_default())
}
