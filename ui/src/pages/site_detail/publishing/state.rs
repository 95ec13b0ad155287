//! The publishing form's state: the settings as core last returned them, the form as edited
//! (numbers as typed), what a save would send (only what changed), and core's errors by field.

use crate::forms::{error_outside, message_for};
use folio_model::{ErrorDto, ErrorKind, PublishDay, PublishingSettings, PublishingSettingsUpdate};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::Reducible;

/// Core's field names, as its errors carry them.
pub mod field {
    pub const DAYS: &str = "publish_days";
    pub const SLOTS: &str = "publish_time_slots";
    pub const TIMEZONE: &str = "timezone";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Daily,
    Weekly,
    Monthly,
}

impl Limit {
    pub const ALL: [Limit; 3] = [Limit::Daily, Limit::Weekly, Limit::Monthly];

    pub fn field(self) -> &'static str {
        match self {
            Limit::Daily => "daily_publish_limit",
            Limit::Weekly => "weekly_publish_limit",
            Limit::Monthly => "monthly_publish_limit",
        }
    }

    pub fn input_id(self) -> &'static str {
        match self {
            Limit::Daily => "pub-daily",
            Limit::Weekly => "pub-weekly",
            Limit::Monthly => "pub-monthly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Limit::Daily => "Per day",
            Limit::Weekly => "Per week",
            Limit::Monthly => "Per month",
        }
    }

    pub fn text(self, f: &PublishingForm) -> &str {
        match self {
            Limit::Daily => &f.daily,
            Limit::Weekly => &f.weekly,
            Limit::Monthly => &f.monthly,
        }
    }

    fn text_mut(self, f: &mut PublishingForm) -> &mut String {
        match self {
            Limit::Daily => &mut f.daily,
            Limit::Weekly => &mut f.weekly,
            Limit::Monthly => &mut f.monthly,
        }
    }

    fn saved(self, s: &PublishingSettings) -> u32 {
        match self {
            Limit::Daily => s.daily_publish_limit,
            Limit::Weekly => s.weekly_publish_limit,
            Limit::Monthly => s.monthly_publish_limit,
        }
    }

    fn set(self, u: &mut PublishingSettingsUpdate, v: i64) {
        let slot = match self {
            Limit::Daily => &mut u.daily_publish_limit,
            Limit::Weekly => &mut u.weekly_publish_limit,
            Limit::Monthly => &mut u.monthly_publish_limit,
        };
        *slot = Some(v);
    }
}

/// The form as shown and edited: numbers as typed, so a half-typed value is not lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishingForm {
    pub auto_approval: bool,
    pub auto_publish: bool,
    pub daily: String,
    pub weekly: String,
    pub monthly: String,
    pub days: BTreeSet<PublishDay>,
    pub slots: Vec<String>,
    pub timezone: String,
}

