//! Paid AI calls end to end: key in the real OS keychain, HTTP-level fakes of OpenAI and
//! Runware, the credit ledger around each call, sync to a real server — then a byte scan of
//! every database, log and sync file for the key.
//! Runs under `scripts/headless.sh` (the key and the session need the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/sync_server.rs"]
mod sync_server;

use folio_ai::{CancellationToken, ChatRequest, ImageRequest, Message, StructuredRequest};
use folio_core::ai::calls::AiCall;
use folio_core::Folio;
use folio_model::{AiOperation, ErrorKind, NewContent, NewSite, UsageFilter};
use folio_server::PlanId;
use serde::Deserialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Recognisable, so the scan cannot miss it, and never a real key.
const SECRET_KEY: &str = "sk-folio-SECRETSCAN-9d8c7b6a5f4e3d2c1b0a";
const PASSWORD: &str = "Ai-Calls-Password-4";

/// One keychain service for the binary: the service is read from the environment at each call.
static KEYCHAIN: std::sync::Once = std::sync::Once::new();

#[derive(Debug, Deserialize)]
struct Ideas {
    ideas: Vec<String>,
}

fn ideas_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object", "additionalProperties": false, "required": ["ideas"],
        "properties": {"ideas": {"type": "array", "items": {"type": "string"}}}
    })
}

fn chat_completion(content: &str, prompt_tokens: u64, completion_tokens: u64) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-AIcalls1", "object": "chat.completion", "created": 1795576890,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}
    })
}

/// First answer has a trailing comma (invalid JSON), the re-ask gets valid JSON.
struct BadThenGood(Arc<AtomicUsize>);

impl Respond for BadThenGood {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let body = if n == 0 {
            chat_completion(r#"{"ideas": ["Pruning roses",]}"#, 900, 40)
        } else {
            chat_completion(
                "```json\n{\"ideas\": [\"Pruning roses in spring\", \"Choosing secateurs\"]}\n```",
                1000,
                60,
            )
        };
        ResponseTemplate::new(200)
            .insert_header("x-request-id", format!("req_ideas_{n}").as_str())
            .set_body_json(body)
    }
}

async fn fake_openai() -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let auth = format!("Bearer {SECRET_KEY}");
    // a call the provider refuses, echoing the key the way OpenAI does
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("gpt-4o"))
        .and(body_string_contains("please fail"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"message": format!("Incorrect API key provided: {SECRET_KEY}. You can find your API key at https://platform.openai.com/account/api-keys."),
                      "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", auth.as_str()))
        .respond_with(BadThenGood(calls.clone()))
        .mount(&server)
        .await;
    (server, calls)
}

/// Runware's imageInference, echoing the request's taskUUID with two results and their cost.
struct RunwareImages;

