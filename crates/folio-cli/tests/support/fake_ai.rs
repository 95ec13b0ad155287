//! HTTP-level fakes of OpenAI's chat completions and Runware's image inference that answer
//! what each pipeline stage's prompt asks, the way a cooperative model would: clusters placing
//! exactly the keywords listed, ideas built from the cluster's keywords, article parts of the
//! length asked for, image prompts naming their sections' subjects.
//!
//! A stage is recognised by its prompt (the first user message), never by anything the CLI
//! tells the fake, so the tests see what the real pipeline sends. A stage can be made to answer
//! invalid JSON every time, and the writing calls after the first N can be held back, so a test
//! can cancel a run while a call is in flight.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// What a chat request is, read from its prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ask {
    Clusters,
    Ideas,
    Section,
    Intro,
    Conclusion,
    Faq,
    Meta,
    ImagePrompts,
}

impl Ask {
    fn writing(self) -> bool {
        matches!(
            self,
            Ask::Section | Ask::Intro | Ask::Conclusion | Ask::Faq | Ask::Meta
        )
    }
}

/// What the fake was asked, and how to misbehave.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Stages answered with invalid JSON, every attempt.
    pub broken: Arc<Mutex<Vec<Ask>>>,
    /// Writing calls answered at once; the later ones wait `HELD` (the test cancels them).
    pub hold_writing_after: Arc<Mutex<Option<usize>>>,
    pub writing_calls: Arc<AtomicUsize>,
    /// Requests per stage (re-asks included).
    pub asked: Arc<Mutex<BTreeMap<String, usize>>>,
    /// Set when a held call arrived.
    pub holding: Arc<AtomicBool>,
    /// Section answers end with `HOSTILE` markup: what a prompt-injected or careless model
    /// might return. It passes the writer's own checks (no `<script>`, no `<img>`, which are
    /// re-asked), so only the sanitiser keeps it out.
    pub hostile_sections: Arc<AtomicBool>,
}

/// Event handlers, a `javascript:` link and a frame, around text a reader should still get.
pub const HOSTILE: &str = "<p>Ask first <a href=\"javascript:alert(1)\" onclick=\"steal()\">here</a>.</p><iframe src=\"https://evil.example/frame\"></iframe><p><span onerror=\"alert(2)\">Water deeply once a week.</span></p>";

/// How long a held call waits: far longer than any test step.
const HELD: Duration = Duration::from_secs(300);

impl Behaviour {
    pub fn break_stage(&self, ask: Ask) {
        self.broken.lock().unwrap().push(ask);
    }

    pub fn hold_writing_after(&self, n: Option<usize>) {
        *self.hold_writing_after.lock().unwrap() = n;
    }

    /// Requests the fake answered for a stage.
    pub fn asked(&self, ask: Ask) -> usize {
        self.asked
            .lock()
            .unwrap()
            .get(&format!("{ask:?}"))
            .copied()
            .unwrap_or(0)
    }

    pub fn total_asked(&self) -> usize {
        self.asked.lock().unwrap().values().sum()
    }
}

struct ChatFake(Behaviour);

impl Respond for ChatFake {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let prompt = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == "user")
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned();
        let ask = recognise(&prompt).unwrap_or_else(|| panic!("unrecognised prompt:\n{prompt}"));
        *self
            .0
            .asked
            .lock()
            .unwrap()
            .entry(format!("{ask:?}"))
            .or_default() += 1;
        let mut delay = None;
        if ask.writing() {
            let n = self.0.writing_calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(limit) = *self.0.hold_writing_after.lock().unwrap() {
                if n > limit {
                    self.0.holding.store(true, Ordering::SeqCst);
                    delay = Some(HELD);
                }
            }
        }
        let answer = if self.0.broken.lock().unwrap().contains(&ask) {
            broken_answer(ask)
        } else {
            let mut value = answer(ask, &prompt);
            if ask == Ask::Section && self.0.hostile_sections.load(Ordering::SeqCst) {
                let html = format!("{}{HOSTILE}", value["html"].as_str().unwrap_or_default());
                value["html"] = Value::String(html);
            }
            value.to_string()
        };
        let model = body["model"].as_str().unwrap_or("gpt-4o-mini");
        let template = ResponseTemplate::new(200)
            .insert_header("x-request-id", "req_folio_cli_pipeline")
            .set_body_json(chat_completion(model, &answer, &prompt));
        match delay {
            Some(d) => template.set_delay(d),
            None => template,
        }
    }
}