impl From<&PublishingSettings> for PublishingForm {
    fn from(s: &PublishingSettings) -> Self {
        Self {
            auto_approval: s.auto_approval_enabled,
            auto_publish: s.auto_publish_enabled,
            daily: s.daily_publish_limit.to_string(),
            weekly: s.weekly_publish_limit.to_string(),
            monthly: s.monthly_publish_limit.to_string(),
            days: s.publish_days.iter().copied().collect(),
            slots: s.publish_time_slots.clone(),
            timezone: s.timezone.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublishingState {
    pub loading: bool,
    pub load_error: Option<ErrorDto>,
    /// What core last said the settings are.
    pub saved: Option<PublishingSettings>,
    pub form: PublishingForm,
    /// The form as it was when Save was pressed, while core answers.
    pub saving: Option<PublishingForm>,
    /// Why the last save did not happen: core's error, or the form's own (a number that is not
    /// one). Shown by the field they name.
    pub errors: Vec<ErrorDto>,
    /// The last save went through and nothing was edited since.
    pub just_saved: bool,
}

pub enum PublishingAction {
    SettingsLoaded(Result<PublishingSettings, ErrorDto>),
    AutoApproveToggled(bool),
    AutoPublishToggled(bool),
    LimitTyped(Limit, String),
    DayToggled(PublishDay),
    SlotTyped(usize, String),
    SlotAdded,
    SlotRemoved(usize),
    TimezoneTyped(String),
    SaveRequested,
    SettingsSaved(PublishingSettings),
    SaveRejected(ErrorDto),
    Reverted,
}

impl Reducible for PublishingState {
    type Action = PublishingAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl PublishingState {
    pub fn new() -> Self {
        Self {
            loading: true,
            ..Default::default()
        }
    }

    fn apply(&mut self, action: PublishingAction) {
        use PublishingAction as A;
        match action {
            A::SettingsLoaded(Ok(settings)) => {
                self.loading = false;
                self.load_error = None;
                self.form = PublishingForm::from(&settings);
                self.saved = Some(settings);
            }
            A::SettingsLoaded(Err(e)) => {
                self.loading = false;
                self.load_error = Some(e);
            }
            A::AutoApproveToggled(on) => {
                self.form.auto_approval = on;
                self.edited(&[]);
            }
            A::AutoPublishToggled(on) => {
                self.form.auto_publish = on;
                self.edited(&[]);
            }
            A::LimitTyped(limit, text) => {
                *limit.text_mut(&mut self.form) = text;
                // The limits are checked against each other: a change to one can fix another's.
                self.edited(&Limit::ALL.map(Limit::field));
            }
            A::DayToggled(day) => {
                if !self.form.days.remove(&day) {
                    self.form.days.insert(day);
                }
                self.edited(&[field::DAYS]);
            }
            A::SlotTyped(i, text) => {
                if let Some(slot) = self.form.slots.get_mut(i) {
                    *slot = text;
                    self.edited(&[field::SLOTS]);
                }
            }
            A::SlotAdded => {
                self.form.slots.push(String::new());
                self.edited(&[field::SLOTS]);
            }
            A::SlotRemoved(i) => {
                if i < self.form.slots.len() {
                    self.form.slots.remove(i);
                    self.edited(&[field::SLOTS]);
                }
            }
            A::TimezoneTyped(text) => {
                self.form.timezone = text;
                self.edited(&[field::TIMEZONE]);
            }
            A::SaveRequested => {
                if self.saving.is_some() || self.saved.is_none() {
                    return;
                }
                self.just_saved = false;
                match self.changes() {
                    Ok(_) => {
                        self.errors.clear();
                        self.saving = Some(self.form.clone());
                    }
                    Err(errors) => self.errors = errors,
                }
            }
            A::SettingsSaved(settings) => {
                // Edits made while core answered are kept (and still count as unsaved).
                if self.saving.as_ref() == Some(&self.form) {
                    self.form = PublishingForm::from(&settings);
                    self.just_saved = true;
                }
                self.saving = None;
                self.saved = Some(settings);
                self.errors.clear();
            }
            A::SaveRejected(e) => {
                self.saving = None;
                self.errors = vec![e];
            }
            A::Reverted => {
                if let Some(saved) = &self.saved {
                    self.form = PublishingForm::from(saved);
                }
                self.errors.clear();
                self.just_saved = false;
            }
        }
    }

    /// After an edit: the "Saved" note goes, and so do the errors about what was edited.
    fn edited(&mut self, fields: &[&str]) {
        self.just_saved = false;
        self.errors
            .retain(|e| !e.field.as_deref().is_some_and(|f| fields.contains(&f)));
    }

    pub fn dirty(&self) -> bool {
        self.saved
            .as_ref()
            .is_some_and(|s| PublishingForm::from(s) != self.form)
    }

    /// Only what differs from the saved settings; or why the form cannot be sent as it is.
    pub fn changes(&self) -> Result<PublishingSettingsUpdate, Vec<ErrorDto>> {
        let mut u = PublishingSettingsUpdate::default();
        let Some(saved) = &self.saved else {
            return Ok(u);
        };
        let f = &self.form;
        let mut errors = Vec::new();
        if f.auto_approval != saved.auto_approval_enabled {
            u.auto_approval_enabled = Some(f.auto_approval);
        }
        if f.auto_publish != saved.auto_publish_enabled {
            u.auto_publish_enabled = Some(f.auto_publish);
        }
        for limit in Limit::ALL {
            match limit.text(f).trim().parse::<i64>() {
                Ok(v) if v == i64::from(limit.saved(saved)) => {}
                Ok(v) => limit.set(&mut u, v),
                Err(_) => errors.push(
                    ErrorDto::new(ErrorKind::Validation, "Enter a whole number, 0 or more.")
                        .with_field(limit.field()),
                ),
            }
        }
        let days: Vec<PublishDay> = f.days.iter().copied().collect();
        if days != saved.publish_days {
            u.publish_days = Some(days.iter().map(|d| d.as_str().to_owned()).collect());
        }
        // A slot left empty is no slot.
        let slots: Vec<String> = f
            .slots
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if slots != saved.publish_time_slots {
            u.publish_time_slots = Some(slots);
        }
        let timezone = f.timezone.trim();
        if timezone != saved.timezone {
            u.timezone = Some(timezone.to_owned());
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

    /// Errors that name no field of this form.
    pub fn general_error(&self) -> Option<&str> {
        let known = [
            Limit::Daily.field(),
            Limit::Weekly.field(),
            Limit::Monthly.field(),
            field::DAYS,
            field::SLOTS,
            field::TIMEZONE,
        ];
        error_outside(&self.errors, &known).map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PublishingAction as A;

    fn defaults() -> PublishingSettings {
        let site = "00000000-0000-7000-8000-000000000001".parse().unwrap();
        PublishingSettings::seed_defaults(site, Default::default())
    }

    fn loaded() -> PublishingState {
        step(PublishingState::new(), A::SettingsLoaded(Ok(defaults())))
    }

    fn step(mut s: PublishingState, a: PublishingAction) -> PublishingState {
        s.apply(a);
        s
    }

    #[test]
    fn the_form_shows_the_settings_and_starts_clean() {
        let s = loaded();
        assert!(!s.loading && !s.dirty());
        assert_eq!((s.form.daily.as_str(), s.form.weekly.as_str()), ("3", "15"));
        assert_eq!(s.form.days.len(), 5);
        assert_eq!(s.changes(), Ok(PublishingSettingsUpdate::default()));
    }

    #[test]
    fn save_sends_only_what_changed() {
        let s = step(loaded(), A::LimitTyped(Limit::Daily, " 5".into()));
        let s = step(s, A::LimitTyped(Limit::Weekly, "15".into()));
        let s = step(s, A::DayToggled(PublishDay::Fri));
        let s = step(s, A::SlotAdded);
        let s = step(s, A::SlotTyped(3, "20:00".into()));
        let s = step(s, A::SlotAdded);
        assert!(s.dirty());
        let u = s.changes().unwrap();
        assert_eq!(
            u,
            PublishingSettingsUpdate {
                daily_publish_limit: Some(5),
                publish_days: Some(vec!["mon".into(), "tue".into(), "wed".into(), "thu".into()]),
                publish_time_slots: Some(vec![
                    "09:00".into(),
                    "14:00".into(),
                    "18:00".into(),
                    "20:00".into()
                ]),
                ..Default::default()
            },
            "the unchanged weekly limit, toggles and timezone stay out; an empty slot is dropped"
        );
        // Toggling back is no change at all.
        let s = step(loaded(), A::AutoPublishToggled(false));
        assert_eq!(s.changes().unwrap().auto_publish_enabled, Some(false));
        let s = step(s, A::AutoPublishToggled(true));
        assert!(!s.dirty());
    }

    #[test]
    fn a_save_resets_the_form_to_what_core_stored() {
        let s = step(loaded(), A::SlotTyped(0, "9:00".into()));
        let s = step(s, A::TimezoneTyped(" Europe/London ".into()));
        let s = step(s, A::SaveRequested);
        assert!(s.saving.is_some());
        let mut stored = defaults();
        stored.timezone = "Europe/London".into();
        let s = step(s, A::SettingsSaved(stored));
        assert!(s.just_saved && !s.dirty() && s.saving.is_none());
        assert_eq!(s.form.slots[0], "09:00", "core's normalised form");
        let s = step(s, A::LimitTyped(Limit::Monthly, "60".into()));
        assert!(!s.just_saved, "an edit hides \u{201c}Saved\u{201d}");
    }

    #[test]
    fn edits_made_while_saving_are_kept() {
        let s = step(loaded(), A::LimitTyped(Limit::Daily, "4".into()));
        let s = step(s, A::SaveRequested);
        let s = step(s, A::LimitTyped(Limit::Daily, "6".into()));
        let mut stored = defaults();
        stored.daily_publish_limit = 4;
        let s = step(s, A::SettingsSaved(stored));
        assert_eq!(s.form.daily, "6");
        assert!(s.dirty() && !s.just_saved);
        assert_eq!(s.changes().unwrap().daily_publish_limit, Some(6));
    }

    #[test]
    fn core_errors_sit_by_their_field_and_editing_the_limits_clears_them() {
        let s = step(loaded(), A::LimitTyped(Limit::Daily, "20".into()));
        let s = step(s, A::SaveRequested);
        let err = ErrorDto::new(
            ErrorKind::Validation,
            "The daily limit (20) cannot be more than the weekly limit (15)",
        )
        .with_field("daily_publish_limit");
        let s = step(s, A::SaveRejected(err));
        assert!(s.saving.is_none() && s.dirty());
        assert_eq!(
            s.error_for("daily_publish_limit"),
            Some("The daily limit (20) cannot be more than the weekly limit (15)")
        );
        assert_eq!(s.general_error(), None);
        let s = step(s, A::TimezoneTyped("UTC".into()));
        assert!(
            s.error_for("daily_publish_limit").is_some(),
            "other fields keep it"
        );
        let s = step(s, A::LimitTyped(Limit::Weekly, "30".into()));
        assert_eq!(
            s.error_for("daily_publish_limit"),
            None,
            "the rule links the limits"
        );

        let s = step(
            s,
            A::SaveRejected(ErrorDto::new(ErrorKind::Storage, "database error: busy")),
        );
        assert_eq!(s.general_error(), Some("database error: busy"));
    }

    #[test]
    fn a_number_that_is_not_one_is_explained_without_asking_core() {
        let s = step(loaded(), A::LimitTyped(Limit::Weekly, "".into()));
        let s = step(s, A::SaveRequested);
        assert!(s.saving.is_none());
        assert_eq!(
            s.error_for("weekly_publish_limit"),
            Some("Enter a whole number, 0 or more.")
        );
    }

    #[test]
    fn revert_restores_the_saved_settings() {
        let s = step(loaded(), A::DayToggled(PublishDay::Sat));
        let s = step(s, A::SlotRemoved(1));
        let s = step(s, A::SlotRemoved(9));
        assert_eq!(s.form.slots, ["09:00", "18:00"]);
        let s = step(s, A::Reverted);
        assert!(!s.dirty());
        assert_eq!(s.form, PublishingForm::from(&defaults()));
    }
}
