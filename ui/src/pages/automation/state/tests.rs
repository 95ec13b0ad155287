//! The Automation reducer's rules, without a browser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::scope::tests::{id, sites};
use chrono::TimeDelta;
use folio_model::{
    AutomationItem, AutomationStage, AutomationStageEstimate, ErrorKind, ItemOutcome, JobPhase,
    PublishDay, RunTrigger,
};
use AutomationAction as A;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
}

fn config(site: SiteId) -> AutomationConfig {
    AutomationConfig {
        site_id: site,
        is_active: true,
        clustering_limit: 10,
        ideas_limit: 10,
        content_limit: 5,
        image_limit: 10,
        publish_limit: 5,
        delay_between_operations_secs: 5,
        max_runtime_secs: 3600,
        auto_approve: false,
        auto_publish: false,
        stop_on_error: true,
        schedule_days: vec![],
        schedule_time: None,
        run_credit_cap: None,
        updated_at: at(0),
    }
}

fn run(n: u64, status: AutomationRunStatus, processed: u64, total: u64) -> AutomationRun {
    AutomationRun {
        id: id(n),
        site_id: id(1),
        status,
        stage: Some(AutomationStage::Writing),
        items_processed: processed,
        items_total: total,
        credits_spent: 40,
        credits_estimated: 100,
        started_by: RunTrigger::Manual,
        started_at: at(0),
        updated_at: at(60),
        completed_at: None,
        reason: None,
    }
}

fn status(run: Option<AutomationRun>, active: bool) -> AutomationStatus {
    AutomationStatus {
        config: config(id(1)),
        run,
        active,
        next_scheduled: None,
    }
}

fn estimate(credits: u64, available: Option<u64>) -> AutomationEstimate {
    AutomationEstimate {
        site_id: id(1),
        stages: AutomationStage::ALL
            .iter()
            .map(|&stage| AutomationStageEstimate {
                stage,
                items: 2,
                credits: credits / 7,
            })
            .collect(),
        credits,
        required: credits * 6 / 5,
        available,
        cap: None,
    }
}

fn step(mut s: AutomationState, a: AutomationAction) -> AutomationState {
    s.apply(a);
    s
}

/// Core answers the status look the page is waiting for.
fn status_reply(s: AutomationState, st: AutomationStatus, secs: i64) -> AutomationState {
    let ask = s.status_ask.n;
    step(
        s,
        A::StatusLoaded {
            site: id(1),
            ask,
            result: Ok(st),
            at: at(secs),
        },
    )
}

fn estimate_reply(s: AutomationState, e: AutomationEstimate) -> AutomationState {
    let ask = s.estimate_ask.n;
    step(
        s,
        A::EstimateLoaded {
            site: id(1),
            ask,
            result: Ok(e),
        },
    )
}

/// The page with site 1 chosen, its status (no run yet) and an affordable estimate loaded.
fn ready() -> AutomationState {
    let s = step(AutomationState::new(), A::SitesLoaded(Ok(sites())));
    let s = status_reply(s, status(None, false), 0);
    estimate_reply(s, estimate(100, Some(1000)))
}

fn progress(site: u64, kind: JobKind, phase: JobPhase, message: &str) -> JobProgress {
    JobProgress {
        job_id: id(50),
        kind,
        scope: JobScope::Site { site: id(site) },
        phase,
        done: 3,
        total: Some(10),
        message: Some(message.into()),
    }
}

#[test]
fn the_first_site_loads_its_status_estimate_and_history_at_once() {
    let s = step(AutomationState::new(), A::SitesLoaded(Ok(sites())));
    assert_eq!(s.site(), Some(id(1)));
    assert_eq!(
        (s.status_ask.after_ms, s.estimate_ask.n, s.runs_ask.n),
        (0, 1, 1)
    );
    assert_eq!(s.run_blocked().as_deref(), Some("Loading\u{2026}"));
    let s = status_reply(s, status(None, false), 0);
    assert_eq!(s.config.form.number(Number::Content), "5");
    assert_eq!(s.config.form.number(Number::CreditCap), "", "no cap");
    assert!(!s.polling(), "nothing runs: no polling");
    assert!(s.run_blocked().unwrap().starts_with("Estimating"));
    let s = estimate_reply(s, estimate(100, Some(1000)));
    assert!(s.can_run());
    assert_eq!(s.run_state(), "idle");
}

