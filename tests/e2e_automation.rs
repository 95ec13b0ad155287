//! Automation in the real app window against a slow fake OpenAI (wiremock on 127.0.0.1:0, core's
//! own pipeline fake — `crates/folio-core/tests/support/fake_model.rs` — answering every stage's
//! prompt after a delay): a site with a dozen keywords is written through core before the app
//! starts; in the window OpenAI is pointed at the fake with a key (Settings), then the Automation
//! page gets small limits (saved through core), shows the run's estimate, runs it, shows the live
//! view (a stage n/7, items, credits, the job's message), pauses it (the run says paused, with
//! Resume), resumes it to completion, and lists the one run in the history with its item log;
//! without auto-approve its two articles then wait on Writer → Review. Core on the same data
//! directory agrees afterwards. Screenshots: `target/e2e/automation*.png`.

#[path = "../crates/folio-core/tests/support/fake_model.rs"]
mod fake_model;

use anyhow::{bail, Context, Result};
use fake_model::{FakeModel, Wire};
use fantoccini::{Client, Locator};
use folio_core::{Folio, ImportOptions};
use folio_e2e::{
    click, display_available, screenshot, texts, type_into, wait_for_attr, wait_for_text,
    wait_for_texts, Driver,
};
use folio_model::{AutomationRunStatus, AutomationStage, ContentStatus, ItemOutcome, NewSite};
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const KEY: &str = "sk-folio-e2e-automation-4f1a9c2b7d";
/// The keywords the fake clusters (the pipeline tests' rose garden).
const CSV: &str = "Keyword,Volume,Keyword Difficulty\nprune roses,2400,31\nrose pruning,1900,28\nwhen to prune roses,1300,22\nrose pruning tools,480,18\nrose food,880,25\nbest rose fertilizer,1600,35\nfeeding roses,720,20\nhomemade rose fertilizer,390,12\nrose black spot,1000,30\nblack spot treatment,880,27\nrose aphids,590,19\nrose pests,720,24\n";
/// Every answer of the fake takes this long, as a model's do: the live view has time to show
/// each stage, and Pause lands while articles are being written.
const ANSWER_DELAY: Duration = Duration::from_millis(1500);
/// A whole run against the slow fake, with room for a loaded machine.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

async fn seed(data_dir: &Path) -> Result<folio_model::SiteId> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Rose Garden".into(),
            domain: "rosegarden.example".into(),
            sectors: vec!["Rose care".into()],
        })
        .await?;
    let report = folio
        .import_keywords(
            site.id,
            None,
            CSV.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await?;
    assert_eq!(report.imported, 12);
    folio.close().await;
    Ok(site.id)
}

async fn text_of(app: &Client, css: &str) -> Result<String> {
    Ok(texts(app, css).await?.concat())
}

