//! `folio wp …` as a user runs it, against a real WordPress 6.1 per test (folio-wp-harness:
//! MariaDB + PHP's built-in server on 127.0.0.1, stopped by PID when the test ends). The
//! application password goes to the real OS keychain (run under `scripts/headless.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use folio_wp_harness::{HtmlMode, Options, Permalinks, WordPress};
use run_folio::{folio_with, ok_json};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Env {
    dir: tempfile::TempDir,
    service: String,
    wp: WordPress,
    site: String,
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Env {
    fn start(options: Options) -> Self {
        let wp = WordPress::start(options).expect("start WordPress (scripts/setup.sh test)");
        let dir = tempfile::tempdir().unwrap();
        let service = format!("folio-wp-test-{}", uuid::Uuid::now_v7());
        let mut env = Env {
            dir,
            service,
            wp,
            site: String::new(),
        };
        let site = ok_json(&env.run(
            &[
                "site",
                "add",
                "--name",
                "Garden",
                "--domain",
                "garden.example",
                "--sector",
                "Tools",
                "--json",
            ],
            "",
        ));
        env.site = site["id"].as_str().unwrap().to_owned();
        env
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        folio_with(
            self.dir.path(),
            args,
            &[("FOLIO_KEYCHAIN_SERVICE", &self.service)],
            stdin,
        )
    }

    fn json(&self, args: &[&str]) -> Value {
        ok_json(&self.run(args, ""))
    }

    fn connect_as(&self, user: &str, app_password: &str) -> Output {
        let url = format!("{}/wp-admin/", self.wp.url);
        self.run(
            &[
                "wp", "connect", "--site", &self.site, "--url", &url, "--user", user, "--json",
            ],
            app_password,
        )
    }

    fn connect_author(&self) -> Value {
        ok_json(&self.connect_as(&self.wp.author.login, &self.wp.author.app_password))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A hand-written article with two H2 sections.
    fn article(&self, title: &str) -> String {
        let body = self.path(&format!("{}.html", uuid::Uuid::now_v7()));
        std::fs::write(
            &body,
            "<p>Weeding is easier with the right blade.</p><h2>Stirrup hoes</h2><p>They cut both ways.</p>\
             <h2>Draw hoes</h2><p>They chop hard soil. Ünïcödé survives.</p>",
        )
        .unwrap();
        let added = self.json(&[
            "content",
            "add",
            "--site",
            &self.site,
            "--title",
            title,
            "--body-file",
            body.to_str().unwrap(),
            "--json",
        ]);
        added["id"].as_str().unwrap().to_owned()
    }

    fn attach(&self, content: &str, featured: bool, alt: &str) -> Value {
        let png = png(self.dir.path());
        let mut args = vec![
            "content",
            "attach-image",
            "--content",
            content,
            png.to_str().unwrap(),
            "--alt",
            alt,
            "--json",
        ];
        if featured {
            args.push("--featured");
        } else {
            args.extend(["--caption", "A hoe at work"]);
        }
        self.json(&args)
    }

    fn publish(&self, content: &str, extra: &[&str]) -> Output {
        let mut args = vec!["wp", "publish", "--content", content, "--json"];
        args.extend_from_slice(extra);
        self.run(&args, "")
    }

    fn show(&self, content: &str) -> Value {
        self.json(&["content", "show", content, "--json"])
    }

    fn records(&self, content: &str) -> Vec<Value> {
        self.json(&["wp", "records", "--content", content, "--json"])["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// A REST call as the site's administrator, the way a person in wp-admin would change things.
    fn admin(&self, method: &str, route: &str, body: Option<Value>) -> Value {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--max-time", "60", "-X", method, "-u"])
            .arg(format!(
                "{}:{}",
                self.wp.admin.login, self.wp.admin.app_password
            ))
            .arg(self.wp.rest(route));
        if let Some(body) = body {
            cmd.args(["-H", "Content-Type: application/json", "--data-binary"])
                .arg(body.to_string());
        }
        let out = cmd.stdin(Stdio::null()).output().expect("run curl");
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "WordPress answered {route} with: {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn count(&self, sql: &str) -> i64 {
        self.wp.sql(sql).unwrap().trim().parse().unwrap()
    }

    fn posts_with_slug(&self, slug: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post' AND post_name LIKE '{slug}%'"
        ))
    }
}

/// A real PNG drawn by PHP's GD (installed with WordPress), so WordPress makes its thumbnails.
fn png(dir: &Path) -> PathBuf {
    let path = dir.join(format!("{}.png", uuid::Uuid::now_v7()));
    let status = Command::new("php")
        .args([
            "-r",
            "$im = imagecreatetruecolor(600, 400); for ($i = 0; $i < 300; $i++) { imagefilledellipse($im, mt_rand(0, 600), mt_rand(0, 400), 30, 30, mt_rand(0, 0xffffff)); } imagepng($im, $argv[1]);",
        ])
        .arg(&path)
        .status()
        .expect("run php");
    assert!(status.success());
    path
}

#[test]
fn connect_doctor_and_publish_with_images_terms_and_seo_meta_then_update_in_place() {
    let env = Env::start(Options::default());
    // A wrong password is refused and nothing is stored.
    let wrong = env.connect_as("author", "abcd efgh ijkl mnop qrst uvwx");
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(text(&wrong).contains("error [auth]"), "{}", text(&wrong));
    assert!(
        !text(&wrong).contains("abcd efgh"),
        "the password is never echoed"
    );

    let connected = env.connect_author();
    assert_eq!(connected["connection_status"], "connected");
    assert_eq!(connected["username"], "author");
    assert!(connected["api_root"]
        .as_str()
        .unwrap()
        .ends_with("/wp-json/"));
    assert!(
        connected["structure"]["seo_meta_keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "_yoast_wpseo_metadesc"),
        "{connected}"
    );

    let doctor = env.json(&["wp", "doctor", "--site", &env.site, "--json"]);
    assert_eq!(doctor["healthy"], true, "{doctor:#}");
    let check = |id: &str| {
        doctor["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} check in {doctor:#}"))
            .clone()
    };
    assert_eq!(check("login")["outcome"], "pass");
    assert_eq!(check("can_publish")["outcome"], "pass");
    assert_eq!(check("can_create_categories")["outcome"], "warn");

    // The admin made the category; the author may use it and may create tags.
    let category = env.admin(
        "POST",
        "/wp/v2/categories",
        Some(json!({"name": "Garden Tools"})),
    );
    let category_id = category["id"].as_i64().unwrap();
    env.json(&["wp", "sync", "--site", &env.site, "--json"]);

    let content = env.article("Choosing a Garden Hoe");
    env.attach(&content, true, "A stirrup hoe in loose soil");
    env.attach(&content, false, "A draw hoe");
    let out = env.publish(
        &content,
        &[
            "--category",
            "garden tools",
            "--tag",
            "Hoes",
            "--tag",
            "Weeding",
        ],
    );
    let published = ok_json(&out);
    assert_eq!(published["remote_status"], "publish");
    assert_eq!(published["created"], true);
    assert_eq!(published["media_uploaded"], 2);
    let post_id = published["post_id"].as_i64().unwrap();
    assert!(published["url"]
        .as_str()
        .unwrap()
        .contains("choosing-a-garden-hoe"));

    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    assert_eq!(post["status"], "publish");
    assert_eq!(post["author"], env.wp.author.id);
    assert_eq!(post["categories"], json!([category_id]));
    assert_eq!(post["tags"].as_array().unwrap().len(), 2);
    let featured = post["featured_media"].as_i64().unwrap();
    assert!(featured > 0, "{post:#}");
    let media = env.admin(
        "GET",
        &format!("/wp/v2/media/{featured}?context=edit"),
        None,
    );
    assert_eq!(media["alt_text"], "A stirrup hoe in loose soil");
    assert!(media["source_url"]
        .as_str()
        .unwrap()
        .contains("choosing-a-garden-hoe"));
    let raw = post["content"]["raw"].as_str().unwrap();
    assert!(raw.contains("wp-image-"), "in-article image placed: {raw}");
    assert!(
        raw.contains("Stirrup hoes</h2>\n<!-- /wp:heading -->\n\n<!-- wp:image {\"id\":"),
        "the image block follows the first H2 block, both whole: {raw}"
    );
    assert!(raw.contains("A hoe at work"), "caption kept: {raw}");
    assert!(raw.contains("Ünïcödé"));
    assert_eq!(post["meta"]["_yoast_wpseo_title"], "Choosing a Garden Hoe");
    let tags: Vec<String> = post["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            env.admin("GET", &format!("/wp/v2/tags/{}", t.as_i64().unwrap()), None)["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(tags.contains(&"Hoes".to_owned()) && tags.contains(&"Weeding".to_owned()));

    let shown = env.show(&content);
    assert_eq!(shown["site_status"], "published");
    assert_eq!(shown["status"], "published");
    assert_eq!(shown["external_id"], post_id.to_string());

    // Publishing again updates the same post and uploads nothing.
    let again = ok_json(&env.publish(&content, &[]));
    assert_eq!(again["created"], false);
    assert_eq!(again["post_id"], post_id);
    assert_eq!(again["media_uploaded"], 0);
    assert_eq!(env.posts_with_slug("choosing-a-garden-hoe"), 1);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'"),
        2
    );
    let records = env.records(&content);
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["status"] == "succeeded"));
    assert_eq!(records[0]["action"], "update");
    assert_eq!(records[1]["action"], "publish");
}

