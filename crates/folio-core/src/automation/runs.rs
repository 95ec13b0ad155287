//! The device-local record of automation runs: each run's row (status, stage, counts, the
//! items each stage chose) and its item log. Written item by item, so whatever stops a run —
//! pause, cancel, a quit, `kill -9` — the next start finds where it was.

use crate::store::db::{now, parse_stored, status_error, ts};
use crate::{CoreError, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    transition, AutomationItem, AutomationRun, AutomationRunId, AutomationRunStatus,
    AutomationStage, ItemOutcome, RunTrigger, SiteId, Status,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A log line's reason is for people; a provider's long answer is cut.
const MAX_REASON: usize = 2000;

/// What another process asked of a running run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Request {
    Pause,
    Cancel,
}

impl Request {
    fn as_str(self) -> &'static str {
        match self {
            Request::Pause => "pause",
            Request::Cancel => "cancel",
        }
    }
}

const COLUMNS: &str = "id, site_id, status, stage, items_processed, items_total, credits_spent,
    credits_estimated, started_by, started_at, updated_at, completed_at, reason";

type RunRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// An `automation_items` row: stage, item, label, outcome, credits, reason, when.
type ItemRow = (String, String, String, String, i64, Option<String>, String);

fn corrupt(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::Corrupt(format!("stored automation {what}: {e}"))
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn run_from(r: RunRow) -> Result<AutomationRun, CoreError> {
    Ok(AutomationRun {
        id: r.0.parse().map_err(|e| corrupt("run id", e))?,
        site_id: r.1.parse().map_err(|e| corrupt("site id", e))?,
        status: r.2.parse().map_err(|e| corrupt("status", e))?,
        stage: r
            .3
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| corrupt("stage", e))?,
        items_processed: count(r.4),
        items_total: count(r.5),
        credits_spent: count(r.6),
        credits_estimated: count(r.7),
        started_by: r.8.parse().map_err(|e| corrupt("trigger", e))?,
        started_at: parse_ts(&r.9)?,
        updated_at: parse_ts(&r.10)?,
        completed_at: r.11.as_deref().map(parse_ts).transpose()?,
        reason: r.12,
    })
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>, CoreError> {
    parse_stored("automation time", s)
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Folio {
    /// A site's automation runs on this device, newest first.
    pub async fn automation_runs(&self, site: SiteId) -> Result<Vec<AutomationRun>, CoreError> {
        self.get_site(site).await?;
        let rows: Vec<RunRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM automation_runs WHERE site_id = ?
             ORDER BY started_at DESC, id DESC LIMIT 200"
        ))
        .bind(site.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(run_from).collect()
    }

    /// One run.
    pub async fn automation_run_get(
        &self,
        id: AutomationRunId,
    ) -> Result<AutomationRun, CoreError> {
        let row: Option<RunRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM automation_runs WHERE id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(run_from)
            .transpose()?
            .ok_or_else(|| crate::store::db::not_found(format!("automation run {id}")))
    }

    /// A run's item log, in the order its items ended.
    pub async fn automation_log(
        &self,
        run: AutomationRunId,
    ) -> Result<Vec<AutomationItem>, CoreError> {
        self.automation_run_get(run).await?;
        let rows: Vec<ItemRow> = sqlx::query_as(
            "SELECT stage, item, label, outcome, credits, reason, at FROM automation_items
                 WHERE run_id = ? ORDER BY at, rowid",
        )
        .bind(run.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(stage, item, label, outcome, credits, reason, at)| {
                Ok(AutomationItem {
                    run,
                    stage: stage.parse().map_err(|e| corrupt("stage", e))?,
                    item,
                    label,
                    outcome: outcome.parse().map_err(|e| corrupt("outcome", e))?,
                    credits: count(credits),
                    reason,
                    at: parse_ts(&at)?,
                })
            })
            .collect()
    }

    /// The site's newest run, if any.
    pub(crate) async fn latest_automation_run(
        &self,
        site: SiteId,
    ) -> Result<Option<AutomationRun>, CoreError> {
        let row: Option<RunRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM automation_runs WHERE site_id = ?
             ORDER BY started_at DESC, id DESC LIMIT 1"
        ))
        .bind(site.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(run_from).transpose()
    }
}