#[test]
fn a_reply_about_another_site_or_an_older_ask_is_dropped() {
    let s = ready();
    let old = s.estimate_ask.n;
    let s = step(s, A::SiteChosen(id(2)));
    assert!(s.status.is_none() && s.estimate.is_none());
    let s = step(
        s,
        A::EstimateLoaded {
            site: id(1),
            ask: old,
            result: Ok(estimate(5, None)),
        },
    );
    assert!(s.estimate.is_none(), "site 1's estimate on site 2's page");
    let older = s.status_ask.n - 1;
    let s = step(
        s,
        A::StatusLoaded {
            site: id(2),
            ask: older,
            result: Ok(status(None, false)),
            at: at(0),
        },
    );
    assert!(s.status.is_none(), "an older look");
}

#[test]
fn an_unaffordable_estimate_blocks_run_now_with_the_reason() {
    let s = estimate_reply(ready(), estimate(100, Some(119)));
    assert_eq!(
        s.run_blocked().as_deref(),
        Some("A run needs 120 credits (1.2\u{d7} its estimate of 100); 119 are left.")
    );
    let before = s.clone();
    let s = step(s, A::RunRequested);
    assert_eq!(s, before, "nothing starts");
}

#[test]
fn unsaved_settings_block_a_run_until_saved() {
    let s = step(
        ready(),
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::Content, "2".into())),
    );
    assert!(s
        .run_blocked()
        .unwrap()
        .starts_with("Save the settings first"));
    let s = step(s, A::SaveRequested);
    assert!(s.config.saving.is_some());
    let mut saved = config(id(1));
    saved.content_limit = 2;
    let asked = s.estimate_ask.n;
    let s = step(
        s,
        A::ConfigSaved {
            site: id(1),
            result: Ok(saved),
        },
    );
    assert!(s.config.just_saved && !s.config.dirty());
    assert_eq!(s.estimate_ask.n, asked + 1, "the new limits are estimated");
    assert_eq!(s.status.as_ref().unwrap().config.content_limit, 2);
}

#[test]
fn run_now_follows_the_run_about_once_a_second_until_it_ends() {
    let s = step(ready(), A::RunRequested);
    assert_eq!(s.running_here, Some(id(1)));
    assert!(s.polling() && !s.can_run());
    assert_eq!(s.status_ask.after_ms, POLL_MS);
    assert_eq!(s.run_state(), "running");

    // The run has started: the pace is taken from here.
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Running, 2, 10)), true),
        100,
    );
    let polled = s.status_ask.n;
    assert_eq!(
        s.eta(),
        None,
        "no item finished under the window's eyes yet"
    );
    assert_eq!(s.elapsed(), Some(TimeDelta::seconds(100)));
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Running, 4, 10)), true),
        110,
    );
    assert_eq!(s.status_ask.n, polled + 1, "still looking");
    // 2 items in 10 s, 6 left.
    assert_eq!(s.eta(), Some(TimeDelta::seconds(30)));
    assert_eq!(duration(s.eta().unwrap()), "30 s");

    let mut done = run(7, AutomationRunStatus::Completed, 10, 10);
    done.completed_at = Some(at(150));
    let s = step(
        s,
        A::RunReturned {
            site: id(1),
            result: Ok(done.clone()),
        },
    );
    assert_eq!(s.running_here, None);
    assert_eq!(s.run_state(), "completed");
    let runs = s.runs_ask.n;
    let s = status_reply(s, status(Some(done), false), 151);
    assert!(!s.polling(), "the run ended: no more polling");
    let after = s.status_ask.n;
    let s = status_reply(s, status(None, false), 152);
    assert_eq!(s.status_ask.n, after);
    assert!(s.runs_ask.n >= runs);
    assert_eq!(s.elapsed(), None);
}

