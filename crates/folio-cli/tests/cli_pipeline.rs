//! From keywords to articles with images, the way a user runs it: the real `folio` binary on a
//! temporary data directory, against HTTP-level fakes of OpenAI and Runware that answer what
//! each stage's prompt asks (`support/fake_ai.rs`). The keys go to the real OS keychain, so
//! this runs under `scripts/headless.sh`.
#![cfg(unix)]
// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_ai.rs"]
mod fake_ai;
#[path = "support/run_folio.rs"]
mod run_folio;
#[path = "support/wp_post.rs"]
mod wp_post;

use fake_ai::{broken_answer, Ask, Fakes};
use run_folio::{folio_with, ok_json};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use wp_post::{block_names, edited_post, parse_blocks, words};

const OPENAI_KEY: &str = "sk-folio-cli-pipeline-5c4b3a2910";
const RUNWARE_KEY: &str = "rw-folio-cli-pipeline-0a1b2c3d";

/// A Semrush export: two topics of 4 and 3 keywords, and one keyword that fits neither.
const SEMRUSH: &str = "Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)
compost bin,Commercial,5400,32,0.80
compost tumbler,Commercial,2900,28,1.10
compost for beginners,Informational,1300,15,0.30
compost ratio,Informational,880,12,0.20
raised garden bed,Commercial,27000,38,0.90
raised garden bed kit,Transactional,4400,21,1.20
raised bed soil,Informational,3600,18,0.50
watering can,Commercial,1900,9,0.40
";

