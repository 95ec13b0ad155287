//! The review queue in the real app window. Before the app starts, core writes two articles
//! through the content pipeline against the core tests' HTTP fake of OpenAI (wiremock on
//! 127.0.0.1:0, its prose made distinct here) — one whose title carries its primary keyword, so the quality gate passes it,
//! and one whose title does not, so the gate blocks it — and puts both up for review. In the
//! window, Writer → Review lists both for the first site with their sector, words and quality
//! findings as core stored them; another site shows the empty state; the blocked article's title
//! opens its page; then one is approved and the other rejected, each leaving the list. Core on
//! the same data directory agrees afterwards: approved, back to draft, nothing in review.
//! Screenshots in `target/e2e/`.
//!
//! Runs under `scripts/headless.sh` (the provider key goes to the OS keychain).

// The core tests' fake model panics on a broken request: a panic is how a fake fails a test.
#[path = "../crates/folio-core/tests/support/fake_model.rs"]
mod fake_model;

use anyhow::{bail, Context, Result};
use fake_model::{FakeModel, Wire};
use fantoccini::Locator;
use folio_core::{Folio, ImportOptions};
use folio_e2e::{
    click, display_available, screenshot, texts, wait_for_attr, wait_for_text, wait_for_texts,
    wait_gone, Driver,
};
use folio_model::quality::{QualityCheckKind, QualityReport};
use folio_model::{
    ContentId, ContentStatus, KeywordFilter, KeywordQuery, NewCluster, NewIdea, NewSite,
    OutlineSection, Stage, StageTarget,
};
use serde_json::{json, Value};
use std::path::Path;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CSV: &str = "Keyword,Volume,Keyword Difficulty\ngarden hoe,2400,31\ncompost bin,1900,28\n";

/// The words this test's fake writes its articles with (see [`folio_e2e::prose`]).
const VOCABULARY: [&str; 40] = [
    "hoe", "blade", "handle", "soil", "weeds", "rows", "beds", "steel", "ash", "grip", "edge",
    "angle", "stroke", "root", "stone", "clay", "loam", "moist", "dry", "spring", "summer",
    "autumn", "sharpen", "clean", "oil", "store", "shed", "light", "heavy", "long", "short",
    "push", "pull", "draw", "slice", "keep", "choose", "check", "every", "season",
];

fn prose(topic: &str, words: usize) -> String {
    folio_e2e::prose(&VOCABULARY, topic, words)
}

/// The rest of the line after `marker` in `prompt`.
fn after<'a>(prompt: &'a str, marker: &str) -> Option<&'a str> {
    let at = prompt.find(marker)? + marker.len();
    prompt[at..].lines().next()
}

/// The core tests' fake OpenAI, with the article's prose parts (sections, introduction,
/// conclusion, FAQ) written as distinct text; everything else (the metadata) is the core fake's
/// answer.
struct DistinctProse(fake_model::Responder);

impl DistinctProse {
    fn part(prompt: &str) -> Option<Value> {
        if let Some(section) = after(prompt, "Write only the body of section ") {
            let html = format!(
                "<p>{}</p><p>{}</p>",
                prose(section, 60),
                prose(&format!("{section} again"), 60)
            );
            return Some(json!({ "html": html }));
        }
        if prompt.contains("Write the introduction") {
            let primary = after(prompt, "Primary keyword: ")
                .unwrap_or_default()
                .trim();
            return Some(json!({
                "intro_html": format!("<p>Here is {primary} made simple. {}</p>", prose("introduction", 50)),
                "takeaways_heading": "Key takeaways",
                "takeaways": ["Start early.", "Keep the edge sharp.", "Store it dry."],
            }));
        }
        if prompt.contains("Write the conclusion") {
            return Some(json!({
                "heading": "Conclusion",
                "html": format!("<p>{}</p>", prose("conclusion", 50)),
            }));
        }
        let questions = after(prompt, "to each of these questions: ")?;
        let items: Vec<Value> = questions
            .split(" | ")
            .map(|q| json!({ "question": q.trim(), "answer_html": format!("<p>{}</p>", prose(q, 45)) }))
            .collect();
        Some(json!({ "heading": "Frequently asked questions", "items": items }))
    }
}

