//! The live view's figures: how long a run has taken and how long its known items will still
//! take, from the pace this window has seen.

use chrono::{DateTime, TimeDelta, Utc};
use folio_model::{AutomationRun, AutomationRunId, AutomationStage};

/// Where an active run stood when this window first saw it running: the ETA is taken from the
/// items finished since, so time spent paused (or before the window opened) does not skew it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    pub run: AutomationRunId,
    pub since: DateTime<Utc>,
    pub processed: u64,
}

/// How long the run has been going: up to `now` while it runs, else up to when it stopped.
pub fn elapsed(run: &AutomationRun, active: bool, now: DateTime<Utc>) -> TimeDelta {
    let end = if active {
        now
    } else {
        run.completed_at.unwrap_or(run.updated_at)
    };
    (end - run.started_at).max(TimeDelta::zero())
}

/// The time the run's known items still need at the pace seen since `pace`; `None` until an item
/// has finished under this window's eyes, or when nothing known is left.
pub fn eta(pace: &Pace, run: &AutomationRun, now: DateTime<Utc>) -> Option<TimeDelta> {
    if pace.run != run.id {
        return None;
    }
    let finished = run.items_processed.checked_sub(pace.processed)?;
    let left = run.items_total.checked_sub(run.items_processed)?;
    if finished == 0 || left == 0 {
        return None;
    }
    let spent = (now - pace.since).num_milliseconds().max(0);
    // i128: a long run's milliseconds times thousands of items must not overflow.
    let millis = i128::from(spent) * i128::from(left) / i128::from(finished);
    Some(TimeDelta::milliseconds(
        i64::try_from(millis).unwrap_or(i64::MAX / 2),
    ))
}

/// `1 h 02 min`, `3 min 05 s`, `42 s`.
pub fn duration(d: TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// `4/7`: the stage's place among the seven.
pub fn stage_step(stage: AutomationStage) -> String {
    let n = AutomationStage::ALL
        .iter()
        .position(|s| *s == stage)
        .map_or(0, |i| i + 1);
    format!("{n}/{}", AutomationStage::ALL.len())
}