#[test]
fn scheduling_uploads_a_future_post_with_its_gmt_date() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Winter Pruning");
    let at = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M:00Z")
        .to_string();
    let out = ok_json(&env.publish(&content, &["--at", &at]));
    assert_eq!(out["remote_status"], "future");
    let post = env.admin(
        "GET",
        &format!("/wp/v2/posts/{}?context=edit", out["post_id"]),
        None,
    );
    assert_eq!(post["status"], "future");
    assert_eq!(
        format!("{}Z", post["date_gmt"].as_str().unwrap()),
        at,
        "WordPress publishes it at exactly that UTC time"
    );
    let shown = env.show(&content);
    assert_eq!(shown["site_status"], "scheduled");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(shown["scheduled_publish_at"].as_str().unwrap())
            .unwrap(),
        chrono::DateTime::parse_from_rfc3339(&at).unwrap()
    );
}

#[test]
fn losing_the_saved_post_id_never_makes_a_second_post() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Mulch Guide");
    let first = ok_json(&env.publish(&content, &["--status", "draft"]));
    assert_eq!(first["remote_status"], "draft");
    let post_id = first["post_id"].clone();
    // The id is lost (a restored backup, a device that never synced it).
    forget_post_id(&env.dir.path().join("folio.db"), &content);
    assert!(env.show(&content)["external_id"].is_null());
    let second = ok_json(&env.publish(&content, &[]));
    assert_eq!(second["created"], false, "found by slug");
    assert_eq!(second["post_id"], post_id);
    assert_eq!(second["remote_status"], "publish");
    assert_eq!(env.posts_with_slug("mulch-guide"), 1);
}

