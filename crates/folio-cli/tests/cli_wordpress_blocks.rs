//! What `folio wp publish` puts in a post, on a real WordPress 6.1 per test (folio-wp-harness):
//! block-editor markup that WordPress's own block parser reads as native blocks, with the
//! article's text intact, and never markup the sanitiser refuses, even when the stored body has
//! it (written by another device or an older Folio). Runs under `scripts/headless.sh` for the
//! OS keychain, like cli_wordpress.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;
#[path = "support/wp_post.rs"]
mod wp_post;

use folio_wp_harness::{Options, WordPress};
use run_folio::{add_site, folio_with, ok_json};
use serde_json::Value;
use wp_post::{block_names, edited_post, parse_blocks, words};

/// A WordPress and a Folio data directory whose site "Garden" is connected to it as the author.
struct Connected {
    wp: WordPress,
    dir: tempfile::TempDir,
    keychain_service: String,
    site: String,
}

impl Connected {
    fn new() -> Self {
        let wp =
            WordPress::start(Options::default()).expect("start WordPress (scripts/setup.sh test)");
        let dir = tempfile::tempdir().unwrap();
        let (site, _) = add_site(dir.path(), &[]);
        let this = Connected {
            wp,
            dir,
            keychain_service: format!("folio-wp-blocks-test-{}", uuid::Uuid::now_v7()),
            site,
        };
        let author = &this.wp.author;
        this.folio(
            &[
                "wp",
                "connect",
                "--site",
                &this.site,
                "--url",
                &this.wp.url,
                "--user",
                &author.login,
                "--json",
            ],
            &author.app_password,
        );
        this
    }

    fn folio(&self, args: &[&str], stdin: &str) -> Value {
        ok_json(&folio_with(
            self.dir.path(),
            args,
            &[("FOLIO_KEYCHAIN_SERVICE", &self.keychain_service)],
            stdin,
        ))
    }

    /// `folio content add` with this body; the article as stored.
    fn add(&self, title: &str, body: &str) -> Value {
        let file = self
            .dir
            .path()
            .join(format!("{}.html", uuid::Uuid::now_v7()));
        std::fs::write(&file, body).unwrap();
        self.folio(
            &[
                "content",
                "add",
                "--site",
                &self.site,
                "--title",
                title,
                "--body-file",
                file.to_str().unwrap(),
                "--json",
            ],
            "",
        )
    }

    fn show(&self, content: &str) -> Value {
        self.folio(&["content", "show", content, "--json"], "")
    }

    /// Publishes the article and returns its post as the block editor loads it.
    fn publish(&self, content: &str) -> Value {
        let out = self.folio(&["wp", "publish", "--content", content, "--json"], "");
        edited_post(&self.wp, &out["post_id"])
    }
}

#[test]
fn published_articles_are_native_blocks_with_the_same_text() {
    let site = Connected::new();
    // No quotes, dashes or ellipses: WordPress typesets those in the rendered text.
    let body = "<p>Weeding is easier with the right blade.</p>\
        <h2>Kinds of hoe</h2><p>Each kind has a <strong>job</strong> of its own.</p>\
        <h3>Stirrup hoes</h3>\
        <ul><li>They cut on the push</li><li>and on the pull<ul><li>in loose soil</li></ul></li></ul>\
        <ol><li>Sharpen</li><li>Oil</li></ol>\
        <table><thead><tr><th>Hoe</th><th>Width</th></tr></thead>\
        <tbody><tr><td>Stirrup</td><td>12 cm</td></tr><tr><td>Draw</td><td>15 cm</td></tr></tbody></table>\
        <blockquote><p>A sharp hoe does half the work.</p></blockquote>\
        <h2>Care</h2><p>Clean the blade and keep it <em>dry</em>. Ünïcödé survives.</p>";
    let article = site.add("Choosing a Garden Hoe", body);
    let post = site.publish(article["id"].as_str().unwrap());

    let raw = post["content"]["raw"].as_str().unwrap();
    for marker in [
        "<!-- wp:paragraph -->\n<p>",
        "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">",
        "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">",
        "<!-- wp:list -->\n<ul class=\"wp-block-list\"><!-- wp:list-item -->",
        "<!-- wp:list {\"ordered\":true} -->\n<ol class=\"wp-block-list\">",
        "<!-- wp:table {\"hasFixedLayout\":true} -->\n<figure class=\"wp-block-table\">",
        "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->",
    ] {
        assert!(raw.contains(marker), "{marker:?} not in {raw}");
    }
    assert_eq!(
        block_names(&parse_blocks(&site.wp, raw)),
        [
            "core/paragraph",
            "core/heading",
            "core/paragraph",
            "core/heading",
            "core/list[core/list-item core/list-item[core/list[core/list-item]]]",
            "core/list[core/list-item core/list-item]",
            "core/table",
            "core/quote[core/paragraph]",
            "core/heading",
            "core/paragraph",
        ],
        "WordPress's parser reads these blocks from {raw}"
    );
    let rendered = post["content"]["rendered"].as_str().unwrap();
    assert_eq!(words(rendered), words(body), "{rendered}");
    assert_eq!(
        words(article["body_html"].as_str().unwrap()),
        words(body),
        "the stored article keeps its text"
    );
}

#[test]
fn scripts_handlers_and_frames_are_neither_stored_nor_published() {
    let site = Connected::new();
    let dirty = "<p>Keep this text.</p><script>alert(1)</script>\
        <p>Pictures<img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">links</a>.</p>\
        <iframe src=\"https://evil.example\"></iframe><h2>After</h2><p>More text.</p>";
    let forbidden = [
        "<script",
        "alert(",
        "onerror",
        "javascript:",
        "<iframe",
        "evil.example",
        "<img",
    ];
    let added = site.add("Safe Garden", dirty);
    let id = added["id"].as_str().unwrap();
    let stored = site.show(id)["body_html"].as_str().unwrap().to_owned();
    for bad in forbidden {
        assert!(!stored.contains(bad), "{bad:?} stored: {stored}");
    }
    assert_eq!(
        words(&stored),
        "Keep this text. Pictures and links. After More text."
    );

    // A body that reached the database unsanitised (another device, an older Folio) is
    // sanitised again when it is published.
    set_body(&site.dir.path().join("folio.db"), id, dirty);
    assert!(site.show(id)["body_html"]
        .as_str()
        .unwrap()
        .contains("<script>"));
    let post = site.publish(id);
    let raw = post["content"]["raw"].as_str().unwrap();
    for bad in forbidden {
        assert!(!raw.contains(bad), "{bad:?} published: {raw}");
    }
    assert!(raw.contains("<!-- wp:heading -->"), "{raw}");
    assert_eq!(
        words(post["content"]["rendered"].as_str().unwrap()),
        words(&stored)
    );
}

fn set_body(db: &std::path::Path, content: &str, body: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE content SET body_html = ? WHERE id = ?")
            .bind(body)
            .bind(content)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
}