#[test]
fn only_this_sites_run_and_its_stages_jobs_show_their_message() {
    let s = step(
        ready(),
        A::JobProgressed(progress(
            1,
            JobKind::Writing,
            JobPhase::Calling,
            "not running",
        )),
    );
    assert_eq!(s.message(), None, "no run: a manual stage run is not ours");
    let s = step(s, A::RunRequested);
    let s = step(
        s,
        A::JobProgressed(progress(
            1,
            JobKind::KeywordImport,
            JobPhase::Calling,
            "other",
        )),
    );
    let s = step(
        s,
        A::JobProgressed(progress(
            2,
            JobKind::Automation,
            JobPhase::Calling,
            "site 2",
        )),
    );
    assert_eq!(s.message(), None);
    let s = step(
        s,
        A::JobProgressed(progress(
            1,
            JobKind::Automation,
            JobPhase::Calling,
            "Writing \u{201c}Roses\u{201d}",
        )),
    );
    assert_eq!(s.message(), Some("Writing \u{201c}Roses\u{201d}"));
    let mut part = progress(
        1,
        JobKind::Writing,
        JobPhase::Calling,
        "\u{201c}Roses\u{201d}: section 2",
    );
    part.job_id = id(51);
    let s = step(s, A::JobProgressed(part.clone()));
    assert_eq!(
        s.message(),
        Some("\u{201c}Roses\u{201d}: section 2"),
        "the stage's own job"
    );
    let s = step(
        s,
        A::JobProgressed(progress(1, JobKind::Automation, JobPhase::Finished, "done")),
    );
    assert_eq!(
        s.message(),
        Some("\u{201c}Roses\u{201d}: section 2"),
        "another job ended"
    );
    part.phase = JobPhase::Finished;
    let s = step(s, A::JobProgressed(part));
    assert_eq!(s.message(), None, "a finished job says nothing more");
}

#[test]
fn pause_then_resume_goes_on_with_the_same_run() {
    let s = step(ready(), A::RunRequested);
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Running, 3, 10)), true),
        10,
    );
    let s = step(s, A::PauseRequested);
    assert_eq!(s.command, Some(Command::Pause));
    assert_eq!(s.run_state(), "pausing");
    let s = step(
        s,
        A::CommandAnswered {
            site: id(1),
            result: Ok(Some(run(7, AutomationRunStatus::Paused, 3, 10))),
        },
    );
    assert_eq!(s.command, None);
    assert_eq!(
        s.run_state(),
        "pausing",
        "core marked it paused; the items in flight still finish"
    );
    let s = step(
        s,
        A::RunReturned {
            site: id(1),
            result: Ok(run(7, AutomationRunStatus::Paused, 4, 10)),
        },
    );
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Paused, 4, 10)), false),
        20,
    );
    assert_eq!(s.run_state(), "paused");
    assert_eq!(s.resumable().map(|r| r.id), Some(id(7)));
    assert!(s.can_run(), "Resume");
    assert!(s.can_cancel());
    let s = step(s, A::RunRequested);
    assert!(s.is_running() && s.resumable().is_none());
}

#[test]
fn a_failed_or_interrupted_run_is_resumable_even_without_an_estimate() {
    let s = status_reply(
        ready(),
        status(Some(run(7, AutomationRunStatus::Failed, 3, 10)), false),
        5,
    );
    let ask = s.estimate_ask.n;
    let s = step(
        s,
        A::EstimateLoaded {
            site: id(1),
            ask,
            result: Err(ErrorDto::new(ErrorKind::Validation, "no model")),
        },
    );
    assert_eq!(s.run_state(), "failed");
    assert!(s.can_run());
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Running, 3, 10)), false),
        6,
    );
    assert_eq!(s.run_state(), "interrupted");
    assert!(s.resumable().is_some());
}

