//! The generated article's panel state: its quality-gate report and its cost (both from core,
//! loaded again after images are generated), and generating its images (estimate first, then
//! the job). Pure and unit-tested.

use crate::stage_run::{RunAction, StageRun};
use folio_model::quality::QualityReport;
use folio_model::{ContentId, ErrorDto, SiteId, Stage, StageTarget, UsageRow};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct ArticleState {
    pub site: SiteId,
    pub content: ContentId,
    /// `None` until core answers; `Ok(None)`: never checked.
    pub quality: Option<Result<Option<QualityReport>, ErrorDto>>,
    pub cost: Option<Result<UsageRow, ErrorDto>>,
    /// Bumped when the cost must be read again (images made).
    pub cost_request: u64,
    /// Bumped whenever an image run made images: the images panel loads them again.
    pub images_made: u64,
    pub run: StageRun,
}

pub enum ArticleAction {
    QualityLoaded(Result<Option<QualityReport>, ErrorDto>),
    CostLoaded {
        request: u64,
        result: Result<UsageRow, ErrorDto>,
    },
    /// *Generate images*: the estimate comes first.
    GenerateImagesClicked,
    Run(RunAction),
}

impl Reducible for ArticleState {
    type Action = ArticleAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl ArticleState {
    pub fn new(site: SiteId, content: ContentId) -> Self {
        Self {
            site,
            content,
            quality: None,
            cost: None,
            cost_request: 1,
            images_made: 0,
            run: StageRun::new(Stage::Images),
        }
    }

    pub fn apply(&mut self, action: ArticleAction) {
        match action {
            ArticleAction::QualityLoaded(r) => self.quality = Some(r),
            ArticleAction::CostLoaded { request, result } => {
                if request == self.cost_request {
                    self.cost = Some(result);
                }
            }
            ArticleAction::GenerateImagesClicked => {
                let target = StageTarget {
                    contents: vec![self.content],
                    ..StageTarget::site(self.site)
                };
                self.run.apply(RunAction::EstimateAsked(target));
            }
            ArticleAction::Run(action) => {
                let finished = matches!(action, RunAction::Finished(Ok(_)));
                self.run.apply(action);
                if finished && self.run.report().is_some() {
                    self.images_made += 1;
                    self.cost_request += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::id;
    use folio_model::{StageEstimate, StageReport};
    use rust_decimal::Decimal;

    #[test]
    fn images_made_reload_the_images_and_the_cost() {
        let mut s = ArticleState::new(id(1), id(5));
        s.apply(ArticleAction::CostLoaded {
            request: 0,
            result: Err(ErrorDto::new(folio_model::ErrorKind::Internal, "old")),
        });
        assert!(s.cost.is_none(), "a stale cost");
        s.apply(ArticleAction::GenerateImagesClicked);
        let target = s.run.to_estimate().cloned().unwrap();
        assert_eq!(target.contents, vec![id::<ContentId>(5)]);
        s.apply(ArticleAction::Run(RunAction::Estimated {
            target,
            result: Ok(StageEstimate {
                stage: Stage::Images,
                items: 1,
                calls: 4,
                credits: 20,
                usd: Decimal::new(16, 2),
                model: "dall-e-3".into(),
                available: None,
            }),
        }));
        s.apply(ArticleAction::Run(RunAction::SpendConfirmed));
        let (made, cost) = (s.images_made, s.cost_request);
        s.apply(ArticleAction::Run(RunAction::Finished(Ok(StageReport {
            done: 1,
            ..Default::default()
        }))));
        assert_eq!((s.images_made, s.cost_request), (made + 1, cost + 1));
    }
}
