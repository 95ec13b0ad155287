//! OpenAI and OpenAI-compatible chat, streaming, images, errors, retries and cancellation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use std::time::Duration;

use fake::{client, config, json, sse, Seq, KEY};
use folio_ai::{
    structured, AiErrorKind, CancellationToken, ChatRequest, FinishReason, ImageRequest, Message,
    ProviderKind, StreamEvent, StructuredMode, StructuredRequest, Usage,
};
use serde::Deserialize;
use serde_json::json as j;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn openai() -> (MockServer, folio_ai::Client, fake::Retries) {
    fake::start(ProviderKind::OpenAi, Some(KEY)).await
}

fn req() -> ChatRequest {
    ChatRequest {
        system: Some("You write SEO articles.".into()),
        max_tokens: Some(400),
        ..ChatRequest::new("gpt-4o-mini", vec![Message::user("hello")])
    }
}

fn completion(content: &str, finish: &str) -> serde_json::Value {
    j!({"id":"chatcmpl-abc","object":"chat.completion","created":1795576890,"model":"gpt-4o-mini-2024-07-18",
        "choices":[{"index":0,"message":{"role":"assistant","content":content,"refusal":null},
                    "logprobs":null,"finish_reason":finish}],
        "usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20,
                 "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}})
}

#[tokio::test]
async fn chat_success_sends_openai_shape() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_partial_json(j!({"model":"gpt-4o-mini","max_completion_tokens":400,
            "messages":[{"role":"system","content":"You write SEO articles."},{"role":"user","content":"hello"}]})))
        .respond_with(json(200, completion("Hi there", "stop")).insert_header("x-request-id", "req_123"))
        .expect(1)
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(r.text, "Hi there");
    assert_eq!(r.finish, FinishReason::Stop);
    assert_eq!(
        r.usage,
        Some(Usage {
            input_tokens: 12,
            output_tokens: 8
        })
    );
    assert_eq!(r.model, "gpt-4o-mini-2024-07-18");
    assert_eq!(r.request_id.as_deref(), Some("req_123"));
}

#[tokio::test]
async fn stream_with_usage_chunk_and_null_choices() {
    let (server, c, _) = openai().await;
    let body = concat!(
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        ": keep-alive comment\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo wor\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ld\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":null,\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n",
        "data: [DONE]\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(
            j!({"stream":true,"stream_options":{"include_usage":true}}),
        ))
        .respond_with(sse(body))
        .expect(1)
        .mount(&server)
        .await;
    let mut deltas = Vec::new();
    let r = c
        .chat_stream(&req(), &CancellationToken::new(), &mut |e| {
            if let StreamEvent::Delta(d) = e {
                deltas.push(d.to_owned());
            }
        })
        .await
        .unwrap();
    assert_eq!(deltas, ["Hel", "lo wor", "ld"]);
    assert_eq!(r.text, "Hello world");
    assert_eq!(r.finish, FinishReason::Stop);
    assert_eq!(
        r.usage,
        Some(Usage {
            input_tokens: 9,
            output_tokens: 3
        })
    );
}

#[tokio::test]
async fn stream_cut_off_without_done_is_transport_and_not_retried() {
    let (server, c, _) = openai().await;
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Once upon\"},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a time\"},\"finish_reason\":null}]}\n\n",
    );
    Mock::given(method("POST"))
        .respond_with(sse(body))
        .expect(1)
        .mount(&server)
        .await;
    let mut n = 0;
    let e = c
        .chat_stream(&req(), &CancellationToken::new(), &mut |_| n += 1)
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Transport);
    assert_eq!(n, 2);
}

