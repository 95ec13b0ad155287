//! The first-run path as a pure reducer: five steps in order (site, WordPress, how to write,
//! keywords, first article), each done or skipped, *Back* to the one before; the site step's two
//! ways (an industry of the keyword library with its seed keywords, or one's own sectors); the
//! local servers found; and the first article's runs — cluster, ideas, queue, write — each after
//! its estimate, each taking the first of what the run before made, then publishing. Secrets
//! (the API key, the application password) never enter this state.

use crate::stage_run::{RunAction, StageRun};
use folio_model::{
    AiModel, ClusterId, ContentId, ErrorDto, IdeaId, Industry, LocalServer, ProviderCheck,
    ProviderInfo, PublishOutcome, Site, SiteIntegration, Stage, StageReport, StageTarget, TaskId,
};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Site,
    Wordpress,
    Writer,
    Keywords,
    Article,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Site,
        Step::Wordpress,
        Step::Writer,
        Step::Keywords,
        Step::Article,
    ];

    /// The stable id part: `#first-run-step-<id>`, `#first-run-skip-<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Step::Site => "site",
            Step::Wordpress => "wordpress",
            Step::Writer => "writer",
            Step::Keywords => "keywords",
            Step::Article => "article",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Site => "Your site",
            Step::Wordpress => "Connect WordPress",
            Step::Writer => "How Folio writes",
            Step::Keywords => "Keywords",
            Step::Article => "Your first article",
        }
    }

    /// Where the step is done later, for its *Skip* button.
    pub fn later_page(self) -> &'static str {
        match self {
            Step::Site => "Sites",
            Step::Wordpress => "the site's page",
            Step::Writer => "Settings",
            Step::Keywords => "Planner \u{2192} Keywords",
            Step::Article => "the Planner and the Writer",
        }
    }

    fn next(self) -> Option<Step> {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .and_then(|i| Step::ALL.get(i + 1).copied())
    }

    fn previous(self) -> Option<Step> {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| Step::ALL.get(i).copied())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteMode {
    Industry,
    Own,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriterMode {
    ApiKey,
    Local,
}

/// The first article's progress: what each run made, the first of which the next run takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    pub cluster: Option<ClusterId>,
    pub idea: Option<IdeaId>,
    pub task: Option<TaskId>,
    pub content: Option<ContentId>,
    /// Queueing the idea (free, no estimate) is under way.
    pub queueing: bool,
    pub published: Option<PublishOutcome>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WelcomeState {
    pub step: Step,
    pub done: BTreeSet<Step>,
    pub skipped: BTreeSet<Step>,
    /// An action of the current step is under way (its button says so).
    pub busy: bool,
    /// Core's answer to the current step's last action, when it failed.
    pub error: Option<ErrorDto>,

    pub site_mode: SiteMode,
    pub industries: Option<Vec<Industry>>,
    pub industry: Option<String>,
    /// Library sector ids, in the order ticked.
    pub sectors: Vec<String>,
    pub name: String,
    pub domain: String,
    /// One's own sectors, comma separated.
    pub own_sectors: String,
    pub site: Option<Site>,
    /// Seed keywords the site came with.
    pub seeded: u64,

    pub wp_url: String,
    pub wp_user: String,
    pub wp_allow_insecure: bool,
    pub wp: Option<SiteIntegration>,

    pub writer_mode: WriterMode,
    pub providers: Vec<ProviderInfo>,
    pub provider: String,
    pub provider_url: String,
    pub key_saved: Option<ProviderInfo>,
    pub check: Option<ProviderCheck>,
    /// `None`: not looked for yet.
    pub local: Option<Vec<LocalServer>>,
    pub local_model: Option<AiModel>,

    /// Keywords added in the keywords step (or with the site).
    pub keywords_added: Option<u64>,
    /// The library sector whose seed keywords the keywords step adds.
    pub seed_sector: Option<String>,

    pub run: StageRun,
    pub article: Article,
}

pub enum WelcomeAction {
    IndustriesLoaded(Result<Vec<Industry>, ErrorDto>),
    ProvidersLoaded(Result<Vec<ProviderInfo>, ErrorDto>),
    Back,
    /// *Skip — do it later from …*: the current step is left undone.
    SkipStep,
    /// An action of the current step was sent to core.
    Sent,

    SiteModeChosen(SiteMode),
    IndustryChosen(String),
    SectorToggled(String),
    EditName(String),
    EditDomain(String),
    EditOwnSectors(String),
    /// The site was created (with the seed keywords it came with).
    SiteCreated(Result<(Site, u64), ErrorDto>),

    EditWpUrl(String),
    EditWpUser(String),
    AllowInsecure(bool),
    WpConnected(Result<SiteIntegration, ErrorDto>),

    WriterModeChosen(WriterMode),
    ProviderChosen(String),
    EditProviderUrl(String),
    KeySaved(Result<ProviderInfo, ErrorDto>),
    Tested(Result<ProviderCheck, ErrorDto>),
    Detected(Result<Vec<LocalServer>, ErrorDto>),
    LocalModelUsed(Result<AiModel, ErrorDto>),
    /// Go on from the writer step once a key works or a model is chosen.
    WriterConfirmed,

    SeedSectorChosen(String),
    KeywordsAdded(Result<u64, ErrorDto>),

    /// *Cluster…*, *Generate ideas…* or *Write…*: the estimate of the article's next run.
    RunAsked,
    Run(RunAction),
    Queued(Result<StageReport, ErrorDto>),
    Published(Result<Box<PublishOutcome>, ErrorDto>),
}

impl Reducible for WelcomeState {
    type Action = WelcomeAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

/// `"Tools, Seeds ,"` → `["Tools", "Seeds"]`.
pub fn split_sectors(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Default for WelcomeState {
    fn default() -> Self {
        Self {
            step: Step::Site,
            done: BTreeSet::new(),
            skipped: BTreeSet::new(),
            busy: false,
            error: None,
            site_mode: SiteMode::Industry,
            industries: None,
            industry: None,
            sectors: Vec::new(),
            name: String::new(),
            domain: String::new(),
            own_sectors: String::new(),
            site: None,
            seeded: 0,
            wp_url: String::new(),
            wp_user: String::new(),
            wp_allow_insecure: false,
            wp: None,
            writer_mode: WriterMode::ApiKey,
            providers: Vec::new(),
            provider: "openai".to_owned(),
            provider_url: String::new(),
            key_saved: None,
            check: None,
            local: None,
            local_model: None,
            keywords_added: None,
            seed_sector: None,
            run: StageRun::new(Stage::Clustering),
            article: Article::default(),
        }
    }
}

impl WelcomeState {
    pub fn apply(&mut self, action: WelcomeAction) {
        use WelcomeAction as A;
        match action {
            A::IndustriesLoaded(Ok(list)) => self.industries = Some(list),
            A::IndustriesLoaded(Err(e)) => {
                self.industries = Some(Vec::new());
                self.site_mode = SiteMode::Own;
                self.error = Some(e);
            }
            A::ProvidersLoaded(Ok(list)) => {
                self.providers = list;
                self.provider_url = self.current_url(&self.provider);
            }
            A::ProvidersLoaded(Err(e)) => self.error = Some(e),
            A::Back => {
                if !self.busy && !self.run.is_busy() {
                    if let Some(p) = self.step.previous() {
                        self.go(p);
                    }
                }
            }
            A::SkipStep => {
                if !self.busy && !self.run.is_busy() && self.can_skip() {
                    self.skipped.insert(self.step);
                    self.advance();
                }
            }
            A::Sent => {
                self.busy = true;
                self.error = None;
            }
            A::SiteModeChosen(m) => {
                self.site_mode = m;
                self.error = None;
            }
            A::IndustryChosen(id) => {
                if self.industry.as_deref() != Some(id.as_str()) {
                    self.sectors.clear();
                }
                self.industry = (!id.is_empty()).then_some(id);
                self.clear_error("industry");
                self.clear_error("sectors");
            }
            A::SectorToggled(id) => {
                if let Some(i) = self.sectors.iter().position(|s| *s == id) {
                    self.sectors.remove(i);
                } else {
                    self.sectors.push(id);
                }
                self.clear_error("sectors");
            }
            A::EditName(v) => {
                self.name = v;
                self.clear_error("name");
            }
            A::EditDomain(v) => {
                self.domain = v;
                self.clear_error("domain");
            }
            A::EditOwnSectors(v) => {
                self.own_sectors = v;
                self.clear_error("sectors");
            }
            A::SiteCreated(result) => {
                self.busy = false;
                match result {
                    Ok((site, seeded)) => {
                        if self.wp_url.is_empty() {
                            self.wp_url = site_address(&site.domain);
                        }
                        self.site = Some(site);
                        self.seeded = seeded;
                        if seeded > 0 {
                            self.keywords_added = Some(seeded);
                        }
                        self.finish_step();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            A::EditWpUrl(v) => {
                self.wp_url = v;
                self.clear_error("url");
            }
            A::EditWpUser(v) => {
                self.wp_user = v;
                self.clear_error("user");
            }
            A::AllowInsecure(v) => self.wp_allow_insecure = v,
            A::WpConnected(result) => {
                self.busy = false;
                match result {
                    Ok(i) => {
                        self.wp = Some(i);
                        self.finish_step();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            A::WriterModeChosen(m) => {
                self.writer_mode = m;
                self.error = None;
            }
            A::ProviderChosen(p) => {
                self.provider_url = self.current_url(&p);
                self.provider = p;
                self.key_saved = None;
                self.check = None;
                self.error = None;
            }
            A::EditProviderUrl(v) => {
                self.provider_url = v;
                self.clear_error("base_url");
            }
            A::KeySaved(result) => {
                self.busy = false;
                self.check = None;
                match result {
                    Ok(p) => {
                        self.provider_url = p.base_url.clone();
                        self.key_saved = Some(p);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            A::Tested(result) => {
                self.busy = false;
                match result {
                    Ok(c) => self.check = Some(c),
                    Err(e) => self.error = Some(e),
                }
            }
            A::Detected(result) => {
                self.busy = false;
                match result {
                    Ok(found) => self.local = Some(found),
                    Err(e) => self.error = Some(e),
                }
            }
            A::LocalModelUsed(result) => {
                self.busy = false;
                match result {
                    Ok(m) => {
                        self.local_model = Some(m);
                        self.finish_step();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            A::WriterConfirmed => {
                if self.step == Step::Writer && self.key_saved.is_some() {
                    self.finish_step();
                }
            }
            A::SeedSectorChosen(id) => {
                self.seed_sector = (!id.is_empty()).then_some(id);
                self.error = None;
            }
            A::KeywordsAdded(result) => {
                self.busy = false;
                match result {
                    Ok(n) => {
                        self.keywords_added = Some(self.keywords_added.unwrap_or(0) + n);
                        self.finish_step();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            A::RunAsked => {
                if let Some(target) = self.next_target() {
                    self.run = StageRun::new(self.next_stage());
                    self.run.apply(RunAction::EstimateAsked(target));
                }
            }
            A::Run(action) => {
                let finished = matches!(action, RunAction::Finished(_));
                self.run.apply(action);
                if finished {
                    if let Some(report) = self.run.report().cloned() {
                        self.took(self.run.stage, &report);
                    }
                }
            }
            A::Queued(result) => {
                self.article.queueing = false;
                match result {
                    Ok(r) => self.article.task = first_id(&r),
                    Err(e) => self.error = Some(e),
                }
                if self.article.task.is_none() && self.error.is_none() {
                    self.error = Some(nothing_made("queueing the idea", "task"));
                }
            }
            A::Published(result) => {
                self.busy = false;
                match result {
                    Ok(o) => {
                        self.article.published = Some(*o);
                        self.done.insert(Step::Article);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
    }

    fn current_url(&self, provider: &str) -> String {
        self.providers
            .iter()
            .find(|p| p.name == provider)
            .map(|p| p.base_url.clone())
            .unwrap_or_default()
    }

    fn clear_error(&mut self, field: &str) {
        crate::forms::clear_error_for(&mut self.error, field);
    }

    fn go(&mut self, step: Step) {
        self.step = step;
        self.error = None;
    }

    fn finish_step(&mut self) {
        self.done.insert(self.step);
        self.skipped.remove(&self.step);
        self.advance();
    }

    fn advance(&mut self) {
        if let Some(n) = self.step.next() {
            self.go(n);
        }
    }

    /// Every step but the last can be skipped (the last one ends with *Skip setup*); and the
    /// steps after the site's need the site.
    pub fn can_skip(&self) -> bool {
        self.step.next().is_some()
    }

    /// The steps after the first one work on the site made there.
    pub fn needs_site(&self) -> bool {
        self.step != Step::Site && self.site.is_none()
    }

    /// The run the first article needs next (clustering, ideas or writing), on the site's first
    /// sector.
    pub fn next_stage(&self) -> Stage {
        let a = &self.article;
        if a.task.is_some() {
            Stage::Writing
        } else if a.cluster.is_some() {
            Stage::Ideas
        } else {
            Stage::Clustering
        }
    }

    /// What the next run works on; `None` before the site exists, while a run or the queueing
    /// goes on, or once the article is written.
    pub fn next_target(&self) -> Option<StageTarget> {
        let site = self.site.as_ref()?;
        let a = &self.article;
        if self.run.is_busy() || a.queueing || a.content.is_some() {
            return None;
        }
        if a.cluster.is_some() && a.idea.is_some() && a.task.is_none() {
            return None;
        }
        let mut target = StageTarget::site(site.id);
        target.sector = site.sectors.first().map(|s| s.id);
        match self.next_stage() {
            Stage::Writing => target.tasks = a.task.into_iter().collect(),
            Stage::Ideas => target.clusters = a.cluster.into_iter().collect(),
            _ => {}
        }
        Some(target)
    }

    /// The idea to queue (free and instant, so without an estimate), once.
    pub fn to_queue(&self) -> Option<StageTarget> {
        let site = self.site.as_ref()?;
        let a = &self.article;
        if !a.queueing || a.task.is_some() {
            return None;
        }
        let mut target = StageTarget::site(site.id);
        target.ideas = a.idea.into_iter().collect();
        Some(target)
    }

    fn took(&mut self, stage: Stage, report: &StageReport) {
        let a = &mut self.article;
        match stage {
            Stage::Clustering => a.cluster = first_id(report),
            Stage::Ideas => {
                a.idea = first_id(report);
                a.queueing = a.idea.is_some();
            }
            Stage::Writing => a.content = first_id(report),
            _ => {}
        }
        let missing = match stage {
            Stage::Clustering if a.cluster.is_none() => Some("cluster"),
            Stage::Ideas if a.idea.is_none() => Some("idea"),
            Stage::Writing if a.content.is_none() => Some("article"),
            _ => None,
        };
        if let (Some(what), false) = (missing, report.cancelled) {
            self.error = Some(nothing_made(stage.label(), what));
        }
    }
}

fn first_id<T: std::str::FromStr>(report: &StageReport) -> Option<T> {
    report.created.iter().find_map(|id| id.parse().ok())
}

fn nothing_made(what: &str, item: &str) -> ErrorDto {
    ErrorDto::new(
        folio_model::ErrorKind::Internal,
        format!(
            "{what} made no {item}; open the Planner to see why, or skip this step and do it there"
        ),
    )
}

/// A site's domain as the address its WordPress is asked at.
pub fn site_address(domain: &str) -> String {
    if domain.starts_with("http://") || domain.starts_with("https://") {
        domain.to_owned()
    } else {
        format!("https://{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use folio_model::{ErrorKind, Sector, StageEstimate};
    use rust_decimal::Decimal;
    use WelcomeAction as A;

    fn site() -> Site {
        Site {
            id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".parse().unwrap(),
            account_id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".parse().unwrap(),
            name: "Green".into(),
            domain: "green.example".into(),
            is_active: true,
            created_at: Utc::now(),
            sectors: vec![Sector {
                id: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d".parse().unwrap(),
                name: "Gardening".into(),
            }],
        }
    }

    fn report(created: &[&str]) -> StageReport {
        StageReport {
            done: created.len() as u64,
            skipped: 0,
            failed: Vec::new(),
            credits: 3,
            usd: Decimal::new(12, 4),
            cancelled: false,
            created: created.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn estimate(stage: Stage) -> StageEstimate {
        StageEstimate {
            stage,
            items: 1,
            calls: 1,
            credits: 3,
            usd: Decimal::new(12, 4),
            model: "gpt-4o-mini".into(),
            available: None,
        }
    }

    /// One run of the article step: asked, estimated, confirmed, finished with `created`.
    fn run_through(s: &mut WelcomeState, created: &[&str]) {
        s.apply(A::RunAsked);
        let target = s.run.to_estimate().cloned().unwrap();
        let stage = s.run.stage;
        s.apply(A::Run(RunAction::Estimated {
            target,
            result: Ok(estimate(stage)),
        }));
        s.apply(A::Run(RunAction::SpendConfirmed));
        assert!(s.run.is_running());
        s.apply(A::Run(RunAction::Finished(Ok(report(created)))));
    }

    #[test]
    fn steps_go_forward_when_done_or_skipped_and_back_on_request() {
        let mut s = WelcomeState::default();
        assert_eq!(s.step, Step::Site);
        s.apply(A::Back);
        assert_eq!(s.step, Step::Site, "nothing before the first step");
        s.apply(A::SkipStep);
        assert_eq!(s.step, Step::Wordpress);
        assert!(s.skipped.contains(&Step::Site));
        assert!(s.needs_site(), "the later steps need a site");
        s.apply(A::Back);
        assert_eq!(s.step, Step::Site);
        s.apply(A::Sent);
        assert!(s.busy);
        s.apply(A::SkipStep);
        assert_eq!(s.step, Step::Site, "not while its action runs");
        s.apply(A::SiteCreated(Ok((site(), 10))));
        assert_eq!(s.step, Step::Wordpress);
        assert!(s.done.contains(&Step::Site) && !s.skipped.contains(&Step::Site));
        assert_eq!(
            s.keywords_added,
            Some(10),
            "the industry's seed keywords came along"
        );
        assert_eq!(
            s.wp_url, "https://green.example",
            "WordPress is asked at the site"
        );
        assert!(!s.needs_site());
        for step in [Step::Wordpress, Step::Writer, Step::Keywords] {
            assert_eq!(s.step, step);
            s.apply(A::SkipStep);
        }
        assert_eq!(s.step, Step::Article);
        assert!(!s.can_skip(), "the last step ends with Skip setup");
        s.apply(A::SkipStep);
        assert_eq!(s.step, Step::Article);
    }

    #[test]
    fn the_site_form_keeps_sectors_of_one_industry_and_clears_errors_on_edit() {
        let mut s = WelcomeState::default();
        s.apply(A::IndustryChosen("home-garden".into()));
        s.apply(A::SectorToggled("home-garden/gardening".into()));
        s.apply(A::SectorToggled("home-garden/home-improvement".into()));
        s.apply(A::SectorToggled("home-garden/gardening".into()));
        assert_eq!(s.sectors, ["home-garden/home-improvement"]);
        s.apply(A::IndustryChosen("technology".into()));
        assert!(s.sectors.is_empty(), "another industry starts afresh");
        s.apply(A::Sent);
        s.apply(A::SiteCreated(Err(ErrorDto::new(
            ErrorKind::Validation,
            "bad domain",
        )
        .with_field("domain"))));
        assert!(!s.busy);
        assert_eq!(s.step, Step::Site);
        s.apply(A::EditName("x".into()));
        assert!(
            s.error.is_some(),
            "an edit elsewhere keeps the domain's error"
        );
        s.apply(A::EditDomain("green.example".into()));
        assert!(s.error.is_none());
        assert_eq!(split_sectors(" Tools, Seeds ,,"), ["Tools", "Seeds"]);
    }

    #[test]
    fn a_failed_industry_list_falls_back_to_own_sectors() {
        let mut s = WelcomeState::default();
        s.apply(A::IndustriesLoaded(Err(ErrorDto::new(
            ErrorKind::Internal,
            "no db",
        ))));
        assert_eq!(s.site_mode, SiteMode::Own);
        assert!(s.error.is_some());
    }

    #[test]
    fn the_writer_step_goes_on_with_a_saved_key_or_a_local_model() {
        let mut s = WelcomeState::default();
        s.apply(A::SiteCreated(Ok((site(), 0))));
        s.apply(A::SkipStep);
        assert_eq!(s.step, Step::Writer);
        s.apply(A::WriterConfirmed);
        assert_eq!(s.step, Step::Writer, "not without a key");
        let info: ProviderInfo = serde_json::from_value(serde_json::json!({
            "name": "openai", "kind": "openai", "display_name": "OpenAI",
            "base_url": "http://127.0.0.1:9/v1", "default_base_url": "https://api.openai.com/v1",
            "needs_key": true, "key": {"state": "set", "masked": "sk-…a1b2"},
            "structured_mode": null, "is_builtin": true, "models": []
        }))
        .unwrap();
        s.apply(A::ProvidersLoaded(Ok(vec![info.clone()])));
        assert_eq!(s.provider_url, "http://127.0.0.1:9/v1");
        s.apply(A::KeySaved(Ok(info)));
        s.apply(A::WriterConfirmed);
        assert_eq!(s.step, Step::Keywords);
        assert!(s.done.contains(&Step::Writer));

        let mut s = WelcomeState {
            step: Step::Writer,
            ..WelcomeState::default()
        };
        s.apply(A::Detected(Ok(Vec::new())));
        assert_eq!(s.local, Some(Vec::new()));
        s.apply(A::LocalModelUsed(Err(ErrorDto::new(
            ErrorKind::Validation,
            "no",
        ))));
        assert_eq!(s.step, Step::Writer);
    }

    #[test]
    fn the_first_article_runs_cluster_ideas_queue_write_each_on_the_last_runs_first_item() {
        let mut s = WelcomeState::default();
        assert_eq!(s.next_target(), None, "nothing without a site");
        s.apply(A::SiteCreated(Ok((site(), 10))));
        s.step = Step::Article;
        assert_eq!(s.next_stage(), Stage::Clustering);
        let cluster = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a01";
        run_through(&mut s, &[cluster, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a02"]);
        assert_eq!(
            s.article.cluster.map(|c| c.to_string()).as_deref(),
            Some(cluster)
        );
        assert_eq!(s.next_stage(), Stage::Ideas);
        s.apply(A::Run(RunAction::Dismissed));
        let target = s.next_target().unwrap();
        assert_eq!(target.clusters.len(), 1);
        assert_eq!(target.sector, Some(site().sectors[0].id));

        let idea = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a03";
        run_through(&mut s, &[idea]);
        assert!(s.article.queueing);
        assert_eq!(s.to_queue().unwrap().ideas.len(), 1);
        assert_eq!(s.next_target(), None, "not while the idea is queued");
        let task = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a04";
        s.apply(A::Queued(Ok(report(&[task]))));
        assert_eq!(s.to_queue(), None);
        assert_eq!(s.next_stage(), Stage::Writing);
        s.apply(A::Run(RunAction::Dismissed));
        assert_eq!(s.next_target().unwrap().tasks.len(), 1);

        let content = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a05";
        run_through(&mut s, &[content]);
        assert_eq!(
            s.article.content.map(|c| c.to_string()).as_deref(),
            Some(content)
        );
        assert_eq!(s.next_target(), None, "written once");
        assert!(s.error.is_none());
    }

    #[test]
    fn a_run_that_makes_nothing_says_so_and_a_declined_estimate_spends_nothing() {
        let mut s = WelcomeState::default();
        s.apply(A::SiteCreated(Ok((site(), 10))));
        s.step = Step::Article;
        s.apply(A::RunAsked);
        let target = s.run.to_estimate().cloned().unwrap();
        s.apply(A::Run(RunAction::Estimated {
            target,
            result: Ok(estimate(Stage::Clustering)),
        }));
        s.apply(A::Run(RunAction::SpendDeclined));
        assert!(!s.run.is_busy());
        assert_eq!(s.article, Article::default());
        run_through(&mut s, &[]);
        assert!(s
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("made no cluster"));
        assert_eq!(s.next_stage(), Stage::Clustering, "asked again");
    }
}
