//! Running the real `folio` binary on a data directory, shared by the CLI tests.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// `folio --data-dir DIR ARGS…`, with no inherited data-dir or log settings.
#[allow(dead_code)] // not every test file runs it without stdin
pub fn folio(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FOLIO_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("run folio")
}

/// Stdout as JSON, after checking the command succeeded.
pub fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "folio failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// `folio --data-dir DIR ARGS…` with extra environment and `stdin` piped in.
#[allow(dead_code)] // not every test file pipes stdin
pub fn folio_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FOLIO_DATA_DIR")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run folio");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for folio")
}

/// `folio site add` a site "Garden" (garden.example) with `sectors`; its id and its sectors' ids.
#[allow(dead_code)] // not every test file needs a site
pub fn add_site(dir: &Path, sectors: &[&str]) -> (String, Vec<String>) {
    let mut args = vec![
        "site",
        "add",
        "--name",
        "Garden",
        "--domain",
        "garden.example",
    ];
    for s in sectors {
        args.extend(["--sector", s]);
    }
    args.push("--json");
    let site = ok_json(&folio(dir, &args));
    let id = site["id"].as_str().expect("a site id").to_owned();
    let sectors = site["sectors"]
        .as_array()
        .expect("sectors")
        .iter()
        .map(|s| s["id"].as_str().expect("a sector id").to_owned())
        .collect();
    (id, sectors)
}
