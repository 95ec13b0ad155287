//! The structured-output primitive: truncation and refusal before parsing, re-asks quoting
//! the error, summed usage, and the three-attempt limit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{client, config, json, Seq, KEY};
use folio_ai::{
    structured, AiErrorKind, CancellationToken, ChatRequest, Message, ProviderKind,
    StructuredRequest, Usage,
};
use serde::Deserialize;
use serde_json::{json as j, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Ideas {
    ideas: Vec<Idea>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Idea {
    title: String,
    target_word_count: u32,
}

fn schema() -> Value {
    j!({"type":"object","additionalProperties":false,"required":["ideas"],"properties":{"ideas":{"type":"array","items":{
        "type":"object","additionalProperties":false,"required":["title","target_word_count"],
        "properties":{"title":{"type":"string"},"target_word_count":{"type":"integer"}}}}}})
}

fn reply(content: &str, finish: &str, prompt: u64, completion: u64) -> ResponseTemplate {
    json(
        200,
        j!({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
        "choices":[{"index":0,"message":{"role":"assistant","content":content,"refusal":null},"finish_reason":finish}],
        "usage":{"prompt_tokens":prompt,"completion_tokens":completion,"total_tokens":prompt+completion}}),
    )
}

fn request() -> StructuredRequest {
    StructuredRequest {
        chat: ChatRequest {
            temperature: Some(0.8),
            ..ChatRequest::new(
                "gpt-4o-mini",
                vec![Message::user("Ideas for 'hiking boots'")],
            )
        },
        schema_name: "article ideas".into(),
        schema: schema(),
    }
}

fn at_least_one(v: &Ideas) -> Result<(), String> {
    if v.ideas.is_empty() {
        Err("`ideas` must contain at least one idea".into())
    } else {
        Ok(())
    }
}

async fn setup(seq: &Seq) -> (MockServer, folio_ai::Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(seq.clone())
        .mount(&server)
        .await;
    let (c, _) = client(config(
        ProviderKind::OpenAi,
        &format!("{}/v1", server.uri()),
        Some(KEY),
    ));
    (server, c)
}

const GOOD: &str = r#"{"ideas":[{"title":"How to choose hiking boots","target_word_count":1500}]}"#;

#[tokio::test]
async fn first_answer_valid() {
    let seq = Seq::new(vec![reply(GOOD, "stop", 100, 30)]);
    let (_s, c) = setup(&seq).await;
    let out = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(out.attempts, 1);
    assert_eq!(out.value.ideas[0].target_word_count, 1500);
    assert_eq!(
        out.usage,
        Usage {
            input_tokens: 100,
            output_tokens: 30
        }
    );
    assert_eq!(out.model, "gpt-4o-mini");
    let body = seq.body(0);
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "article_ideas"
    );
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(body["response_format"]["json_schema"]["schema"], schema());
}

#[tokio::test]
async fn invalid_json_then_valid_on_reask() {
    let bad = r#"Here you go: {"ideas":[{"title":"Boots","target_word_count":"many"}]}"#;
    let seq = Seq::new(vec![
        reply(bad, "stop", 100, 30),
        reply(GOOD, "stop", 160, 30),
    ]);
    let (_s, c) = setup(&seq).await;
    let out = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(out.attempts, 2);
    assert_eq!(
        out.usage,
        Usage {
            input_tokens: 260,
            output_tokens: 60
        }
    );
    assert_eq!(seq.calls(), 2);
    let second = seq.body(1);
    let msgs = second["messages"].as_array().unwrap();
    let n = msgs.len();
    assert_eq!(msgs[n - 2]["role"], "assistant");
    assert_eq!(msgs[n - 2]["content"], bad);
    assert_eq!(msgs[n - 1]["role"], "user");
    let feedback = msgs[n - 1]["content"].as_str().unwrap();
    assert!(
        feedback.starts_with("Your previous reply failed validation: "),
        "{feedback}"
    );
    assert!(
        feedback.contains("invalid type: string \"many\""),
        "{feedback}"
    );
    assert!(
        feedback.ends_with("Return only the corrected JSON."),
        "{feedback}"
    );
    let t = second["temperature"].as_f64().unwrap();
    assert!((t - 0.4).abs() < 1e-6, "temperature halved, got {t}");
}

#[tokio::test]
async fn validator_rejection_is_quoted_back() {
    let seq = Seq::new(vec![
        reply(r#"{"ideas":[]}"#, "stop", 10, 5),
        reply(GOOD, "stop", 10, 5),
    ]);
    let (_s, c) = setup(&seq).await;
    let out = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(out.attempts, 2);
    let second = seq.body(1);
    let last = second["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    assert!(last
        .as_str()
        .unwrap()
        .contains("`ideas` must contain at least one idea"));
}

#[tokio::test]
async fn invalid_three_times_is_invalid_output_with_summed_usage() {
    let seq = Seq::new(vec![reply("I think boots are great.", "stop", 100, 20)]);
    let (_s, c) = setup(&seq).await;
    let e = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::InvalidOutput);
    assert_eq!(seq.calls(), 3);
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 300,
            output_tokens: 60
        })
    );
    assert!(e.message.contains("after 3 attempts"), "{}", e.message);
    assert!(e.message.contains("no JSON object found"), "{}", e.message);
}

#[tokio::test]
async fn truncated_is_not_reasked() {
    let seq = Seq::new(vec![reply(
        r#"{"ideas":[{"title":"How to ch"#,
        "length",
        100,
        400,
    )]);
    let (_s, c) = setup(&seq).await;
    let e = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Truncated);
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 100,
            output_tokens: 400
        })
    );
    assert_eq!(seq.calls(), 1);
}

#[tokio::test]
async fn refusal_is_not_reasked() {
    let seq = Seq::new(vec![json(
        200,
        j!({"model":"gpt-4o-mini","choices":[{"index":0,
        "message":{"role":"assistant","content":null,"refusal":"I can't help with that request."},
        "finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":8}}),
    )]);
    let (_s, c) = setup(&seq).await;
    let e = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Refusal);
    assert_eq!(e.message, "I can't help with that request.");
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 50,
            output_tokens: 8
        })
    );
    assert_eq!(seq.calls(), 1);
}

#[tokio::test]
async fn http_failure_after_a_bad_attempt_carries_spent_usage() {
    let seq = Seq::new(vec![
        reply("nope", "stop", 100, 20),
        json(
            400,
            j!({"error":{"message":"Invalid 'messages'","type":"invalid_request_error","param":"messages","code":null}}),
        ),
    ]);
    let (_s, c) = setup(&seq).await;
    let e = structured::<Ideas>(&c, request(), at_least_one, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::BadRequest);
    assert_eq!(
        e.usage,
        Some(Usage {
            input_tokens: 100,
            output_tokens: 20
        })
    );
}
