//! P6: publish 50 posts with a featured image each to a real WordPress, and compare with what
//! WordPress alone can do, measured by curl in the same run (goal: Folio ≥ 90 % of it).
//!
//! `scripts/headless.sh cargo bench -p folio-core --bench publish` (the headless wrapper provides
//! the OS keychain the application password goes to; `scripts/setup.sh test` installs WordPress).
//! `FOLIO_BENCH_POSTS` changes the count.
//!
//! Both sides do the same work per post: upload a 1200×800 PNG with alt text, caption and title
//! (one request), then create a published post (~3 KB of HTML, one category, two tags) with
//! it as the featured image. Folio additionally looks the post up by slug (its idempotency
//! check), keeps its records and the article's state in SQLite, and reads the password from
//! the keychain. The two are interleaved post by post, so WordPress's growing tables and the
//! machine's load weigh on both alike.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::Folio;
use folio_model::{
    AttachImage, NewContent, NewSite, PostStatus, PublishRequest, TaxonomyType, WpConnect,
};
use folio_wp_harness::{Options, WordPress};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The same kind of picture as the harness reference's bench: 1200×800, GD-drawn (~150 KB).
fn png(dir: &Path) -> Vec<u8> {
    let path = dir.join("bench.png");
    let ok = Command::new("php")
        .args([
            "-r",
            "$im = imagecreatetruecolor(1200, 800); for ($i = 0; $i < 2000; $i++) { imagefilledellipse($im, mt_rand(0, 1200), mt_rand(0, 800), 40, 40, mt_rand(0, 0xffffff)); } imagepng($im, $argv[1]);",
        ])
        .arg(&path)
        .status()
        .expect("php (installed with WordPress by scripts/setup.sh test)")
        .success();
    assert!(ok, "php could not draw the PNG");
    std::fs::read(path).unwrap()
}

fn body_html() -> String {
    (1..=12)
        .map(|i| {
            format!(
                "<p>Paragraph {i}: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. <a href=\"https://example.com/{i}\">link</a></p>"
            )
        })
        .collect()
}

