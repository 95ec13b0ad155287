//! The providers section's state: core's providers and models, and per provider what the page
//! waits for, the last test's outcome, the address being edited and a notice or error. Never
//! an API key.

use folio_model::{
    AiModel, ErrorDto, ErrorKind, JobId, JobKind, JobProgress, JobScope, KeyState, ModelType,
    ProviderCheck, ProviderInfo,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// What a provider's row is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    SavingKey,
    RemovingKey,
    SavingUrl,
}

/// The page's own state of one provider (the provider itself is core's `ProviderInfo`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowState {
    pub busy: Option<Busy>,
    pub testing: bool,
    /// The running test's job, once its first step arrived (to cancel it by).
    pub test_job: Option<JobId>,
    /// The person pressed Cancel on the running test.
    pub cancel_requested: bool,
    pub test: Option<Result<ProviderCheck, ErrorDto>>,
    /// The address being edited; `None` shows the stored one.
    pub url_draft: Option<String>,
    pub error: Option<ErrorDto>,
    pub notice: Option<&'static str>,
}

impl RowState {
    /// The test job to cancel: once the person asked to and its id is known.
    pub fn job_to_cancel(&self) -> Option<JobId> {
        match (self.testing, self.cancel_requested) {
            (true, true) => self.test_job,
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProvidersState {
    pub loaded: bool,
    pub load_error: Option<String>,
    pub providers: Vec<ProviderInfo>,
    pub models: Vec<AiModel>,
    pub rows: BTreeMap<String, RowState>,
    pub default_busy: bool,
    pub default_error: Option<String>,
    pub default_notice: Option<String>,
}

pub enum ProvidersAction {
    Loaded(Result<(Vec<ProviderInfo>, Vec<AiModel>), ErrorDto>),
    EditUrl(String, String),
    Started(String, Busy),
    /// Core's view of the provider after a change, and what to say about it.
    Updated(ProviderInfo, &'static str),
    Failed(String, ErrorDto),
    TestStarted(String),
    TestFinished(String, Result<ProviderCheck, ErrorDto>),
    TestCancelRequested(String),
    /// A step of any job of the window; a provider test's names its provider.
    JobProgressed(JobProgress),
    ChangeDefault,
    DefaultChanged(Result<AiModel, ErrorDto>),
}

impl Reducible for ProvidersState {
    type Action = ProvidersAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ProvidersAction::Loaded(Ok((providers, models))) => {
                s.loaded = true;
                s.load_error = None;
                s.providers = providers;
                s.models = models;
            }
            ProvidersAction::Loaded(Err(e)) => {
                s.loaded = true;
                s.load_error = Some(e.message);
            }
            ProvidersAction::EditUrl(name, url) => {
                let row = s.rows.entry(name).or_default();
                row.url_draft = Some(url);
                row.notice = None;
                if row
                    .error
                    .as_ref()
                    .is_some_and(|e| e.field.as_deref() == Some("base_url"))
                {
                    row.error = None;
                }
            }
            ProvidersAction::Started(name, busy) => {
                let row = s.rows.entry(name).or_default();
                row.busy = Some(busy);
                row.error = None;
                row.notice = None;
            }
            ProvidersAction::Updated(info, notice) => {
                let row = s.rows.entry(info.name.clone()).or_default();
                if row.busy == Some(Busy::SavingUrl) {
                    row.url_draft = None;
                }
                row.busy = None;
                row.error = None;
                row.notice = Some(notice);
                // The last test was of the old key or address.
                row.test = None;
                match s.providers.iter_mut().find(|p| p.name == info.name) {
                    Some(p) => *p = info,
                    None => s.providers.push(info),
                }
            }
            ProvidersAction::Failed(name, e) => {
                let row = s.rows.entry(name).or_default();
                row.busy = None;
                row.error = Some(e);
            }
            ProvidersAction::TestStarted(name) => {
                let row = s.rows.entry(name).or_default();
                row.testing = true;
                row.test_job = None;
                row.cancel_requested = false;
                row.test = None;
            }
            ProvidersAction::TestFinished(name, result) => {
                let row = s.rows.entry(name).or_default();
                row.testing = false;
                row.test_job = None;
                row.cancel_requested = false;
                row.test = Some(result);
            }
            ProvidersAction::TestCancelRequested(name) => {
                let row = s.rows.entry(name).or_default();
                if row.testing {
                    row.cancel_requested = true;
                }
            }
            ProvidersAction::JobProgressed(p) => {
                if let (JobKind::ProviderTest, JobScope::Provider { provider }) = (p.kind, &p.scope)
                {
                    if let Some(row) = s.rows.get_mut(provider) {
                        // Only the running test's steps count; a late one of a finished test
                        // must not become the next test's id.
                        if row.testing && !p.phase.is_final() {
                            row.test_job = Some(p.job_id);
                        }
                    }
                }
            }
            ProvidersAction::ChangeDefault => {
                s.default_busy = true;
                s.default_error = None;
                s.default_notice = None;
            }
            ProvidersAction::DefaultChanged(Ok(model)) => {
                s.default_busy = false;
                for m in s
                    .models
                    .iter_mut()
                    .filter(|m| m.model_type == model.model_type)
                {
                    m.is_default = m.model_name == model.model_name;
                }
                s.default_notice = Some(format!(
                    "{} is now the default {} model.",
                    model.display_name, model.model_type
                ));
            }
            ProvidersAction::DefaultChanged(Err(e)) => {
                s.default_busy = false;
                s.default_error = Some(e.message);
            }
        }
        Rc::new(s)
    }
}

impl ProvidersState {
    pub fn row(&self, name: &str) -> RowState {
        self.rows.get(name).cloned().unwrap_or_default()
    }

    /// Active models of a type, the choices of its default picker.
    pub fn choices(&self, model_type: ModelType) -> impl Iterator<Item = &AiModel> {
        self.models
            .iter()
            .filter(move |m| m.model_type == model_type && m.is_active)
    }
}

/// How a key's state reads: the masked key, "missing" or "not needed".
pub fn key_text(key: &KeyState) -> String {
    match key {
        KeyState::Set { masked } => masked.clone(),
        KeyState::Missing => "missing".to_owned(),
        KeyState::NotNeeded => "not needed".to_owned(),
    }
}

pub fn key_state(key: &KeyState) -> &'static str {
    match key {
        KeyState::Set { .. } => "set",
        KeyState::Missing => "missing",
        KeyState::NotNeeded => "not_needed",
    }
}

/// A test's outcome as shown, with its `data-state` (`ok`, `error`, `cancelled`).
pub fn test_text(result: &Result<ProviderCheck, ErrorDto>) -> (&'static str, String) {
    match result {
        Ok(c) if c.ok => (
            "ok",
            match c.models {
                Some(1) => "Works (1 model)".to_owned(),
                Some(n) => format!("Works ({n} models)"),
                None => "Works".to_owned(),
            },
        ),
        Ok(c) => (
            "error",
            format!(
                "{}: {}",
                c.error_kind.as_deref().unwrap_or("error"),
                c.message
                    .as_deref()
                    .unwrap_or("the provider did not answer as expected")
            ),
        ),
        Err(e) if e.kind == ErrorKind::Cancelled => ("cancelled", "Test cancelled".to_owned()),
        Err(e) => ("error", e.message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, key: KeyState) -> ProviderInfo {
        ProviderInfo {
            name: name.into(),
            kind: "openai".into(),
            display_name: "OpenAI".into(),
            base_url: "https://api.openai.com/v1".into(),
            default_base_url: Some("https://api.openai.com/v1".into()),
            needs_key: true,
            key,
            structured_mode: None,
            is_builtin: true,
            models: vec![],
        }
    }

    fn model(name: &str, model_type: ModelType, is_default: bool) -> AiModel {
        AiModel {
            model_name: name.into(),
            model_type,
            provider: "openai".into(),
            display_name: name.into(),
            is_default,
            is_active: true,
            is_builtin: true,
            cost_per_1k_input: None,
            cost_per_1k_output: None,
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: None,
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: vec![],
        }
    }

    fn test_step(provider: &str, phase: folio_model::JobPhase) -> JobProgress {
        JobProgress {
            job_id: JobId(uuid::Uuid::max()),
            kind: JobKind::ProviderTest,
            scope: JobScope::Provider {
                provider: provider.into(),
            },
            phase,
            done: 0,
            total: None,
            message: None,
        }
    }

    #[test]
    fn a_test_is_cancelled_by_its_job_once_its_id_is_known() {
        use folio_model::JobPhase;
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::TestStarted("openai".into()));
        let s = s.reduce(ProvidersAction::TestCancelRequested("openai".into()));
        assert_eq!(s.row("openai").job_to_cancel(), None, "no id yet");
        // Another provider's test is not this one.
        let s = s.reduce(ProvidersAction::JobProgressed(test_step(
            "ollama",
            JobPhase::Calling,
        )));
        assert_eq!(s.row("openai").job_to_cancel(), None);
        let s = s.reduce(ProvidersAction::JobProgressed(test_step(
            "openai",
            JobPhase::Calling,
        )));
        assert_eq!(
            s.row("openai").job_to_cancel(),
            Some(JobId(uuid::Uuid::max()))
        );
        let s = s.reduce(ProvidersAction::TestFinished(
            "openai".into(),
            Err(ErrorDto::new(ErrorKind::Cancelled, "cancelled")),
        ));
        assert_eq!(s.row("openai").job_to_cancel(), None);
        // The finished test's last step, arriving late, is not the next test's id.
        let s = s.reduce(ProvidersAction::TestStarted("openai".into()));
        let s = s.reduce(ProvidersAction::JobProgressed(test_step(
            "openai",
            JobPhase::Cancelled,
        )));
        assert_eq!(s.row("openai").test_job, None);
    }

    #[test]
    fn a_saved_key_replaces_the_provider_and_drops_the_old_test() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::Loaded(Ok((
            vec![info("openai", KeyState::Missing)],
            vec![],
        ))));
        let s = s.reduce(ProvidersAction::TestFinished(
            "openai".into(),
            Err(ErrorDto::new(ErrorKind::Validation, "no key").with_field("key")),
        ));
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingKey));
        assert_eq!(s.row("openai").busy, Some(Busy::SavingKey));
        let s = s.reduce(ProvidersAction::Updated(
            info(
                "openai",
                KeyState::Set {
                    masked: "sk-…a1b2".into(),
                },
            ),
            "Key saved.",
        ));
        let row = s.row("openai");
        assert_eq!(row.busy, None);
        assert_eq!(row.test, None);
        assert_eq!(key_text(&s.providers[0].key), "sk-…a1b2");
        assert_eq!(s.providers.len(), 1);
    }

    #[test]
    fn an_address_error_clears_when_the_address_is_edited_and_a_save_ends_the_draft() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::EditUrl("openai".into(), "ftp://x".into()));
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingUrl));
        let s = s.reduce(ProvidersAction::Failed(
            "openai".into(),
            ErrorDto::new(ErrorKind::Validation, "bad").with_field("base_url"),
        ));
        assert!(s.row("openai").error.is_some());
        assert_eq!(s.row("openai").url_draft.as_deref(), Some("ftp://x"));
        let s = s.reduce(ProvidersAction::EditUrl(
            "openai".into(),
            "http://127.0.0.1:9/v1".into(),
        ));
        assert_eq!(s.row("openai").error, None);
        let s = s.reduce(ProvidersAction::Started("openai".into(), Busy::SavingUrl));
        let s = s.reduce(ProvidersAction::Updated(
            info("openai", KeyState::Missing),
            "Address saved.",
        ));
        assert_eq!(s.row("openai").url_draft, None);
    }

    #[test]
    fn test_results_read_as_works_or_the_error_kind() {
        let check = |ok: bool, models, kind: Option<&str>| ProviderCheck {
            provider: "openai".into(),
            base_url: "http://x/v1".into(),
            ok,
            models,
            error_kind: kind.map(str::to_owned),
            message: kind.map(|_| "openai rejected the API key (HTTP 401)".to_owned()),
            request_id: None,
        };
        assert_eq!(
            test_text(&Ok(check(true, Some(3), None))),
            ("ok", "Works (3 models)".to_owned())
        );
        let (state, text) = test_text(&Ok(check(false, None, Some("auth"))));
        assert_eq!(state, "error");
        assert!(text.starts_with("auth: openai rejected"), "{text}");
        assert_eq!(
            test_text(&Err(ErrorDto::new(ErrorKind::Cancelled, "cancelled"))).0,
            "cancelled"
        );
    }

    #[test]
    fn a_new_default_moves_the_flag_within_its_type() {
        let s = Rc::new(ProvidersState::default());
        let s = s.reduce(ProvidersAction::Loaded(Ok((
            vec![],
            vec![
                model("a", ModelType::Text, true),
                model("b", ModelType::Text, false),
                model("img", ModelType::Image, true),
            ],
        ))));
        let s = s.reduce(ProvidersAction::ChangeDefault);
        assert!(s.default_busy);
        let s = s.reduce(ProvidersAction::DefaultChanged(Ok(model(
            "b",
            ModelType::Text,
            true,
        ))));
        let defaults: Vec<_> = s
            .models
            .iter()
            .filter(|m| m.is_default)
            .map(|m| m.model_name.as_str())
            .collect();
        assert_eq!(defaults, ["b", "img"]);
        assert_eq!(s.choices(ModelType::Text).count(), 2);
    }
}