fn forget_post_id(db: &Path, content: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query(
            "UPDATE content SET external_id = NULL, external_url = NULL, external_modified_at = NULL
             WHERE id = ?",
        )
        .bind(content)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
}

#[test]
fn a_crash_between_create_and_save_still_leaves_one_post() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Compost Basics");
    env.attach(&content, true, "A compost heap");
    // A forwarding proxy kills `folio` the moment WordPress has answered the create, before
    // Folio can save the post's id.
    let proxy = crash_proxy::start();
    let child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("--data-dir")
        .arg(env.dir.path())
        .args(["wp", "publish", "--content", &content, "--json"])
        .env_remove("FOLIO_DATA_DIR")
        .env("FOLIO_KEYCHAIN_SERVICE", &env.service)
        .env("HTTP_PROXY", proxy.url())
        .env("http_proxy", proxy.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    proxy.kill_on_create(child.id());
    let out = child.wait_with_output().unwrap();
    let status = out.status;
    assert!(
        proxy.created(),
        "WordPress created the post through the proxy; folio said: {}",
        text(&out)
    );
    assert!(!status.success(), "folio was killed");
    assert_eq!(
        env.posts_with_slug("compost-basics"),
        1,
        "WordPress has the post"
    );
    assert!(
        env.show(&content)["external_id"].is_null(),
        "Folio never saved it"
    );

    let retry = ok_json(&env.publish(&content, &[]));
    assert_eq!(retry["created"], false);
    assert_eq!(
        retry["media_uploaded"], 0,
        "the image id was saved before the crash"
    );
    assert_eq!(env.posts_with_slug("compost-basics"), 1);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'"),
        1
    );
    let records = env.records(&content);
    assert_eq!(records[0]["status"], "succeeded");
    assert_eq!(
        records[1]["status"], "pending",
        "the killed attempt never finished"
    );
}

