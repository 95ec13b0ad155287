//! `folio site add/list` as a user runs them: the real binary on a temporary data directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{folio, ok_json};
use serde_json::Value;

#[test]
fn add_and_list_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let added = ok_json(&folio(
        dir.path(),
        &[
            "site",
            "add",
            "--name",
            "Garden Blog",
            "--domain",
            "Garden.example",
            "--sector",
            "Tools",
            "--sector",
            "Seeds",
            "--json",
        ],
    ));
    assert_eq!(added["name"], "Garden Blog");
    assert_eq!(added["domain"], "garden.example");
    let sectors: Vec<&str> = added["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(sectors, ["Tools", "Seeds"]);
    assert!(added["sectors"][0]["id"].as_str().unwrap().len() == 36);
    let id = added["id"].as_str().unwrap().to_owned();

    let listed = ok_json(&folio(dir.path(), &["site", "list", "--json"]));
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0], added);
}

#[test]
fn text_output_names_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = folio(dir.path(), &["site", "list"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No sites yet"));

    let out = folio(
        dir.path(),
        &[
            "site",
            "add",
            "--name",
            "Kitchen",
            "--domain",
            "https://kitchen.example/",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Created site \u{201c}Kitchen\u{201d}"),
        "{text}"
    );
    assert!(text.contains("https://kitchen.example"), "{text}");
    assert!(text.contains("General"), "{text}");

    let out = folio(dir.path(), &["site", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ID"), "{text}");
    assert!(text.lines().nth(1).unwrap().contains("Kitchen"), "{text}");
}

#[test]
fn bad_input_exits_non_zero_with_the_core_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = folio(
        dir.path(),
        &["site", "add", "--name", "Shop", "--domain", "not a domain"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The same text core returns to the desktop form.
    let expected = folio_core::sites::site::normalize_domain("not a domain")
        .unwrap_err()
        .to_string();
    assert!(err.contains(&expected), "stderr {err:?} lacks {expected:?}");

    let out = folio(
        dir.path(),
        &[
            "site", "add", "--name", "Shop", "--domain", "nope", "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["kind"], "validation");
    assert_eq!(body["error"]["field"], "domain");

    let six: Vec<&str> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .flat_map(|s| ["--sector", *s])
        .collect();
    let mut args = vec!["site", "add", "--name", "Many", "--domain", "many.example"];
    args.extend(six);
    let out = folio(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 5 sectors"));

    let listed = ok_json(&folio(dir.path(), &["site", "list", "--json"]));
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "nothing written on bad input"
    );
}

#[test]
fn duplicate_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(folio(
        dir.path(),
        &["site", "add", "--name", "Blog", "--domain", "a.example"]
    )
    .status
    .success());
    let out = folio(
        dir.path(),
        &["site", "add", "--name", "blog", "--domain", "b.example"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn a_log_file_is_written_in_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    assert!(folio(
        dir.path(),
        &["site", "add", "--name", "Logged", "--domain", "log.example"]
    )
    .status
    .success());
    let log = std::fs::read_to_string(dir.path().join("logs").join("folio.log")).unwrap();
    assert!(log.contains("site created"), "{log}");
}

/// A sync server over plain HTTP on another machine is refused before anything is sent: the
/// password and tokens would cross the network unencrypted. The message names the way out.
#[test]
fn a_plain_http_sync_server_elsewhere_is_refused_before_the_password_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_folio::folio_with(
        dir.path(),
        &[
            "account",
            "login",
            "--server",
            "http://sync.example.com:8787",
            "--email",
            "me@example.com",
            "--json",
        ],
        &[],
        "Correct-Horse-Battery-9",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["field"], "server");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("plain HTTP"), "{message}");
    assert!(message.contains("--allow-insecure"), "{message}");
    assert!(!message.contains("Correct-Horse"), "{message}");
}