impl Respond for DistinctProse {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap_or_default();
        // The part's own prompt is the first user message.
        let prompt = body["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["role"] == "user"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default();
        match Self::part(prompt) {
            Some(answer) => ResponseTemplate::new(200).set_body_json(json!({
                "id": "chatcmpl-e2e-review", "object": "chat.completion",
                "model": body["model"].as_str().unwrap_or("gpt-4o-mini"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.to_string()}}],
                "usage": {"prompt_tokens": 1200, "completion_tokens": 400, "total_tokens": 1600}
            })),
            None => self.0.respond(request),
        }
    }
}

/// One article waiting for review, as core wrote it.
struct Written {
    id: ContentId,
    title: String,
    words: u32,
    report: QualityReport,
}

/// An idea whose outline names its keyword in a heading; `title` decides whether the title
/// carries it too (the quality gate's blocking `keyword_in_title` check).
fn idea(
    site: &folio_model::Site,
    cluster: folio_model::ClusterId,
    keyword: &folio_model::KeywordRow,
    title: &str,
) -> NewIdea {
    let sector = site.sectors[0].id;
    let mut idea = NewIdea::new(site.id, sector, cluster, title);
    idea.primary_keyword = Some(keyword.id);
    idea.target_word_count = Some(600);
    idea.outline = [
        format!("Why a {} matters", keyword.keyword),
        "Choosing well".to_owned(),
        "Looking after it".to_owned(),
    ]
    .into_iter()
    .map(|heading| OutlineSection {
        notes: format!("What \u{201c}{heading}\u{201d} means for home gardeners"),
        heading,
        ..OutlineSection::default()
    })
    .collect();
    idea.faq = vec![
        format!("How long does a {} last?", keyword.keyword),
        "What does it cost?".into(),
    ];
    idea
}

/// Two sites (the review's site first, so the page opens on it) and two articles in review.
async fn seed(data_dir: &Path, openai: &str) -> Result<(Written, Written)> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Garden Blog".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await?;
    folio
        .create_site(&NewSite {
            name: "Kitchen Notes".into(),
            domain: "kitchen.example".into(),
            sectors: vec![],
        })
        .await?;
    folio
        .import_keywords(
            site.id,
            None,
            CSV.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await?;
    folio.set_provider_base_url("openai", Some(openai)).await?;
    folio.set_provider_key("openai", "sk-e2e-review").await?;
    let keywords = folio
        .list_keywords(&KeywordQuery {
            filter: KeywordFilter::site(site.id),
            sort: Default::default(),
            limit: 10,
            offset: 0,
        })
        .await?
        .items;
    let keyword = |k: &str| {
        keywords
            .iter()
            .find(|r| r.keyword == k)
            .with_context(|| format!("the keyword {k:?} was not imported"))
    };
    let cluster = folio
        .create_cluster(NewCluster::new(site.id, site.sectors[0].id, "Garden tools"))
        .await?;
    let titles = ["Choosing a garden hoe", "Where kitchen scraps should go"];
    folio
        .create_idea(idea(&site, cluster.id, keyword("garden hoe")?, titles[0]))
        .await?;
    folio
        .create_idea(idea(&site, cluster.id, keyword("compost bin")?, titles[1]))
        .await?;
    let all = StageTarget::site(site.id);
    let queued = folio.run_stage(Stage::Queue, all.clone()).await?;
    let written = folio.run_stage(Stage::Writing, all).await?;
    if queued.done != 2 || written.done != 2 {
        bail!("the pipeline wrote {written:?} from {queued:?}");
    }
    let articles = folio.list_content(site.id).await?;
    let mut out = Vec::new();
    for title in titles {
        let article = articles
            .iter()
            .find(|c| c.title == title)
            .with_context(|| format!("no article {title:?} in {articles:?}"))?;
        // Written articles are drafts; a person (or automation) puts them up for review.
        folio.review_submit(article.id).await?;
        let report = folio
            .content_quality(article.id)
            .await?
            .with_context(|| format!("{title:?} has no quality report"))?;
        out.push(Written {
            id: article.id,
            title: title.to_owned(),
            words: article.word_count,
            report,
        });
    }
    folio.close().await;
    let (Some(blocked), Some(passed)) = (out.pop(), out.pop()) else {
        bail!("two articles were written");
    };
    // The premise of the test: core's gate passes one and blocks the other on its title.
    if !passed.report.passed() {
        bail!(
            "the quality gate did not pass {:?}: {:?}",
            passed.title,
            passed.report
        );
    }
    let blocking: Vec<QualityCheckKind> =
        blocked.report.blocking_failures().map(|f| f.kind).collect();
    if blocking != [QualityCheckKind::KeywordInTitle] {
        bail!(
            "{:?} was blocked by {blocking:?}, not only its title",
            blocked.title
        );
    }
    Ok((passed, blocked))
}