fn curl(args: &[&str], body: Option<&[u8]>) -> Value {
    use std::io::Write;
    let mut child = Command::new("curl")
        .args(["-sS", "--max-time", "60"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl");
    let mut stdin = child.stdin.take().unwrap();
    if let Some(b) = body {
        stdin.write_all(b).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&out.stdout)))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(label: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let total: Duration = times.iter().sum();
    let rate = times.len() as f64 / total.as_secs_f64();
    println!(
        "{label:<44} n={} total={:.2}s  {rate:.2} posts/s  p50={:.0}ms p95={:.0}ms max={:.0}ms",
        times.len(),
        total.as_secs_f64(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
    );
    rate
}

#[tokio::main]
async fn main() {
    let posts = env_usize("FOLIO_BENCH_POSTS", 50);
    std::env::set_var(
        "FOLIO_KEYCHAIN_SERVICE",
        format!("folio-bench-{}", uuid::Uuid::now_v7()),
    );
    let wp = tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await
        .unwrap()
        .expect("start WordPress (scripts/setup.sh test installs it)");
    let dir = tempfile::tempdir().unwrap();
    let image = png(dir.path());
    let html = body_html();
    let author = format!("{}:{}", wp.author.login, wp.author.app_password);
    let admin = format!("{}:{}", wp.admin.login, wp.admin.app_password);

    // The baseline's terms: a category (made by the admin: authors may not) and two tags.
    let json_args = |auth: &str, url: String| -> Vec<String> {
        vec![
            "-u".into(),
            auth.to_owned(),
            "-H".into(),
            "Content-Type: application/json".into(),
            "--data-binary".into(),
            "@-".into(),
            url,
        ]
    };
    let post_json = |auth: &str, route: &str, body: Value| {
        let args = json_args(auth, wp.rest(route));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(&args, Some(body.to_string().as_bytes()))
    };
    let cat = post_json(&admin, "/wp/v2/categories", json!({"name": "Bench"}))["id"]
        .as_i64()
        .unwrap();
    let tags: Vec<i64> = ["curl-a", "curl-b"]
        .iter()
        .map(|t| {
            post_json(&author, "/wp/v2/tags", json!({ "name": t }))["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    // Folio's category exists too; its tags Folio creates itself.
    post_json(&admin, "/wp/v2/categories", json!({"name": "Bench Folio"}));

    // Folio: a site connected as the author, and the articles written beforehand (authoring is
    // not publishing).
    let folio = Folio::open(&dir.path().join("data")).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Bench".into(),
            domain: "bench.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    folio
        .wp_connect(WpConnect {
            site: site.id,
            url: wp.url.clone(),
            user: wp.author.login.clone(),
            app_password: wp.author.app_password.clone(),
            allow_insecure: false,
        })
        .await
        .unwrap();
    let category = folio
        .add_term(site.id, TaxonomyType::Category, "Bench Folio")
        .await
        .unwrap();
    let tag_a = folio
        .add_term(site.id, TaxonomyType::Tag, "folio-a")
        .await
        .unwrap();
    let tag_b = folio
        .add_term(site.id, TaxonomyType::Tag, "folio-b")
        .await
        .unwrap();
    let mut articles = Vec::new();
    for i in 0..posts {
        let c = folio
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: format!("Folio bench post {i}"),
                body_html: Some(html.clone()),
            })
            .await
            .unwrap();
        folio
            .attach_image(AttachImage {
                content: c.id,
                file_name: "bench.png".into(),
                bytes: image.clone(),
                featured: true,
                alt_text: format!("Bench image {i}"),
                caption: "A bench image".into(),
            })
            .await
            .unwrap();
        folio
            .set_content_terms(c.id, &[category.id, tag_a.id, tag_b.id])
            .await
            .unwrap();
        articles.push(c.id);
    }

    println!(
        "# P6 against WordPress {} at {} ({} CPU cores; loadavg before: {})",
        wp.version,
        wp.url,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "# {posts} posts each way, interleaved; image {} KB",
        image.len() / 1024
    );
    let media_url = format!(
        "{}{}alt_text=Bench+image&caption=A+bench+image&title=Bench+image",
        wp.rest("/wp/v2/media"),
        if wp.api.contains('?') { "&" } else { "?" }
    );
    let mut curl_times = Vec::new();
    let mut folio_times = Vec::new();
    for (i, content) in articles.iter().enumerate() {
        // WordPress alone, by curl.
        let t = Instant::now();
        let disposition =
            format!("Content-Disposition: attachment; filename=\"curl-bench-{i}.png\"");
        let media = curl(
            &[
                "-u",
                &author,
                "-H",
                "Content-Type: image/png",
                "-H",
                &disposition,
                "--data-binary",
                "@-",
                &media_url,
            ],
            Some(&image),
        );
        let media_id = media["id"].as_i64().expect("media id");
        let post = post_json(
            &author,
            "/wp/v2/posts",
            json!({"title": format!("Curl bench post {i}"), "slug": format!("curl-bench-post-{i}"),
                   "status": "publish", "content": html, "excerpt": "bench",
                   "categories": [cat], "tags": tags, "featured_media": media_id}),
        );
        assert_eq!(post["status"], "publish");
        curl_times.push(t.elapsed());

        // Folio.
        let t = Instant::now();
        let out = folio
            .wp_publish(PublishRequest {
                content: *content,
                status: PostStatus::Publish,
                at: None,
                force: false,
            })
            .await
            .unwrap();
        folio_times.push(t.elapsed());
        assert_eq!(out.remote_status, "publish");
        assert_eq!(out.media_uploaded, 1);
    }
    let base = report("WordPress alone (curl: upload + create)", curl_times);
    let ours = report("Folio (folio_core::Folio::wp_publish)", folio_times);
    println!(
        "P6: Folio publishes at {:.0}% of the WordPress-only rate (goal >= 90%)",
        100.0 * ours / base
    );
    let count = |q: &str| wp.sql(q).unwrap();
    println!(
        "# WordPress now has {} published posts (besides its sample post) and {} attachments (expected {} and {})",
        count("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post' AND post_status = 'publish' AND post_name <> 'hello-world'"),
        count("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'"),
        2 * posts,
        2 * posts
    );
    folio.close().await;
}