#[test]
fn an_edit_in_wp_admin_stops_the_update_until_forced() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Raised Beds");
    let post_id = ok_json(&env.publish(&content, &[]))["post_id"]
        .as_i64()
        .unwrap();
    // WordPress keeps modified_gmt in whole seconds.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    env.admin(
        "POST",
        &format!("/wp/v2/posts/{post_id}"),
        Some(json!({"title": "Raised Beds (edited by the editor)"})),
    );
    let refused = env.publish(&content, &[]);
    assert!(!refused.status.success(), "{}", text(&refused));
    let err: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(err["error"]["kind"], "conflict");
    assert_eq!(err["error"]["code"], "edited_in_wordpress");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--force"));
    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    assert_eq!(post["title"]["raw"], "Raised Beds (edited by the editor)");

    let forced = ok_json(&env.publish(&content, &["--force"]));
    assert_eq!(forced["post_id"], post_id);
    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    assert_eq!(post["title"]["raw"], "Raised Beds");
}

#[test]
fn an_author_creating_a_category_is_told_which_and_why() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Seed Saving");
    let out = env.publish(
        &content,
        &["--category", "Heirloom Seeds", "--tag", "seeds"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["kind"], "wordpress");
    assert_eq!(err["error"]["code"], "forbidden");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("Heirloom Seeds"), "{message}");
    assert!(message.contains("Editor"), "{message}");
    let shown = env.show(&content);
    assert_eq!(shown["site_status"], "failed");
    assert!(shown["body_html"]
        .as_str()
        .unwrap()
        .contains("Stirrup hoes"));
    let records = env.records(&content);
    assert_eq!(records[0]["status"], "failed");
    assert_eq!(records[0]["error_code"], "forbidden");
    assert_eq!(env.posts_with_slug("seed-saving"), 0);
}

#[test]
fn a_subscriber_cannot_publish() {
    let env = Env::start(Options::default());
    ok_json(&env.connect_as(&env.wp.subscriber.login, &env.wp.subscriber.app_password));
    let doctor = env.run(&["wp", "doctor", "--site", &env.site, "--json"], "");
    assert_eq!(doctor.status.code(), Some(1), "{}", text(&doctor));
    let content = env.article("Watering Cans");
    let out = env.publish(&content, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "forbidden", "{err}");
}

#[test]
fn a_site_answering_html_is_reported_and_nothing_local_is_lost() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Greenhouse Heating");
    env.wp.set_answer_html(Some(HtmlMode::Page)).unwrap();
    let out = env.publish(&content, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "not_json", "{err}");
    let shown = env.show(&content);
    assert_eq!(shown["site_status"], "failed");
    assert!(shown["body_html"].as_str().unwrap().contains("Draw hoes"));
    assert_eq!(env.records(&content)[0]["error_code"], "not_json");

    env.wp.set_answer_html(None).unwrap();
    let ok = ok_json(&env.publish(&content, &[]));
    assert_eq!(ok["remote_status"], "publish");
    assert_eq!(env.posts_with_slug("greenhouse-heating"), 1);

    // A failed update leaves a live post live: the article still says published.
    env.wp.set_answer_html(Some(HtmlMode::Notice)).unwrap();
    let out = env.publish(&content, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(env.show(&content)["site_status"], "published");
    assert_eq!(env.records(&content)[0]["status"], "failed");
}

