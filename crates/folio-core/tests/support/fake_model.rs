//! A fake language model at the HTTP level: it reads the prompt each pipeline stage sends and
//! answers with what that stage asks for, shaped like OpenAI's chat completions or Anthropic's
//! messages. Failures (bad JSON, invented keywords, truncation, refusal, 429, 500, quota) are
//! injected per stage by the test.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Request, Respond, ResponseTemplate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Clusters,
    Ideas,
    Section,
    Intro,
    Conclusion,
    Faq,
    Meta,
    ImagePrompts,
}

/// What to do instead of a good answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A trailing comma: not JSON.
    BadJson,
    /// Clusters: a keyword the prompt never gave.
    InventKeyword,
    /// Clusters: one keyword left out.
    DropKeyword,
    /// Clusters: two new clusters with one name.
    DuplicateName,
    /// Ideas: an outline of four sections.
    ShortOutline,
    /// `finish_reason: length`.
    Truncated,
    Refusal,
    /// 429 with `retry-after: 1`.
    RateLimited,
    Server500,
    QuotaExhausted,
    /// A section with markup the sanitiser must remove.
    Script,
    /// Answer after this long.
    Slow(Duration),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    OpenAi,
    Anthropic,
}

/// Faults by stage, each used for the next `n` answers of that stage.
#[derive(Clone, Default)]
pub struct FakeModel {
    faults: Arc<Mutex<HashMap<Kind, Vec<Fault>>>>,
    pub calls: Arc<Mutex<Vec<(Kind, String)>>>,
    pub count: Arc<AtomicUsize>,
    /// Every answer waits this long (a slow provider).
    delay: Arc<Mutex<Duration>>,
}

impl FakeModel {
    /// The next answers of `kind` are these faults, in order.
    pub fn fail(&self, kind: Kind, faults: Vec<Fault>) {
        self.faults.lock().unwrap().insert(kind, faults);
    }

    /// Answer every call after `d`.
    pub fn set_delay(&self, d: Duration) {
        *self.delay.lock().unwrap() = d;
    }

    pub fn calls_of(&self, kind: Kind) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, p)| p.clone())
            .collect()
    }

    fn next_fault(&self, kind: Kind) -> Option<Fault> {
        let mut f = self.faults.lock().unwrap();
        let list = f.get_mut(&kind)?;
        if list.is_empty() {
            None
        } else {
            Some(list.remove(0))
        }
    }

    pub fn responder(&self, wire: Wire) -> Responder {
        Responder {
            model: self.clone(),
            wire,
        }
    }
}

pub struct Responder {
    model: FakeModel,
    wire: Wire,
}

fn kind_of(prompt: &str) -> Option<Kind> {
    if prompt.contains("[EXISTING CLUSTERS]") {
        Some(Kind::Clusters)
    } else if prompt.contains("[TAKEN]") {
        Some(Kind::Ideas)
    } else if prompt.contains("Write only the body of section") {
        Some(Kind::Section)
    } else if prompt.contains("Write the introduction") {
        Some(Kind::Intro)
    } else if prompt.contains("Write the conclusion") {
        Some(Kind::Conclusion)
    } else if prompt.contains("Write the FAQ") {
        Some(Kind::Faq)
    } else if prompt.contains("Write the search metadata") {
        Some(Kind::Meta)
    } else if prompt.contains("[SECTIONS]") {
        Some(Kind::ImagePrompts)
    } else {
        None
    }
}

/// Lines of the table that starts after `header`, until a blank line.
fn table<'a>(prompt: &'a str, header: &str) -> Vec<&'a str> {
    let Some(start) = prompt.find(header) else {
        return vec![];
    };
    prompt[start + header.len()..]
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split(" | ").next().unwrap_or("").trim())
        .collect()
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let Some(i) = s.find(start) else { return "" };
    let rest = &s[i + start.len()..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn words(n: usize, seed: &str) -> String {
    // Varied text, so the repetition check sees distinct sentences.
    let vocab = [
        "soil", "water", "light", "season", "gardener", "roots", "leaves", "bloom", "prune",
        "feed", "mulch", "compost", "shade", "frost", "spring", "autumn", "stem", "bud", "pest",
        "care",
    ];
    // A pseudo-random walk through the words (xorshift seeded by the text's seed): a periodic
    // pattern would repeat 5-word sequences across sections, which the quality gate rejects.
    let mut x = seed.bytes().fold(0x9e37_79b9_7f4a_7c15u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) | 1;
    let mut out = Vec::new();
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push(vocab[(x % vocab.len() as u64) as usize]);
    }
    out.join(" ")
}

