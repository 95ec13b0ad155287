//! Reading back what `folio wp publish` put in a real WordPress (folio-wp-harness): the post as
//! the block editor loads it, and WordPress's own block parser run on it.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use folio_core::writer::html::html_text;
use folio_wp_harness::WordPress;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// The post as the administrator sees it in the editor (`context=edit`: `content.raw` is what
/// the block editor loads).
pub fn edited_post(wp: &WordPress, post_id: &Value) -> Value {
    let route = format!("/wp/v2/posts/{post_id}?context=edit");
    let answer = Command::new("curl")
        .args(["-sS", "--max-time", "60", "-u"])
        .arg(format!("{}:{}", wp.admin.login, wp.admin.app_password))
        .arg(wp.rest(&route))
        .stdin(Stdio::null())
        .output()
        .expect("run curl");
    serde_json::from_slice(&answer.stdout)
        .unwrap_or_else(|_| panic!("{route}: {}", String::from_utf8_lossy(&answer.stdout)))
}

/// `parse_blocks()` of this WordPress (its `WP_Block_Parser`, run by PHP) on `raw`.
pub fn parse_blocks(wp: &WordPress, raw: &str) -> Vec<Value> {
    let parser = wp
        .state_dir
        .join("www/wp-includes/class-wp-block-parser.php");
    let mut php = Command::new("php")
        .arg("-r")
        .arg(format!(
            "require '{}'; echo json_encode((new WP_Block_Parser())->parse(stream_get_contents(STDIN)));",
            parser.display()
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run php");
    php.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
    let out = php.wait_with_output().unwrap();
    assert!(out.status.success(), "php failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The parsed blocks' names, nested ones in brackets after their parent; loose HTML (a
/// "freeform" block: what the editor would show as a Classic block) fails the test.
pub fn block_names(blocks: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        let Some(name) = b["blockName"].as_str() else {
            let html = b["innerHTML"].as_str().unwrap();
            assert!(html.trim().is_empty(), "HTML outside any block: {html:?}");
            continue;
        };
        let inner = block_names(b["innerBlocks"].as_array().unwrap());
        out.push(if inner.is_empty() {
            name.to_owned()
        } else {
            format!("{name}[{}]", inner.join(" "))
        });
    }
    out
}

/// The words of some HTML, whatever its markup.
pub fn words(html: &str) -> String {
    html_text(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
