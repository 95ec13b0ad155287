//! The content pipeline in the real app window against a fake OpenAI (wiremock on 127.0.0.1:0)
//! that answers every stage's prompt validly: a site with a sector and six keywords is written
//! through core before the app starts; in the window OpenAI is pointed at the fake with a key
//! (Settings), then Planner → Clusters shows core's estimate, clusters on confirm, lists the two
//! clusters with their figures and opens one (its keywords; a rename); Planner → Ideas generates
//! ideas for that cluster (estimate, confirm), an outline heading is edited and saved, the idea
//! queued; Writer → Queue writes it (estimate, confirm, the part being written shown on the
//! task while the job runs); the article's page shows the body core assembled (with the edited
//! heading), its quality report and its cost, and *Generate images* shows an estimate that is
//! declined. Core on the same data directory agrees afterwards. Screenshots in `target/e2e/`.

use anyhow::{bail, Context, Result};
use fantoccini::{Client, Locator};
use folio_core::{Folio, ImportOptions};
use folio_e2e::{
    click, display_available, screenshot, texts, type_into, wait_for_attr, wait_for_text,
    wait_for_texts, wait_gone, Driver, UI_TIMEOUT,
};
use folio_model::{ContentId, NewSite, SiteId, Stage, StageTarget};
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "sk-folio-e2e-pipeline-7c1d2e9f30a4b5";
/// The keywords (volume, difficulty); the fake puts those about pruning in one cluster.
const KEYWORDS: [(&str, u32, u32); 6] = [
    ("prune roses", 5400, 22),
    ("when to prune roses", 2900, 18),
    ("rose pruning tools", 880, 25),
    ("rose fertilizer", 3600, 30),
    ("feed roses", 1300, 15),
    ("best rose food", 1900, 28),
];
const EDITED_HEADING: &str = "Pruning cuts that heal fast";

/// The words this test's fake writes its articles with (see [`folio_e2e::prose`]).
const VOCABULARY: [&str; 48] = [
    "roses",
    "garden",
    "cane",
    "bud",
    "leaf",
    "stem",
    "soil",
    "water",
    "sun",
    "shade",
    "bloom",
    "root",
    "mulch",
    "spring",
    "winter",
    "autumn",
    "cut",
    "shear",
    "angle",
    "node",
    "growth",
    "health",
    "disease",
    "air",
    "light",
    "height",
    "shape",
    "old",
    "young",
    "wood",
    "green",
    "brown",
    "thin",
    "thick",
    "clean",
    "sharp",
    "slow",
    "fast",
    "early",
    "late",
    "every",
    "season",
    "gardeners",
    "keep",
    "watch",
    "choose",
    "leave",
    "remove",
];

fn prose(topic: &str, words: usize) -> String {
    folio_e2e::prose(&VOCABULARY, topic, words)
}

/// The lines under the first table header `header` (`a | b | …`), up to the first line that is
/// not a row; each row's first cell.
fn table_column(prompt: &str, header: &str) -> Vec<String> {
    let Some(at) = prompt.find(&format!("{header}\n")) else {
        return Vec::new();
    };
    prompt[at + header.len() + 1..]
        .lines()
        .take_while(|l| l.contains(" | "))
        .map(|l| l.split(" | ").next().unwrap_or_default().trim().to_owned())
        .collect()
}

fn after<'a>(prompt: &'a str, marker: &str) -> Option<&'a str> {
    prompt.find(marker).map(|i| {
        prompt[i + marker.len()..]
            .lines()
            .next()
            .unwrap_or_default()
    })
}