#[test]
fn a_tag_deleted_in_wp_admin_is_found_again_on_the_next_publish() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Bird Feeders");
    let first = ok_json(&env.publish(&content, &["--tag", "Birds"]));
    let post_id = first["post_id"].as_i64().unwrap();
    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    let old_tag = post["tags"][0].as_i64().unwrap();
    env.admin("DELETE", &format!("/wp/v2/tags/{old_tag}?force=true"), None);
    ok_json(&env.publish(&content, &[]));
    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    let tags = post["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 1, "{post:#}");
    assert_ne!(tags[0].as_i64().unwrap(), old_tag);
    let tag = env.admin("GET", &format!("/wp/v2/tags/{}", tags[0]), None);
    assert_eq!(tag["name"], "Birds");
}

#[test]
fn unpublish_trash_and_publish_again_keep_one_post() {
    let env = Env::start(Options::default());
    env.connect_author();
    let content = env.article("Pond Plants");
    let post_id = ok_json(&env.publish(&content, &[]))["post_id"].clone();
    let off = ok_json(&env.run(&["wp", "unpublish", "--content", &content, "--json"], ""));
    assert_eq!(off["remote_status"], "draft");
    let shown = env.show(&content);
    assert_eq!(shown["site_status"], "not_published");
    assert_eq!(shown["status"], "draft");
    let trashed = ok_json(&env.run(&["wp", "trash", "--content", &content, "--json"], ""));
    assert_eq!(trashed["remote_status"], "trash");
    let back = ok_json(&env.publish(&content, &[]));
    assert_eq!(back["post_id"], post_id, "the same post comes back");
    assert_eq!(back["remote_status"], "publish");
    let post = env.admin("GET", &format!("/wp/v2/posts/{post_id}?context=edit"), None);
    assert_eq!(post["slug"], "pond-plants");
    assert_eq!(env.posts_with_slug("pond-plants"), 1);
}

#[test]
fn plain_permalinks_publish_through_rest_route() {
    let env = Env::start(Options {
        permalinks: Permalinks::Plain,
        ..Options::default()
    });
    let connected = env.connect_author();
    assert!(
        connected["api_root"]
            .as_str()
            .unwrap()
            .contains("rest_route="),
        "{connected}"
    );
    let content = env.article("Hedge Trimming");
    env.attach(&content, true, "A hedge");
    let out = ok_json(&env.publish(&content, &["--tag", "hedges"]));
    assert_eq!(out["remote_status"], "publish");
    assert!(out["url"].as_str().unwrap().contains("?p="), "{out}");
}

#[test]
fn without_application_passwords_the_doctor_says_why_and_connecting_fails() {
    let env = Env::start(Options {
        app_passwords: false,
        ..Options::default()
    });
    let doctor = env.run(
        &[
            "wp",
            "doctor",
            "--site",
            &env.site,
            "--url",
            &env.wp.url,
            "--json",
        ],
        "",
    );
    assert_eq!(doctor.status.code(), Some(1), "{}", text(&doctor));
    let report: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "app_passwords")
        .unwrap()
        .clone();
    assert_eq!(check["outcome"], "fail", "{report:#}");
    assert!(
        check["fix"].as_str().unwrap().contains("HTTPS"),
        "{check:#}"
    );
    let out = env.connect_author_raw();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("Application Passwords"),
        "{}",
        text(&out)
    );
}

impl Env {
    fn connect_author_raw(&self) -> Output {
        self.connect_as(&self.wp.author.login, &self.wp.author.app_password)
    }
}