/// A data directory whose `folio` runs use a keychain service of their own.
struct Env {
    dir: tempfile::TempDir,
    service: String,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
            service: format!("folio-cli-pipeline-{}", uuid::Uuid::now_v7()),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `folio ARGS…` off the runtime's threads, so the fakes keep answering meanwhile.
    async fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "").await
    }

    async fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let dir = self.path().to_path_buf();
        let service = self.service.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let stdin = stdin.to_owned();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            folio_with(&dir, &args, &[("FOLIO_KEYCHAIN_SERVICE", &service)], &stdin)
        })
        .await
        .unwrap()
    }

    async fn json(&self, args: &[&str]) -> Value {
        ok_json(&self.run(args).await)
    }

    /// A site "Garden" with the keywords imported; the fakes' addresses and keys set.
    async fn with_site(&self, fakes: &Fakes) -> String {
        for (provider, url, key) in [
            ("openai", fakes.openai_url(), OPENAI_KEY),
            ("runware", fakes.runware_url(), RUNWARE_KEY),
        ] {
            ok_json(
                &self
                    .run(&["provider", "set-url", provider, &url, "--json"])
                    .await,
            );
            let out = self
                .run_with_stdin(&["provider", "set-key", provider], key)
                .await;
            assert!(out.status.success(), "{}", text(&out));
        }
        let site = self
            .json(&[
                "site",
                "add",
                "--name",
                "Garden",
                "--domain",
                "garden.example",
                "--sector",
                "Growing",
                "--json",
            ])
            .await;
        let site = site["id"].as_str().unwrap().to_owned();
        let file = self.path().join("semrush-garden.csv");
        std::fs::write(&file, SEMRUSH).unwrap();
        let report = self
            .json(&[
                "keywords",
                "import",
                "--site",
                &site,
                file.to_str().unwrap(),
                "--json",
            ])
            .await;
        assert_eq!(report["imported"], 8, "{report}");
        site
    }

    /// What the ledger says was spent: (calls, credits).
    async fn spent(&self) -> (u64, u64) {
        let usage = self.json(&["usage", "--json"]).await;
        (
            usage["totals"]["calls"].as_u64().unwrap(),
            usage["totals"]["credits"].as_u64().unwrap(),
        )
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_become_articles_with_images() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    let site = env.with_site(&fakes).await;

    // Cluster, as a person runs it: the estimate first, then the summary.
    let out = env.run(&["cluster", "--site", &site]).await;
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Clustering keywords: 8 keywords in 1 call with gpt-4o-mini"),
        "{shown}"
    );
    assert!(shown.contains("available: no limit"), "{shown}");
    assert!(
        shown.contains("1 done, 0 skipped (finished before), 0 failed; spent"),
        "{shown}"
    );
    assert!(shown.contains("folio ideas generate --site"), "{shown}");
    assert_eq!(fakes.behaviour.asked(Ask::Clusters), 1);

    let clusters = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    let clusters = clusters["items"].as_array().unwrap().clone();
    let mut names: Vec<(String, u64)> = clusters
        .iter()
        .map(|c| {
            (
                c["cluster"]["name"].as_str().unwrap().to_owned(),
                c["keywords"].as_u64().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("Compost bin".to_owned(), 4),
            ("Raised bed soil".to_owned(), 3)
        ]
    );
    let compost = clusters
        .iter()
        .find(|c| c["cluster"]["name"] == "Compost bin")
        .unwrap();
    assert_eq!(compost["volume"], 5400 + 2900 + 1300 + 880);
    assert_eq!(compost["ideas"], 0);
    let compost_id = compost["cluster"]["id"].as_str().unwrap().to_owned();

    // The cluster's keywords, through the keyword listing.
    let out = env.run(&["clusters", "show", &compost_id]).await;
    let shown = stdout(&out);
    assert!(out.status.success(), "{}", text(&out));
    for k in [
        "compost bin",
        "compost tumbler",
        "compost for beginners",
        "compost ratio",
    ] {
        assert!(shown.contains(k), "{shown}");
    }
    assert!(!shown.contains("raised"), "{shown}");
    assert!(shown.contains("1–4 of 4"), "{shown}");
    // The keyword no cluster took stays new.
    let new = env
        .json(&[
            "keywords", "list", "--site", &site, "--status", "new", "--json",
        ])
        .await;
    assert_eq!(new["total"], 1);
    assert_eq!(new["items"][0]["keyword"], "watering can");

    // Ideas for every cluster: three each, with full outlines and FAQ.
    let run = env
        .json(&["ideas", "generate", "--site", &site, "--json"])
        .await;
    assert_eq!(run["estimate"]["items"], 2, "{run}");
    assert_eq!(run["report"]["done"], 2, "{run}");
    assert_eq!(ids(&run["report"]["created"]).len(), 6, "{run}");
    let ideas = env
        .json(&["ideas", "list", "--site", &site, "--json"])
        .await;
    let ideas = ideas["items"].as_array().unwrap().clone();
    assert_eq!(ideas.len(), 6);
    for idea in &ideas {
        assert_eq!(idea["outline"].as_array().unwrap().len(), 6, "{idea}");
        assert_eq!(idea["faq"].as_array().unwrap().len(), 3, "{idea}");
        assert_eq!(idea["status"], "new");
    }
    let compost_ideas = env
        .json(&[
            "ideas",
            "list",
            "--site",
            &site,
            "--cluster",
            &compost_id,
            "--json",
        ])
        .await;
    assert_eq!(compost_ideas["items"].as_array().unwrap().len(), 3);

    // A person edits one idea's heading (as the app's e2e test does) and rejects another.
    let edited = ideas
        .iter()
        .find(|i| i["title"] == "Compost bin: a practical guide")
        .unwrap();
    let edited_id = edited["id"].as_str().unwrap().to_owned();
    let out = env
        .run(&[
            "ideas",
            "edit-outline",
            &edited_id,
            "--heading",
            "2=Finding the right corner for the bin",
        ])
        .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains("2. Finding the right corner for the bin"),
        "{}",
        text(&out)
    );
    let out = env.run(&["ideas", "show", &edited_id]).await;
    let shown = stdout(&out);
    assert!(
        shown.contains("2. Finding the right corner for the bin [paragraphs]"),
        "{shown}"
    );
    assert!(shown.contains("primary:   compost bin"), "{shown}");
    assert!(
        shown.contains("How long does compost bin take to show results?"),
        "{shown}"
    );
    let rejected = ideas
        .iter()
        .find(|i| i["title"] == "Mistakes beginners make with raised bed soil")
        .unwrap();
    let rejected_id = rejected["id"].as_str().unwrap();
    let out = env.run(&["ideas", "reject", rejected_id, "--json"]).await;
    assert_eq!(ok_json(&out)["items"][0]["rejected"], true);

    // Queue everything approved: five tasks, the rejected idea stays new.
    let queued = env.json(&["queue", "--site", &site, "--json"]).await;
    assert_eq!(queued["report"]["done"], 5, "{queued}");
    let tasks = ids(&queued["report"]["created"]);
    assert_eq!(tasks.len(), 5);
    let still_new = env
        .json(&[
            "ideas", "list", "--site", &site, "--status", "new", "--json",
        ])
        .await;
    assert_eq!(still_new["items"][0]["id"], rejected_id);
    // A queued idea's brief is frozen.
    let out = env
        .run(&[
            "ideas",
            "edit-outline",
            &edited_id,
            "--heading",
            "1=Too late",
        ])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("frozen"), "{}", text(&out));

    // The estimate of writing spends nothing.
    let before = env.spent().await;
    let asked = fakes.behaviour.total_asked();
    let estimate = env
        .json(&["write", "--site", &site, "--estimate", "--json"])
        .await;
    assert_eq!(estimate["estimate"]["items"], 5, "{estimate}");
    // six sections, intro, conclusion, FAQ and meta per article
    assert_eq!(estimate["estimate"]["calls"], 50, "{estimate}");
    assert!(estimate["estimate"]["credits"].as_u64().unwrap() > 0);
    assert_eq!(estimate["estimate"]["model"], "gpt-4o-mini");
    assert_eq!(estimate["estimate"]["affordable"], true);
    assert!(estimate.get("report").is_none(), "{estimate}");
    assert_eq!(env.spent().await, before);
    assert_eq!(fakes.behaviour.total_asked(), asked);

    // Write every queued task.
    let run = env.json(&["write", "--site", &site, "--json"]).await;
    let report = &run["report"];
    assert_eq!(report["done"], 5, "{run}");
    assert_eq!(report["failed"].as_array().unwrap().len(), 0, "{run}");
    assert_eq!(report["cancelled"], false);
    let spent = report["credits"].as_u64().unwrap();
    assert!(spent > 0, "{run}");
    assert!(
        spent <= run["estimate"]["credits"].as_u64().unwrap(),
        "the estimate errs high: {run}"
    );
    assert_eq!(fakes.behaviour.asked(Ask::Section), 30);
    let articles = ids(&report["created"]);
    assert_eq!(articles.len(), 5);
    // The edited heading is in the article written from that idea.
    let mut found = false;
    for id in &articles {
        let article = env.json(&["content", "show", id, "--json"]).await;
        let body = article["body_html"].as_str().unwrap();
        assert!(article["word_count"].as_u64().unwrap() > 800, "{article}");
        assert!(
            body.contains("<h2>Frequently asked questions</h2>"),
            "{body}"
        );
        if article["title"] == "Compost bin: a practical guide" {
            assert!(
                body.contains("<h2>Finding the right corner for the bin</h2>"),
                "{body}"
            );
            assert_eq!(article["meta_title"], "Compost bin: a practical guide");
            found = true;
        }
    }
    assert!(found, "the edited idea's article was written");

    // A second run finds nothing left to write and pays nothing.
    let again = env.json(&["write", "--site", &site, "--json"]).await;
    assert_eq!(again["report"]["done"], 0, "{again}");
    assert_eq!(again["report"]["skipped"], 5, "{again}");
    assert_eq!(again["report"]["credits"], 0, "{again}");

    // Images for every article: the featured one and one per section, up to the setting.
    let out = env.run(&["images", "--site", &site]).await;
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Generating images: 5 articles in"),
        "{shown}"
    );
    assert!(shown.contains("with runware:97@1"), "{shown}");
    assert!(shown.contains("5 done, 0 skipped"), "{shown}");
    assert_eq!(fakes.behaviour.asked(Ask::ImagePrompts), 5);
    for id in &articles {
        let images = env.json(&["content", "images", id, "--json"]).await;
        let images = images["items"].as_array().unwrap();
        assert!(images.len() >= 2, "{images:?}");
        assert_eq!(images[0]["image_type"], "featured");
        for image in images {
            assert_eq!(image["status"], "generated", "{image}");
            let stored = env.path().join(image["local_path"].as_str().unwrap());
            assert!(stored.is_file(), "{}", stored.display());
        }
    }
    assert!(fakes.images.load(Ordering::SeqCst) >= 10);

    // Every credit the runs reported is in the ledger.
    let (_, ledger_credits) = env.spent().await;
    assert!(
        ledger_credits > spent,
        "clustering, ideas and images cost too"
    );
    assert!(env.json(&["failures", "--json"]).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
}

