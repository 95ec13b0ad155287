//! One error type for every provider, with messages a user can act on.

use std::fmt;
use std::time::Duration;

use crate::chat::Usage;
use crate::config::ApiKey;

/// What went wrong, independent of the provider. Drives retry decisions and UI wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AiErrorKind {
    Auth,
    QuotaExhausted,
    RateLimited,
    Overloaded,
    ContextTooLong,
    BadRequest,
    NotFound,
    Timeout,
    /// Connect or DNS failure: nothing is listening, or the host name is wrong.
    Unreachable,
    /// The connection broke mid-response or the body was not what the API promises.
    Transport,
    Server,
    Truncated,
    Refusal,
    InvalidOutput,
    Cancelled,
}

impl AiErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::QuotaExhausted => "quota_exhausted",
            Self::RateLimited => "rate_limited",
            Self::Overloaded => "overloaded",
            Self::ContextTooLong => "context_too_long",
            Self::BadRequest => "bad_request",
            Self::NotFound => "not_found",
            Self::Timeout => "timeout",
            Self::Unreachable => "unreachable",
            Self::Transport => "transport",
            Self::Server => "server",
            Self::Truncated => "truncated",
            Self::Refusal => "refusal",
            Self::InvalidOutput => "invalid_output",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether an HTTP-level retry can help. Timeouts are not retried: the provider usually
    /// keeps generating (and billing) after we hang up, so a retry doubles cost and waiting.
    /// Unreachable is not retried either: a local server that is not running will not start
    /// within a few seconds, and the user should hear about it at once.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::Overloaded | Self::Server | Self::Transport
        )
    }
}

impl fmt::Display for AiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The single error type of this crate. `message` holds the provider's own (scrubbed) wording
/// or our description; `Display` wraps it in an actionable sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct AiError {
    pub kind: AiErrorKind,
    pub provider: String,
    pub message: String,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// Tokens already spent (a truncated or invalid structured answer); the ledger charges them.
    pub usage: Option<Usage>,
    /// The model the request was for, when known; makes 404/context messages specific.
    pub model: Option<String>,
    /// The endpoint base, for "could not reach …" messages.
    pub endpoint: Option<String>,
    /// The model's last answer when it was unusable (truncated, refused, invalid), capped at
    /// [`MAX_RAW_ANSWER_BYTES`], so a person can see why. Never shown by `Display`.
    pub raw_answer: Option<String>,
}

/// The most of an unusable answer an error keeps.
pub const MAX_RAW_ANSWER_BYTES: usize = 64 * 1024;

/// `text` cut to at most `max` bytes on a character boundary.
pub fn cap_text(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

impl std::error::Error for AiError {}

impl AiError {
    pub fn new(kind: AiErrorKind, provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            provider: provider.into(),
            message: message.into(),
            status: None,
            request_id: None,
            retry_after: None,
            usage: None,
            model: None,
            endpoint: None,
            raw_answer: None,
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.request_id = id;
        }
        self
    }

    pub(crate) fn with_model(mut self, model: &str) -> Self {
        if self.model.is_none() && !model.is_empty() {
            self.model = Some(model.to_owned());
        }
        self
    }

    pub(crate) fn cancelled(provider: &str) -> Self {
        Self::new(AiErrorKind::Cancelled, provider, "cancelled")
    }

    fn status_part(&self) -> String {
        self.status
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default()
    }

    fn detail(&self) -> String {
        if self.message.is_empty() {
            String::new()
        } else {
            format!(" — {}", self.message)
        }
    }
}

impl fmt::Display for AiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.provider;
        let st = self.status_part();
        let model = self.model.as_deref().unwrap_or("the model");
        match self.kind {
            AiErrorKind::Auth if self.status == Some(403) => write!(
                f,
                "{p} does not allow this API key to do that{st}: check the key's permissions and model access in the provider's console{}",
                self.detail()
            )?,
            AiErrorKind::Auth => write!(
                f,
                "{p} rejected the API key{st}: replace it in Settings → Providers or with `folio provider set-key {p}`"
            )?,
            AiErrorKind::QuotaExhausted => write!(
                f,
                "{p} is out of credit or over its spend limit{st}: add credit in the provider's console; Folio will not retry"
            )?,
            AiErrorKind::RateLimited => match self.retry_after {
                Some(d) => write!(f, "rate limited by {p}; retry after {}", human_duration(d))?,
                None => write!(f, "rate limited by {p}; try again in a minute")?,
            },
            AiErrorKind::Overloaded => write!(
                f,
                "{p} is overloaded{st}; try again in a few minutes{}",
                self.detail()
            )?,
            AiErrorKind::ContextTooLong => match context_numbers(&self.message) {
                Some((requested, limit)) => write!(
                    f,
                    "the prompt is too long for {model}: {requested} tokens > {limit} maximum"
                )?,
                None => write!(f, "the prompt is too long for {model}{}", self.detail())?,
            },
            AiErrorKind::BadRequest => {
                write!(f, "{p} rejected the request{st}{}", self.detail())?
            }
            AiErrorKind::NotFound => match &self.model {
                Some(m) => write!(
                    f,
                    "{p} does not know the model `{m}`{st}: check the model name and the base URL{}",
                    self.detail()
                )?,
                None => write!(f, "{p} returned not found{st}: check the base URL{}", self.detail())?,
            },
            AiErrorKind::Timeout => write!(
                f,
                "{p} did not answer in time; try again, or raise the timeout for long generations{}",
                self.detail()
            )?,
            AiErrorKind::Unreachable => write!(
                f,
                "could not reach {} — is the server running?",
                self.endpoint.as_deref().unwrap_or(p)
            )?,
            AiErrorKind::Transport => write!(
                f,
                "the connection to {p} failed or returned an unreadable answer{st}{}",
                self.detail()
            )?,
            AiErrorKind::Server => write!(
                f,
                "{p} had an internal error{st}; Folio retried, try again later{}",
                self.detail()
            )?,
            AiErrorKind::Truncated => write!(
                f,
                "{p} stopped at the output token limit, so the answer is incomplete: raise max tokens or split the task"
            )?,
            AiErrorKind::Refusal => write!(f, "{model} refused the request{}", self.detail())?,
            AiErrorKind::InvalidOutput => write!(
                f,
                "{model} did not return valid output{}",
                self.detail()
            )?,
            AiErrorKind::Cancelled => write!(f, "the {p} request was cancelled")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{} s", d.as_secs_f64().ceil() as u64)
    }
}