#[test]
fn one_click_authorization_returns_credentials_that_connect_the_site() {
    let env = Env::start(Options::default());
    let start = env.json(&[
        "wp",
        "authorize",
        "--site",
        &env.site,
        "--url",
        &env.wp.url,
        "--json",
    ]);
    let url = start["url"].as_str().unwrap();
    assert!(url.starts_with(&format!(
        "{}/wp-admin/authorize-application.php?",
        env.wp.url
    )));
    assert!(url.contains("app_name=Folio"), "{url}");
    assert!(
        url.contains("success_url=folio%3A%2F%2Fwordpress%2Fauthorized"),
        "{url}"
    );
    // What WordPress does when the author approves: a new application password, then a
    // redirect to the success URL with the credentials.
    let state = state_of(url);
    assert!(
        state.len() >= 32,
        "a random state rides on the success URL: {url}"
    );
    let created = env.admin(
        "POST",
        &format!("/wp/v2/users/{}/application-passwords", env.wp.author.id),
        Some(json!({"name": "Folio"})),
    );
    let password = created["password"].as_str().unwrap();
    let returned_for = |site_url: &str, state: &str| {
        format!(
            "folio://wordpress/authorized?state={state}&site_url={site_url}&user_login=author&password={}",
            password.replace(' ', "+")
        )
    };
    // A link for another site (a forged or mixed-up answer) is refused, and uses the state up.
    let forged = env.run(
        &[
            "wp",
            "authorize",
            "--site",
            &env.site,
            "--returned-url",
            &returned_for("https://evil.example", &state),
        ],
        "",
    );
    assert!(!forged.status.success(), "{}", text(&forged));
    assert!(
        text(&forged).contains("authorize_refused"),
        "{}",
        text(&forged)
    );
    assert!(!text(&forged).contains(password), "{}", text(&forged));
    // A pending connection, answered without its state, or with another one: nothing is stored.
    start_authorize(&env);
    for wrong in [String::new(), "0".repeat(32)] {
        let refused = env.run(
            &[
                "wp",
                "authorize",
                "--site",
                &env.site,
                "--returned-url",
                &returned_for(&env.wp.url, &wrong),
            ],
            "",
        );
        assert!(!refused.status.success(), "{}", text(&refused));
        assert!(
            text(&refused).contains("authorize_refused"),
            "{}",
            text(&refused)
        );
    }
    // The wrong answers used the pending connection up too: start once more.
    let state = start_authorize(&env);
    let returned = returned_for(&env.wp.url, &state);
    let connected = env.json(&[
        "wp",
        "authorize",
        "--site",
        &env.site,
        "--returned-url",
        &returned,
        "--json",
    ]);
    assert_eq!(connected["connection_status"], "connected");
    assert_eq!(connected["username"], "author");
    // The same link again (a replay) finds nothing waiting.
    let replay = env.run(
        &[
            "wp",
            "authorize",
            "--site",
            &env.site,
            "--returned-url",
            &returned,
        ],
        "",
    );
    assert!(!replay.status.success());
    assert!(
        text(&replay).contains("no one-click connection is waiting"),
        "{}",
        text(&replay)
    );
    let state = start_authorize(&env);
    let rejected = env.run(
        &[
            "wp",
            "authorize",
            "--site",
            &env.site,
            "--returned-url",
            &format!("folio://wordpress/authorized?state={state}&success=false"),
        ],
        "",
    );
    assert!(!rejected.status.success());
    assert!(text(&rejected).contains("rejected"));
}

/// `folio wp authorize` again: the new one-click state.
fn start_authorize(env: &Env) -> String {
    state_of(
        env.json(&[
            "wp",
            "authorize",
            "--site",
            &env.site,
            "--url",
            &env.wp.url,
            "--json",
        ])["url"]
            .as_str()
            .unwrap(),
    )
}

