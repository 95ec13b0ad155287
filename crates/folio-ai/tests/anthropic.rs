//! Anthropic Messages: request shape, content blocks, named SSE events, errors, structured output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{json, sse, Seq, KEY};
use folio_ai::{
    structured, AiErrorKind, CancellationToken, ChatRequest, FinishReason, Message, ProviderKind,
    StreamEvent, StructuredRequest, Usage,
};
use serde_json::json as j;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer};

async fn anthropic() -> (MockServer, folio_ai::Client, fake::Retries) {
    fake::start(ProviderKind::Anthropic, Some(KEY)).await
}

fn req() -> ChatRequest {
    ChatRequest {
        system: Some("You write SEO articles.".into()),
        ..ChatRequest::new("claude-sonnet-4-5", vec![Message::user("hello")])
    }
}

fn message(text_blocks: &[&str], stop: &str) -> serde_json::Value {
    let mut content: Vec<serde_json::Value> =
        vec![j!({"type":"thinking","thinking":"internal","signature":"x"})];
    content.extend(text_blocks.iter().map(|t| j!({"type":"text","text":t})));
    j!({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
        "content":content,"stop_reason":stop,"stop_sequence":null,
        "usage":{"input_tokens":25,"output_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}})
}

#[tokio::test]
async fn chat_success_sends_anthropic_shape() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_partial_json(
            j!({"model":"claude-sonnet-4-5","max_tokens":4096,
            "system":"You write SEO articles.","messages":[{"role":"user","content":"hello"}]}),
        ))
        .respond_with(
            json(200, message(&["Hello, ", "world"], "end_turn"))
                .insert_header("request-id", "req_011"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(r.text, "Hello, world");
    assert_eq!(r.finish, FinishReason::Stop);
    assert_eq!(
        r.usage,
        Some(Usage {
            input_tokens: 25,
            output_tokens: 40
        })
    );
    assert_eq!(r.request_id.as_deref(), Some("req_011"));
    let reqs = server.received_requests().await.unwrap();
    assert!(!reqs[0].headers.contains_key("authorization"));
}

const STREAM_OK: &str = concat!(
    "event: message_start\n",
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: ping\n",
    "data: {\"type\": \"ping\"}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
    "event: brand_new_event\n",
    "data: {\"type\":\"brand_new_event\",\"whatever\":1}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo!\"}}\n\n",
    "event: content_block_stop\n",
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: message_delta\n",
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
    "event: message_stop\n",
    "data: {\"type\":\"message_stop\"}\n\n",
);

#[tokio::test]
async fn stream_ignores_ping_and_unknown_events() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .and(body_partial_json(j!({"stream":true})))
        .respond_with(sse(STREAM_OK))
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
    assert_eq!(deltas, ["Hel", "lo!"]);
    assert_eq!(r.text, "Hello!");
    assert_eq!(
        r.usage,
        Some(Usage {
            input_tokens: 25,
            output_tokens: 15
        })
    );
    assert_eq!(r.model, "claude-sonnet-4-5-20250929");
}

#[tokio::test]
async fn mid_stream_overloaded_error() {
    let (server, c, _) = anthropic().await;
    let body = concat!(
        "event: message_start\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Partial\"}}\n\n",
        "event: error\n",
        "data: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n",
    );
    Mock::given(method("POST"))
        .respond_with(sse(body))
        .expect(1)
        .mount(&server)
        .await;
    let e = c
        .chat_stream(&req(), &CancellationToken::new(), &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Overloaded);
}

#[tokio::test]
async fn stream_cut_off_before_message_stop_is_transport() {
    let (server, c, _) = anthropic().await;
    let cut = STREAM_OK.split("event: message_delta").next().unwrap();
    Mock::given(method("POST"))
        .respond_with(sse(cut))
        .expect(1)
        .mount(&server)
        .await;
    let e = c
        .chat_stream(&req(), &CancellationToken::new(), &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Transport);
}

#[tokio::test]
async fn overloaded_529_is_retried() {
    let (server, c, retries) = anthropic().await;
    let seq = Seq::new(vec![
        json(
            529,
            j!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_529"}),
        ),
        json(200, message(&["ok"], "end_turn")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let r = c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(r.text, "ok");
    assert_eq!(seq.calls(), 2);
    assert_eq!(retries.lock().unwrap()[0].2, AiErrorKind::Overloaded);
}

#[tokio::test]
async fn rate_limit_uses_retry_after() {
    let (server, c, retries) = anthropic().await;
    let seq = Seq::new(vec![
        json(429, j!({"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 input tokens per minute."}}))
            .insert_header("retry-after", "1"),
        json(200, message(&["ok"], "end_turn")),
    ]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    c.chat(&req(), &CancellationToken::new()).await.unwrap();
    assert_eq!(
        *retries.lock().unwrap(),
        vec![(
            2,
            std::time::Duration::from_secs(1),
            AiErrorKind::RateLimited
        )]
    );
}

#[tokio::test]
async fn auth_error_has_request_id() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .respond_with(json(401, j!({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_abc"})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Auth);
    assert!(e.to_string().ends_with("[request id req_abc]"), "{e}");
    assert!(!format!("{e:?}").contains("SECRET"));
}

#[tokio::test]
async fn spend_limit_is_quota_and_not_retried() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .respond_with(
            json(429, j!({"type":"error","error":{"type":"rate_limit_error","message":"You have reached your specified API usage limits.","details":{"error_code":"enforced_spend_limit_reached"}}}))
                .insert_header("retry-after", "1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::QuotaExhausted);
    assert!(e.to_string().starts_with(
        "anthropic is out of credit or over its spend limit (HTTP 429): add credit in the provider's console; Folio will not retry"
    ), "{e}");
}

#[tokio::test]
async fn prompt_too_long() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .respond_with(json(400, j!({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 205000 tokens > 200000 maximum"}})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.chat(&req(), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::ContextTooLong);
    assert_eq!(
        e.to_string(),
        "the prompt is too long for claude-sonnet-4-5: 205000 tokens > 200000 maximum"
    );
}

fn schema() -> serde_json::Value {
    j!({"type":"object","additionalProperties":false,"required":["title"],"properties":{"title":{"type":"string"}}})
}

#[tokio::test]
async fn structured_truncated_by_max_tokens() {
    let (server, c, _) = anthropic().await;
    let seq = Seq::new(vec![json(
        200,
        message(&["{\"title\": \"Best hik"], "max_tokens"),
    )]);
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .expect(1)
        .mount(&server)
        .await;
    let e = structured::<serde_json::Value>(
        &c,
        StructuredRequest {
            chat: ChatRequest {
                max_tokens: Some(40),
                ..req()
            },
            schema_name: "idea".into(),
            schema: schema(),
        },
        |_| Ok(()),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Truncated);
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 25,
            output_tokens: 40
        })
    );
    let body = seq.body(0);
    assert_eq!(
        body["output_config"],
        j!({"format":{"type":"json_schema","schema":schema()}})
    );
    assert_eq!(body["max_tokens"], 40);
    let system = body["system"].as_str().unwrap();
    assert!(system.starts_with("You write SEO articles.") && system.contains("JSON Schema"));
}

#[tokio::test]
async fn structured_refusal() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("POST"))
        .respond_with(json(200, message(&[], "refusal")))
        .expect(1)
        .mount(&server)
        .await;
    let e = structured::<serde_json::Value>(
        &c,
        StructuredRequest {
            chat: req(),
            schema_name: "idea".into(),
            schema: schema(),
        },
        |_| Ok(()),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Refusal);
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 25,
            output_tokens: 40
        })
    );
}

#[tokio::test]
async fn check_lists_models_with_anthropic_headers() {
    let (server, c, _) = anthropic().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(json(200, j!({"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"a","last_id":"a"})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        c.check(&CancellationToken::new()).await.unwrap().models,
        Some(1)
    );
}