/// A new run, `pending`.
pub(crate) async fn create(
    folio: &Folio,
    site: SiteId,
    trigger: RunTrigger,
    estimated: u64,
) -> Result<AutomationRun, CoreError> {
    let id = AutomationRunId(Uuid::now_v7());
    let at = ts(now());
    sqlx::query(
        "INSERT INTO automation_runs (id, site_id, status, credits_estimated, started_by,
             started_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(site.to_string())
    .bind(signed(estimated))
    .bind(trigger.as_str())
    .bind(&at)
    .bind(&at)
    .execute(&folio.pool)
    .await?;
    folio.automation_run_get(id).await
}

/// Move a run to `to` (the status rules' legal moves only), with the reason people see; a
/// finished status stamps `completed_at`. Clears any request, which this answers.
pub(crate) async fn set_status(
    folio: &Folio,
    run: &AutomationRun,
    to: AutomationRunStatus,
    reason: Option<String>,
) -> Result<AutomationRun, CoreError> {
    let current = folio.automation_run_get(run.id).await?;
    // a run left `running` by a process that is gone is simply running again
    if !(current.status == to && to == AutomationRunStatus::Running) {
        transition(current.status, to).map_err(status_error)?;
    }
    let finished = matches!(
        to,
        AutomationRunStatus::Completed | AutomationRunStatus::Cancelled
    );
    let at = ts(now());
    sqlx::query(
        "UPDATE automation_runs SET status = ?, reason = ?, requested = NULL, updated_at = ?,
             completed_at = CASE WHEN ? THEN ? ELSE NULL END
         WHERE id = ?",
    )
    .bind(to.as_str())
    .bind(reason.map(|r| folio_ai::cap_text(&r, MAX_REASON)))
    .bind(&at)
    .bind(finished)
    .bind(&at)
    .bind(run.id.to_string())
    .execute(&folio.pool)
    .await?;
    folio.automation_run_get(run.id).await
}

pub(crate) async fn set_stage(
    folio: &Folio,
    run: AutomationRunId,
    stage: AutomationStage,
) -> Result<(), CoreError> {
    sqlx::query("UPDATE automation_runs SET stage = ?, updated_at = ? WHERE id = ?")
        .bind(stage.as_str())
        .bind(ts(now()))
        .bind(run.to_string())
        .execute(&folio.pool)
        .await?;
    Ok(())
}

/// Ask the process running `run` to pause or cancel it (it looks between items).
pub(crate) async fn request(
    folio: &Folio,
    run: AutomationRunId,
    what: Request,
) -> Result<(), CoreError> {
    sqlx::query("UPDATE automation_runs SET requested = ?, updated_at = ? WHERE id = ?")
        .bind(what.as_str())
        .bind(ts(now()))
        .bind(run.to_string())
        .execute(&folio.pool)
        .await?;
    Ok(())
}

/// What another process asked of `run`, if anything.
pub(crate) async fn requested(
    folio: &Folio,
    run: AutomationRunId,
) -> Result<Option<Request>, CoreError> {
    let r: Option<Option<String>> =
        sqlx::query_scalar("SELECT requested FROM automation_runs WHERE id = ?")
            .bind(run.to_string())
            .fetch_optional(&folio.pool)
            .await?;
    Ok(match r.flatten().as_deref() {
        Some("pause") => Some(Request::Pause),
        Some("cancel") => Some(Request::Cancel),
        _ => None,
    })
}

/// The items kept under `key` (a stage's name: its items) when the stage first started in
/// this run, if it has.
pub(crate) async fn planned(
    folio: &Folio,
    run: AutomationRunId,
    key: &str,
) -> Result<Option<Vec<String>>, CoreError> {
    Ok(plan_of(folio, run).await?.remove(key))
}

async fn plan_of(
    folio: &Folio,
    run: AutomationRunId,
) -> Result<BTreeMap<String, Vec<String>>, CoreError> {
    let text: String = sqlx::query_scalar("SELECT plan FROM automation_runs WHERE id = ?")
        .bind(run.to_string())
        .fetch_one(&folio.pool)
        .await?;
    serde_json::from_str(&text).map_err(|e| corrupt("plan", e))
}

/// Keep the items a stage chose under `key` (before any of them is worked on); `counted`:
/// they are the stage's log items, counted in the run's total (a clustering stage also keeps
/// its keywords, whose log items are their batches).
pub(crate) async fn plan(
    folio: &Folio,
    run: AutomationRunId,
    key: &str,
    items: &[String],
    counted: bool,
) -> Result<(), CoreError> {
    let mut all = plan_of(folio, run).await?;
    all.insert(key.to_owned(), items.to_vec());
    let text = serde_json::to_string(&all).map_err(|e| CoreError::Internal(e.to_string()))?;
    sqlx::query(
        "UPDATE automation_runs SET plan = ?, items_total = items_total + ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(text)
    .bind(if counted {
        signed(items.len() as u64)
    } else {
        0
    })
    .bind(ts(now()))
    .bind(run.to_string())
    .execute(&folio.pool)
    .await?;
    Ok(())
}

/// One line of the log, in one write with the run's counts: an item logged twice (a failed
/// item done on resume) counts once, its credits added.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn log_item(
    folio: &Folio,
    run: AutomationRunId,
    stage: AutomationStage,
    item: &str,
    label: &str,
    outcome: ItemOutcome,
    credits: u64,
    reason: Option<&str>,
) -> Result<(), CoreError> {
    // a write from the start (`BEGIN IMMEDIATE`): items end side by side, and a read turned
    // write would fail at once with "database is locked" when another item's line is written
    let mut tx = folio.begin_write().await?;
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT credits FROM automation_items WHERE run_id = ? AND stage = ? AND item = ?",
    )
    .bind(run.to_string())
    .bind(stage.as_str())
    .bind(item)
    .fetch_optional(tx.conn())
    .await?;
    let at = ts(now());
    sqlx::query(
        "INSERT INTO automation_items (run_id, stage, item, label, outcome, credits, reason, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, stage, item) DO UPDATE SET label = excluded.label,
             outcome = excluded.outcome, credits = automation_items.credits + excluded.credits,
             reason = excluded.reason, at = excluded.at",
    )
    .bind(run.to_string())
    .bind(stage.as_str())
    .bind(item)
    .bind(folio_ai::cap_text(label, 500))
    .bind(outcome.as_str())
    .bind(signed(credits))
    .bind(reason.map(|r| folio_ai::cap_text(r, MAX_REASON)))
    .bind(&at)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE automation_runs SET items_processed = items_processed + ?,
             credits_spent = credits_spent + ?, updated_at = ? WHERE id = ?",
    )
    .bind(i64::from(known.is_none()))
    .bind(signed(credits))
    .bind(&at)
    .bind(run.to_string())
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// Items of a stage's plan with a line in the log already.
pub(crate) async fn logged(
    folio: &Folio,
    run: AutomationRunId,
    stage: AutomationStage,
) -> Result<BTreeMap<String, ItemOutcome>, CoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT item, outcome FROM automation_items WHERE run_id = ? AND stage = ?")
            .bind(run.to_string())
            .bind(stage.as_str())
            .fetch_all(&folio.pool)
            .await?;
    rows.into_iter()
        .map(|(item, outcome)| {
            Ok((
                item,
                outcome.parse().map_err(|e: String| corrupt("outcome", e))?,
            ))
        })
        .collect()
}