fn paragraphs(n: usize, seed: &str) -> String {
    let mut html = String::new();
    let mut left = n;
    let mut i = 0;
    while left > 0 {
        let take = left.min(70);
        html.push_str(&format!(
            "<p>{} {}.</p>",
            seed,
            words(take, &format!("{seed}{i}"))
        ));
        left -= take;
        i += 1;
    }
    html
}

pub fn answer(kind: Kind, prompt: &str, fault: Option<&Fault>) -> serde_json::Value {
    match kind {
        Kind::Clusters => {
            let mut kws: Vec<String> = table(prompt, "keyword | volume | difficulty")
                .iter()
                .map(|s| s.to_string())
                .collect();
            if matches!(fault, Some(Fault::DropKeyword)) {
                kws.pop();
            }
            if matches!(fault, Some(Fault::InventKeyword)) {
                kws.push("purple unicorn seeds".into());
            }
            let mut clusters = Vec::new();
            let chunks: Vec<Vec<String>> = kws.chunks(4).map(|c| c.to_vec()).collect();
            let mut chunks = chunks;
            if chunks.len() > 1 && chunks.last().unwrap().len() < 3 {
                let last = chunks.pop().unwrap();
                chunks.last_mut().unwrap().extend(last);
            }
            for (i, c) in chunks.iter().enumerate() {
                let name = if matches!(fault, Some(Fault::DuplicateName)) {
                    "Everything roses".to_string()
                } else {
                    format!("{} topics {i}", c[0])
                };
                let reason = if c.len() < 3 { "a distinct intent" } else { "" };
                clusters.push(serde_json::json!({"name": name, "description": format!("Readers who want {}", c[0]), "keywords": c, "singleton_reason": reason}));
            }
            serde_json::json!({"clusters": clusters, "existing": [], "unclustered": []})
        }
        Kind::Ideas => {
            let block = between(prompt, "keyword | volume\n", "\n\n");
            let kws: Vec<&str> = block
                .lines()
                .map(|l| l.split(" | ").next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .collect();
            let n = kws.len().clamp(1, 3);
            let sections = if matches!(fault, Some(Fault::ShortOutline)) {
                4
            } else {
                6
            };
            let suffixes = ["explained", "checklist", "mistakes"];
            let ideas: Vec<_> = (0..n)
                .map(|i| {
                    let covered: Vec<&str> = kws.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, k)| *k).take(2).collect();
                    let outline: Vec<_> = (0..sections)
                        .map(|s| serde_json::json!({"heading": format!("{} part {}", kws[i], s + 1), "coverage": format!("What matters about {} in step {}", kws[i], s + 1), "subheadings": [], "format": if s == 2 { "list" } else { "paragraphs" }, "keywords": [kws[i]]}))
                        .collect();
                    serde_json::json!({"title": format!("{} {}", kws[i], suffixes[i % 3]), "description": "An angle", "content_structure": "guide",
                        "primary_keyword": kws[i], "covered_keywords": covered, "target_word_count": 900,
                        "outline": outline, "faq": [format!("What is {}?", kws[i]), format!("When to think about {}?", kws[i]), format!("How much does {} cost?", kws[i])]})
                })
                .collect();
            serde_json::json!({"ideas": ideas})
        }
        Kind::Section => {
            let heading = between(prompt, "Write only the body of section ", "(the heading");
            let budget: usize = between(prompt, "Length: about ", " words")
                .trim()
                .parse()
                .unwrap_or(120);
            let mut html = paragraphs(budget, heading.trim());
            if matches!(fault, Some(Fault::Script)) {
                // Passes the writer's own checks (no <script>, no <img>): only the sanitiser stops it.
                html.push_str("<p onclick=\"steal()\">Click <a href=\"javascript:alert(1)\">here</a> now</p><iframe src=\"https://evil.example\"></iframe><style>p{display:none}</style>");
            }
            serde_json::json!({"html": html})
        }
        Kind::Intro => {
            let primary = between(prompt, "Primary keyword: ", "\n");
            serde_json::json!({"intro_html": format!("<p><em>Here is {primary} made simple.</em></p>{}", paragraphs(60, "intro")), "takeaways_heading": "Key takeaways",
                "takeaways": ["Start early.", "Water deeply.", "Feed in spring."]})
        }
        Kind::Conclusion => {
            serde_json::json!({"heading": "Conclusion", "html": paragraphs(60, "conclusion")})
        }
        Kind::Faq => {
            let qs = between(prompt, "each of these questions: ", "\n");
            let items: Vec<_> = qs
                .split(" | ")
                .map(
                    |q| serde_json::json!({"question": q.trim(), "answer_html": paragraphs(40, q)}),
                )
                .collect();
            serde_json::json!({"heading": "Frequently asked questions", "items": items})
        }
        Kind::Meta => {
            let primary = between(prompt, "containing the primary keyword \"", "\"");
            let mut title = format!("{primary}: a guide");
            title.truncate(60);
            serde_json::json!({"meta_title": title, "meta_description": format!("{} {}", primary, "x".repeat(130 - primary.len().min(100))).chars().take(140).collect::<String>(),
                "slug": primary.replace(' ', "-"), "excerpt": "A short guide."})
        }
        Kind::ImagePrompts => {
            let sections: Vec<String> = between(prompt, "[SECTIONS]\n", "\n\n")
                .lines()
                .map(|l| l.split_once(". ").map(|x| x.1).unwrap_or(l).to_string())
                .collect();
            let title_words = between(prompt, "Article title: ", "\n");
            let in_article: Vec<_> = sections.iter().map(|h| serde_json::json!({"prompt": format!("A photo about {h}"), "alt": format!("Illustration of {h}").chars().take(120).collect::<String>(), "caption": "A caption."})).collect();
            serde_json::json!({"featured": {"prompt": format!("A wide photo of {title_words}"), "alt": "Featured image", "caption": "Featured."}, "in_article": in_article})
        }
    }
}

