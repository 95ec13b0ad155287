//! `folio jobs`, and how every long command shows its job: a progress bar on a terminal
//! (nothing with `--json` or when stderr is not a terminal), and Ctrl-C cancelling the job
//! cleanly instead of killing the process mid-write.

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::Subcommand;
use folio_core::Folio;
use folio_model::{JobPhase, JobProgress};
use indicatif::{ProgressBar, ProgressStyle};
use std::future::Future;
use std::io::IsTerminal;
use tokio::sync::broadcast::error::RecvError;

#[derive(Subcommand)]
pub enum JobsCommand {
    /// The long work running on this data directory: in the desktop app, this or other
    /// `folio` processes.
    List(JsonFlag),
}

impl JobsCommand {
    pub fn json(&self) -> bool {
        match self {
            JobsCommand::List(j) => j.json,
        }
    }
}

pub async fn run(folio: &Folio, command: JobsCommand) -> Result<(), Failure> {
    match command {
        JobsCommand::List(j) => {
            let jobs = folio.jobs().list().await?;
            if j.json {
                return print_json(&jobs);
            }
            if jobs.is_empty() {
                println!("No jobs are running.");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = jobs
                .iter()
                .map(|j| {
                    vec![
                        j.id.to_string(),
                        j.kind.label().to_owned(),
                        j.scope.to_string(),
                        j.pid.to_string(),
                        j.started_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    ]
                })
                .collect();
            print_table(&["JOB", "WHAT", "FOR", "PID", "STARTED"], &rows);
            Ok(())
        }
    }
}

/// Run `work` (one core operation that starts a job) with a progress bar on a terminal and
/// Ctrl-C cancelling this process's jobs; a second Ctrl-C quits at once.
pub async fn with_progress<T>(folio: &Folio, json: bool, work: impl Future<Output = T>) -> T {
    let bar = (!json && std::io::stderr().is_terminal()).then(ProgressBar::new_spinner);
    let mut progress = folio.jobs().subscribe();
    let render = bar.clone().map(|bar| {
        tokio::spawn(async move {
            loop {
                match progress.recv().await {
                    Ok(p) => show(&bar, &p),
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                }
            }
        })
    });
    tokio::pin!(work);
    // Polled (so registered with the OS) before `work` runs its first step: a Ctrl-C that comes
    // as soon as the job exists is a cancel, never the default "terminate now".
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let mut interrupts = 0;
    let result = loop {
        tokio::select! {
            biased;
            signal = &mut ctrl_c => {
                if signal.is_err() {
                    // No signal handling here: Ctrl-C keeps its default.
                    break (&mut work).await;
                }
                interrupts += 1;
                if interrupts > 1 {
                    eprintln!("interrupted again: quitting without waiting");
                    std::process::exit(130);
                }
                let n = folio.jobs().cancel_all();
                eprintln!("cancelling ({n} job(s)); Ctrl-C again to quit at once");
                ctrl_c = Box::pin(tokio::signal::ctrl_c());
            }
            out = &mut work => break out,
        }
    };
    if let Some(render) = render {
        render.abort();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

fn show(bar: &ProgressBar, p: &JobProgress) {
    let what = p.message.clone().unwrap_or_else(|| p.phase.to_string());
    match (p.phase, p.total) {
        (JobPhase::Writing | JobPhase::Uploading, Some(total)) if total > 0 => {
            if bar.length() != Some(total) {
                bar.set_length(total);
                bar.set_style(
                    ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
            }
            bar.set_position(p.done);
            bar.set_message(what);
        }
        _ => bar.set_message(what),
    }
}