impl Respond for RunwareImages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let tasks: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let task = &tasks[0];
        let uuid = task["taskUUID"].as_str().unwrap();
        // a 1×1 PNG
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        let n = task["numberResults"].as_u64().unwrap();
        let data: Vec<_> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "taskType": "imageInference", "taskUUID": uuid,
                    "imageUUID": format!("5f0c2a1e-0000-4000-8000-00000000000{i}"),
                    "imageBase64Data": png, "seed": 1234 + i, "NSFWContent": false, "cost": 0.009
                })
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "data": data }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_calls_are_charged_and_the_key_never_leaves_the_keychain() {
    KEYCHAIN.call_once(sync_server::private_keychain);
    let server_dir = tempfile::tempdir().unwrap();
    let srv = sync_server::start(server_dir.path(), 0, PlanId::Growth).await;
    let dir = tempfile::tempdir().unwrap();

    // Everything core and the provider layer log, at their most verbose, into the data dir.
    let log = tracing_appender::rolling::never(dir.path(), "trace.log");
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(log))
            .with_filter(tracing_subscriber::EnvFilter::new(
                "folio_core=trace,folio_ai=trace,info",
            )),
    );
    // global: the calls run on every worker thread (this is the file's only test)
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let folio = Folio::open(dir.path()).await.unwrap();
    folio
        .account_register(&srv.url(), "writer@example.com", PASSWORD)
        .await
        .unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Rose Garden".into(),
            domain: "roses.example".into(),
            sectors: vec!["Care".into()],
        })
        .await
        .unwrap();
    let article = folio
        .add_content(NewContent {
            site: site.id,
            sector: Some(site.sectors[0].id),
            title: "Pruning roses".into(),
            body_html: None,
        })
        .await
        .unwrap();
    // the first sync binds the account to its plan's credits
    folio.sync_once().await.unwrap();
    let before = folio.credit_balance().await.unwrap();
    assert!(
        !before.unlimited && before.plan_credits > rust_decimal::Decimal::ZERO,
        "{before:?}"
    );

    let (openai, calls) = fake_openai().await;
    folio
        .set_provider_base_url("openai", Some(&format!("{}/v1", openai.uri())))
        .await
        .unwrap();
    let runware = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_KEY}").as_str(),
        ))
        .respond_with(RunwareImages)
        .mount(&runware)
        .await;
    folio
        .set_provider_base_url("runware", Some(&format!("{}/v1", runware.uri())))
        .await
        .unwrap();
    folio.set_provider_key("openai", SECRET_KEY).await.unwrap();
    folio.set_provider_key("runware", SECRET_KEY).await.unwrap();
    let cancel = CancellationToken::new();

    // Structured ideas: invalid JSON first, valid on the re-ask; both attempts are charged.
    let call = AiCall::new(AiOperation::IdeaGeneration)
        .site(site.id)
        .content(article.id);
    let ideas = folio
        .ai_structured::<Ideas>(
            call.clone(),
            StructuredRequest {
                chat: ChatRequest::new("", vec![Message::user("Ideas for a rose blog")]),
                schema_name: "ideas".into(),
                schema: ideas_schema(),
            },
            |v: &Ideas| {
                if v.ideas.is_empty() {
                    Err("give at least one idea".into())
                } else {
                    Ok(())
                }
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(ideas.value.ideas.len(), 2);
    assert_eq!(ideas.attempts, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // The request carried the account's settings (temperature, max tokens) and the model.
    let sent: serde_json::Value =
        serde_json::from_slice(&openai.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["model"], "gpt-4o-mini");
    assert!(sent["temperature"].is_number(), "{sent}");
    assert!(
        sent["max_completion_tokens"].as_u64().unwrap() > 0,
        "{sent}"
    );

    // A refused call: an error naming the kind, no key in it, a failed ledger entry.
    let err = folio
        .ai_text(
            AiCall::new(AiOperation::ContentGeneration).site(site.id),
            ChatRequest::new("", vec![Message::user("please fail")]),
            &cancel,
        )
        .await
        .unwrap_err();
    let dto = err.to_dto();
    assert_eq!(dto.kind, ErrorKind::Provider);
    assert_eq!(dto.code.as_deref(), Some("auth"));
    let shown = serde_json::to_string(&dto).unwrap();
    assert!(
        !shown.contains(SECRET_KEY),
        "the key is in the error: {shown}"
    );
    assert!(
        !format!("{err:?}").contains(SECRET_KEY),
        "the key is in Debug"
    );

    // Two images from Runware, charged per image produced, with Runware's reported cost.
    let images = folio
        .ai_images(
            AiCall::new(AiOperation::ImageGeneration)
                .site(site.id)
                .content(article.id),
            ImageRequest {
                prompt: "A pruned rose bush in spring, photorealistic".into(),
                width: 1200,
                height: 700,
                count: 2,
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(images.images.len(), 2);
    let sent: serde_json::Value =
        serde_json::from_slice(&runware.received_requests().await.unwrap()[0].body).unwrap();
    // snapped to the default model's (HiDream) nearest allowed size
    assert_eq!(
        (sent[0]["width"].as_u64(), sent[0]["height"].as_u64()),
        (Some(1280), Some(768))
    );

    // The ledger: three entries, the failed one charged nothing, the balance down by the sum.
    let entries = folio
        .ledger_entries(&UsageFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let ideas_entry = entries
        .iter()
        .find(|e| e.operation == AiOperation::IdeaGeneration)
        .unwrap();
    assert_eq!((ideas_entry.tokens_in, ideas_entry.tokens_out), (1900, 100));
    assert_eq!(ideas_entry.content_id, Some(article.id));
    let failed = entries
        .iter()
        .find(|e| e.operation == AiOperation::ContentGeneration)
        .unwrap();
    assert_eq!(failed.credits, 0);
    let image_entry = entries
        .iter()
        .find(|e| e.operation == AiOperation::ImageGeneration)
        .unwrap();
    assert_eq!(image_entry.images, 2);
    assert_eq!(image_entry.credits, 2, "HiDream: 1 credit per image");
    assert_eq!(image_entry.cost_usd.to_string(), "0.018");
    let charged: u64 = entries.iter().map(|e| e.credits).sum();
    let after = folio.credit_balance().await.unwrap();
    assert_eq!(
        before.plan_credits - after.plan_credits,
        rust_decimal::Decimal::from(charged),
        "{before:?} -> {after:?}"
    );
    let cost = folio.content_cost(article.id).await.unwrap();
    assert_eq!(cost.calls, 2);

    // The entries sync with the account.
    folio.sync_once().await.unwrap();
    folio.account_logout().await.unwrap();
    folio.close().await;
    srv.shutdown().await.unwrap();

    // The key is in no database, document, sync state or log file, on the device or the server.
    sync_server::assert_nowhere_in(&[dir.path(), server_dir.path()], SECRET_KEY, "API key");
    let log_text = std::fs::read_to_string(dir.path().join("trace.log")).unwrap();
    assert!(
        log_text.contains("provider key stored"),
        "the log was written: {log_text}"
    );
}

/// llama-cpp-python's stream: chunks, a finish reason, `[DONE]`, and no usage chunk.
const LOCAL_STREAM: &str = "data: {\"id\":\"chatcmpl-local\",\"object\":\"chat.completion.chunk\",\"created\":1795576890,\"model\":\"llama3.2:3b\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Prune \"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"chatcmpl-local\",\"object\":\"chat.completion.chunk\",\"created\":1795576890,\"model\":\"llama3.2:3b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"roses in late winter.\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"chatcmpl-local\",\"object\":\"chat.completion.chunk\",\"created\":1795576890,\"model\":\"llama3.2:3b\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
data: [DONE]\n\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_model_streams_and_is_recorded_even_without_reported_usage() {
    KEYCHAIN.call_once(sync_server::private_keychain);
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("\"stream\":true"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(LOCAL_STREAM, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;
    folio
        .set_provider_base_url("ollama", Some(&format!("{}/v1", server.uri())))
        .await
        .unwrap();
    folio
        .add_model(folio_model::NewAiModel {
            model_name: "llama3.2:3b".into(),
            model_type: folio_model::ModelType::Text,
            provider: "ollama".into(),
            display_name: None,
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: None,
            quality_tier: None,
            max_output_tokens: Some(2048),
            context_window: Some(8192),
            sizes: vec![],
        })
        .await
        .unwrap();

    let mut pieces = Vec::new();
    let response = folio
        .ai_text_stream(
            AiCall::new(AiOperation::ContentGeneration).model("llama3.2:3b"),
            ChatRequest::new("", vec![Message::user("When should I prune roses?")]),
            &CancellationToken::new(),
            &mut |event| {
                if let folio_ai::StreamEvent::Delta(text) = event {
                    pieces.push(text.to_string());
                }
            },
        )
        .await
        .unwrap();
    assert_eq!(response.text, "Prune roses in late winter.");
    assert_eq!(pieces.concat(), response.text);
    // no key was needed, and the request asked for no more than the model allows
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_none());
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["max_tokens"], 2048);

    let entries = folio
        .ledger_entries(&UsageFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.provider.as_str(), e.model.as_str()),
        ("ollama", "llama3.2:3b")
    );
    assert!(
        e.tokens_in > 0 && e.tokens_out > 0,
        "estimated, not zero: {e:?}"
    );
    assert_eq!(e.cost_usd, rust_decimal::Decimal::ZERO);
    folio.close().await;
}
