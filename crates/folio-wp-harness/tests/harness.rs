//! The harness itself against real WordPress instances: each test starts its own site, and
//! checks what the options and the simulated failures promise, with curl as the client.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_wp_harness::{process_running, HtmlMode, Options, Permalinks, WordPress};
use std::process::Command;

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

/// GET with curl, optionally with Basic auth (`user:password`).
fn get(url: &str, auth: Option<&str>) -> Answer {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-sS",
        "--max-time",
        "30",
        "-w",
        "\n%{http_code} %{content_type}",
    ]);
    if let Some(auth) = auth {
        cmd.args(["-u", auth]);
    }
    let out = cmd.arg(url).output().unwrap();
    assert!(
        out.status.success(),
        "curl {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, meta) = text.rsplit_once('\n').unwrap();
    let (status, content_type) = meta.split_once(' ').unwrap_or((meta, ""));
    Answer {
        status: status.parse().unwrap(),
        content_type: content_type.to_owned(),
        body: body.to_owned(),
    }
}

fn json(answer: &Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            &answer.body[..answer.body.len().min(300)]
        )
    })
}

fn start(options: Options) -> WordPress {
    let wp = WordPress::start(options).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "WordPress {} up at {} in {:.1?}",
        wp.version, wp.url, wp.start_time
    );
    wp
}

#[test]
fn pretty_permalinks_serve_the_rest_api_and_app_passwords_work() {
    let wp = start(Options::default());
    assert_eq!(wp.api, format!("{}/wp-json", wp.url));

    let index = get(&format!("{}/wp-json/", wp.url), None);
    assert_eq!(index.status, 200);
    assert!(
        index.content_type.starts_with("application/json"),
        "{}",
        index.content_type
    );
    let index = json(&index);
    assert!(
        index["authentication"]["application-passwords"].is_object(),
        "{index}"
    );

    let author = format!("{}:{}", wp.author.login, wp.author.app_password);
    let me = json(&get(
        &wp.rest("/wp/v2/users/me?context=edit"),
        Some(&author),
    ));
    assert_eq!(me["id"], wp.author.id);
    assert_eq!(me["roles"][0], "author");

    // Direct SQL sees the same site: the installer's "Hello world!" post and the three users.
    assert_eq!(wp.sql("SELECT COUNT(*) FROM wp_users").unwrap(), "3");
    assert_eq!(
        wp.sql("SELECT post_title FROM wp_posts WHERE post_type = 'post'")
            .unwrap(),
        "Hello world!"
    );
}

#[test]
fn plain_permalinks_answer_wp_json_with_html_and_rest_route_with_json() {
    let wp = start(Options {
        permalinks: Permalinks::Plain,
        ..Options::default()
    });
    assert_eq!(wp.api, format!("{}/?rest_route=", wp.url));

    let pretty = get(&format!("{}/wp-json/", wp.url), None);
    assert!(
        pretty.content_type.starts_with("text/html"),
        "{}",
        pretty.content_type
    );

    let index = get(&format!("{}/?rest_route=/", wp.url), None);
    assert_eq!(index.status, 200);
    assert!(
        index.content_type.starts_with("application/json"),
        "{}",
        index.content_type
    );
    json(&index);

    // rest() moves the route's own query string behind an '&'.
    let posts = get(&wp.rest("/wp/v2/posts?per_page=1&_fields=id"), None);
    assert_eq!(posts.status, 200);
    assert_eq!(json(&posts).as_array().unwrap().len(), 1);
}

#[test]
fn without_app_passwords_the_index_offers_no_authentication_and_the_password_is_refused() {
    let wp = start(Options {
        app_passwords: false,
        ..Options::default()
    });
    let index = json(&get(&format!("{}/wp-json/", wp.url), None));
    assert_eq!(index["authentication"], serde_json::json!([]));

    let admin = format!("{}:{}", wp.admin.login, wp.admin.app_password);
    let me = get(&wp.rest("/wp/v2/users/me"), Some(&admin));
    assert_eq!(me.status, 401, "{}", me.body);
}

#[test]
fn answer_html_corrupts_rest_answers_until_it_is_switched_off() {
    let wp = start(Options::default());
    let author = format!("{}:{}", wp.author.login, wp.author.app_password);

    wp.set_answer_html(Some(HtmlMode::Page)).unwrap();
    let page = get(&wp.rest("/wp/v2/users/me"), Some(&author));
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("critical error"), "{}", page.body);
    // Nothing is dispatched: a POST in this mode creates no post.
    let out = Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-u",
            &author,
            "-H",
            "Content-Type: application/json",
        ])
        .args(["-d", r#"{"title":"never","status":"publish"}"#])
        .arg(wp.rest("/wp/v2/posts"))
        .status()
        .unwrap();
    assert!(out.success());
    assert_eq!(
        wp.sql("SELECT COUNT(*) FROM wp_posts WHERE post_title = 'never'")
            .unwrap(),
        "0"
    );

    wp.set_answer_html(Some(HtmlMode::Notice)).unwrap();
    let notice = get(&wp.rest("/wp/v2/users/me"), Some(&author));
    assert_eq!(notice.status, 200);
    assert!(
        notice.content_type.starts_with("application/json"),
        "{}",
        notice.content_type
    );
    assert!(
        notice.body.starts_with("<br />\n<b>Warning</b>:"),
        "{}",
        notice.body
    );
    let json_start = notice.body.find('{').unwrap();
    let me: serde_json::Value = serde_json::from_str(&notice.body[json_start..]).unwrap();
    assert_eq!(me["id"], wp.author.id);

    wp.set_answer_html(None).unwrap();
    wp.set_answer_html(None).unwrap(); // healing twice is fine
    let healthy = get(&wp.rest("/wp/v2/users/me"), Some(&author));
    assert_eq!(json(&healthy)["id"], wp.author.id);
}

#[test]
fn drop_stops_both_daemons_and_deletes_the_state_dir() {
    let wp = start(Options {
        workers: 2,
        ..Options::default()
    });
    let pids = wp.pids().unwrap();
    assert_eq!(pids.len(), 2);
    assert!(pids.iter().all(|&pid| process_running(pid)), "{pids:?}");
    let state_dir = wp.state_dir.clone();
    let url = wp.url.clone();

    drop(wp);
    for pid in pids {
        assert!(!process_running(pid), "pid {pid} still running");
    }
    assert!(!state_dir.exists(), "{} still exists", state_dir.display());
    let refused = Command::new("curl")
        .args(["-sS", "--max-time", "5"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(!refused.status.success(), "{url} still answers");
}

#[test]
fn two_instances_run_side_by_side_and_stop_reports_success() {
    let a = start(Options::default());
    let b = start(Options::default());
    assert_ne!(a.port, b.port);
    assert_ne!(a.admin.app_password, b.admin.app_password);
    let admin = format!("{}:{}", b.admin.login, b.admin.app_password);
    assert_eq!(get(&a.rest("/wp/v2/users/me"), Some(&admin)).status, 401);
    a.stop().unwrap();
    assert_eq!(get(&b.rest("/wp/v2/users/me"), Some(&admin)).status, 200);
    b.stop().unwrap();
}