/// Wait (up to a whole run's time) until the run panel's `data-state` is `want`; a state in
/// `bad` ends the wait with the page's error.
async fn run_state(app: &Client, want: &str, bad: &[&str], model: &FakeModel) -> Result<()> {
    let deadline = Instant::now() + RUN_TIMEOUT;
    loop {
        let state = match app.find(Locator::Css("#auto-run")).await {
            Ok(el) => el.attr("data-state").await?.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if state == want {
            return Ok(());
        }
        if bad.contains(&state.as_str()) || Instant::now() > deadline {
            let error = text_of(app, "#auto-run-error").await?;
            let reason = text_of(app, "#auto-last-reason").await?;
            bail!(
                "the run is {state:?}, not {want:?}: {error} {reason}; the fake answered {} calls",
                model.count.load(std::sync::atomic::Ordering::SeqCst)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scroll the page's content so the element matching `css` is at its top, for a screenshot of
/// it. Only the content pane is scrolled (`scrollIntoView` would scroll the window too, moving
/// the sidebar under the next click).
async fn show(app: &Client, css: &str) -> Result<()> {
    let script = format!(
        "const pane = document.querySelector('main.content');
         const el = document.querySelector({css:?});
         pane.scrollTop += el.getBoundingClientRect().top - pane.getBoundingClientRect().top;"
    );
    app.execute(&script, vec![]).await?;
    Ok(())
}

/// Wait until the live view shows the stage `want`; a run that stops meanwhile ends the wait
/// with what the page says about it.
async fn live_stage(app: &Client, want: &str, model: &FakeModel) -> Result<()> {
    let deadline = Instant::now() + RUN_TIMEOUT;
    loop {
        let state = match app.find(Locator::Css("#auto-run")).await {
            Ok(el) => el.attr("data-state").await?.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let stage = text_of(app, "#auto-live-stage").await?;
        if stage == want {
            return Ok(());
        }
        if state != "running" || Instant::now() > deadline {
            let error = text_of(app, "#auto-run-error").await?;
            let reason = text_of(app, "#auto-last-reason").await?;
            bail!(
                "the run is {state:?} in {stage:?}, not in {want:?}: {error} {reason}; the fake \
                 answered {} calls",
                model.count.load(std::sync::atomic::Ordering::SeqCst)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `3 of 12` → (3, 12).
fn of(text: &str) -> Option<(u64, u64)> {
    let (a, b) = text.split_once(" of ")?;
    Some((
        a.replace(',', "").parse().ok()?,
        b.replace(',', "").parse().ok()?,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_runs_its_automation_with_live_progress_pause_and_resume() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let model = FakeModel::default();
    model.set_delay(ANSWER_DELAY);
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(model.responder(Wire::OpenAi))
        .mount(&mock)
        .await;
    let base_url = format!("{}/v1", mock.uri());
    let data_dir = tempfile::tempdir()?;
    let site = seed(data_dir.path()).await?;
    let keychain = folio_e2e::keychain_service("automation");
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

    // The Automation page: the site's defaults, no run yet.
    click(&app, "#nav-automation").await?;
    wait_for_text(&app, "#page-title", "the Automation page", |t| {
        t == "Automation"
    })
    .await?;
    wait_for_attr(&app, "#nav-automation", "aria-current", "page").await?;
    wait_for_text(&app, "#auto-no-runs", "no run yet", |t| {
        t == "No run yet on this site."
    })
    .await?;
    let defaults = folio_e2e::props(&app, "#auto-content-limit", "value").await?;
    assert_eq!(defaults, ["5"], "the seed's default article limit");

    // A value core refuses is explained under its field.
    type_into(&app, "#auto-max-runtime", "30").await?;
    click(&app, "#auto-save").await?;
    wait_for_text(&app, "#auto-max-runtime-error", "core's range check", |t| {
        t.contains("between 60 and 86400")
    })
    .await?;
    type_into(&app, "#auto-max-runtime", "3600").await?;

    // Small limits: every keyword, one cluster's ideas, two articles, no images or posts, no
    // delay (the fake is slow enough).
    for (input, value) in [
        ("#auto-clustering-limit", "12"),
        ("#auto-ideas-limit", "1"),
        ("#auto-content-limit", "2"),
        ("#auto-image-limit", "0"),
        ("#auto-publish-limit", "0"),
        ("#auto-delay", "0"),
    ] {
        type_into(&app, input, value).await?;
    }
    wait_for_text(&app, "#auto-run-blocked", "a run waits for the save", |t| {
        t.starts_with("Save the settings first")
    })
    .await?;
    click(&app, "#auto-save").await?;
    wait_for_text(&app, "#auto-saved", "the settings saved", |t| t == "Saved").await?;

    // The estimate of the saved limits, before anything is spent.
    wait_for_attr(&app, "#auto-estimate", "data-affordable", "true").await?;
    let stages = wait_for_texts(
        &app,
        ".auto-est-stage td:first-child",
        "seven stages",
        |t| t.len() == 7,
    )
    .await?;
    assert!(
        stages[0].starts_with("1/7 Clustering keywords"),
        "{stages:?}"
    );
    let credits: u64 = text_of(&app, "#auto-est-credits")
        .await?
        .replace(',', "")
        .parse()?;
    let required: u64 = text_of(&app, "#auto-est-required")
        .await?
        .replace(',', "")
        .parse()?;
    assert!(credits > 0);
    assert_eq!(
        required,
        credits + credits.div_ceil(5),
        "1.2\u{d7} the estimate"
    );
    assert_eq!(text_of(&app, "#auto-est-available").await?, "no limit");
    assert_eq!(model.count.load(std::sync::atomic::Ordering::SeqCst), 0);

    // Run now: the live view follows the run.
    click(&app, "#auto-run-now").await?;
    run_state(&app, "running", &["failed", "idle"], &model).await?;
    let step = wait_for_text(&app, "#auto-live-step", "the stage's place", |t| {
        t.starts_with("stage ") && t.ends_with("/7")
    })
    .await?;
    assert!(step.len() > "stage /7".len(), "{step}");
    let items = wait_for_text(&app, "#auto-live-items", "the run's items", |t| {
        of(t).is_some_and(|(_, total)| total > 0)
    })
    .await?;
    assert!(of(&items).is_some(), "{items}");
    // Writing: the article being written, in the stage's own job's words.
    live_stage(&app, "Writing articles", &model).await?;
    assert_eq!(text_of(&app, "#auto-live-step").await?, "stage 4/7");
    // (textContent: the message is clipped to one line, which WebDriver's text reads as empty.)
    wait_for_texts(&app, "#auto-live-message", "the job's message", |t| {
        t.len() == 1 && !t[0].is_empty() && t[0] != "Working\u{2026}"
    })
    .await?;
    let spent = text_of(&app, "#auto-live-credits").await?;
    assert!(spent.replace(',', "").parse::<u64>().is_ok(), "{spent}");
    assert!(!text_of(&app, "#auto-live-elapsed").await?.is_empty());
    show(&app, "#auto-run").await?;
    screenshot(&app, "automation-live").await?;

    // Pause: the items in flight finish, then the run says paused and offers Resume.
    click(&app, "#auto-pause").await?;
    screenshot(&app, "automation-paused").await?;
    run_state(&app, "paused", &["failed", "completed"], &model).await?;
    wait_for_text(&app, "#auto-last-status", "paused", |t| t == "Paused").await?;
    wait_for_text(&app, "#auto-last-reason", "why it paused", |t| {
        t.contains("paused by a person")
    })
    .await?;
    let paused_at =
        wait_for_texts(&app, ".auto-run-row", "the paused run", |t| t.len() == 1).await?;
    wait_for_attr(&app, ".auto-run-row", "data-status", "paused").await?;
    let calls_when_paused = model.count.load(std::sync::atomic::Ordering::SeqCst);

    // Resume: the same run goes on to the end.
    click(&app, "#auto-resume").await?;
    run_state(
        &app,
        "completed",
        &["failed", "paused", "interrupted"],
        &model,
    )
    .await?;
    wait_for_text(&app, "#auto-last-status", "completed", |t| {
        t == "Last run completed"
    })
    .await?;
    assert!(
        model.count.load(std::sync::atomic::Ordering::SeqCst) > calls_when_paused,
        "the resumed run asked the model for what was left"
    );

    // History: still one run (resumed, not restarted), and its item log.
    let rows = wait_for_texts(&app, ".auto-run-row", "one completed run", |t| t.len() == 1).await?;
    assert_ne!(rows, paused_at, "the row shows the run's new figures");
    wait_for_attr(&app, ".auto-run-row", "data-status", "completed").await?;
    let run_id = app
        .find(Locator::Css(".auto-run-row"))
        .await?
        .attr("data-run")
        .await?
        .context("the run's id")?;
    click(&app, ".auto-run-row .auto-run-open").await?;
    wait_for_attr(&app, "#auto-log-panel", "data-run", &run_id).await?;
    let summary = wait_for_text(&app, "#auto-log-summary", "the log's summary", |t| {
        t.contains("done")
    })
    .await?;
    assert!(summary.ends_with("0 failed"), "{summary}");
    let labels = texts(
        &app,
        ".auto-log-row[data-stage='writing'][data-outcome='done'] .auto-log-label",
    )
    .await?;
    assert_eq!(labels.len(), 2, "each article written once: {labels:?}");
    assert!(app
        .find_all(Locator::Css(".auto-log-row.failed"))
        .await?
        .is_empty());
    show(&app, "#auto-history").await?;
    screenshot(&app, "automation").await?;
    // The settings the run used are still the saved ones: nothing to save.
    show(&app, "#auto-config").await?;
    assert_eq!(text_of(&app, "#auto-save").await?, "Save");
    assert_eq!(
        folio_e2e::props(&app, "#auto-save", "disabled").await?,
        ["true"]
    );
    screenshot(&app, "automation-settings").await?;

    // Without auto-approve both articles wait for a person on Writer → Review.
    click(&app, "#nav-review").await?;
    wait_for_text(&app, "#page-title", "the Review page", |t| t == "Review").await?;
    wait_for_texts(&app, ".review-item", "the run's two articles", |t| {
        t.len() == 2
    })
    .await?;
    let mut in_review = Vec::new();
    for el in app.find_all(Locator::Css(".review-item")).await? {
        in_review.push(el.attr("data-content-id").await?.unwrap_or_default());
    }
    screenshot(&app, "automation-review").await?;
    drop(app);
    drop(driver);

    // Core agrees: one completed run whose log is what the window listed.
    let folio = Folio::open(data_dir.path()).await?;
    let runs = folio.automation_runs(site).await?;
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.id.to_string(), run_id);
    assert_eq!(run.status, AutomationRunStatus::Completed);
    let log = folio.automation_log(run.id).await?;
    assert_eq!(run.items_processed, log.len() as u64);
    assert!(log.iter().all(|i| i.outcome != ItemOutcome::Failed));
    let written: Vec<_> = log
        .iter()
        .filter(|i| i.stage == AutomationStage::Writing && i.outcome == ItemOutcome::Done)
        .collect();
    assert_eq!(written.len(), 2, "{log:#?}");
    // Without auto-approve both articles wait for a person in review.
    let articles = folio.list_content(site).await?;
    assert_eq!(articles.len(), 2);
    assert!(articles.iter().all(|a| a.status == ContentStatus::Review));
    let mut ids: Vec<String> = articles.iter().map(|a| a.id.to_string()).collect();
    ids.sort();
    in_review.sort();
    assert_eq!(in_review, ids, "the Review page lists the run's articles");
    folio.close().await;
    Ok(())
}