#[tokio::test]
async fn stream_failure_before_first_delta_is_retried_with_event() {
    let (server, c, _) = openai().await;
    let ok = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let seq = Seq::new(vec![
        json(
            500,
            j!({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}),
        ),
        sse(ok),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let mut events = Vec::new();
    let r = c
        .chat_stream(&req(), &CancellationToken::new(), &mut |e| {
            events.push(format!("{e:?}"))
        })
        .await
        .unwrap();
    assert_eq!(r.text, "ok");
    assert_eq!(r.usage, None, "no usage chunk was sent");
    assert_eq!(seq.calls(), 2);
    assert!(events[0].starts_with("Retrying { attempt: 2"), "{events:?}");
}

#[tokio::test]
async fn auth_error_never_leaks_the_key() {
    let (server, c, retries) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(401, j!({"error":{
            "message":"Incorrect API key provided: sk-folio-************7890. You can find your API key at https://platform.openai.com/account/api-keys.",
            "type":"invalid_request_error","param":null,"code":"invalid_api_key"}})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Auth);
    assert_eq!(e.status, Some(401));
    let shown = format!("{e} {e:?} {:?}", c);
    for leak in ["SECRET", "1234567890", "7890", KEY] {
        assert!(!shown.contains(leak), "{leak} leaked: {shown}");
    }
    assert!(e.to_string().starts_with(
        "openai rejected the API key (HTTP 401): replace it in Settings → Providers or with `folio provider set-key openai`"
    ));
    assert!(retries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn rate_limit_honours_retry_after_ms_then_succeeds() {
    let (server, c, retries) = openai().await;
    let seq = Seq::new(vec![
        json(429, j!({"error":{"message":"Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}))
            .insert_header("retry-after-ms", "50")
            .insert_header("retry-after", "1")
            .insert_header("x-ratelimit-reset-requests", "20s"),
        json(200, completion("done", "stop")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(r.text, "done");
    assert_eq!(seq.calls(), 2);
    assert_eq!(
        *retries.lock().unwrap(),
        vec![(2, Duration::from_millis(50), AiErrorKind::RateLimited)]
    );
}

#[tokio::test]
async fn rate_limit_retry_after_seconds() {
    let (server, c, retries) = openai().await;
    let seq = Seq::new(vec![
        json(429, j!({"error":{"message":"Rate limit reached","type":"tokens","param":null,"code":"rate_limit_exceeded"}}))
            .insert_header("retry-after", "1"),
        json(200, completion("done", "stop")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(retries.lock().unwrap()[0].1, Duration::from_secs(1));
}

#[tokio::test]
async fn too_long_retry_after_fails_fast_with_the_wait() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(
            json(429, j!({"error":{"message":"Rate limit reached","type":"tokens","param":null,"code":"rate_limit_exceeded"}}))
                .insert_header("x-ratelimit-reset-tokens", "6m0s"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(Duration::from_secs(360)));
    assert!(
        e.to_string()
            .starts_with("rate limited by openai; retry after 360 s"),
        "{e}"
    );
}

#[tokio::test]
async fn insufficient_quota_is_not_retried() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(429, j!({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::QuotaExhausted);
    assert!(e.to_string().contains("out of credit"), "{e}");
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let (server, c, retries) = openai().await;
    let seq = Seq::new(vec![
        json(
            500,
            j!({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}),
        ),
        json(
            503,
            j!({"error":{"message":"The engine is currently overloaded","type":"server_error","param":null,"code":null}}),
        ),
        json(200, completion("fine", "stop")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(r.text, "fine");
    assert_eq!(seq.calls(), 3);
    let kinds: Vec<_> = retries.lock().unwrap().iter().map(|r| r.2).collect();
    assert_eq!(kinds, [AiErrorKind::Server, AiErrorKind::Overloaded]);
}

#[tokio::test]
async fn persistent_server_error_gives_up_after_max_attempts() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(
            502,
            j!({"error":{"message":"Bad gateway","type":"server_error","param":null,"code":null}}),
        ))
        .expect(4)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Server);
}

#[tokio::test]
async fn context_length_exceeded() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(400, j!({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::ContextTooLong);
    assert_eq!(
        e.to_string(),
        "the prompt is too long for gpt-4o-mini: 130412 tokens > 128000 maximum"
    );
}

#[tokio::test]
async fn unknown_model_is_not_found_with_the_name() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(404, j!({"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})))
        .expect(1)
        .mount(&server)
        .await;
    let mut r = req();
    r.model = "gpt-9".into();
    let e = c.chat(&r, &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::NotFound);
    assert!(e.to_string().contains("`gpt-9`"), "{e}");
}

#[tokio::test]
async fn refusal_is_reported() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(200, j!({"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9}})))
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(
        r.refusal.as_deref(),
        Some("I'm sorry, I can't help with that.")
    );
    assert_eq!(r.text, "");
}

#[tokio::test]
async fn cancellation_is_prompt() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(200, completion("late", "stop")).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let e = c.chat(&req(), &cancel).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Cancelled);
}

#[tokio::test]
async fn per_call_timeout_is_timeout_and_not_retried() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(200, completion("late", "stop")).set_delay(Duration::from_secs(10)))
        .expect(1)
        .mount(&server)
        .await;
    let mut r = req();
    r.timeout = Some(Duration::from_millis(200));
    let e = c.chat(&r, &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Timeout);
}

#[tokio::test]
async fn unreachable_server() {
    // Port 9 (discard) is essentially never listening on a test machine.
    let (c, _) = client(config(
        ProviderKind::OpenAiCompatible,
        "http://127.0.0.1:9/v1",
        None,
    ));
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Unreachable);
    assert_eq!(
        e.to_string(),
        "could not reach http://127.0.0.1:9/v1 — is the server running?"
    );
}

#[tokio::test]
async fn check_lists_models() {
    let (server, c, _) = openai().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(json(
            200,
            j!({"object":"list","data":[
            {"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"system"},
            {"id":"gpt-image-1","object":"model","created":1,"owned_by":"system"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let r = c.check(&CancellationToken::new()).await.unwrap();
    assert_eq!(r.models, Some(2));
}

// ---- OpenAI-compatible servers ----

#[derive(Debug, Deserialize, PartialEq)]
struct Idea {
    title: String,
}

fn schema() -> serde_json::Value {
    j!({"type":"object","additionalProperties":false,"required":["title"],"properties":{"title":{"type":"string"}}})
}

#[tokio::test]
async fn compat_falls_back_to_json_object_for_llama_cpp_python() {
    let (server, c, retries) = fake::start(ProviderKind::OpenAiCompatible, None).await;
    // llama-cpp-python 0.3.36's answer to response_format json_schema (reference §4.3).
    let rejected = json(
        500,
        j!({"error":{"message":"[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}]","type":"internal_server_error","param":null,"code":null}}),
    );
    let ok = json(
        200,
        j!({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"smollm2",
        "choices":[{"index":0,"message":{"role":"assistant","content":"{\"title\":\"Best hiking boots\"}"},"logprobs":null,"finish_reason":"stop"}],
        "usage":{"prompt_tokens":52,"completion_tokens":55,"total_tokens":107}}),
    );
    let seq = Seq::new(vec![rejected, ok]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    assert_eq!(c.structured_mode(), StructuredMode::JsonSchema);
    let out = structured::<Idea>(
        &c,
        StructuredRequest {
            chat: ChatRequest {
                max_tokens: Some(100),
                ..ChatRequest::new("smollm2", vec![Message::user("One idea")])
            },
            schema_name: "idea".into(),
            schema: schema(),
        },
        |_| Ok(()),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(out.value.title, "Best hiking boots");
    assert_eq!(out.attempts, 1);
    assert_eq!(c.structured_mode(), StructuredMode::JsonObject);
    assert_eq!(seq.calls(), 2);
    assert!(
        retries.lock().unwrap().is_empty(),
        "a fallback is not a retry"
    );
    let first = seq.body(0);
    assert_eq!(first["response_format"]["type"], "json_schema");
    assert_eq!(first["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        first["max_tokens"], 100,
        "compatible servers get max_tokens"
    );
    let second = seq.body(1);
    assert_eq!(
        second["response_format"],
        j!({"type":"json_object","schema":schema()})
    );
    let system = second["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("JSON Schema") && system.contains("\"title\""),
        "{system}"
    );
}

#[tokio::test]
async fn compat_falls_back_to_prompt_only_and_sends_no_auth_without_key() {
    let server = MockServer::start().await;
    let mut cfg = config(
        ProviderKind::OpenAiCompatible,
        &format!("{}/v1", server.uri()),
        None,
    );
    cfg.structured_mode = StructuredMode::JsonObject;
    let (c, _) = client(cfg);
    let seq = Seq::new(vec![
        json(
            400,
            j!({"error":{"message":"response_format type json_object is not supported","type":"invalid_request_error"}}),
        ),
        json(200, completion("```json\n{\"title\":\"x\"}\n```", "stop")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let out = structured::<Idea>(
        &c,
        StructuredRequest {
            chat: ChatRequest::new("local", vec![Message::user("One idea")]),
            schema_name: "idea".into(),
            schema: schema(),
        },
        |_| Ok(()),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(out.value.title, "x");
    assert_eq!(c.structured_mode(), StructuredMode::PromptOnly);
    assert!(seq.body(1).get("response_format").is_none());
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs
        .iter()
        .all(|r| !r.headers.contains_key("authorization")));
}

#[tokio::test]
async fn llama_cpp_context_error_is_context_too_long() {
    let server = MockServer::start().await;
    let (c, _) = client(config(
        ProviderKind::OpenAiCompatible,
        &format!("{}/v1", server.uri()),
        None,
    ));
    Mock::given(method("POST"))
        .respond_with(json(400, j!({"error":{"code":400,"message":"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":4390,"n_ctx":4096}})))
        .expect(1)
        .mount(&server)
        .await;
    let mut r = req();
    r.model = "qwen".into();
    let e = c.chat(&r, &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::ContextTooLong);
    assert_eq!(
        e.to_string(),
        "the prompt is too long for qwen: 4390 tokens > 4096 maximum"
    );
}

// ---- images ----

#[tokio::test]
async fn dalle3_url_is_downloaded_at_once() {
    let (server, c, _) = openai().await;
    let png = fake::png_bytes();
    Mock::given(method("POST"))
        .and(path("/v1/images/generations"))
        .and(body_partial_json(j!({"model":"dall-e-3","n":1,"size":"1792x1024","quality":"hd","style":"natural","response_format":"b64_json"})))
        .respond_with(json(200, j!({"created":1,"data":[{"url":format!("{}/files/img-1.png?sig=abc", server.uri()),"revised_prompt":"A detailed photo of boots"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/img-1.png"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png"))
        .expect(1)
        .mount(&server)
        .await;
    let r = c
        .generate_images(
            &ImageRequest {
                model: "dall-e-3".into(),
                prompt: "boots".into(),
                width: 1792,
                height: 1024,
                quality: Some("hd".into()),
                style: Some("natural".into()),
                count: 1,
                ..ImageRequest::default()
            },
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(r.images.len(), 1);
    assert_eq!(r.images[0].bytes, png);
    assert_eq!(r.images[0].mime, "image/png");
    assert_eq!(
        r.images[0].revised_prompt.as_deref(),
        Some("A detailed photo of boots")
    );
    assert!(r.images[0]
        .source_url
        .as_deref()
        .unwrap()
        .contains("/files/img-1.png"));
    // The key must not travel to the (possibly foreign) download host.
    let reqs = server.received_requests().await.unwrap();
    let get = reqs.iter().find(|r| r.method.as_str() == "GET").unwrap();
    assert!(!get.headers.contains_key("authorization"));
}

#[tokio::test]
async fn gpt_image_base64_is_decoded_without_response_format() {
    let (server, c, _) = openai().await;
    let png = fake::png_bytes();
    let seq = Seq::new(vec![json(
        200,
        j!({"created":1,"data":[{"b64_json":fake::b64(&png)}],
        "output_format":"png","size":"1536x1024","quality":"medium",
        "usage":{"total_tokens":1100,"input_tokens":50,"output_tokens":1050,"input_tokens_details":{"text_tokens":50,"image_tokens":0}}}),
    )]);
    Mock::given(method("POST"))
        .and(path("/v1/images/generations"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let r = c
        .generate_images(
            &ImageRequest {
                model: "gpt-image-1".into(),
                prompt: "boots".into(),
                width: 1536,
                height: 1024,
                count: 1,
                ..ImageRequest::default()
            },
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(r.images[0].bytes, png);
    assert_eq!(r.images[0].mime, "image/png");
    assert_eq!(
        r.usage,
        Some(Usage {
            input_tokens: 50,
            output_tokens: 1050
        })
    );
    let body = seq.body(0);
    assert!(body.get("response_format").is_none(), "{body}");
    assert_eq!(body["size"], "1536x1024");
}

#[tokio::test]
async fn image_size_is_checked_before_sending() {
    let (server, c, _) = openai().await;
    Mock::given(method("POST"))
        .respond_with(json(200, j!({})))
        .expect(0)
        .mount(&server)
        .await;
    let e = c
        .generate_images(
            &ImageRequest {
                model: "gpt-image-1".into(),
                prompt: "x".into(),
                width: 1792,
                height: 1024,
                count: 1,
                ..ImageRequest::default()
            },
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::BadRequest);
    assert!(e.to_string().contains("1536x1024"), "{e}");
}

/// A provider's answer is read up to a bound (16 MiB for JSON): a huge body ends as a transport
/// error naming the limit, not as memory exhausted. (The stream's bound: `sse.rs` unit tests.)
#[tokio::test]
async fn an_oversized_answer_stops_at_the_bound() {
    let (server, c, _) = openai().await;
    // a completion whose text alone is 17 MiB
    let huge = completion(&"x".repeat(17 << 20), "stop");
    Mock::given(method("POST"))
        .respond_with(json(200, huge))
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
}
