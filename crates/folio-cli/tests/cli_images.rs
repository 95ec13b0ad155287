//! `folio content attach-image / images / remove-image`: the real binary on a temporary data
//! directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{folio, ok_json};
use serde_json::Value;
use std::path::Path;

/// A valid 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";

/// A data directory with one site and one article; returns the article's id.
fn article(dir: &Path) -> String {
    let site = ok_json(&folio(
        dir,
        &[
            "site",
            "add",
            "--name",
            "Garden",
            "--domain",
            "garden.example",
            "--json",
        ],
    ));
    let content = ok_json(&folio(
        dir,
        &[
            "content",
            "add",
            "--site",
            site["id"].as_str().unwrap(),
            "--title",
            "Choosing a Garden Hoe",
            "--json",
        ],
    ));
    content["id"].as_str().unwrap().to_owned()
}

#[test]
fn images_are_attached_listed_and_removed() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let id = article(data.path());
    let png = files.path().join("hoe.png");
    std::fs::write(&png, PNG).unwrap();
    let gif = files.path().join("weeds.gif");
    std::fs::write(&gif, GIF).unwrap();

    let featured = ok_json(&folio(
        data.path(),
        &[
            "content",
            "attach-image",
            "--content",
            &id,
            png.to_str().unwrap(),
            "--featured",
            "--alt",
            "A stirrup hoe",
            "--caption",
            "Sharp and light",
            "--json",
        ],
    ));
    assert_eq!(featured["image_type"], "featured");
    assert_eq!(featured["status"], "generated");
    assert_eq!(featured["provider"], "upload");
    assert_eq!(featured["alt_text"], "A stirrup hoe");
    assert_eq!(featured["caption"], "Sharp and light");
    let local = featured["local_path"].as_str().unwrap();
    assert!(
        local.starts_with("images/") && local.ends_with(".png"),
        "{local}"
    );
    assert_eq!(std::fs::read(data.path().join(local)).unwrap(), PNG);

    // text output names the id, type, position and where the file went
    let out = folio(
        data.path(),
        &[
            "content",
            "attach-image",
            "--content",
            &id,
            gif.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("type:     in_article"), "{text}");
    assert!(text.contains("position: 0"), "{text}");
    assert!(text.contains("alt:      Choosing a Garden Hoe"), "{text}");
    assert!(text.contains(".gif"), "{text}");

    let listed = ok_json(&folio(data.path(), &["content", "images", &id, "--json"]));
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], featured["id"]);
    assert_eq!(items[1]["image_type"], "in_article");

    let out = folio(data.path(), &["content", "images", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("ID") && text.contains("A stirrup hoe"),
        "{text}"
    );

    let removed = ok_json(&folio(
        data.path(),
        &[
            "content",
            "remove-image",
            items[1]["id"].as_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(removed["removed"], items[1]["id"]);
    let listed = ok_json(&folio(data.path(), &["content", "images", &id, "--json"]));
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[test]
fn files_that_are_not_images_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let id = article(data.path());
    let text = files.path().join("notes.png");
    std::fs::write(&text, "not an image").unwrap();
    let out = folio(
        data.path(),
        &[
            "content",
            "attach-image",
            "--content",
            &id,
            text.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["kind"], "validation");
    assert_eq!(body["error"]["field"], "file");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("notes.png") && message.contains("PNG, JPEG"),
        "{message}"
    );

    let missing = files.path().join("missing.png");
    let out = folio(
        data.path(),
        &[
            "content",
            "attach-image",
            "--content",
            &id,
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("missing.png"),
        "{stderr}"
    );

    let listed = ok_json(&folio(data.path(), &["content", "images", &id, "--json"]));
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    assert!(!data.path().join("images").exists());
}