/// The fake's answer to one prompt (the JSON the model would write), by what the prompt asks.
fn answer(prompt: &str) -> Result<(Value, bool)> {
    // Clustering: every keyword of the batch placed once, 3 per cluster.
    let batch = table_column(prompt, "keyword | volume | difficulty");
    if !batch.is_empty() {
        let (pruning, feeding): (Vec<String>, Vec<String>) =
            batch.into_iter().partition(|k| k.contains("prun"));
        let cluster = |name: &str, keywords: Vec<String>| {
            json!({"name": name, "description": format!("{name} for home gardeners"),
                   "keywords": keywords, "singleton_reason": ""})
        };
        return Ok((
            json!({"clusters": [cluster("Pruning roses", pruning), cluster("Feeding roses", feeding)],
                   "existing": [], "unclustered": []}),
            false,
        ));
    }
    // Ideas: three ideas, each with a primary and two covered keywords of the cluster.
    let cluster = table_column(prompt, "keyword | volume");
    if !cluster.is_empty() {
        let titles = [
            "The complete guide to {}",
            "{}: seven mistakes beginners make",
            "What experienced growers know about {}",
        ];
        let ideas: Vec<Value> = (0..3)
            .map(|i| {
                let primary = &cluster[i % cluster.len()];
                let covered: Vec<&String> = cluster.iter().filter(|k| *k != primary).take(2).collect();
                let outline: Vec<Value> = (1..=6)
                    .map(|s| json!({"heading": format!("Step {s} of {primary}"),
                                    "coverage": format!("What step {s} involves and why it matters"),
                                    "subheadings": if s == 2 { json!(["Timing", "Tools"]) } else { json!([]) },
                                    "format": if s == 3 { "list" } else { "paragraphs" },
                                    "keywords": [primary]}))
                    .collect();
                json!({"title": titles[i].replace("{}", primary),
                       "description": format!("A practical article about {primary}."),
                       "content_structure": "guide", "primary_keyword": primary,
                       "covered_keywords": covered, "target_word_count": 600,
                       "outline": outline,
                       "faq": [format!("How often should I think about {primary}?"),
                               format!("Is {primary} hard for beginners?"),
                               format!("What goes wrong with {primary}?")]})
            })
            .collect();
        return Ok((json!({ "ideas": ideas }), false));
    }
    // Writing: one part per call.
    if let Some(rest) = after(prompt, "Write only the body of section ") {
        return Ok((
            json!({"html": format!("<p>{}</p><p>{}</p>", prose(&format!("section {rest}"), 45), prose(&format!("the next cut of {rest}"), 45))}),
            true,
        ));
    }
    let primary = after(prompt, "Primary keyword: ")
        .unwrap_or("roses")
        .trim()
        .to_owned();
    if prompt.contains("Write the introduction") {
        return Ok((
            json!({"intro_html": format!("<p>Getting {primary} right is easier than it looks. {}</p>", prose("the introduction", 40)),
                   "takeaways_heading": "Key takeaways",
                   "takeaways": ["Cut in late winter.", "Use clean, sharp tools.", "Feed after pruning."]}),
            true,
        ));
    }
    if prompt.contains("Write the conclusion") {
        return Ok((
            json!({"heading": "Bringing it together", "html": format!("<p>{}</p>", prose("the conclusion", 40))}),
            true,
        ));
    }
    if let Some(questions) = after(prompt, "to each of these questions: ") {
        let items: Vec<Value> = questions
            .split(" | ")
            .map(|q| json!({"question": q.trim(), "answer_html": format!("<p>{}</p>", prose(q, 25))}))
            .collect();
        return Ok((
            json!({"heading": "Frequently asked questions", "items": items}),
            true,
        ));
    }
    if prompt.contains("Write the search metadata") {
        let mut description = format!(
            "Everything about {primary}: when to do it, which tools help and the mistakes to avoid, explained simply for home gardeners"
        );
        while description.chars().count() < 130 {
            description.push_str(" today");
        }
        let description: String = description.chars().take(150).collect();
        let title: String = format!("{primary}: a practical guide")
            .chars()
            .take(60)
            .collect();
        return Ok((
            json!({"meta_title": title, "meta_description": description.trim(),
                   "slug": primary.replace(' ', "-"), "excerpt": format!("A practical guide to {primary}.")}),
            true,
        ));
    }
    bail!("the fake does not know this prompt")
}

/// OpenAI's chat completions, answering each stage's prompt; prompts it cannot answer are kept
/// to explain a failure.
struct FakeOpenAi {
    unknown: Arc<Mutex<Vec<String>>>,
}

