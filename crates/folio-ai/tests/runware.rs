//! Runware task arrays: UUID matching, cost, errors[] and legacy errors, retries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use std::str::FromStr;

use fake::{b64, json, webp_bytes, Seq, KEY};
use folio_ai::{AiErrorKind, CancellationToken, ImageRequest, ProviderKind};
use rust_decimal::Decimal;
use serde_json::{json as j, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

async fn runware() -> (MockServer, folio_ai::Client, fake::Retries) {
    fake::start(ProviderKind::Runware, Some(KEY)).await
}

fn req(count: u32) -> ImageRequest {
    ImageRequest {
        model: "runware:97@1".into(),
        prompt: "hiking boots on a mossy rock".into(),
        negative_prompt: Some("text, watermark".into()),
        width: 1024,
        height: 1024,
        count,
        ..ImageRequest::default()
    }
}

/// Echoes the request's taskUUID like Runware does, puts a result of some other task first,
/// and returns one result per requested image.
struct EchoTasks;

impl Respond for EchoTasks {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let tasks: Vec<Value> = request.body_json().unwrap();
        let task = &tasks[0];
        let uuid = task["taskUUID"].as_str().unwrap();
        let n = task["numberResults"].as_u64().unwrap();
        let mut data = vec![
            j!({"taskType":"imageInference","taskUUID":"00000000-0000-4000-8000-000000000000",
            "imageUUID":"foreign","imageBase64Data":b64(&webp_bytes(99)),"cost":1.5}),
        ];
        for i in 0..n {
            data.push(j!({"taskType":"imageInference","taskUUID":uuid,"imageUUID":format!("img-{i}"),
                "imageBase64Data":b64(&webp_bytes(i as u8)),"seed":1000 + i,"NSFWContent":false,"cost":0.009}));
        }
        json(200, j!({"data": data}))
    }
}