/// A chat.completion as OpenAI sends it, with token counts of about four characters a token.
fn chat_completion(model: &str, content: &str, prompt: &str) -> Value {
    let prompt_tokens = prompt.len() / 4 + 40;
    let completion_tokens = content.len() / 4 + 1;
    json!({
        "id": "chatcmpl-FolioCliPipeline", "object": "chat.completion", "created": 1795576890,
        "model": format!("{model}-2024-07-18"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
        "system_fingerprint": "fp_folio"
    })
}

/// The answer a broken stage gives: prose and JSON cut off mid-object.
pub fn broken_answer(ask: Ask) -> String {
    format!("Here is the {ask:?} plan you asked for: {{\"ideas\": [{{\"title\": \"Compost bin basics\", \"outline\": [")
}

fn recognise(prompt: &str) -> Option<Ask> {
    if prompt.contains("Write only the body of section") {
        Some(Ask::Section)
    } else if prompt.contains("Write the introduction") {
        Some(Ask::Intro)
    } else if prompt.contains("Write the conclusion") {
        Some(Ask::Conclusion)
    } else if prompt.contains("Write the FAQ") {
        Some(Ask::Faq)
    } else if prompt.contains("Write the search metadata") {
        Some(Ask::Meta)
    } else if prompt.contains("[SECTIONS]") && prompt.contains("in-article prompts") {
        Some(Ask::ImagePrompts)
    } else if prompt.contains("\nkeyword | volume | difficulty\n") {
        Some(Ask::Clusters)
    } else if prompt.contains("\nkeyword | volume\n") {
        Some(Ask::Ideas)
    } else {
        None
    }
}

fn answer(ask: Ask, prompt: &str) -> Value {
    match ask {
        Ask::Clusters => clusters(prompt),
        Ask::Ideas => ideas(prompt),
        Ask::Section => section(prompt),
        Ask::Intro => intro(prompt),
        Ask::Conclusion => json!({
            "heading": "Bringing it all together",
            "html": paragraphs("the plan", 70),
        }),
        Ask::Faq => faq(prompt),
        Ask::Meta => meta(prompt),
        Ask::ImagePrompts => image_prompts(prompt),
    }
}

/// The lines after `header` up to the first blank line.
fn block_after<'a>(prompt: &'a str, header: &str) -> Vec<&'a str> {
    let Some(start) = prompt.find(header) else {
        return Vec::new();
    };
    prompt[start + header.len()..]
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

/// The rest of the line after `marker`.
fn line_after<'a>(prompt: &'a str, marker: &str) -> &'a str {
    prompt
        .find(marker)
        .map(|i| &prompt[i + marker.len()..])
        .and_then(|rest| rest.lines().next())
        .unwrap_or_default()
        .trim()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Keywords grouped by their first word: groups of 3+ become clusters (named after their
/// shortest keyword, or placed in the existing cluster of that name), the rest unclustered.
fn clusters(prompt: &str) -> Value {
    let keywords: Vec<String> = block_after(prompt, "\nkeyword | volume | difficulty")
        .iter()
        .map(|l| l.split(" | ").next().unwrap().trim().to_owned())
        .collect();
    let existing: Vec<String> = block_after(prompt, "[EXISTING CLUSTERS]")
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| l != "(none yet)")
        .collect();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in &keywords {
        let head = k
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        groups.entry(head).or_default().push(k.clone());
    }
    let (mut new, mut old, mut unclustered) = (Vec::new(), Vec::new(), Vec::new());
    for (_, group) in groups {
        if group.len() < 3 {
            unclustered.extend(group);
            continue;
        }
        let shortest = group
            .iter()
            .min_by_key(|k| (k.len(), (*k).clone()))
            .unwrap();
        let name = capitalise(shortest);
        if let Some(e) = existing.iter().find(|e| e.eq_ignore_ascii_case(&name)) {
            old.push(json!({"cluster": e, "keywords": group}));
        } else {
            new.push(json!({
                "name": name,
                "description": format!("Readers who want to get {shortest} right."),
                "keywords": group,
                "singleton_reason": "",
            }));
        }
    }
    json!({"clusters": new, "existing": old, "unclustered": unclustered})
}

const TITLES: [&str; 3] = [
    "{K}: a practical guide",
    "How to choose the right {k}",
    "Mistakes beginners make with {k}",
];

const HEADINGS: [&str; 6] = [
    "What {k} means for a home garden",
    "Choosing a good spot",
    "Setting everything up step by step",
    "Looking after it through the seasons",
    "Problems worth avoiding early",
    "What it costs over a year",
];