fn openai_body(content: &str, finish: &str, refusal: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-FakePipeline", "object": "chat.completion", "created": 1795576890,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": refusal},
                     "logprobs": null, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 400, "total_tokens": 1600}
    })
}

fn anthropic_body(content: &str, stop: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "msg_01FakePipeline", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": content}], "stop_reason": stop, "stop_sequence": null,
        "usage": {"input_tokens": 1200, "output_tokens": 400}
    })
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        // The stage's prompt is the first user message; a re-ask appends the bad answer and a
        // user message quoting the validation error.
        let users: Vec<String> = body["messages"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter(|m| m["role"] == "user")
                    .filter_map(|m| m["content"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let prompt = users.first().cloned().unwrap_or_default();
        let last = users.last().cloned().unwrap_or_default();
        let Some(kind) = kind_of(&prompt) else {
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {"message": "the fake cannot answer this prompt", "type": "invalid_request_error"}}));
        };
        self.model.count.fetch_add(1, Ordering::SeqCst);
        self.model.calls.lock().unwrap().push((kind, last));
        let fault = self.model.next_fault(kind);
        let mut delay = *self.model.delay.lock().unwrap();
        match &fault {
            Some(Fault::RateLimited) => {
                return ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(serde_json::json!({"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "requests", "code": "rate_limit_exceeded"}}));
            }
            Some(Fault::Server500) => {
                return ResponseTemplate::new(500).set_body_json(serde_json::json!({"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}));
            }
            Some(Fault::QuotaExhausted) => {
                return ResponseTemplate::new(429).set_body_json(serde_json::json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}));
            }
            Some(Fault::Slow(d)) => delay = *d,
            _ => {}
        }
        let good = answer(kind, &prompt, fault.as_ref()).to_string();
        let (text, finish) = match fault {
            Some(Fault::BadJson) => (format!("{},", &good[..good.len() - 1]), "stop"),
            Some(Fault::Truncated) => (good[..good.len() / 2].to_string(), "length"),
            _ => (good, "stop"),
        };
        let body = match (self.wire, &fault) {
            (Wire::OpenAi, Some(Fault::Refusal)) => {
                openai_body("", "stop", Some("I'm sorry, I can't help with that."))
            }
            (Wire::OpenAi, _) => openai_body(&text, finish, None),
            (Wire::Anthropic, Some(Fault::Refusal)) => anthropic_body("", "refusal"),
            (Wire::Anthropic, _) => anthropic_body(
                &text,
                if finish == "length" {
                    "max_tokens"
                } else {
                    "end_turn"
                },
            ),
        };
        ResponseTemplate::new(200)
            .set_delay(delay)
            .set_body_json(body)
    }
}

/// OpenAI's images API, answering with one 1×1 PNG per image asked for.
pub struct FakeImages;

impl Respond for FakeImages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let n = body["n"].as_u64().unwrap_or(1);
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        let data: Vec<_> = (0..n)
            .map(|_| serde_json::json!({"b64_json": png, "revised_prompt": body["prompt"]}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"created": 1795576890, "data": data}))
    }
}
