//! Backoff, server-requested waits, and cancellation-aware sleeping.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng as _;
use reqwest::header::HeaderMap;
use tokio_util::sync::CancellationToken;

use crate::config::RetryPolicy;
use crate::error::{AiError, AiErrorKind};

/// What to do after a failed attempt number `attempt` (1-based).
pub(crate) fn next_delay(policy: &RetryPolicy, attempt: u32, err: &AiError) -> Option<Duration> {
    if !err.kind.is_retryable() || attempt >= policy.max_attempts {
        return None;
    }
    if let Some(wait) = err.retry_after {
        // Longer than we are willing to sit through: report it instead (fail fast).
        if wait > policy.max_retry_after {
            return None;
        }
        return Some(wait);
    }
    Some(backoff(policy, attempt))
}

/// Capped exponential backoff with full jitter (AWS architecture blog's "Full Jitter"):
/// uniform in [0, min(max, base·2^(attempt-1))]. Spreads retries of parallel jobs apart.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1));
    let cap = policy.base_delay.saturating_mul(exp).min(policy.max_delay);
    let cap_ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
    if cap_ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=cap_ms))
}

/// The server's requested wait, in the order the official SDKs use: `retry-after-ms`,
/// `retry-after` (seconds or HTTP-date), then the larger of the rate-limit reset headers
/// (OpenAI Go-style durations, Anthropic RFC 3339 timestamps).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, Utc::now())
}

pub(crate) fn retry_after_at(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() && secs >= 0.0 {
                return Some(Duration::from_secs_f64(secs));
            }
        }
        if let Ok(at) = DateTime::parse_from_rfc2822(v) {
            return Some(until(at.with_timezone(&Utc), now));
        }
    }
    let go = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]
        .iter()
        .filter_map(|h| get(h).and_then(parse_go_duration))
        .max();
    if go.is_some() {
        return go;
    }
    [
        "anthropic-ratelimit-requests-reset",
        "anthropic-ratelimit-tokens-reset",
        "anthropic-ratelimit-input-tokens-reset",
        "anthropic-ratelimit-output-tokens-reset",
    ]
    .iter()
    .filter_map(|h| get(h).and_then(|v| DateTime::parse_from_rfc3339(v).ok()))
    .map(|at| until(at.with_timezone(&Utc), now))
    .max()
}

fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (at - now).to_std().unwrap_or(Duration::ZERO)
}

/// Parses Go `time.Duration` strings such as `6m0s`, `12ms`, `1.5s`, `1h2m`.
pub(crate) fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let value: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += value * factor;
        rest = &rest[unit_end..];
    }
    (total.is_finite() && total >= 0.0).then(|| Duration::from_secs_f64(total))
}

/// Sleeps unless cancelled first.
pub(crate) async fn sleep_or_cancel(
    delay: Duration,
    cancel: &CancellationToken,
    provider: &str,
) -> Result<(), AiError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(AiError::cancelled(provider)),
        () = tokio::time::sleep(delay) => Ok(()),
    }
}

/// Runs one attempt under the per-attempt timeout, racing cancellation. Dropping the
/// future on cancel/timeout aborts the HTTP request.
pub(crate) async fn guarded<T>(
    fut: impl Future<Output = Result<T, AiError>>,
    timeout: Duration,
    cancel: &CancellationToken,
    provider: &str,
) -> Result<T, AiError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(AiError::cancelled(provider)),
        r = tokio::time::timeout(timeout, fut) => match r {
            Ok(r) => r,
            Err(_) => Err(AiError::new(
                AiErrorKind::Timeout,
                provider,
                format!("no complete answer within {} s", timeout.as_secs_f64()),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(*k, v);
            }
        }
        h
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_go_duration("12ms"), Some(Duration::from_millis(12)));
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_go_duration("abc"), None);
    }

    #[test]
    fn header_order() {
        let now = Utc::now();
        let h = headers(&[("retry-after-ms", "50"), ("retry-after", "3")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_millis(50)));
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset-tokens", "6m0s")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(3)));
        let h = headers(&[
            ("x-ratelimit-reset-requests", "12ms"),
            ("x-ratelimit-reset-tokens", "1s"),
        ]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(1)));
        let at = (now + chrono::Duration::seconds(10)).to_rfc3339();
        let h = headers(&[("anthropic-ratelimit-tokens-reset", &at)]);
        let d = retry_after_at(&h, now).unwrap_or_default();
        assert!(
            d > Duration::from_secs(9) && d <= Duration::from_secs(10),
            "{d:?}"
        );
        let date = (now + chrono::Duration::seconds(30)).to_rfc2822();
        let h = headers(&[("retry-after", &date)]);
        let d = retry_after_at(&h, now).unwrap_or_default();
        assert!(d > Duration::from_secs(28), "{d:?}");
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(retry_after_at(&h, now), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..20 {
            assert!(backoff(&p, attempt) <= p.max_delay);
        }
    }
}
