//! *Cluster offline (free)*: the tighter / looser choice with how many clusters each gives
//! (core's preview, nothing written), then the run on this computer and what it did. Pure state
//! (`OfflineRun`, unit-tested) and its panel.

use folio_model::{
    ErrorDto, JobId, JobKind, JobProgress, JobScope, OfflineClusterReport, SectorId, SiteId,
    Threshold, ThresholdPreview,
};
use yew::prelude::*;

/// The preview's default choice: the middle of five (0.5).
const DEFAULT_CHOICE: usize = 2;

#[derive(Clone, Debug, Default, PartialEq)]
pub enum OfflinePhase {
    #[default]
    Closed,
    Previewing,
    Choosing {
        preview: Vec<ThresholdPreview>,
        chosen: usize,
    },
    Running {
        threshold: Threshold,
        /// The run's job, once its first step arrived (what Cancel stops).
        job: Option<JobId>,
        /// The job's latest step.
        step: Option<String>,
        cancelling: bool,
        cancel_sent: bool,
    },
    Finished(Result<OfflineClusterReport, ErrorDto>),
}

/// A call the page makes for the panel; `request` numbers it so a stale answer is dropped.
#[derive(Clone, Debug, PartialEq)]
pub enum OfflineCall {
    Preview {
        site: SiteId,
        sector: Option<SectorId>,
    },
    Run {
        site: SiteId,
        sector: Option<SectorId>,
        threshold: Threshold,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfflineRun {
    pub phase: OfflinePhase,
    pub target: Option<(SiteId, Option<SectorId>)>,
    pub request: u64,
}

pub enum OfflineAction {
    Opened(SiteId, Option<SectorId>),
    Previewed {
        request: u64,
        result: Result<Vec<ThresholdPreview>, ErrorDto>,
    },
    Chosen(usize),
    Confirmed,
    /// A step of any job of the window; only this run's is taken.
    JobProgressed(JobProgress),
    CancelRequested,
    /// The shell took the cancel: the job stops before its next write.
    CancelSent,
    Finished {
        request: u64,
        result: Result<OfflineClusterReport, ErrorDto>,
    },
    Closed,
}

impl OfflineRun {
    pub fn is_busy(&self) -> bool {
        matches!(
            self.phase,
            OfflinePhase::Previewing | OfflinePhase::Running { .. }
        )
    }

    /// Apply an action; true when clusters changed (the page reloads its list).
    pub fn apply(&mut self, action: OfflineAction) -> bool {
        use OfflineAction as A;
        match action {
            A::Opened(site, sector) => {
                if self.is_busy() {
                    return false;
                }
                self.target = Some((site, sector));
                self.phase = OfflinePhase::Previewing;
                self.request += 1;
            }
            A::Previewed { request, result } => {
                if request != self.request || self.phase != OfflinePhase::Previewing {
                    return false;
                }
                self.phase = match result {
                    Ok(preview) if !preview.is_empty() => OfflinePhase::Choosing {
                        chosen: DEFAULT_CHOICE.min(preview.len() - 1),
                        preview,
                    },
                    Ok(_) => OfflinePhase::Finished(Ok(OfflineClusterReport::default())),
                    Err(e) => OfflinePhase::Finished(Err(e)),
                };
            }
            A::Chosen(i) => {
                if let OfflinePhase::Choosing { preview, chosen } = &mut self.phase {
                    if i < preview.len() {
                        *chosen = i;
                    }
                }
            }
            A::Confirmed => {
                if let OfflinePhase::Choosing { preview, chosen } = &self.phase {
                    let threshold = Threshold(preview[*chosen].threshold);
                    self.phase = OfflinePhase::Running {
                        threshold,
                        job: None,
                        step: None,
                        cancelling: false,
                        cancel_sent: false,
                    };
                    self.request += 1;
                }
            }
            A::JobProgressed(p) => {
                let ours = p.kind == JobKind::Clustering
                    && self
                        .target
                        .is_some_and(|(site, _)| p.scope == JobScope::Site { site });
                if let OfflinePhase::Running { job, step, .. } = &mut self.phase {
                    if ours && job.is_none_or(|j| j == p.job_id) {
                        *job = Some(p.job_id);
                        if p.message.is_some() {
                            *step = p.message;
                        }
                    }
                }
            }
            A::CancelRequested => {
                if let OfflinePhase::Running { cancelling, .. } = &mut self.phase {
                    *cancelling = true;
                }
            }
            A::CancelSent => {
                if let OfflinePhase::Running { cancel_sent, .. } = &mut self.phase {
                    *cancel_sent = true;
                }
            }
            A::Finished { request, result } => {
                if request != self.request || !matches!(self.phase, OfflinePhase::Running { .. }) {
                    return false;
                }
                let changed = result.as_ref().is_ok_and(|r| r.mapped > 0);
                self.phase = OfflinePhase::Finished(result);
                return changed;
            }
            A::Closed => {
                if !self.is_busy() {
                    self.phase = OfflinePhase::Closed;
                }
            }
        }
        false
    }

    /// The job to send a cancel for: asked, its id known, not yet sent.
    pub fn job_to_cancel(&self) -> Option<JobId> {
        match &self.phase {
            OfflinePhase::Running {
                job: Some(job),
                cancelling: true,
                cancel_sent: false,
                ..
            } => Some(*job),
            _ => None,
        }
    }

    /// The call the page should make now (numbered by `request`), if any.
    pub fn call(&self) -> Option<OfflineCall> {
        let (site, sector) = self.target?;
        match &self.phase {
            OfflinePhase::Previewing => Some(OfflineCall::Preview { site, sector }),
            OfflinePhase::Running { threshold, .. } => Some(OfflineCall::Run {
                site,
                sector,
                threshold: *threshold,
            }),
            _ => None,
        }
    }
}

/// The panel: nothing when closed.
pub fn view(
    run: &OfflineRun,
    on_choose: Callback<usize>,
    on_confirm: Callback<MouseEvent>,
    on_cancel: Callback<MouseEvent>,
    on_close: Callback<MouseEvent>,
) -> Html {
    let body = match &run.phase {
        OfflinePhase::Closed => return html! {},
        OfflinePhase::Previewing => html! {
            <p class="hint" role="status">{"Grouping the new keywords on this computer\u{2026}"}</p>
        },
        OfflinePhase::Choosing { preview, chosen } => {
            let options = preview.iter().enumerate().map(|(i, p)| {
                let on_choose = on_choose.clone();
                let label = match i {
                    0 => "tightest",
                    i if i + 1 == preview.len() => "loosest",
                    _ => "",
                };
                html! {
                    <label class="choice">
                        <input type="radio" name="offline-threshold" id={format!("offline-threshold-{i}")}
                            checked={i == *chosen} onchange={Callback::from(move |_| on_choose.emit(i))} />
                        <span>{ format!("{:.1} \u{2014} {} cluster(s), {} keyword(s) alone",
                            p.threshold, p.clusters, p.alone) }</span>
                        <span class="muted">{ label }</span>
                    </label>
                }
            });
            html! {
                <>
                    <p class="hint">{"Free and offline. Choose how tight clusters are; your existing clusters are never reshuffled."}</p>
                    <div class="choices" role="radiogroup" aria-label="How tight clusters are">{ for options }</div>
                    <div class="actions">
                        <button id="offline-confirm" type="button" class="primary" onclick={on_confirm}>{"Cluster now"}</button>
                        <button type="button" onclick={on_close.clone()}>{"Not now"}</button>
                    </div>
                </>
            }
        }
        OfflinePhase::Running {
            threshold,
            step,
            cancelling,
            ..
        } => html! {
            <>
                <p class="hint" role="status">{ match (cancelling, step) {
                    (true, _) => "Cancelling\u{2026} what is saved stays.".to_owned(),
                    (false, Some(step)) => format!("Clustering at {:.1}: {step}\u{2026}", threshold.0),
                    (false, None) => format!("Clustering at {:.1}\u{2026}", threshold.0),
                } }</p>
                <button id="offline-cancel" type="button" onclick={on_cancel} disabled={*cancelling}>{"Cancel"}</button>
            </>
        },
        OfflinePhase::Finished(Ok(r)) if r.cancelled => html! {
            <>
                <p id="offline-report" role="status">{ format!(
                    "Cancelled; {} keyword(s) placed before the cancel are kept.", r.mapped) }</p>
                <button type="button" onclick={on_close.clone()}>{"Close"}</button>
            </>
        },
        OfflinePhase::Finished(Ok(r)) => html! {
            <>
                <p id="offline-report" role="status">{ format!(
                    "{} of {} new keyword(s) placed: {} new cluster(s), {} joined existing ones; {} left new. Free: no provider was called.",
                    r.mapped, r.keywords, r.created.len(), r.joined_existing, r.unclustered) }</p>
                <button type="button" onclick={on_close.clone()}>{"Close"}</button>
            </>
        },
        OfflinePhase::Finished(Err(e)) => html! {
            <>
                <p class="error" role="alert">{ e.message.clone() }</p>
                <button type="button" onclick={on_close.clone()}>{"Close"}</button>
            </>
        },
    };
    html! {
        <div id="offline-cluster" class="panel stage-panel">
            <h2>{"Cluster offline"}</h2>
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    fn ids() -> (SiteId, Option<SectorId>) {
        (crate::scope::tests::id(1), None)
    }

    fn preview() -> Vec<ThresholdPreview> {
        [0.3, 0.4, 0.5, 0.6, 0.7]
            .iter()
            .enumerate()
            .map(|(i, &t)| ThresholdPreview {
                threshold: t,
                clusters: 10 - i as u64,
                alone: 5 - i as u64,
            })
            .collect()
    }

    #[test]
    fn a_preview_comes_first_and_the_middle_threshold_is_chosen() {
        let mut r = OfflineRun::default();
        let (site, sector) = ids();
        r.apply(OfflineAction::Opened(site, sector));
        assert_eq!(r.call(), Some(OfflineCall::Preview { site, sector }));
        assert!(!r.apply(OfflineAction::Previewed {
            request: r.request,
            result: Ok(preview())
        }));
        assert!(matches!(r.phase, OfflinePhase::Choosing { chosen: 2, .. }));
        assert_eq!(r.call(), None, "nothing runs before the person confirms");
        r.apply(OfflineAction::Chosen(0));
        r.apply(OfflineAction::Chosen(9));
        r.apply(OfflineAction::Confirmed);
        assert_eq!(
            r.call(),
            Some(OfflineCall::Run {
                site,
                sector,
                threshold: Threshold(0.3)
            })
        );
    }

    #[test]
    fn a_run_that_placed_keywords_reloads_the_list_and_stale_answers_are_dropped() {
        let mut r = OfflineRun::default();
        let (site, sector) = ids();
        r.apply(OfflineAction::Opened(site, sector));
        let stale = r.request;
        r.apply(OfflineAction::Previewed {
            request: r.request,
            result: Ok(preview()),
        });
        r.apply(OfflineAction::Confirmed);
        let report = OfflineClusterReport {
            keywords: 7,
            mapped: 6,
            ..Default::default()
        };
        assert!(!r.apply(OfflineAction::Finished {
            request: stale,
            result: Ok(report.clone())
        }));
        assert!(r.is_busy());
        assert!(r.apply(OfflineAction::Finished {
            request: r.request,
            result: Ok(report.clone())
        }));
        assert_eq!(r.phase, OfflinePhase::Finished(Ok(report)));
        r.apply(OfflineAction::Closed);
        assert_eq!(r.phase, OfflinePhase::Closed);
    }

    #[test]
    fn cancel_waits_for_the_runs_job_and_is_sent_once() {
        let mut r = OfflineRun::default();
        let (site, sector) = ids();
        r.apply(OfflineAction::Opened(site, sector));
        r.apply(OfflineAction::Previewed {
            request: r.request,
            result: Ok(preview()),
        });
        r.apply(OfflineAction::Confirmed);
        r.apply(OfflineAction::CancelRequested);
        assert_eq!(r.job_to_cancel(), None, "its job's id is not known yet");
        let step = |job: u64, kind: JobKind, site: SiteId| JobProgress {
            job_id: crate::scope::tests::id(job),
            kind,
            scope: JobScope::Site { site },
            phase: folio_model::JobPhase::Writing,
            done: 1,
            total: Some(7),
            message: Some("saving".into()),
        };
        // Another site's clustering and another kind of job are not this run's.
        r.apply(OfflineAction::JobProgressed(step(
            8,
            JobKind::Clustering,
            crate::scope::tests::id(2),
        )));
        r.apply(OfflineAction::JobProgressed(step(
            9,
            JobKind::Writing,
            site,
        )));
        assert_eq!(r.job_to_cancel(), None);
        r.apply(OfflineAction::JobProgressed(step(
            7,
            JobKind::Clustering,
            site,
        )));
        assert_eq!(r.job_to_cancel(), Some(crate::scope::tests::id(7)));
        r.apply(OfflineAction::CancelSent);
        assert_eq!(r.job_to_cancel(), None);
    }

    #[test]
    fn errors_are_shown_and_a_busy_panel_is_not_reopened_or_closed() {
        let mut r = OfflineRun::default();
        let (site, sector) = ids();
        r.apply(OfflineAction::Opened(site, sector));
        let request = r.request;
        r.apply(OfflineAction::Opened(site, sector));
        r.apply(OfflineAction::Closed);
        assert_eq!(r.request, request, "busy: not asked twice");
        let e = ErrorDto::new(
            ErrorKind::Internal,
            "the offline clustering model is not installed",
        );
        r.apply(OfflineAction::Previewed {
            request,
            result: Err(e.clone()),
        });
        assert_eq!(r.phase, OfflinePhase::Finished(Err(e)));
    }
}