/// Three ideas from the cluster's keywords (by volume): each a primary keyword and two covered
/// ones, six sections and three FAQ questions.
fn ideas(prompt: &str) -> Value {
    let keywords: Vec<String> = block_after(prompt, "\nkeyword | volume")
        .iter()
        .map(|l| l.split(" | ").next().unwrap().trim().to_owned())
        .collect();
    assert!(keywords.len() >= 3, "a cluster of 3+ keywords: {prompt}");
    let ideas: Vec<Value> = (0..3)
        .map(|i| {
            let k = &keywords[i];
            let fill = |t: &str| t.replace("{K}", &capitalise(k)).replace("{k}", k);
            let outline: Vec<Value> = HEADINGS
                .iter()
                .enumerate()
                .map(|(j, h)| {
                    json!({
                        "heading": fill(h),
                        "coverage": format!("Explain {} for someone starting out with {k}.", fill(h).to_lowercase()),
                        "subheadings": if j == 2 { json!(["Tools you need", "The first weekend"]) } else { json!([]) },
                        "format": if j == 4 { "list" } else { "paragraphs" },
                        "keywords": [k],
                    })
                })
                .collect();
            json!({
                "title": fill(TITLES[i]),
                "description": format!("A clear, hands-on article about {k} for home gardeners."),
                "content_structure": "guide",
                "primary_keyword": k,
                "covered_keywords": [&keywords[(i + 1) % 3], &keywords[(i + 2) % 3]],
                "target_word_count": 1200,
                "outline": outline,
                "faq": [
                    format!("How long does {k} take to show results?"),
                    format!("Is {k} worth it for a small garden?"),
                    format!("What does {k} cost to get started?"),
                ],
            })
        })
        .collect();
    json!({ "ideas": ideas })
}

const SENTENCES: [&str; 6] = [
    "Most home gardeners notice the difference that {s} makes within a single season, especially when the soil is given time to settle.",
    "Start small, keep notes on what works in your own beds, and adjust the routine once the weather turns warmer or wetter.",
    "A little planning up front saves hours of work later, because every decision about {s} shapes what you do in the following months.",
    "Neighbours and local garden clubs are a good source of advice, since they deal with the same climate, pests and soil as you do.",
    "Check on progress every week or two, and write down the date, the weather and anything unusual you see in the garden.",
    "When something goes wrong, change one thing at a time so that you can tell which change actually helped.",
];

/// Words the sentences are varied with, so no 5-word run repeats across an article's parts
/// (the quality gate rejects an article that repeats itself).
const VARIETY: [&str; 24] = [
    "mulch",
    "clay",
    "loam",
    "frost",
    "drought",
    "seedlings",
    "worms",
    "shade",
    "compost",
    "rain",
    "roots",
    "beds",
    "spring",
    "autumn",
    "weeds",
    "slugs",
    "sunlight",
    "pots",
    "trellis",
    "paths",
    "hedges",
    "borders",
    "tubers",
    "cuttings",
];

/// `<p>` paragraphs about `subject` with at least `words` words: the sentences above, each
/// with words picked by a generator seeded from the subject and the sentence's place.
fn paragraphs(subject: &str, words: usize) -> String {
    let mut x = subject.bytes().fold(0x9e37_79b9_7f4a_7c15u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) | 1;
    let mut pick = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        VARIETY[(x % VARIETY.len() as u64) as usize]
    };
    let mut html = String::new();
    let mut count = 0;
    let mut i = 0;
    while count < words {
        let mut p = Vec::new();
        for _ in 0..3 {
            // the sentence's first half, then its own words: no two sentences share a run
            let opening: Vec<&str> = SENTENCES[i % SENTENCES.len()]
                .replace("{s}", subject)
                .split_whitespace()
                .take(3)
                .map(|_| pick())
                .collect();
            let s = format!(
                "{} {} matter for {} with {}, {}, {} and {}.",
                if i % 4 == 0 { subject } else { "Your" },
                opening.join(" "),
                pick(),
                pick(),
                pick(),
                pick(),
                pick()
            );
            count += s.split_whitespace().count();
            p.push(s);
            i += 1;
        }
        html.push_str(&format!("<p>{}</p>", p.join(" ")));
    }
    html
}

fn section(prompt: &str) -> Value {
    // `Write only the body of section 2: "Heading" (the heading is added for you).`
    let line = line_after(prompt, "Write only the body of section ");
    let heading = line
        .split_once(": \"")
        .and_then(|(_, rest)| rest.split("\" (the heading").next())
        .unwrap_or("this section");
    let words: usize = line_after(prompt, "Length: about ")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    let keyword = line_after(prompt, "Keywords to use naturally: ");
    let mut html = paragraphs(&heading.to_lowercase(), words);
    if prompt.contains("Format: a short lead paragraph, then a <ul>") {
        html.push_str(&format!(
            "<ul><li>Forgetting about {keyword} until it is too late</li><li>Buying before measuring</li><li>Skipping the weekly check</li></ul>"
        ));
    }
    json!({ "html": html })
}

