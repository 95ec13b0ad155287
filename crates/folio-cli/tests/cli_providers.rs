//! `folio provider …` and `folio model …` as a user runs them, against an HTTP-level fake of
//! OpenAI. The key goes to the real OS keychain (run under `scripts/headless.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{folio_with, ok_json};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-folio-cli-RIGHT-5c4b3a2910";
const WRONG: &str = "sk-folio-cli-WRONG-a1b2c3d4e5";

struct Env {
    dir: tempfile::TempDir,
    service: String,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
            service: format!("folio-cli-test-{}", uuid::Uuid::now_v7()),
        }
    }

    async fn run(&self, args: &[&str], stdin: &str) -> Output {
        let dir = self.dir.path().to_path_buf();
        let service = self.service.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let stdin = stdin.to_string();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            folio_with(
                Path::new(&dir),
                &args,
                &[("FOLIO_KEYCHAIN_SERVICE", &service)],
                &stdin,
            )
        })
        .await
        .unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn fake_openai() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "list",
            "data": [{"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {
                "message": format!("Incorrect API key provided: {WRONG}."),
                "type": "invalid_request_error", "param": null, "code": "invalid_api_key"
            }
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn set_key_test_and_remove_key() {
    let env = Env::new();
    let server = fake_openai().await;
    let base = format!("{}/v1", server.uri());

    let list = ok_json(&env.run(&["provider", "list", "--json"], "").await);
    let openai = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "openai")
        .unwrap();
    assert_eq!(openai["key"]["state"], "missing");

    ok_json(
        &env.run(&["provider", "set-url", "openai", &base, "--json"], "")
            .await,
    );

    // a wrong key: exit 1, the kind named, the key nowhere in the output
    let out = env
        .run(&["provider", "set-key", "openai"], &format!("{WRONG}\n"))
        .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(WRONG), "{}", text(&out));
    let out = env.run(&["provider", "test", "openai", "--json"], "").await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["ok"], false);
    assert_eq!(check["error_kind"], "auth");
    assert!(String::from_utf8_lossy(&out.stderr).contains("error [auth]"));
    assert!(!text(&out).contains(WRONG), "{}", text(&out));

    // the right key
    let out = env.run(&["provider", "set-key", "openai"], KEY).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = env.run(&["provider", "test", "openai"], "").await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("works"), "{}", text(&out));
    let list = env.run(&["provider", "list"], "").await;
    assert!(text(&list).contains("set (sk-"), "{}", text(&list));
    assert!(!text(&list).contains(KEY));

    // a server that is not running
    let out = env
        .run(
            &[
                "provider",
                "test",
                "openai",
                "--base-url",
                "http://127.0.0.1:9/v1",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(out.status.code(), Some(1));
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["error_kind"], "unreachable");

    // no key on stdin is refused before anything is stored
    let out = env.run(&["provider", "set-key", "anthropic"], "").await;
    assert!(!out.status.success());
    assert!(text(&out).contains("no key on stdin"), "{}", text(&out));

    let removed = ok_json(
        &env.run(&["provider", "remove-key", "openai", "--json"], "")
            .await,
    );
    assert_eq!(removed["removed"], true);
    let out = env.run(&["provider", "test", "openai", "--json"], "").await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("folio provider set-key openai"));
}

#[tokio::test]
async fn models_are_added_made_default_and_listed() {
    let env = Env::new();
    let added = ok_json(
        &env.run(
            &[
                "model",
                "add",
                "llama3.2:3b",
                "--provider",
                "ollama",
                "--type",
                "text",
                "--max-output-tokens",
                "4096",
                "--json",
            ],
            "",
        )
        .await,
    );
    assert_eq!(added["cost_per_1k_input"], "0");
    ok_json(
        &env.run(&["model", "default", "llama3.2:3b", "--json"], "")
            .await,
    );
    let list = env.run(&["model", "list"], "").await;
    assert!(text(&list).contains("llama3.2:3b *"), "{}", text(&list));

    let out = env
        .run(
            &[
                "model",
                "add",
                "x",
                "--provider",
                "ollama",
                "--type",
                "video",
            ],
            "",
        )
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("not a valid model type"),
        "{}",
        text(&out)
    );
    let out = env
        .run(
            &[
                "model",
                "add",
                "img",
                "--provider",
                "runware",
                "--type",
                "image",
                "--size",
                "big",
            ],
            "",
        )
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("1024x1024"), "{}", text(&out));
}

#[tokio::test]
async fn ai_settings_are_set_per_account_and_site_and_cleared() {
    let env = Env::new();
    let site = ok_json(
        &env.run(
            &[
                "site",
                "add",
                "--name",
                "Roses",
                "--domain",
                "roses.example",
                "--json",
            ],
            "",
        )
        .await,
    );
    let site = site["id"].as_str().unwrap();

    let set = ok_json(
        &env.run(&["settings", "set", "ai.temperature", "0.3", "--json"], "")
            .await,
    );
    assert_eq!(set["value"], 0.3);
    ok_json(
        &env.run(
            &[
                "settings",
                "set",
                "ai.max_images",
                "2",
                "--site",
                site,
                "--json",
            ],
            "",
        )
        .await,
    );
    let list = ok_json(
        &env.run(&["settings", "list", "--site", site, "--json"], "")
            .await,
    );
    let find = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("ai.temperature")["source"], "account");
    assert_eq!(find("ai.max_images")["value"], 2);
    assert_eq!(find("ai.max_images")["source"], "site");
    // the shipped defaults are the system layer
    assert_eq!(find("ai.max_tokens")["source"], "system");

    let out = env
        .run(&["settings", "set", "ai.temperature", "7"], "")
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("between 0.0 and 2.0"), "{}", text(&out));
    let out = env.run(&["settings", "set", "ai.colour", "red"], "").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("known settings"), "{}", text(&out));

    let cleared = ok_json(
        &env.run(&["settings", "clear", "ai.temperature", "--json"], "")
            .await,
    );
    assert_eq!(cleared["source"], "system");
    assert_eq!(cleared["value"], 0.7);
}
