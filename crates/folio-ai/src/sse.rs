//! Server-sent events over a reqwest body, with errors mapped to `AiError`.

use std::pin::Pin;

use eventsource_stream::{Event, EventStreamError, Eventsource as _};
use futures_util::{Stream, StreamExt as _};

use crate::error::{AiError, AiErrorKind};

/// Why the byte stream under the events stopped.
#[derive(Debug)]
enum BodyError {
    Http(reqwest::Error),
    /// Past the stream's bound ([`crate::body::MAX_STREAM_BYTES`]).
    TooLarge,
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Http(e) => e.fmt(f),
            BodyError::TooLarge => f.write_str("the answer is too large"),
        }
    }
}

type Inner = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<BodyError>>> + Send>>;

pub(crate) struct SseStream {
    inner: Inner,
    /// Bytes the whole stream may send.
    limit: usize,
    provider: String,
}

impl SseStream {
    pub(crate) fn new(resp: reqwest::Response, provider: &str) -> Self {
        Self::with_limit(resp, provider, crate::body::MAX_STREAM_BYTES)
    }

    fn with_limit(resp: reqwest::Response, provider: &str, limit: usize) -> Self {
        Self {
            limit,
            inner: Box::pin(
                resp.bytes_stream()
                    .scan(0usize, move |seen, chunk| {
                        // Past the bound the error is the stream's last item.
                        if *seen > limit {
                            return futures_util::future::ready(None);
                        }
                        let item = match chunk {
                            Ok(bytes) => {
                                *seen += bytes.len();
                                if *seen > limit {
                                    Err(BodyError::TooLarge)
                                } else {
                                    Ok(bytes)
                                }
                            }
                            Err(e) => Err(BodyError::Http(e)),
                        };
                        futures_util::future::ready(Some(item))
                    })
                    .eventsource(),
            ),
            provider: provider.to_owned(),
        }
    }

    /// `None` when the body ends. A broken connection or malformed framing is `Transport`.
    pub(crate) async fn next(&mut self) -> Option<Result<Event, AiError>> {
        let item = self.inner.next().await?;
        Some(item.map_err(|e| {
            let detail = match e {
                EventStreamError::Transport(BodyError::TooLarge) => {
                    return crate::body::too_large(&self.provider, self.limit);
                }
                EventStreamError::Transport(BodyError::Http(e)) => {
                    if e.is_timeout() {
                        return AiError::new(
                            AiErrorKind::Timeout,
                            self.provider.clone(),
                            "the stream stalled",
                        );
                    }
                    format!("the stream broke off: {e}")
                }
                EventStreamError::Utf8(e) => format!("the stream is not valid UTF-8: {e}"),
                EventStreamError::Parser(e) => format!("the stream is not valid SSE: {e}"),
            };
            AiError::new(AiErrorKind::Transport, self.provider.clone(), detail)
        }))
    }
}

pub(crate) fn cut_off(provider: &str, what: &str) -> AiError {
    AiError::new(
        AiErrorKind::Transport,
        provider,
        format!("the stream ended before {what}; the answer is incomplete"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: String) -> reqwest::Response {
        reqwest::Response::from(
            http::Response::builder()
                .header("content-type", "text/event-stream")
                .body(body)
                .unwrap(),
        )
    }

    /// A stream that goes on past its bound ends with an error naming it, after the events
    /// that came within it.
    #[tokio::test]
    async fn a_stream_past_its_bound_ends_with_an_error() {
        let body = "data: {\"n\":1}\n\n".repeat(4 << 10);
        let mut stream = SseStream::with_limit(response(body), "openai", 2 << 20);
        let mut events = 0;
        while let Some(e) = stream.next().await {
            e.unwrap();
            events += 1;
        }
        assert_eq!(events, 4 << 10, "within the bound: every event");

        let body = "data: {\"n\":1}\n\n".repeat(4 << 10);
        let mut stream = SseStream::with_limit(response(body), "openai", 1 << 10);
        let mut events = 0;
        let err = loop {
            match stream.next().await {
                Some(Ok(_)) => events += 1,
                Some(Err(e)) => break e,
                None => panic!("the stream ended without the error"),
            }
        };
        assert_eq!(err.kind, AiErrorKind::Transport);
        assert!(err.message.contains("larger than"), "{err}");
        assert!(events < 100, "{events}");
        assert!(stream.next().await.is_none(), "the error is the last item");
    }
}