#[tokio::test]
async fn two_results_matched_by_task_uuid_with_cost() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .and(path("/v1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(EchoTasks)
        .expect(1)
        .mount(&server)
        .await;
    let r = c
        .generate_images(&req(2), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.images.len(), 2);
    assert_eq!(r.images[0].bytes, webp_bytes(0));
    assert_eq!(r.images[1].bytes, webp_bytes(1));
    assert_eq!(r.images[0].mime, "image/webp");
    assert_eq!(r.images[1].seed, Some(1001));
    assert_eq!(r.cost_usd, Some(Decimal::from_str("0.018").unwrap()));

    let reqs = server.received_requests().await.unwrap();
    let tasks: Vec<Value> = reqs[0].body_json().unwrap();
    assert_eq!(tasks.len(), 1);
    let t = &tasks[0];
    assert_eq!(t["taskType"], "imageInference");
    assert!(uuid::Uuid::parse_str(t["taskUUID"].as_str().unwrap()).is_ok());
    assert_eq!(t["positivePrompt"], "hiking boots on a mossy rock");
    assert_eq!(t["negativePrompt"], "text, watermark");
    assert_eq!(t["numberResults"], 2);
    assert_eq!(t["outputType"], "base64Data");
    assert_eq!(t["includeCost"], true);
    assert_eq!(
        (t["width"].as_u64(), t["height"].as_u64()),
        (Some(1024), Some(1024))
    );
}

#[tokio::test]
async fn url_results_are_downloaded() {
    let (server, c, _) = runware().await;
    let uri = server.uri();
    let responder = move |request: &Request| {
        let tasks: Vec<Value> = request.body_json().unwrap();
        let uuid = tasks[0]["taskUUID"].as_str().unwrap().to_owned();
        json(
            200,
            j!({"data":[{"taskType":"imageInference","taskUUID":uuid,"imageUUID":"i1",
            "imageURL":format!("{uri}/im/i1.webp"),"cost":0.0038}]}),
        )
    };
    Mock::given(method("POST"))
        .respond_with(responder)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/im/i1.webp"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(webp_bytes(7), "image/webp"))
        .expect(1)
        .mount(&server)
        .await;
    let r = c
        .generate_images(&req(1), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.images[0].bytes, webp_bytes(7));
    assert_eq!(r.cost_usd, Some(Decimal::from_str("0.0038").unwrap()));
}

#[tokio::test]
async fn invalid_api_key_is_auth() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .respond_with(json(401, j!({"errors":[{"code":"invalidApiKey","message":"Invalid API key. Get one at https://my.runware.ai/signup","parameter":"apiKey","type":"string","documentation":"https://runware.ai/docs/getting-started/how-to-connect","taskUUID":"N/A"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c
        .generate_images(&req(1), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Auth);
    assert!(
        e.to_string().starts_with("runware rejected the API key"),
        "{e}"
    );
}

#[tokio::test]
async fn errors_with_http_200_are_classified_by_code() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .respond_with(json(200, j!({"errors":[{"code":"invalidApiKey","message":"Invalid API key","taskType":"authentication","taskUUID":"x"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c.check(&CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Auth);
}

#[tokio::test]
async fn legacy_error_shape_is_understood() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .respond_with(json(
            200,
            j!({"error":true,"errorId":19,"errorMessage":"Invalid api key"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = c
        .generate_images(&req(1), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::Auth);
}

#[tokio::test]
async fn payment_required_is_quota_and_not_retried() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .respond_with(json(402, j!({"errors":[{"code":"insufficientCredits","message":"Insufficient credits. Add funds at https://my.runware.ai/wallet","taskType":"imageInference","taskUUID":"x"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let e = c
        .generate_images(&req(1), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, AiErrorKind::QuotaExhausted);
}

#[tokio::test]
async fn queue_full_and_timeouts_are_retried() {
    let (server, c, retries) = runware().await;
    let seq = Seq::new(vec![
        ResponseTemplate::new(429).set_body_string("Too Many Requests"),
        ResponseTemplate::new(504).set_body_string("Gateway Timeout"),
    ]);
    let calls = seq.clone();
    let responder = move |request: &Request| {
        if calls.calls() < 2 {
            return calls.respond(request);
        }
        EchoTasks.respond(request)
    };
    Mock::given(method("POST"))
        .respond_with(responder)
        .mount(&server)
        .await;
    let r = c
        .generate_images(&req(1), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.images.len(), 1);
    let kinds: Vec<_> = retries.lock().unwrap().iter().map(|r| r.2).collect();
    assert_eq!(kinds, [AiErrorKind::RateLimited, AiErrorKind::Overloaded]);
}

#[tokio::test]
async fn data_and_errors_together_keep_the_data() {
    let (server, c, _) = runware().await;
    let responder = |request: &Request| {
        let tasks: Vec<Value> = request.body_json().unwrap();
        let uuid = tasks[0]["taskUUID"].as_str().unwrap().to_owned();
        json(
            200,
            j!({
            "data":[{"taskType":"imageInference","taskUUID":uuid,"imageBase64Data":b64(&webp_bytes(1)),"cost":0.009}],
            "errors":[{"code":"timeoutProvider","message":"provider timed out for one result","taskUUID":uuid}]}),
        )
    };
    Mock::given(method("POST"))
        .respond_with(responder)
        .mount(&server)
        .await;
    let r = c
        .generate_images(&req(2), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.images.len(), 1);
}

#[tokio::test]
async fn check_sends_an_authentication_task() {
    let (server, c, _) = runware().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::body_json(j!([{"taskType":"authentication","apiKey":KEY}])))
        .respond_with(json(200, j!({"data":[{"taskType":"authentication","connectionSessionUUID":"f40c2aeb-f8a7-4af7-a1ab-7594c9bf778f"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let r = c.check(&CancellationToken::new()).await.unwrap();
    assert_eq!(r.models, None);
}