#[test]
fn cancel_asks_first_and_a_paused_run_can_be_cancelled() {
    let s = status_reply(
        ready(),
        status(Some(run(7, AutomationRunStatus::Paused, 3, 10)), false),
        5,
    );
    let s = step(s, A::CancelRequested);
    assert!(s.confirming_cancel && s.command.is_none());
    let s = step(s, A::CancelDeclined);
    assert!(!s.confirming_cancel);
    let s = step(s, A::CancelRequested);
    let s = step(s, A::CancelConfirmed);
    assert_eq!(s.command, Some(Command::Cancel));
    let runs = s.runs_ask.n;
    let s = step(
        s,
        A::CommandAnswered {
            site: id(1),
            result: Ok(Some(run(7, AutomationRunStatus::Cancelled, 3, 10))),
        },
    );
    assert_eq!(s.run_state(), "cancelled");
    assert!(s.runs_ask.n > runs, "the history shows it cancelled");
    assert!(s.resumable().is_none() && !s.can_cancel());
    assert!(s.can_run(), "a new run may start");
}

#[test]
fn a_refused_run_says_why_and_stops_polling() {
    let s = step(ready(), A::RunRequested);
    let s = step(
        s,
        A::RunReturned {
            site: id(1),
            result: Err(ErrorDto::new(
                ErrorKind::Conflict,
                "another process runs this site's automation",
            )),
        },
    );
    assert_eq!(
        s.run_error.as_ref().map(|e| e.message.as_str()),
        Some("another process runs this site's automation")
    );
    let s = status_reply(s, status(None, false), 3);
    assert!(!s.polling());
    let s = step(s, A::ErrorDismissed);
    assert!(s.run_error.is_none());
}

#[test]
fn a_run_started_elsewhere_is_followed_and_its_end_refreshes_the_estimate() {
    let s = status_reply(
        ready(),
        status(Some(run(9, AutomationRunStatus::Running, 1, 5)), true),
        1,
    );
    assert!(s.is_running() && s.polling() && !s.can_run());
    let estimated = s.estimate_ask.n;
    let mut done = run(9, AutomationRunStatus::Completed, 5, 5);
    done.completed_at = Some(at(90));
    let s = status_reply(s, status(Some(done), false), 91);
    assert!(!s.polling());
    assert_eq!(s.estimate_ask.n, estimated + 1);
    assert_eq!(s.elapsed(), Some(TimeDelta::seconds(90)));
}

#[test]
fn the_open_runs_log_follows_it_and_a_stale_log_is_dropped() {
    let s = status_reply(
        ready(),
        status(Some(run(7, AutomationRunStatus::Running, 1, 5)), true),
        1,
    );
    let s = step(s, A::RunOpened(id(7)));
    let first = s.log_ask.n;
    let s = status_reply(
        s,
        status(Some(run(7, AutomationRunStatus::Running, 2, 5)), true),
        2,
    );
    assert_eq!(s.log_ask.n, first + 1, "a new item: the log again");
    let item = AutomationItem {
        run: id(7),
        stage: AutomationStage::Writing,
        item: "x".into(),
        label: "Roses".into(),
        outcome: ItemOutcome::Failed,
        credits: 0,
        reason: Some("provider: unreachable".into()),
        at: at(2),
    };
    let s = step(
        s,
        A::LogLoaded {
            run: id(7),
            ask: first,
            result: Ok(vec![]),
        },
    );
    assert!(s.log.is_none(), "the older answer");
    let s = step(
        s,
        A::LogLoaded {
            run: id(7),
            ask: first + 1,
            result: Ok(vec![item.clone()]),
        },
    );
    assert_eq!(s.log, Some(Ok(vec![item])));
    let s = step(s, A::LogClosed);
    assert!(s.selected.is_none() && s.log.is_none());
}