/// Pulls (requested, limit) token counts out of the three context-overflow wordings we know:
/// Anthropic "prompt is too long: 205000 tokens > 200000 maximum", OpenAI "maximum context
/// length is 2048 tokens. However, you requested 3041 tokens" / "your messages resulted in",
/// and llama.cpp "request (4390 tokens) exceeds the available context size (4096 tokens)".
pub(crate) fn context_numbers(msg: &str) -> Option<(u64, u64)> {
    let lower = msg.to_ascii_lowercase();
    if let Some(i) = lower.find("prompt is too long:") {
        let nums = numbers(&lower[i..]);
        if nums.len() >= 2 {
            return Some((nums[0], nums[1]));
        }
    }
    if let Some(i) = lower.find("maximum context length is") {
        let nums = numbers(&lower[i..]);
        if nums.len() >= 2 {
            return Some((nums[1], nums[0]));
        }
    }
    if let Some(i) = lower.find("request (") {
        let tail = &lower[i..];
        if tail.contains("context size") {
            let nums = numbers(tail);
            if nums.len() >= 2 {
                return Some((nums[0], nums[1]));
            }
        }
    }
    None
}

fn numbers(s: &str) -> Vec<u64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Removes anything that could be (part of) the API key from provider-supplied text.
/// OpenAI echoes a partially masked key ("Incorrect API key provided: sk-abc***xyz"), other
/// providers may echo more; we mask the exact key, any 8-character run of it, and any
/// `sk-…` token regardless of whose key it is.
pub(crate) fn scrub(text: &str, key: Option<&ApiKey>) -> String {
    // sk- tokens first: masking key windows first would break the token apart and leave
    // the echoed tail ("…7890") behind.
    let mut out = mask_sk_tokens(text);
    if let Some(key) = key {
        let k = key.expose();
        if !k.is_empty() {
            out = out.replace(k, "****");
            let chars: Vec<char> = k.chars().collect();
            if chars.len() >= 8 {
                for w in chars.windows(8) {
                    let window: String = w.iter().collect();
                    if out.contains(&window) {
                        out = out.replace(&window, "****");
                    }
                }
            }
        }
    }
    out
}

fn mask_sk_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("sk-") {
        let at_boundary = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ')' | '(' | ';' | '`')
            })
            .map(|(j, _)| j)
            .unwrap_or(after.len());
        let token = &after[..end];
        // "sk-" alone, or inside another word (e.g. "task-"), is not a key.
        if at_boundary && token.len() > 3 {
            let trimmed = token.trim_end_matches('.');
            out.push_str("sk-****");
            out.push_str(&token[trimmed.len()..]);
        } else {
            out.push_str(token);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_key_and_echoes() {
        let key = ApiKey::new("sk-folio-test-SECRET-1234567890");
        let msg = "Incorrect API key provided: sk-folio-************7890. You can find your API key at https://platform.openai.com/account/api-keys.";
        let s = scrub(msg, Some(&key));
        assert!(!s.contains("SECRET"));
        assert!(!s.contains("7890"), "{s}");
        assert!(s.contains("Incorrect API key provided: sk-****."), "{s}");
        let s = scrub("key sk-folio-test-SECRET-1234567890 bad", Some(&key));
        assert!(!s.contains("SECRET"), "{s}");
        let s = scrub(
            "runware said abcdefgh12345678 invalid",
            Some(&ApiKey::new("abcdefgh12345678")),
        );
        assert!(!s.contains("abcdefgh"), "{s}");
        assert_eq!(
            scrub("task-sk-foo and risk-free", None),
            "task-sk-foo and risk-free"
        );
    }

    #[test]
    fn context_numbers_parse() {
        assert_eq!(
            context_numbers("prompt is too long: 205000 tokens > 200000 maximum"),
            Some((205000, 200000))
        );
        assert_eq!(
            context_numbers("This model's maximum context length is 2048 tokens. However, you requested 3041 tokens (3031 in the messages, 10 in the completion)."),
            Some((3041, 2048))
        );
        assert_eq!(
            context_numbers("request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it"),
            Some((4390, 4096))
        );
    }

    #[test]
    fn display_is_actionable() {
        let e = AiError::new(AiErrorKind::Auth, "openai", "Incorrect API key").with_status(401);
        assert_eq!(
            e.to_string(),
            "openai rejected the API key (HTTP 401): replace it in Settings → Providers or with `folio provider set-key openai`"
        );
        let mut e = AiError::new(AiErrorKind::RateLimited, "openai", "");
        e.retry_after = Some(Duration::from_secs(20));
        assert_eq!(e.to_string(), "rate limited by openai; retry after 20 s");
        let e = AiError::new(
            AiErrorKind::ContextTooLong,
            "anthropic",
            "prompt is too long: 205000 tokens > 200000 maximum",
        )
        .with_model("gpt-4o-mini");
        assert_eq!(
            e.to_string(),
            "the prompt is too long for gpt-4o-mini: 205000 tokens > 200000 maximum"
        );
    }
}
