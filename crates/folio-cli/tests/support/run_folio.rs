//! Running the real `folio` binary on a data directory, shared by the CLI tests.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// `folio --data-dir DIR ARGS…`, with no inherited data-dir or log settings.
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
