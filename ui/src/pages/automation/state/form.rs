//! The automation config form: the config as core last returned it, the form as edited (numbers
//! as typed), what a save would send (only what changed), and core's errors by field.

use crate::forms::{error_outside, message_for};
use folio_model::{AutomationConfig, AutomationConfigUpdate, ErrorDto, ErrorKind, PublishDay};
use std::collections::BTreeSet;

/// Core's field names (as its errors carry them) for the fields that are not numbers.
pub mod field {
    pub const SCHEDULE_DAYS: &str = "schedule_days";
    pub const SCHEDULE_TIME: &str = "schedule_time";
}

/// The form's number inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    Clustering,
    Ideas,
    Content,
    Images,
    Publish,
    Delay,
    MaxRuntime,
    /// Empty (or 0) is no cap.
    CreditCap,
}

impl Number {
    /// The per-stage limits, in the order the stages use them.
    pub const LIMITS: [Number; 5] = [
        Number::Clustering,
        Number::Ideas,
        Number::Content,
        Number::Images,
        Number::Publish,
    ];
    pub const ALL: [Number; 8] = [
        Number::Clustering,
        Number::Ideas,
        Number::Content,
        Number::Images,
        Number::Publish,
        Number::Delay,
        Number::MaxRuntime,
        Number::CreditCap,
    ];

    /// The config's field, as core's errors name it.
    pub fn field(self) -> &'static str {
        match self {
            Number::Clustering => "clustering_limit",
            Number::Ideas => "ideas_limit",
            Number::Content => "content_limit",
            Number::Images => "image_limit",
            Number::Publish => "publish_limit",
            Number::Delay => "delay_between_operations_secs",
            Number::MaxRuntime => "max_runtime_secs",
            Number::CreditCap => "run_credit_cap",
        }
    }

    pub fn input_id(self) -> &'static str {
        match self {
            Number::Clustering => "auto-clustering-limit",
            Number::Ideas => "auto-ideas-limit",
            Number::Content => "auto-content-limit",
            Number::Images => "auto-image-limit",
            Number::Publish => "auto-publish-limit",
            Number::Delay => "auto-delay",
            Number::MaxRuntime => "auto-max-runtime",
            Number::CreditCap => "auto-credit-cap",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Number::Clustering => "Keywords to cluster",
            Number::Ideas => "Clusters to turn into ideas",
            Number::Content => "Articles to write",
            Number::Images => "Images to make",
            Number::Publish => "Posts to schedule",
            Number::Delay => "Delay between operations (seconds)",
            Number::MaxRuntime => "Longest run (seconds)",
            Number::CreditCap => "Credits one run may spend",
        }
    }

    fn saved(self, c: &AutomationConfig) -> Option<u32> {
        Some(match self {
            Number::Clustering => c.clustering_limit,
            Number::Ideas => c.ideas_limit,
            Number::Content => c.content_limit,
            Number::Images => c.image_limit,
            Number::Publish => c.publish_limit,
            Number::Delay => c.delay_between_operations_secs,
            Number::MaxRuntime => c.max_runtime_secs,
            Number::CreditCap => return c.run_credit_cap,
        })
    }

    fn set(self, u: &mut AutomationConfigUpdate, v: i64) {
        let slot = match self {
            Number::Clustering => &mut u.clustering_limit,
            Number::Ideas => &mut u.ideas_limit,
            Number::Content => &mut u.content_limit,
            Number::Images => &mut u.image_limit,
            Number::Publish => &mut u.publish_limit,
            Number::Delay => &mut u.delay_between_operations_secs,
            Number::MaxRuntime => &mut u.max_runtime_secs,
            Number::CreditCap => &mut u.run_credit_cap,
        };
        *slot = Some(v);
    }

    fn index(self) -> usize {
        Number::ALL.iter().position(|n| *n == self).unwrap_or(0)
    }
}

/// The form's on/off settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggle {
    Active,
    AutoApprove,
    AutoPublish,
    StopOnError,
}

