//! Runware image inference over its REST task-array API. Every body is a JSON array of
//! tasks; results come back in `data[]` tagged with the task's UUID, failures in `errors[]`,
//! and one response can carry both.

use std::str::FromStr as _;

use reqwest::header::HeaderMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::client::{request_id, CheckReport, Client};
use crate::error::{AiError, AiErrorKind};
use crate::images::{decode_b64, sniff_mime, GeneratedImage, ImageRequest, ImageResponse};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Envelope {
    data: Vec<Value>,
    errors: Vec<Value>,
    /// Legacy WebSocket-era shape: `{"error":true,"errorMessage":…}`.
    error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ImageResult {
    task_type: Option<String>,
    #[serde(rename = "taskUUID")]
    task_uuid: Option<String>,
    #[serde(rename = "imageURL")]
    image_url: Option<String>,
    image_base64_data: Option<String>,
    #[serde(rename = "imageDataURI")]
    image_data_uri: Option<String>,
    seed: Option<i64>,
    /// A JSON number; kept as `Value` so it converts to `Decimal` without a float detour.
    cost: Option<Value>,
}

/// Authentication errors arrive with HTTP 200 or 401, so the envelope decides, not the status.
fn envelope_error(client: &Client, status: u16, headers: &HeaderMap, body: &str) -> AiError {
    client.http_error(Some(status), headers, body)
}

async fn post_tasks(client: &Client, tasks: &Value) -> Result<(Envelope, Option<String>), AiError> {
    // Runware's base URL is the endpoint itself.
    let builder = client.http().post(client.endpoint(""));
    let resp = client.send(builder, Some(tasks)).await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let rid = request_id(&headers);
    let text = String::from_utf8_lossy(
        &client
            .read_body(resp, crate::body::MAX_JSON_BYTES)
            .await
            .map_err(|e| e.with_request_id(rid.clone()))?,
    )
    .into_owned();
    let env: Envelope = serde_json::from_str(&text).map_err(|e| {
        AiError::new(
            AiErrorKind::Transport,
            client.name(),
            format!("the Runware response is not the expected JSON: {e}"),
        )
        .with_request_id(rid.clone())
    })?;
    let legacy_error = env.error.as_ref().is_some_and(|e| e == &Value::Bool(true));
    if (env.data.is_empty() && !env.errors.is_empty()) || legacy_error {
        let mut err = envelope_error(client, status, &headers, &text);
        // A 200 carrying only errors: the codes decide; an unknown one is the request's fault.
        err.status = None;
        return Err(err.with_request_id(rid));
    }
    if !env.errors.is_empty() {
        let messages: Vec<String> = env
            .errors
            .iter()
            .filter_map(|e| e.get("code").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        tracing::warn!(
            provider = client.name(),
            codes = messages.join(",").as_str(),
            "Runware returned results and errors together; keeping the results"
        );
    }
    Ok((env, rid))
}

/// The task's results, already filtered to our `taskUUID`. Retried as a unit by the caller.
pub(crate) struct Inference {
    results: Vec<ImageResult>,
    task_uuid: String,
    request_id: Option<String>,
}

pub(crate) async fn infer(client: &Client, req: &ImageRequest) -> Result<Inference, AiError> {
    let task_uuid = uuid::Uuid::new_v4().to_string();
    let count = req.count.max(1);
    let mut task = json!({
        "taskType": "imageInference",
        "taskUUID": task_uuid,
        "positivePrompt": req.prompt,
        "model": req.model,
        "width": req.width,
        "height": req.height,
        "numberResults": count,
        "outputType": "base64Data",
        "outputFormat": "WEBP",
        "includeCost": true,
    });
    if let Some(neg) = req
        .negative_prompt
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        task["negativePrompt"] = json!(neg);
    }
    let (env, rid) = post_tasks(client, &Value::Array(vec![task])).await?;
    let results = env
        .data
        .into_iter()
        .map(|item| serde_json::from_value::<ImageResult>(item).unwrap_or_default())
        // Other tasks' results (or ones without a UUID) are not ours, whatever their position.
        .filter(|r| {
            r.task_uuid.as_deref() == Some(task_uuid.as_str())
                && r.task_type.as_deref().is_none_or(|t| t == "imageInference")
        })
        .collect();
    Ok(Inference {
        results,
        task_uuid,
        request_id: rid,
    })
}

/// Decodes or downloads the images. Kept out of the retried part: a failed download must not
/// pay for a second generation.
pub(crate) async fn collect(
    client: &Client,
    inference: Inference,
) -> Result<ImageResponse, AiError> {
    let Inference {
        results,
        task_uuid,
        request_id,
    } = inference;
    let mut out = ImageResponse {
        request_id: request_id.or_else(|| Some(task_uuid.clone())),
        ..ImageResponse::default()
    };
    let mut cost: Option<Decimal> = None;
    for r in results {
        let (bytes, mime, source_url) =
            if let Some(b64) = r.image_base64_data.as_ref().or(r.image_data_uri.as_ref()) {
                let bytes = decode_b64(client.name(), b64)?;
                let mime = sniff_mime(&bytes, "image/webp");
                (bytes, mime, None)
            } else if let Some(url) = &r.image_url {
                let (bytes, mime) = client.download_image(url, "image/webp").await?;
                (bytes, mime, Some(url.clone()))
            } else {
                continue;
            };
        if let Some(c) = r.cost.as_ref().and_then(decimal) {
            cost = Some(cost.unwrap_or_default() + c);
        }
        out.images.push(GeneratedImage {
            bytes,
            mime,
            revised_prompt: None,
            seed: r.seed,
            source_url,
        });
    }
    if out.images.is_empty() {
        return Err(AiError::new(
            AiErrorKind::Transport,
            client.name(),
            format!("Runware returned no image for task {task_uuid}"),
        ));
    }
    out.cost_usd = cost;
    Ok(out)
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

/// Runware has no model list; an authentication task is the cheapest authenticated call.
pub(crate) async fn check(client: &Client) -> Result<CheckReport, AiError> {
    let key = client
        .config()
        .api_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let tasks = json!([{"taskType": "authentication", "apiKey": key}]);
    let (_, request_id) = post_tasks(client, &tasks).await?;
    Ok(CheckReport {
        models: None,
        request_id,
    })
}