/// What the sanitiser must keep out of every stored and published body.
const FORBIDDEN: [&str; 7] = [
    "<script",
    "onclick",
    "onerror",
    "javascript:",
    "alert(",
    "<iframe",
    "evil.example",
];

/// The whole pipeline through the CLI into a real WordPress (folio-wp-harness): import →
/// cluster → ideas → queue → write → images → publish. The model's hostile markup is neither
/// stored nor published, and the post opens in the block editor as native blocks with its
/// images placed as image blocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_reach_wordpress_as_native_blocks_with_their_images() {
    let wp = tokio::task::spawn_blocking(|| {
        folio_wp_harness::WordPress::start(folio_wp_harness::Options::default())
            .expect("start WordPress (scripts/setup.sh test)")
    })
    .await
    .unwrap();
    let wp = std::sync::Arc::new(wp);
    let env = Env::new();
    let fakes = Fakes::start().await;
    fakes
        .behaviour
        .hostile_sections
        .store(true, Ordering::SeqCst);
    let site = env.with_site(&fakes).await;
    let out = env
        .run_with_stdin(
            &[
                "wp",
                "connect",
                "--site",
                &site,
                "--url",
                &wp.url,
                "--user",
                &wp.author.login,
                "--json",
            ],
            &wp.author.app_password,
        )
        .await;
    assert!(out.status.success(), "{}", text(&out));

    let mut created = Vec::new();
    for (n, stage) in [
        vec!["cluster", "--site", &site, "--json"],
        vec!["ideas", "generate", "--site", &site, "--json"],
        vec!["queue", "--site", &site, "--json"],
        vec!["write", "--site", &site, "--json"],
        vec!["images", "--site", &site, "--json"],
    ]
    .into_iter()
    .enumerate()
    {
        let run = env.json(&stage).await;
        assert!(
            run["report"]["done"].as_u64().unwrap() > 0,
            "{stage:?}: {run}"
        );
        assert_eq!(
            run["report"]["failed"],
            serde_json::json!([]),
            "{stage:?}: {run}"
        );
        if n == 3 {
            created = ids(&run["report"]["created"]);
        }
    }
    // Two clusters, three ideas each, all queued and written.
    assert_eq!(created.len(), 6, "{created:?}");
    let article = &created[0];
    let stored = env.json(&["content", "show", article, "--json"]).await;
    let body = stored["body_html"].as_str().unwrap().to_owned();
    assert!(
        body.contains("Water deeply once a week."),
        "the text stays: {body}"
    );
    for bad in FORBIDDEN {
        assert!(!body.contains(bad), "{bad:?} stored: {body}");
    }
    let images = env.json(&["content", "images", article, "--json"]).await;
    let images = images["items"].as_array().unwrap().clone();
    let in_article = images
        .iter()
        .filter(|i| i["image_type"] != "featured")
        .count();
    assert!(in_article >= 1, "{images:?}");

    let published = env
        .json(&["wp", "publish", "--content", article, "--json"])
        .await;
    let post = {
        let wp = wp.clone();
        tokio::task::spawn_blocking(move || edited_post(&wp, &published["post_id"]))
            .await
            .unwrap()
    };
    assert!(post["featured_media"].as_i64().unwrap() > 0, "{post:#}");
    let raw = post["content"]["raw"].as_str().unwrap().to_owned();
    for bad in FORBIDDEN {
        assert!(!raw.contains(bad), "{bad:?} published: {raw}");
    }
    let names = {
        let (wp, raw) = (wp.clone(), raw.clone());
        tokio::task::spawn_blocking(move || block_names(&parse_blocks(&wp, &raw)))
            .await
            .unwrap()
    };
    let count = |name: &str| names.iter().filter(|n| n.starts_with(name)).count();
    let h = |tag: &str| body.matches(&format!("<{tag}>")).count();
    assert_eq!(count("core/heading"), h("h2") + h("h3"), "{names:?}");
    assert_eq!(count("core/image"), in_article, "{names:?}");
    assert!(count("core/paragraph") >= h("h2"), "{names:?}");
    assert!(count("core/list") >= 1, "the takeaways: {names:?}");
    assert!(
        names.iter().all(|n| [
            "core/paragraph",
            "core/heading",
            "core/list",
            "core/image",
            "core/table",
            "core/quote"
        ]
        .iter()
        .any(|known| n.starts_with(known))),
        "{names:?}"
    );
    // Every word of the stored article reaches the post; only the images' captions are added.
    let rendered = words(post["content"]["rendered"].as_str().unwrap());
    for heading in body.split("<h2>").skip(1) {
        let heading = words(heading.split("</h2>").next().unwrap());
        assert!(rendered.contains(&heading), "{heading:?} not in {rendered}");
    }
    assert!(rendered.contains("Water deeply once a week."), "{rendered}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_spends_nothing_and_a_run_the_budget_cannot_cover_is_refused() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    let site = env.with_site(&fakes).await;

    let out = env.run(&["cluster", "--site", &site, "--estimate"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("Clustering keywords: 8 keywords in 1 call with gpt-4o-mini"),
        "{shown}"
    );
    assert!(shown.contains("estimate:  at most "), "{shown}");
    assert!(!shown.contains("done"), "{shown}");
    let estimate = env
        .json(&["cluster", "--site", &site, "--estimate", "--json"])
        .await;
    let e = &estimate["estimate"];
    assert_eq!(e["stage"], "clustering");
    assert_eq!(
        (e["items"].as_u64(), e["calls"].as_u64()),
        (Some(8), Some(1))
    );
    let credits = e["credits"].as_u64().unwrap();
    assert!(credits >= 2, "clustering's minimum is 2 credits: {e}");
    assert!(e["usd"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    assert_eq!(e["available"], Value::Null);
    assert_eq!(fakes.behaviour.total_asked(), 0);
    assert_eq!(env.spent().await, (0, 0));
    let clusters = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    assert!(clusters["items"].as_array().unwrap().is_empty());

    // A budget below the estimate: the estimate says so, the run is refused with both numbers.
    ok_json(&env.run(&["credits", "budget", "set", "1", "--json"]).await);
    let estimate = env
        .json(&["cluster", "--site", &site, "--estimate", "--json"])
        .await;
    assert_eq!(estimate["estimate"]["available"], 1);
    assert_eq!(estimate["estimate"]["affordable"], false);
    let out = env.run(&["cluster", "--site", &site]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stdout(&out).contains("not enough"), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("This needs {credits} credits but only 1 are left")),
        "{err}"
    );
    let out = env.run(&["cluster", "--site", &site, "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["kind"], "insufficient_credits", "{body}");
    assert_eq!(fakes.behaviour.total_asked(), 0);
    assert_eq!(env.spent().await, (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_the_model_keeps_answering_wrong_fails_with_its_reason_and_raw_answer() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    fakes.behaviour.break_stage(Ask::Ideas);
    let site = env.with_site(&fakes).await;
    ok_json(&env.run(&["cluster", "--site", &site, "--json"]).await);

    let out = env.run(&["ideas", "generate", "--site", &site]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("0 done, 0 skipped (finished before), 2 failed"),
        "{shown}"
    );
    assert!(shown.contains("\u{201c}Compost bin\u{201d} ("), "{shown}");
    assert!(shown.contains("after 3 attempts"), "{shown}");
    assert!(
        shown.contains("folio failures --stage ideas --raw"),
        "{shown}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: 2 of 2 items failed"),
        "{}",
        text(&out)
    );
    // first try and two re-asks, per cluster
    assert_eq!(fakes.behaviour.asked(Ask::Ideas), 6);
    let ideas = env
        .json(&["ideas", "list", "--site", &site, "--json"])
        .await;
    assert!(ideas["items"].as_array().unwrap().is_empty());

    // The same run as JSON: the report on stdout, still exit 1.
    let out = env
        .run(&["ideas", "generate", "--site", &site, "--json"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = run["report"]["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{run}");
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{run}"
    );

    // The local records: the reason, and the model's answer with --raw.
    let raw = broken_answer(Ask::Ideas);
    let out = env.run(&["failures"]).await;
    let shown = stdout(&out);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(shown.matches("  ideas  ").count(), 2, "{shown}");
    assert!(shown.contains("reason: "), "{shown}");
    assert!(!shown.contains(&raw), "{shown}");
    assert!(shown.contains("Add --raw"), "{shown}");
    let out = env.run(&["failures", "--stage", "ideas", "--raw"]).await;
    let shown = stdout(&out);
    assert!(shown.contains("raw answer:"), "{shown}");
    assert!(shown.contains(&raw), "{shown}");
    let listed = env.json(&["failures", "--json"]).await;
    assert!(listed["items"][0].get("raw_answer").is_none(), "{listed}");
    let listed = env.json(&["failures", "--raw", "--json"]).await;
    assert_eq!(listed["items"][0]["raw_answer"], raw.as_str());
    assert_eq!(listed["items"][0]["stage"], "ideas");
    let other = env.run(&["failures", "--stage", "writing"]).await;
    assert!(
        stdout(&other).contains("No failed items recorded"),
        "{}",
        text(&other)
    );
    let out = env.run(&["failures", "--stage", "drafting"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("stages: clustering"), "{}", text(&out));

    // Once the model behaves, the same command plans both clusters and clears the records.
    fakes.behaviour.broken.lock().unwrap().clear();
    let run = env
        .json(&["ideas", "generate", "--site", &site, "--json"])
        .await;
    assert_eq!(run["report"]["done"], 2, "{run}");
    let listed = env.json(&["failures", "--json"]).await;
    assert!(listed["items"].as_array().unwrap().is_empty(), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_and_ideas_are_edited_by_hand() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    let site = env.with_site(&fakes).await;
    ok_json(&env.run(&["cluster", "--site", &site, "--json"]).await);
    let list = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    let id_of = |name: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster"]["name"] == name)
            .map(|c| c["cluster"]["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (compost, raised) = (id_of("Compost bin"), id_of("Raised bed soil"));

    let renamed = env
        .json(&[
            "clusters",
            "rename",
            &compost,
            "Composting at home",
            "--json",
        ])
        .await;
    assert_eq!(renamed["name"], "Composting at home");

    // Ideas for one cluster only, named by its id.
    let run = env
        .json(&["ideas", "generate", "--cluster", &raised, "--json"])
        .await;
    assert_eq!(run["report"]["done"], 1, "{run}");
    let ideas = env
        .json(&["ideas", "list", "--site", &site, "--json"])
        .await;
    let ideas = ideas["items"].as_array().unwrap().clone();
    assert_eq!(ideas.len(), 3);
    assert!(ideas.iter().all(|i| i["cluster_id"] == raised.as_str()));
    let idea = ideas[0]["id"].as_str().unwrap().to_owned();

    // A whole outline from a file: sections and FAQ replaced.
    let file = env.path().join("outline.json");
    std::fs::write(
        &file,
        serde_json::json!({
            "outline": [
                {"heading": "Why soil matters", "notes": "Drainage and nutrients.", "subheadings": ["Loam"], "format": "paragraphs", "keywords": ["raised bed soil"]},
                {"heading": "Mixing your own", "notes": "The 60/30/10 mix.", "subheadings": [], "format": "table", "keywords": []},
                {"heading": "Topping up each spring"}
            ],
            "faq": ["How deep should the soil be?"]
        })
        .to_string(),
    )
    .unwrap();
    let edited = env
        .json(&[
            "ideas",
            "edit-outline",
            &idea,
            "--file",
            file.to_str().unwrap(),
            "--json",
        ])
        .await;
    assert_eq!(edited["outline"].as_array().unwrap().len(), 3, "{edited}");
    assert_eq!(edited["outline"][1]["format"], "table");
    assert_eq!(
        edited["faq"],
        serde_json::json!(["How deep should the soil be?"])
    );
    // Renaming a heading keeps the rest of the section.
    let edited = env
        .json(&[
            "ideas",
            "edit-outline",
            &idea,
            "--heading",
            "3=Topping up every spring",
            "--json",
        ])
        .await;
    assert_eq!(edited["outline"][2]["heading"], "Topping up every spring");
    assert_eq!(
        edited["outline"][0]["subheadings"],
        serde_json::json!(["Loam"])
    );
    // A section that does not exist, a file that is not an outline, a blank heading.
    let out = env
        .run(&["ideas", "edit-outline", &idea, "--heading", "9=Nine"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("there is no section 9"),
        "{}",
        text(&out)
    );
    let out = env
        .run(&["ideas", "edit-outline", &idea, "--heading", "two=Two"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    std::fs::write(&file, r#"{"sections": []}"#).unwrap();
    let out = env
        .run(&[
            "ideas",
            "edit-outline",
            &idea,
            "--file",
            file.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is not an outline file"),
        "{}",
        text(&out)
    );
    let out = env
        .run(&["ideas", "edit-outline", &idea, "--heading", "1=  "])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("has no heading"), "{}", text(&out));

    // Reject and approve again.
    let out = env.run(&["ideas", "reject", &idea]).await;
    assert!(stdout(&out).starts_with("Rejected"), "{}", text(&out));
    let shown = env.run(&["ideas", "list", "--site", &site]).await;
    assert!(
        stdout(&shown).contains("new (rejected)"),
        "{}",
        text(&shown)
    );
    let approved = env.json(&["ideas", "approve", &idea, "--json"]).await;
    assert_eq!(approved["items"][0]["rejected"], false);

    // Queue one idea by id.
    let queued = env.json(&["queue", "--idea", &idea, "--json"]).await;
    assert_eq!(queued["report"]["done"], 1, "{queued}");
    let shown = env.json(&["ideas", "show", &idea, "--json"]).await;
    assert_eq!(shown["status"], "queued");

    // Move a keyword out of its cluster and into the other one, then merge the clusters.
    let page = env.json(&["clusters", "show", &compost, "--json"]).await;
    assert_eq!(page["cluster"]["name"], "Composting at home");
    assert_eq!(page["keywords"]["total"], 4);
    let kw = page["keywords"]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moved = env
        .json(&[
            "clusters",
            "move-keywords",
            "--site",
            &site,
            "--to",
            &raised,
            "--id",
            &kw,
            "--json",
        ])
        .await;
    assert_eq!(moved["moved"], 1);
    let out = env
        .run(&[
            "clusters",
            "move-keywords",
            "--site",
            &site,
            "--none",
            "--id",
            &kw,
        ])
        .await;
    assert!(
        stdout(&out).contains("1 keyword taken out of its cluster"),
        "{}",
        text(&out)
    );
    let new = env
        .json(&[
            "keywords", "list", "--site", &site, "--status", "new", "--json",
        ])
        .await;
    assert_eq!(new["total"], 2, "{new}");

    let merged = env
        .json(&[
            "clusters", "merge", "--into", &raised, "--from", &compost, "--json",
        ])
        .await;
    assert_eq!(merged["id"], raised.as_str());
    let list = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["keywords"], 6);
    assert_eq!(items[0]["ideas"], 3);
    let out = env.run(&["clusters", "show", &compost]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not found"), "{}", text(&out));
    let out = env
        .run(&["clusters", "merge", "--into", &raised, "--from", &raised])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// A `folio` process killed when the test ends before it was waited for.
struct Running(Option<std::process::Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn spawn(env: &Env, args: &[&str]) -> Running {
    Running(Some(
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg("--data-dir")
            .arg(env.path())
            .args(args)
            .env_remove("FOLIO_DATA_DIR")
            .env_remove("RUST_LOG")
            .env("FOLIO_KEYCHAIN_SERVICE", &env.service)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_keeps_the_finished_articles_and_exits_130() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    let site = env.with_site(&fakes).await;
    // One call at a time, so the first article is finished before the second starts.
    ok_json(
        &env.run(&["settings", "set", "ai.concurrency", "1", "--json"])
            .await,
    );
    ok_json(&env.run(&["cluster", "--site", &site, "--json"]).await);
    let list = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    let raised = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster"]["name"] == "Raised bed soil")
        .map(|c| c["cluster"]["id"].as_str().unwrap().to_owned())
        .unwrap();
    ok_json(
        &env.run(&["ideas", "generate", "--cluster", &raised, "--json"])
            .await,
    );
    let queued = env.json(&["queue", "--cluster", &raised, "--json"]).await;
    assert_eq!(queued["report"]["done"], 3, "{queued}");

    // The first article's ten calls are answered; the second's first call is held.
    fakes.behaviour.hold_writing_after(Some(10));
    let mut child = spawn(&env, &["write", "--site", &site, "--json"]);
    let start = Instant::now();
    while !fakes.behaviour.holding.load(Ordering::SeqCst) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the second article never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = child.0.as_ref().unwrap().id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let running = child.0.take().unwrap();
    let out = tokio::task::spawn_blocking(move || running.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["report"]["cancelled"], true, "{run}");
    assert_eq!(run["report"]["done"], 1, "{run}");
    assert!(
        run["report"]["failed"].as_array().unwrap().is_empty(),
        "{run}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cancelling (1 job(s))"), "{err}");
    assert!(
        err.contains("error: cancelled; 1 item finished before the cancel is kept"),
        "{err}"
    );
    let content = env
        .json(&["content", "list", "--site", &site, "--json"])
        .await;
    assert_eq!(content["items"].as_array().unwrap().len(), 1);
    assert!(env
        .json(&["jobs", "list", "--json"])
        .await
        .as_array()
        .unwrap()
        .is_empty());
    // The cancelled article's hold was given back, and the third task never started (no id
    // was chosen for its article).
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        env.path().join("folio.db").display()
    ))
    .await
    .unwrap();
    let (holds, started): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM credit_holds),
                (SELECT COUNT(DISTINCT item) FROM write_checkpoints)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!((holds, started), (0, 1));

    // Run again: the finished article is skipped, the other two are written.
    fakes.behaviour.hold_writing_after(None);
    let run = env.json(&["write", "--site", &site, "--json"]).await;
    assert_eq!(run["report"]["done"], 2, "{run}");
    assert_eq!(run["report"]["skipped"], 1, "{run}");
    let content = env
        .json(&["content", "list", "--site", &site, "--json"])
        .await;
    assert_eq!(content["items"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_killed_mid_article_resumes_without_paying_for_any_part_twice() {
    let env = Env::new();
    let fakes = Fakes::start().await;
    let site = env.with_site(&fakes).await;
    // One call at a time: the first article is saved before the second's first call.
    ok_json(
        &env.run(&["settings", "set", "ai.concurrency", "1", "--json"])
            .await,
    );
    ok_json(&env.run(&["cluster", "--site", &site, "--json"]).await);
    let list = env
        .json(&["clusters", "list", "--site", &site, "--json"])
        .await;
    let raised = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster"]["name"] == "Raised bed soil")
        .map(|c| c["cluster"]["id"].as_str().unwrap().to_owned())
        .unwrap();
    ok_json(
        &env.run(&["ideas", "generate", "--cluster", &raised, "--json"])
            .await,
    );
    let queued = env.json(&["queue", "--cluster", &raised, "--json"]).await;
    assert_eq!(queued["report"]["done"], 3, "{queued}");
    let (calls_before, _) = env.spent().await;

    // The first article's ten calls and five sections of the second are answered; the sixth
    // section is held. The one call slot is then taken by the held call, so every answered part
    // has been checkpointed (a slot is released only after its part is saved): kill -9 there.
    fakes.behaviour.hold_writing_after(Some(15));
    let mut child = spawn(&env, &["write", "--site", &site, "--json"]);
    let start = Instant::now();
    while !fakes.behaviour.holding.load(Ordering::SeqCst) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the held call never came"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = child.0.as_ref().unwrap().id().to_string();
    assert!(Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap()
        .success());
    let killed = child.0.take().unwrap();
    let out = tokio::task::spawn_blocking(move || killed.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        None,
        "killed by a signal: {}",
        text(&out)
    );
    let first = env
        .json(&["content", "list", "--site", &site, "--json"])
        .await;
    let first = first["items"].as_array().unwrap().clone();
    assert_eq!(
        first.len(),
        1,
        "the finished article was saved before the kill"
    );
    let first_id = first[0]["id"].as_str().unwrap().to_owned();
    let before = env.json(&["content", "show", &first_id, "--json"]).await;

    // Run again, with a provider that answers: the second article resumes at its sixth section.
    fakes.behaviour.hold_writing_after(None);
    let run = env.json(&["write", "--site", &site, "--json"]).await;
    assert_eq!(run["report"]["done"], 2, "{run}");
    assert_eq!(run["report"]["skipped"], 1, "{run}");
    let all = env
        .json(&["content", "list", "--site", &site, "--json"])
        .await;
    let all = all["items"].as_array().unwrap().clone();
    assert_eq!(all.len(), 3, "every article exists once");
    let mut titles: Vec<&str> = all.iter().map(|c| c["title"].as_str().unwrap()).collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 3);
    let after = env.json(&["content", "show", &first_id, "--json"]).await;
    assert_eq!(before, after, "the finished article is untouched");

    // Ten parts per article, each paid once: the held call that died with the process was
    // never answered, so never charged; it was asked again (16 + 15 requests) and paid once.
    let (calls_after, _) = env.spent().await;
    assert_eq!(calls_after - calls_before, 30);
    assert_eq!(fakes.behaviour.writing_calls.load(Ordering::SeqCst), 31);
}
