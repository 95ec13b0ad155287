//! Printing results and failures, for people and for `--json`.

use folio_model::{ErrorDto, ErrorKind, Site};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Why a command failed.
pub enum Failure {
    /// A core error, shown exactly as the desktop app shows it.
    Core(ErrorDto),
    /// A provider check that failed; its report is already printed (as JSON with `--json`).
    Provider {
        kind: String,
        message: String,
    },
    /// A report (the site doctor's, a stage run's) already printed says what is wrong; exit 1.
    Reported(String),
    /// A run cancelled with Ctrl-C whose report (what it finished) is already printed; exit 130.
    Cancelled(String),
    Other(anyhow::Error),
}

impl Failure {
    fn dto(&self) -> ErrorDto {
        match self {
            Failure::Core(dto) => dto.clone(),
            Failure::Provider { kind, message } => {
                ErrorDto::new(ErrorKind::Provider, message.clone()).with_code(kind.clone())
            }
            Failure::Reported(message) => ErrorDto::new(ErrorKind::Internal, message.clone()),
            Failure::Cancelled(message) => ErrorDto::new(ErrorKind::Cancelled, message.clone()),
            Failure::Other(e) => ErrorDto::new(ErrorKind::Internal, format!("{e:#}")),
        }
    }
}

impl From<ErrorDto> for Failure {
    fn from(dto: ErrorDto) -> Self {
        Failure::Core(dto)
    }
}

/// Report a failure and choose the exit code: 2 for input the user can fix, 130 for a cancel,
/// 1 otherwise (a failed check or a stage run with failed items included).
/// With `--json`, stdout also gets `{"error": {kind, message, field}}` for scripts.
pub fn fail(f: &Failure, json: bool) -> ExitCode {
    let dto = f.dto();
    if json
        && !matches!(
            f,
            Failure::Provider { .. } | Failure::Reported(_) | Failure::Cancelled(_)
        )
    {
        let body = serde_json::json!({ "error": dto });
        println!("{body}");
    }
    match &dto.code {
        // The kind first, so scripts and people see at once whether to fix a key or wait.
        Some(code) => eprintln!("error [{code}]: {}", dto.message),
        None => eprintln!("error: {}", dto.message),
    }
    if dto.kind == ErrorKind::Unauthenticated {
        eprintln!("hint: folio account login --server URL --email EMAIL (password on stdin)");
    }
    match dto.kind {
        ErrorKind::Validation
        | ErrorKind::Conflict
        | ErrorKind::NotFound
        | ErrorKind::Limit
        | ErrorKind::InsufficientCredits => ExitCode::from(2),
        ErrorKind::Cancelled => ExitCode::from(130),
        _ => ExitCode::FAILURE,
    }
}

/// A secret (password, API key) from stdin only: never argv, where other users and shell history
/// see it. A trailing newline is dropped.
pub fn read_stdin_secret(what: &str, example: &str) -> Result<String, Failure> {
    use std::io::Read;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot read the {what} from stdin: {e}")))?;
    let secret = input.trim_end_matches(['\n', '\r']).to_string();
    if secret.trim().is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(
            "no {what} on stdin; pipe it in, e.g. `{example}`"
        )));
    }
    Ok(secret)
}

pub fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::Other(e.into()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Failure::Other(e.into()))
}

pub fn sector_names(site: &Site) -> String {
    site.sectors
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Print rows under headers in aligned columns; the last column is not padded.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        let cells: Vec<&str> = cells.collect();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s
    };
    println!("{}", line(&mut headers.iter().copied()));
    for row in rows {
        println!("{}", line(&mut row.iter().map(String::as_str)));
    }
}
