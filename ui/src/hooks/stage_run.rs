//! Following one pipeline stage's run (`crate::stage_run::StageRun`) from a page: the estimate
//! core is asked for, the job's steps from `job-progress`, the cancel sent once the job's id is
//! known, and the run itself once the person confirms the estimate. The page keeps the state in
//! its reducer and hands every outcome back as a `RunAction`.

use crate::hooks::{invoke, use_event};
use crate::stage_run::{RunAction, StageRun};
use folio_model::ipc::{self, JobsCancelArgs, PipelineEstimateArgs, PipelineRunArgs};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The buttons of a stage's panel (`components::StagePanel`).
#[derive(Clone, PartialEq)]
pub struct StageRunCallbacks {
    pub confirm: Callback<MouseEvent>,
    pub decline: Callback<MouseEvent>,
    pub cancel: Callback<MouseEvent>,
    pub dismiss: Callback<MouseEvent>,
}

#[hook]
pub fn use_stage_run(run: &StageRun, on_action: Callback<RunAction>) -> StageRunCallbacks {
    let stage = run.stage;
    {
        let on_action = on_action.clone();
        let on_step = Callback::from(move |p| on_action.emit(RunAction::JobProgressed(p)));
        use_event::<ipc::JobProgressed, _>((), on_step, Callback::noop());
    }
    {
        let on_action = on_action.clone();
        use_effect_with(run.to_estimate().cloned(), move |target| {
            if let Some(target) = target.clone() {
                spawn_local(async move {
                    let args = PipelineEstimateArgs {
                        stage,
                        target: target.clone(),
                    };
                    let result = invoke::<ipc::PipelineEstimate>(&args).await;
                    on_action.emit(RunAction::Estimated { target, result });
                });
            }
        });
    }
    {
        let on_action = on_action.clone();
        use_effect_with(run.job_to_cancel(), move |job| {
            if let Some(job) = *job {
                spawn_local(async move {
                    if let Ok(true) = invoke::<ipc::JobsCancel>(&JobsCancelArgs { job }).await {
                        on_action.emit(RunAction::CancelSent);
                    }
                });
            }
        });
    }
    let confirm = {
        let target = run.to_confirm().cloned();
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(target) = target.clone() else {
                return;
            };
            on_action.emit(RunAction::SpendConfirmed);
            let on_action = on_action.clone();
            spawn_local(async move {
                let result = invoke::<ipc::PipelineRun>(&PipelineRunArgs { stage, target }).await;
                on_action.emit(RunAction::Finished(result));
            });
        })
    };
    let simple = |action: fn() -> RunAction| {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action()))
    };
    StageRunCallbacks {
        confirm,
        decline: simple(|| RunAction::SpendDeclined),
        cancel: simple(|| RunAction::CancelRequested),
        dismiss: simple(|| RunAction::Dismissed),
    }
}