/// The findings an article's card shows: (check, outcome) in the order they are listed.
async fn findings(app: &fantoccini::Client, content: ContentId) -> Result<Vec<(String, String)>> {
    let css = format!("#review-{content} .quality-finding");
    let mut out = Vec::new();
    for el in app.find_all(Locator::Css(&css)).await? {
        out.push((
            el.attr("data-kind").await?.unwrap_or_default(),
            el.attr("data-outcome").await?.unwrap_or_default(),
        ));
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_in_review_are_approved_and_rejected_in_the_window() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    // A keychain service of this run's own: the provider key must not meet a person's (or
    // another test's). Set before anything else runs, and inherited by the app.
    let keychain = folio_e2e::keychain_service("review");
    std::env::set_var("FOLIO_KEYCHAIN_SERVICE", &keychain);
    let model = FakeModel::default();
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(DistinctProse(model.responder(Wire::OpenAi)))
        .mount(&openai)
        .await;
    let data_dir = tempfile::tempdir()?;
    let (passed, blocked) = seed(data_dir.path(), &format!("{}/v1", openai.uri())).await?;

    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    click(&app, "#nav-review").await?;
    wait_for_text(&app, "#page-title", "the Review page", |t| t == "Review").await?;

    // The first site's queue, oldest first, each article with its facts and its findings.
    let titles = wait_for_texts(&app, ".review-item .review-open", "both articles", |t| {
        t.len() == 2
    })
    .await?;
    assert_eq!(titles, [passed.title.as_str(), blocked.title.as_str()]);
    let selected = texts(&app, "#review-site option:checked").await?;
    assert_eq!(selected, ["Garden Blog"], "the first site by default");
    for (w, gate, verdict) in [
        (&passed, "passed", "Passed"),
        (&blocked, "blocked", "Blocked: 1 blocking check failed"),
    ] {
        let card = format!("#review-{}", w.id);
        wait_for_attr(&app, &card, "data-gate", gate).await?;
        assert_eq!(
            texts(&app, &format!("{card} .review-sector")).await?,
            ["Tools"]
        );
        assert_eq!(
            texts(&app, &format!("{card} .review-words")).await?,
            [format!("{} words", w.words)]
        );
        let shown = texts(&app, &format!("#review-{}-quality-verdict", w.id)).await?;
        assert!(
            shown.len() == 1 && shown[0].starts_with(verdict),
            "{card}'s verdict: {shown:?}"
        );
        // Every check core ran, in the order a person fixes them (blocking, warnings, passed).
        let listed = findings(&app, w.id).await?;
        assert_eq!(listed.len(), w.report.findings.len(), "{card}: {listed:?}");
        let rank = |o: &str| {
            ["blocking", "warning", "passed"]
                .iter()
                .position(|x| *x == o)
        };
        assert!(
            listed.windows(2).all(|p| rank(&p[0].1) <= rank(&p[1].1)),
            "{card}: {listed:?}"
        );
        for f in &w.report.findings {
            let outcome = if f.passed {
                "passed"
            } else if f.blocking {
                "blocking"
            } else {
                "warning"
            };
            assert!(
                listed.contains(&(format!("{:?}", f.kind), outcome.to_owned())),
                "{card} lacks {:?} {outcome}: {listed:?}",
                f.kind
            );
        }
    }
    let title_check = blocked
        .report
        .finding(QualityCheckKind::KeywordInTitle)
        .context("the title check")?;
    let message = texts(
        &app,
        &format!(
            "#review-{} .quality-finding[data-outcome=blocking] .quality-message",
            blocked.id
        ),
    )
    .await?;
    assert_eq!(message, [title_check.message.as_str()]);
    let shot = screenshot(&app, "review-queue").await?;
    eprintln!("screenshot: {}", shot.display());
    // The blocked article's card, below the first one.
    app.execute(
        "document.getElementById(arguments[0]).scrollIntoView()",
        vec![json!(format!("review-{}", blocked.id))],
    )
    .await?;
    let shot = screenshot(&app, "review-blocked").await?;
    eprintln!("screenshot: {}", shot.display());

    // Another site has nothing in review: the page says how articles get here.
    click(&app, "#review-site option:nth-child(2)").await?;
    wait_for_text(&app, "#review-empty", "the empty state", |t| {
        t.contains("Nothing waits for review") && t.contains("folio review submit")
    })
    .await?;
    click(&app, "#review-site option:nth-child(1)").await?;
    wait_for_texts(&app, ".review-item", "the first site's queue again", |t| {
        t.len() == 2
    })
    .await?;

    // The title opens the article's page, with the same report.
    click(&app, &format!("#review-{} .review-open", blocked.id)).await?;
    wait_for_text(&app, "#page-title", "the article's page", |t| {
        t == blocked.title
    })
    .await?;
    wait_for_text(
        &app,
        "#quality-verdict",
        "the article's quality check",
        |t| t.starts_with("Blocked"),
    )
    .await?;
    click(&app, "#nav-review").await?;
    wait_for_texts(&app, ".review-item", "the queue again", |t| t.len() == 2).await?;

    // Approve one, reject the other: each leaves the list, and the page says what happened.
    click(&app, &format!("#review-{} .review-approve", passed.id)).await?;
    wait_gone(
        &app,
        &format!("#review-{}", passed.id),
        "the approved article",
    )
    .await?;
    wait_for_text(&app, "#review-notice", "the approval", |t| {
        t.starts_with(&format!("Approved \u{201c}{}\u{201d}", passed.title))
    })
    .await?;
    click(&app, &format!("#review-{} .review-reject", blocked.id)).await?;
    wait_gone(
        &app,
        &format!("#review-{}", blocked.id),
        "the rejected article",
    )
    .await?;
    wait_for_text(&app, "#review-notice", "the rejection", |t| {
        t.starts_with(&format!(
            "Sent \u{201c}{}\u{201d} back to draft",
            blocked.title
        ))
    })
    .await?;
    wait_for_text(&app, "#review-empty", "the emptied queue", |t| {
        t.contains("Nothing waits for review")
    })
    .await?;
    let shot = screenshot(&app, "review-answered").await?;
    eprintln!("screenshot: {}", shot.display());
    app.close().await?;

    // Core, as the CLI opens it, sees the answers the window gave.
    let folio = Folio::open(driver.data_dir()).await?;
    assert_eq!(
        folio.get_content(passed.id).await?.status,
        ContentStatus::Approved
    );
    assert_eq!(
        folio.get_content(blocked.id).await?.status,
        ContentStatus::Draft
    );
    let site = folio.list_sites().await?.items[0].id;
    assert!(folio.review_queue(site).await?.is_empty());
    folio.close().await;
    Ok(())
}