fn primary(prompt: &str) -> String {
    line_after(prompt, "Primary keyword: ").to_owned()
}

fn intro(prompt: &str) -> Value {
    let k = primary(prompt);
    json!({
        "intro_html": format!("<p>Getting {k} right is easier than it looks.</p>{}", paragraphs(&k, 40)),
        "takeaways_heading": "Key takeaways",
        "takeaways": [
            format!("Plan {k} before you buy anything."),
            "Small, regular checks beat big weekend rescues.".to_owned(),
            "Write down what works in your own garden.".to_owned(),
        ],
    })
}

fn faq(prompt: &str) -> Value {
    let questions = line_after(prompt, "to each of these questions: ");
    let items: Vec<Value> = questions
        .split(" | ")
        .map(|q| json!({"question": q.trim(), "answer_html": paragraphs("the answer", 40)}))
        .collect();
    json!({"heading": "Frequently asked questions", "items": items})
}

fn meta(prompt: &str) -> Value {
    let k = primary(prompt);
    let mut title = format!("{}: a practical guide", capitalise(&k));
    if title.chars().count() > 60 {
        title = capitalise(&k);
    }
    let mut description = format!(
        "Learn {k} step by step: what to choose, how to set it up and which mistakes to avoid in your own garden."
    );
    while description.chars().count() < 125 {
        description.push_str(" Clear advice.");
    }
    let description: String = description.chars().take(150).collect();
    json!({
        "meta_title": title,
        "meta_description": description.trim_end(),
        "slug": k.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-"),
        "excerpt": format!("A practical guide to {k} for home gardeners."),
    })
}

fn image_prompts(prompt: &str) -> Value {
    let title = line_after(prompt, "Article title: ");
    let sections: Vec<String> = block_after(prompt, "[SECTIONS]")
        .iter()
        .map(|l| l.split_once(". ").map_or(*l, |(_, h)| h).trim().to_owned())
        .collect();
    let alt = |s: &str| s.chars().take(100).collect::<String>();
    let in_article: Vec<Value> = sections
        .iter()
        .map(|h| {
            json!({
                "prompt": format!("A photograph illustrating {}, soft morning light", h.to_lowercase()),
                "alt": alt(h),
                "caption": format!("{h}."),
            })
        })
        .collect();
    json!({
        "featured": {
            "prompt": format!("A wide photograph about {}, a tidy garden in warm light", title.to_lowercase()),
            "alt": alt(title),
            "caption": "A garden in early summer.",
        },
        "in_article": in_article,
    })
}

/// Runware's imageInference: one PNG per task, echoing its taskUUID, with the cost.
struct RunwareImages(Arc<AtomicUsize>);

/// A valid 1×1 PNG, base64.
const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

impl Respond for RunwareImages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let tasks: Value = serde_json::from_slice(&request.body).unwrap();
        let mut data = Vec::new();
        for task in tasks.as_array().unwrap() {
            if task["taskType"] != "imageInference" {
                continue;
            }
            let uuid = task["taskUUID"].as_str().unwrap();
            for i in 0..task["numberResults"].as_u64().unwrap_or(1) {
                let n = self.0.fetch_add(1, Ordering::SeqCst);
                data.push(json!({
                    "taskType": "imageInference", "taskUUID": uuid,
                    "imageUUID": format!("5f0c2a1e-0000-4000-8000-{n:012}"),
                    "imageBase64Data": PNG_BASE64, "seed": 1234 + i, "NSFWContent": false,
                    "cost": 0.009
                }));
            }
        }
        ResponseTemplate::new(200).set_body_json(json!({ "data": data }))
    }
}

/// The fakes, running.
pub struct Fakes {
    pub openai: MockServer,
    pub runware: MockServer,
    pub behaviour: Behaviour,
    pub images: Arc<AtomicUsize>,
}

impl Fakes {
    pub async fn start() -> Self {
        let behaviour = Behaviour::default();
        let openai = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ChatFake(behaviour.clone()))
            .mount(&openai)
            .await;
        let runware = MockServer::start().await;
        let images = Arc::new(AtomicUsize::new(0));
        Mock::given(method("POST"))
            .and(path("/v1"))
            .respond_with(RunwareImages(images.clone()))
            .mount(&runware)
            .await;
        Fakes {
            openai,
            runware,
            behaviour,
            images,
        }
    }

    pub fn openai_url(&self) -> String {
        format!("{}/v1", self.openai.uri())
    }

    pub fn runware_url(&self) -> String {
        format!("{}/v1", self.runware.uri())
    }
}