impl Toggle {
    pub const ALL: [Toggle; 4] = [
        Toggle::Active,
        Toggle::AutoApprove,
        Toggle::AutoPublish,
        Toggle::StopOnError,
    ];

    pub fn input_id(self) -> &'static str {
        match self {
            Toggle::Active => "auto-active",
            Toggle::AutoApprove => "auto-auto-approve",
            Toggle::AutoPublish => "auto-auto-publish",
            Toggle::StopOnError => "auto-stop-on-error",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Toggle::Active => "Active: run on the schedule below",
            Toggle::AutoApprove => "Approve articles that pass the quality gate",
            Toggle::AutoPublish => "Schedule approved articles on WordPress",
            Toggle::StopOnError => "Stop the run at the first failed item",
        }
    }

    fn saved(self, c: &AutomationConfig) -> bool {
        match self {
            Toggle::Active => c.is_active,
            Toggle::AutoApprove => c.auto_approve,
            Toggle::AutoPublish => c.auto_publish,
            Toggle::StopOnError => c.stop_on_error,
        }
    }

    fn set(self, u: &mut AutomationConfigUpdate, v: bool) {
        let slot = match self {
            Toggle::Active => &mut u.is_active,
            Toggle::AutoApprove => &mut u.auto_approve,
            Toggle::AutoPublish => &mut u.auto_publish,
            Toggle::StopOnError => &mut u.stop_on_error,
        };
        *slot = Some(v);
    }

    fn index(self) -> usize {
        Toggle::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The form as shown and edited: numbers as typed, so a half-typed value is not lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigForm {
    /// By [`Number::ALL`]'s order.
    pub numbers: [String; 8],
    /// By [`Toggle::ALL`]'s order.
    pub toggles: [bool; 4],
    pub days: BTreeSet<PublishDay>,
    /// `HH:MM`; empty: no schedule.
    pub time: String,
}

impl ConfigForm {
    pub fn number(&self, n: Number) -> &str {
        &self.numbers[n.index()]
    }

    pub fn toggle(&self, t: Toggle) -> bool {
        self.toggles[t.index()]
    }

    /// A schedule needs both a day and a time; one without the other never runs.
    pub fn schedule_incomplete(&self) -> bool {
        self.days.is_empty() != self.time.trim().is_empty()
    }
}

impl From<&AutomationConfig> for ConfigForm {
    fn from(c: &AutomationConfig) -> Self {
        Self {
            // No cap reads as an empty field.
            numbers: Number::ALL.map(|n| n.saved(c).map(|v| v.to_string()).unwrap_or_default()),
            toggles: Toggle::ALL.map(|t| t.saved(c)),
            days: c.schedule_days.iter().copied().collect(),
            time: c.schedule_time.clone().unwrap_or_default(),
        }
    }
}

/// The form and its saving.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigEditor {
    /// What core last said the config is; `None` until the site's status loads.
    pub saved: Option<AutomationConfig>,
    pub form: ConfigForm,
    /// The form as it was when Save was pressed, while core answers.
    pub saving: Option<ConfigForm>,
    /// Why the last save did not happen: core's errors or the form's own (a number that is not
    /// one), shown by the field they name.
    pub errors: Vec<ErrorDto>,
    /// The last save went through and nothing was edited since.
    pub just_saved: bool,
}

/// An edit of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigEdit {
    NumberTyped(Number, String),
    Toggled(Toggle, bool),
    DayToggled(PublishDay),
    TimeTyped(String),
}

impl ConfigEditor {
    /// The site's config as core stored it: the form starts from it.
    pub fn loaded(&mut self, config: AutomationConfig) {
        self.form = ConfigForm::from(&config);
        self.saved = Some(config);
        self.saving = None;
        self.errors.clear();
        self.just_saved = false;
    }