impl Respond for FakeOpenAi {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap_or_default();
        // The stage's own prompt is the first user message (a re-ask appends more).
        let prompt = body["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["role"] == "user"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned();
        match answer(&prompt) {
            Ok((value, writing)) => {
                let template = ResponseTemplate::new(200).set_body_json(json!({
                    "id": "chatcmpl-e2e", "object": "chat.completion",
                    "model": body["model"].as_str().unwrap_or("gpt-4o-mini"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": value.to_string()}}],
                    "usage": {"prompt_tokens": 1200, "completion_tokens": 400, "total_tokens": 1600}
                }));
                // Writing parts take a moment, as a model's do: the window shows each one.
                if writing {
                    template.set_delay(Duration::from_millis(800))
                } else {
                    template
                }
            }
            Err(e) => {
                if let Ok(mut u) = self.unknown.lock() {
                    u.push(prompt.chars().take(600).collect());
                }
                ResponseTemplate::new(500).set_body_json(json!({
                    "error": {"message": e.to_string(), "type": "server_error"}
                }))
            }
        }
    }
}

async fn seed(data_dir: &Path, files: &Path) -> Result<SiteId> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Rose Garden".into(),
            domain: "rosegarden.example".into(),
            sectors: vec!["Rose care".into()],
        })
        .await?;
    let mut csv = String::from("Keyword,Volume,Keyword Difficulty\n");
    for (k, v, d) in KEYWORDS {
        csv.push_str(&format!("{k},{v},{d}\n"));
    }
    let file = files.join("roses.csv");
    std::fs::write(&file, csv)?;
    let report = folio
        .import_keyword_file(site.id, None, &file, &ImportOptions::default())
        .await?;
    assert_eq!(report.imported, 6);
    folio.close().await;
    Ok(site.id)
}