#[test]
fn the_form_sends_only_what_changed_and_explains_bad_numbers() {
    let s = ready();
    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::Clustering, " 3 ".into())),
    );
    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::CreditCap, "500".into())),
    );
    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::Toggled(Toggle::AutoApprove, true)),
    );
    let s = step(s, A::ConfigEdited(ConfigEdit::DayToggled(PublishDay::Wed)));
    let s = step(s, A::ConfigEdited(ConfigEdit::DayToggled(PublishDay::Mon)));
    let s = step(s, A::ConfigEdited(ConfigEdit::TimeTyped("06:30".into())));
    assert!(!s.config.form.schedule_incomplete());
    let u = s.config.changes().unwrap();
    assert_eq!(
        u,
        folio_model::AutomationConfigUpdate {
            clustering_limit: Some(3),
            run_credit_cap: Some(500),
            auto_approve: Some(true),
            schedule_days: Some(vec!["mon".into(), "wed".into()]),
            schedule_time: Some("06:30".into()),
            ..Default::default()
        }
    );
    // Emptying the cap again is no change; with a stored cap it sends 0 (no cap).
    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::CreditCap, "".into())),
    );
    assert_eq!(s.config.changes().unwrap().run_credit_cap, None);
    let s = step(s, A::ConfigEdited(ConfigEdit::TimeTyped("".into())));
    assert!(s.config.form.schedule_incomplete(), "days without a time");

    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::Delay, "soon".into())),
    );
    let s = step(s, A::SaveRequested);
    assert!(s.config.saving.is_none(), "nothing goes to core");
    assert_eq!(
        s.config.error_for("delay_between_operations_secs"),
        Some("Enter a whole number, 0 or more.")
    );
    let s = step(
        s,
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::Delay, "5".into())),
    );
    assert_eq!(s.config.error_for("delay_between_operations_secs"), None);
}

#[test]
fn core_errors_sit_by_their_field() {
    let s = step(
        ready(),
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::MaxRuntime, "30".into())),
    );
    let s = step(s, A::SaveRequested);
    let err = ErrorDto::new(
        ErrorKind::Validation,
        "max runtime secs must be between 60 and 86400 (got 30)",
    )
    .with_field("max_runtime_secs");
    let s = step(
        s,
        A::ConfigSaved {
            site: id(1),
            result: Err(err),
        },
    );
    assert!(s.config.saving.is_none() && s.config.dirty());
    assert_eq!(
        s.config.error_for("max_runtime_secs"),
        Some("max runtime secs must be between 60 and 86400 (got 30)")
    );
    assert_eq!(s.config.general_error(), None);
    let s = step(s, A::Reverted);
    assert!(!s.config.dirty() && s.config.errors.is_empty());
    assert_eq!(s.config.form.number(Number::MaxRuntime), "3600");
}

#[test]
fn a_later_look_does_not_undo_a_save() {
    let s = step(
        ready(),
        A::ConfigEdited(ConfigEdit::NumberTyped(Number::Ideas, "4".into())),
    );
    let s = step(s, A::SaveRequested);
    let mut saved = config(id(1));
    saved.ideas_limit = 4;
    let s = step(
        s,
        A::ConfigSaved {
            site: id(1),
            result: Ok(saved),
        },
    );
    // A look sent before the save answers with the old config.
    let s = status_reply(s, status(None, false), 9);
    assert_eq!(s.config.form.number(Number::Ideas), "4");
    assert!(!s.config.dirty());
}

#[test]
fn durations_and_steps_read_as_people_say_them() {
    assert_eq!(duration(TimeDelta::seconds(42)), "42 s");
    assert_eq!(duration(TimeDelta::seconds(185)), "3 min 05 s");
    assert_eq!(duration(TimeDelta::seconds(3720)), "1 h 02 min");
    assert_eq!(duration(TimeDelta::seconds(-5)), "0 s");
    assert_eq!(stage_step(AutomationStage::Clustering), "1/7");
    assert_eq!(stage_step(AutomationStage::Schedule), "7/7");
}

#[test]
fn a_new_run_does_not_show_the_last_ones_figures() {
    let mut done = run(7, AutomationRunStatus::Completed, 10, 10);
    done.completed_at = Some(at(50));
    let s = status_reply(ready(), status(Some(done), false), 60);
    assert_eq!(s.run_state(), "completed");
    let s = step(s, A::RunRequested);
    assert_eq!(s.run_state(), "running");
    assert!(s.live_run().is_none() && s.elapsed().is_none());
    let s = status_reply(
        s,
        status(Some(run(8, AutomationRunStatus::Running, 0, 4)), true),
        61,
    );
    assert_eq!(s.live_run().map(|r| r.id), Some(id(8)));
}
