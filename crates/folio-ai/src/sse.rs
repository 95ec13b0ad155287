//! Server-sent events over a reqwest body, with errors mapped to `AiError`.

use std::pin::Pin;

use eventsource_stream::{Event, EventStreamError, Eventsource as _};
use futures_util::{Stream, StreamExt as _};

use crate::error::{AiError, AiErrorKind};

type Inner = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

pub(crate) struct SseStream {
    inner: Inner,
    provider: String,
}

impl SseStream {
    pub(crate) fn new(resp: reqwest::Response, provider: &str) -> Self {
        Self {
            inner: Box::pin(resp.bytes_stream().eventsource()),
            provider: provider.to_owned(),
        }
    }

    /// `None` when the body ends. A broken connection or malformed framing is `Transport`.
    pub(crate) async fn next(&mut self) -> Option<Result<Event, AiError>> {
        let item = self.inner.next().await?;
        Some(item.map_err(|e| {
            let detail = match e {
                EventStreamError::Transport(e) => {
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