/// Wait for a row of `rows` whose `cell` reads `text`; answer its attribute `attr`.
async fn row_attr(app: &Client, rows: &str, cell: &str, text: &str, attr: &str) -> Result<String> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        for row in app.find_all(Locator::Css(rows)).await.unwrap_or_default() {
            let Ok(el) = row.find(Locator::Css(cell)).await else {
                continue;
            };
            let shown = el
                .prop("textContent")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            if shown.trim() == text {
                if let Ok(Some(v)) = row.attr(attr).await {
                    return Ok(v);
                }
            }
        }
        if Instant::now() > deadline {
            bail!("no {rows} whose {cell} reads {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(app: &Client, css: &str) -> Result<String> {
    Ok(texts(app, css).await?.concat())
}

/// Wait for a stage panel to show its estimate and return (items, model).
async fn estimate_shown(app: &Client, panel: &str) -> Result<(String, String)> {
    wait_for_attr(app, &format!("#{panel}"), "data-phase", "confirming").await?;
    let items = text_of(app, &format!("#{panel}-est-items")).await?;
    let model = text_of(app, &format!("#{panel}-est-model")).await?;
    let credits = text_of(app, &format!("#{panel}-est-credits")).await?;
    let usd = text_of(app, &format!("#{panel}-est-usd")).await?;
    assert!(credits.parse::<u64>().is_ok(), "{credits}");
    assert!(usd.starts_with('$'), "{usd}");
    assert_eq!(
        text_of(app, &format!("#{panel}-est-available")).await?,
        "no limit"
    );
    Ok((items, model))
}

async fn finished(app: &Client, panel: &str, unknown: &Arc<Mutex<Vec<String>>>) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let phase = app
            .find(Locator::Css(&format!("#{panel}")))
            .await?
            .attr("data-phase")
            .await?
            .unwrap_or_default();
        if phase == "finished" {
            return text_of(app, &format!("#{panel}-summary")).await;
        }
        if phase == "failed" || Instant::now() > deadline {
            let error = texts(app, &format!("#{panel}-error")).await?.concat();
            let unknown = unknown.lock().map(|u| u.clone()).unwrap_or_default();
            bail!("{panel} ended {phase:?}: {error}; prompts the fake did not know: {unknown:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_become_a_written_article_through_the_pipeline_pages() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let unknown = Arc::new(Mutex::new(Vec::new()));
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(FakeOpenAi {
            unknown: unknown.clone(),
        })
        .mount(&mock)
        .await;
    let base_url = format!("{}/v1", mock.uri());
    let data_dir = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let site = seed(data_dir.path(), files.path()).await?;
    let keychain = folio_e2e::keychain_service("pipeline");
    let driver = Driver::start_with_env(
        data_dir.path(),
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;

    // OpenAI at the fake, with a key.
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    folio_e2e::set_up_openai(&app, &base_url, KEY).await?;

    // Planner → Clusters: nothing yet; the estimate first, then the run.
    click(&app, "#nav-clusters").await?;
    wait_for_text(&app, "#page-title", "the Clusters page", |t| {
        t == "Clusters"
    })
    .await?;
    wait_for_attr(&app, "#nav-clusters", "aria-current", "page").await?;
    wait_for_text(&app, "#clusters-empty h2", "no clusters yet", |t| {
        t == "No clusters yet"
    })
    .await?;
    click(&app, "#clusters-run-ai").await?;
    let (items, model) = estimate_shown(&app, "cluster-run").await?;
    assert_eq!(
        (items.as_str(), model.as_str()),
        ("6 keywords", "gpt-4o-mini")
    );
    let credits = text_of(&app, "#cluster-run-est-credits").await?;
    assert!(credits.parse::<u64>().is_ok_and(|c| c > 0), "{credits}");
    assert_eq!(
        mock.received_requests().await.unwrap_or_default().len(),
        0,
        "nothing is asked of the provider before the person confirms"
    );
    screenshot(&app, "pipeline-cluster-estimate").await?;
    click(&app, "#cluster-run-confirm").await?;
    let summary = finished(&app, "cluster-run", &unknown).await?;
    assert_eq!(summary, "1 done");
    let names = wait_for_texts(&app, ".cluster-row .cluster-open", "two clusters", |t| {
        t.len() == 2
    })
    .await?;
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["Feeding roses", "Pruning roses"]);
    let pruning = row_attr(
        &app,
        ".cluster-row",
        ".cluster-open",
        "Pruning roses",
        "data-cluster",
    )
    .await?;
    let row = format!(".cluster-row[data-cluster='{pruning}']");
    assert_eq!(
        text_of(&app, &format!("{row} .cluster-keywords")).await?,
        "3"
    );
    assert_eq!(
        text_of(&app, &format!("{row} .cluster-volume")).await?,
        "9,180"
    );
    assert_eq!(
        text_of(&app, &format!("{row} .cluster-difficulty")).await?,
        "21.7"
    );

    // Open it: its keywords; rename it.
    click(&app, &format!("{row} .cluster-open")).await?;
    wait_for_text(&app, "#cluster-detail-title", "the open cluster", |t| {
        t == "Pruning roses"
    })
    .await?;
    let mut kws = wait_for_texts(&app, ".cluster-keyword-text", "its keywords", |t| {
        t.len() == 3
    })
    .await?;
    kws.sort();
    assert_eq!(
        kws,
        ["prune roses", "rose pruning tools", "when to prune roses"]
    );
    type_into(&app, "#cluster-name", "Rose pruning").await?;
    click(&app, "#cluster-rename").await?;
    wait_for_text(&app, "#cluster-notice", "the rename", |t| {
        t.contains("Renamed to \u{201c}Rose pruning\u{201d}.")
    })
    .await?;
    wait_for_text(
        &app,
        &format!("{row} .cluster-open"),
        "the new name in the list",
        |t| t == "Rose pruning",
    )
    .await?;
    screenshot(&app, "pipeline-clusters").await?;

    // Planner → Ideas for that cluster.
    click(&app, "#nav-ideas").await?;
    wait_for_text(&app, "#page-title", "the Ideas page", |t| t == "Ideas").await?;
    click(&app, &format!("#ideas-cluster option[value='{pruning}']")).await?;
    wait_for_text(&app, "#ideas-empty h2", "no ideas yet", |t| {
        t == "No ideas yet"
    })
    .await?;
    click(&app, "#ideas-generate").await?;
    let (items, _) = estimate_shown(&app, "ideas-run").await?;
    assert_eq!(items, "1 cluster");
    click(&app, "#ideas-run-confirm").await?;
    assert_eq!(finished(&app, "ideas-run", &unknown).await?, "1 done");
    let titles = wait_for_texts(&app, ".idea-card .idea-title", "three ideas", |t| {
        t.len() == 3
    })
    .await?;
    let title = "The complete guide to prune roses";
    assert!(titles.iter().any(|t| t == title), "{titles:?}");
    let idea = row_attr(&app, ".idea-card", ".idea-title", title, "data-idea").await?;
    let card = format!(".idea-card[data-idea='{idea}']");
    let headings = texts(&app, &format!("{card} .outline-heading")).await?;
    assert_eq!(headings.len(), 6, "{headings:?}");
    assert_eq!(
        texts(&app, &format!("{card} .outline-h3")).await?,
        ["Timing", "Tools"]
    );
    assert_eq!(
        texts(&app, &format!("{card} .faq-question")).await?.len(),
        3
    );

    // Edit the first heading and save it through core.
    click(&app, &format!("{card} .idea-edit")).await?;
    type_into(&app, "#outline-heading-0", EDITED_HEADING).await?;
    click(&app, "#outline-save").await?;
    wait_gone(&app, "#outline-editor", "the outline editor").await?;
    wait_for_texts(
        &app,
        &format!("{card} .outline-heading"),
        "the edited heading",
        |t| t.first().is_some_and(|h| h.starts_with(EDITED_HEADING)),
    )
    .await?;

    // Queue it for writing.
    click(&app, &format!("{card} .idea-queue")).await?;
    wait_for_text(&app, "#ideas-queued", "the idea queued", |t| {
        t.contains("Queued 1 idea for writing.")
    })
    .await?;
    wait_for_attr(&app, &card, "data-status", "queued").await?;
    screenshot(&app, "pipeline-ideas").await?;

    // Writer → Queue: write it, following each part.
    click(&app, "#ideas-open-queue").await?;
    wait_for_text(&app, "#page-title", "the Queue page", |t| t == "Queue").await?;
    let task = row_attr(&app, ".task-row", ".task-title", title, "data-task").await?;
    let task_row = format!(".task-row[data-task='{task}']");
    wait_for_attr(&app, &task_row, "data-status", "queued").await?;
    click(&app, &format!("{task_row} .task-write")).await?;
    let (items, _) = estimate_shown(&app, "write-run").await?;
    assert_eq!(items, "1 article");
    click(&app, "#write-run-confirm").await?;
    let part = wait_for_text(
        &app,
        &format!("{task_row} .task-part"),
        "the part being written",
        |t| t.starts_with("Writing "),
    )
    .await?;
    assert!(
        part.starts_with("Writing section") || part.starts_with("Writing introduction"),
        "{part}"
    );
    wait_for_text(&app, "#write-run-message", "the job's message", |t| {
        t.starts_with(&format!("\u{201c}{title}\u{201d}: "))
    })
    .await?;
    assert_eq!(finished(&app, "write-run", &unknown).await?, "1 done");
    wait_for_attr(&app, &task_row, "data-status", "completed").await?;
    screenshot(&app, "pipeline-queue").await?;

    // The article: core's HTML rendered, its quality report and its cost.
    let article = row_attr(
        &app,
        "#queue-articles li",
        ".article-link",
        title,
        "data-content-id",
    )
    .await?;
    click(
        &app,
        &format!("#queue-articles li[data-content-id='{article}'] .article-link"),
    )
    .await?;
    wait_for_text(&app, "#page-title", "the article's page", |t| t == title).await?;
    let h2s = wait_for_texts(&app, "#article-body h2", "the article's sections", |t| {
        t.len() == 8
    })
    .await?;
    assert_eq!(h2s[0], EDITED_HEADING, "{h2s:?}");
    assert_eq!(
        h2s[6..],
        ["Bringing it together", "Frequently asked questions"]
    );
    assert_eq!(
        texts(&app, "#article-body h3").await?.len(),
        3,
        "the FAQ's questions"
    );
    assert!(text_of(&app, "#article-body")
        .await?
        .starts_with("Getting prune roses right"));
    assert!(app
        .find_all(Locator::Css("#article-body script"))
        .await?
        .is_empty());
    wait_for_text(&app, "#quality-verdict", "the quality report", |t| {
        t.starts_with("Passed")
    })
    .await?;
    let credits = wait_for_text(&app, "#content-cost-credits", "the article's cost", |t| {
        !t.is_empty()
    })
    .await?;
    let usd = text_of(&app, "#content-cost-usd").await?;
    assert!(usd.starts_with('$'), "{usd}");

    // Images: the estimate is shown and declined; nothing is spent.
    let before = mock.received_requests().await.unwrap_or_default().len();
    click(&app, "#images-generate").await?;
    let (items, _) = estimate_shown(&app, "images-run").await?;
    assert_eq!(items, "1 article");
    click(&app, "#images-run-decline").await?;
    wait_gone(&app, "#images-run", "the declined estimate").await?;
    assert_eq!(
        mock.received_requests().await.unwrap_or_default().len(),
        before
    );
    screenshot(&app, "pipeline-article").await?;
    drop(app);
    drop(driver);

    // Core agrees: the edited outline was written from, and the cost is the ledger's.
    let folio = Folio::open(data_dir.path()).await?;
    let id: ContentId = article.parse().context("the article's id")?;
    let content = folio.get_content(id).await?;
    assert!(content
        .body_html
        .contains(&format!("<h2>{EDITED_HEADING}</h2>")));
    let cost = folio.content_cost(id).await?;
    assert_eq!(credits, cost.credits.to_string());
    assert_eq!(usd, format!("${}", folio_model::usd(cost.cost_usd)));
    let waiting = folio
        .estimate_stage(Stage::Writing, &StageTarget::site(site))
        .await?;
    assert_eq!(waiting.items, 0, "nothing left to write");
    assert!(folio.stage_failures(None).await?.is_empty());
    folio.close().await;
    Ok(())
}