    pub fn edit(&mut self, edit: ConfigEdit) {
        let field = match edit {
            ConfigEdit::NumberTyped(n, text) => {
                self.form.numbers[n.index()] = text;
                Some(n.field())
            }
            ConfigEdit::Toggled(t, on) => {
                self.form.toggles[t.index()] = on;
                None
            }
            ConfigEdit::DayToggled(day) => {
                if !self.form.days.remove(&day) {
                    self.form.days.insert(day);
                }
                Some(field::SCHEDULE_DAYS)
            }
            ConfigEdit::TimeTyped(text) => {
                self.form.time = text;
                Some(field::SCHEDULE_TIME)
            }
        };
        // The "Saved" note goes, and so does the error about what was edited.
        self.just_saved = false;
        if let Some(field) = field {
            self.errors.retain(|e| !e.is_about(field));
        }
    }

    /// Save pressed: `true` when the form goes to core (its own errors stop it otherwise).
    pub fn save_requested(&mut self) -> bool {
        if self.saving.is_some() || !self.dirty() {
            return false;
        }
        self.just_saved = false;
        match self.changes() {
            Ok(_) => {
                self.errors.clear();
                self.saving = Some(self.form.clone());
                true
            }
            Err(errors) => {
                self.errors = errors;
                false
            }
        }
    }

    pub fn saved_by_core(&mut self, config: AutomationConfig) {
        // Edits made while core answered are kept (and still count as unsaved).
        if self.saving.as_ref() == Some(&self.form) {
            self.form = ConfigForm::from(&config);
            self.just_saved = true;
        }
        self.saving = None;
        self.saved = Some(config);
        self.errors.clear();
    }

    pub fn rejected(&mut self, e: ErrorDto) {
        self.saving = None;
        self.errors = vec![e];
    }

    pub fn reverted(&mut self) {
        if let Some(saved) = &self.saved {
            self.form = ConfigForm::from(saved);
        }
        self.errors.clear();
        self.just_saved = false;
    }

    pub fn dirty(&self) -> bool {
        self.saved
            .as_ref()
            .is_some_and(|s| ConfigForm::from(s) != self.form)
    }

    /// Only what differs from the saved config; or why the form cannot be sent as it is.
    pub fn changes(&self) -> Result<AutomationConfigUpdate, Vec<ErrorDto>> {
        let mut u = AutomationConfigUpdate::default();
        let Some(saved) = &self.saved else {
            return Ok(u);
        };
        let f = &self.form;
        let mut errors = Vec::new();
        for n in Number::ALL {
            let text = f.number(n).trim();
            // An empty cap is no cap, which core is told as 0.
            let parsed = if n == Number::CreditCap && text.is_empty() {
                Ok(0)
            } else {
                text.parse::<i64>()
            };
            match parsed {
                Ok(v) if v == n.saved(saved).map_or(0, i64::from) => {}
                Ok(v) => n.set(&mut u, v),
                Err(_) => {
                    let message = if n == Number::CreditCap {
                        "Enter a whole number of credits, or leave it empty for no cap."
                    } else {
                        "Enter a whole number, 0 or more."
                    };
                    errors.push(ErrorDto::new(ErrorKind::Validation, message).with_field(n.field()))
                }
            }
        }
        for t in Toggle::ALL {
            if f.toggle(t) != t.saved(saved) {
                t.set(&mut u, f.toggle(t));
            }
        }
        let days: Vec<PublishDay> = f.days.iter().copied().collect();
        if days != saved.schedule_days {
            u.schedule_days = Some(days.iter().map(|d| d.as_str().to_owned()).collect());
        }
        let time = f.time.trim();
        if time != saved.schedule_time.as_deref().unwrap_or_default() {
            u.schedule_time = Some(time.to_owned());
        }
        if errors.is_empty() {
            Ok(u)
        } else {
            Err(errors)
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }

    /// Errors that name no field of this form, shown above it.
    pub fn general_error(&self) -> Option<&str> {
        let mut known: Vec<&str> = Number::ALL.iter().map(|n| n.field()).collect();
        known.extend([field::SCHEDULE_DAYS, field::SCHEDULE_TIME]);
        error_outside(&self.errors, &known).map(|e| e.message.as_str())
    }
}