/// The `state` Folio put on the success URL inside an authorization address.
fn state_of(authorize_url: &str) -> String {
    let url = url::Url::parse(authorize_url).unwrap();
    let success = url
        .query_pairs()
        .find(|(k, _)| k == "success_url")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    url::Url::parse(&success)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// A forwarding HTTP proxy that SIGKILLs a process right after WordPress answered a post create.
mod crash_proxy {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    pub struct Proxy {
        port: u16,
        victim: Arc<Victim>,
        created: Arc<AtomicBool>,
    }

    impl Proxy {
        pub fn url(&self) -> String {
            format!("http://127.0.0.1:{}", self.port)
        }
        pub fn kill_on_create(&self, pid: u32) {
            self.victim.set(pid);
        }
        pub fn created(&self) -> bool {
            self.created.load(Ordering::SeqCst)
        }
    }

    /// The process to kill. The test names it right after spawning `folio`, but on a loaded
    /// machine `folio` may reach its create before the test thread runs again: the proxy waits
    /// for the PID instead of reading "nobody" and letting the create through.
    #[derive(Default)]
    struct Victim {
        pid: Mutex<Option<u32>>,
        named: Condvar,
    }

    impl Victim {
        fn set(&self, pid: u32) {
            *self.pid.lock().unwrap() = Some(pid);
            self.named.notify_all();
        }

        fn wait(&self) -> Option<u32> {
            let pid = self.pid.lock().unwrap();
            let (pid, _) = self
                .named
                .wait_timeout_while(pid, Duration::from_secs(60), |pid| pid.is_none())
                .unwrap();
            *pid
        }
    }

    pub fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let victim = Arc::new(Victim::default());
        let created = Arc::new(AtomicBool::new(false));
        let (v, c) = (victim.clone(), created.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (v, c) = (v.clone(), c.clone());
                std::thread::spawn(move || serve(stream, &v, &c));
            }
        });
        Proxy {
            port,
            victim,
            created,
        }
    }

    /// One request in absolute form (`POST http://127.0.0.1:PORT/wp-json/wp/v2/posts HTTP/1.1`),
    /// forwarded with `Connection: close`; the answer goes back with `Connection: close` too, so
    /// the client never reuses a connection the proxy closes after one answer.
    fn serve(client: TcpStream, victim: &Victim, created: &AtomicBool) {
        let Ok(read_half) = client.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(read_half);
        let mut client = client;
        let answer = match forward(&mut reader, victim, created) {
            Ok(Some(answer)) => answer,
            // Nothing asked, or the victim is dead: nobody to answer.
            Ok(None) => return,
            // Said rather than hung up on: a connection closed without an answer reaches folio
            // as "connection closed before message completed", which names neither the proxy
            // nor the cause.
            Err(e) => {
                let text = format!("crash proxy: {e}");
                format!(
                    "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                )
                .into_bytes()
            }
        };
        let _ = client.write_all(&answer);
    }

    /// WordPress's answer to the client's request (with `Connection: close`), or `None` when
    /// there was no request or the answer was a create and the victim has been killed.
    fn forward(
        reader: &mut BufReader<TcpStream>,
        victim: &Victim,
        created: &AtomicBool,
    ) -> std::io::Result<Option<Vec<u8>>> {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(None);
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let rest = target.strip_prefix("http://").unwrap_or(target);
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let mut request = format!("{method} {path} HTTP/1.1\r\n").into_bytes();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("connection:") || lower.starts_with("proxy-") {
                continue;
            }
            request.extend_from_slice(line.as_bytes());
        }
        request.extend_from_slice(b"Connection: close\r\n\r\n");
        let head = request.len();
        request.resize(head + length, 0);
        reader.read_exact(&mut request[head..])?;
        // One write for the whole request: PHP's built-in server rejects a request whose path
        // arrives in two reads ("Malformed HTTP request") and closes the connection unanswered.
        // Written piece by piece (`write!` makes a write per piece), the create's request line
        // was split exactly after its path whenever php -S read between two pieces, which a
        // loaded machine makes likely; a path with a query string survives a split in the query.
        let mut upstream = TcpStream::connect(authority)?;
        upstream.write_all(&request)?;
        let mut response = Vec::new();
        upstream.read_to_end(&mut response)?;
        // The post exists once WordPress said 201 Created; any other answer goes back to folio,
        // which reports it, instead of a kill that would leave nothing to find.
        let is_create = method == "POST"
            && (path.ends_with("/wp/v2/posts")
                || path.ends_with("rest_route=/wp/v2/posts")
                || path.ends_with("rest_route=%2Fwp%2Fv2%2Fposts"));
        if is_create && response.starts_with(b"HTTP/1.1 201 ") {
            created.store(true, Ordering::SeqCst);
            let Some(pid) = victim.wait() else {
                return Err(std::io::Error::other("nobody to kill after the create"));
            };
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            return Ok(None);
        }
        // The client must not reuse this connection: the proxy closes it after one answer.
        let line_end = response
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(0, |i| i + 2);
        response.splice(line_end..line_end, b"Connection: close\r\n".iter().copied());
        Ok(Some(response))
    }
}
