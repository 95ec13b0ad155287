//! The models panel's state: the add form as typed (prices and sizes read here, every rule
//! core's), what it waits for, and core's errors under the field they name.

use crate::forms::{clear_error_for, error_outside, message_for};
use folio_model::{AiModel, ErrorDto, ErrorKind, ImageDimensions, ModelType, NewAiModel};
use rust_decimal::Decimal;
use std::rc::Rc;
use std::str::FromStr;
use yew::Reducible;

/// The add form as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelForm {
    pub name: String,
    pub provider: String,
    pub model_type: ModelType,
    pub display_name: String,
    pub cost_in: String,
    pub cost_out: String,
    pub cost_image: String,
    pub sizes: String,
}

impl Default for ModelForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            provider: "ollama".to_owned(),
            model_type: ModelType::Text,
            display_name: String::new(),
            cost_in: "0".to_owned(),
            cost_out: "0".to_owned(),
            cost_image: "0".to_owned(),
            sizes: "1024x1024".to_owned(),
        }
    }
}

fn price(field: &str, raw: &str) -> Result<Option<Decimal>, ErrorDto> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(raw.trim_start_matches('$'))
        .map(Some)
        .map_err(|_| {
            ErrorDto::new(
                ErrorKind::Validation,
                format!("{raw:?} is not a price in USD, e.g. 0 or 0.0015"),
            )
            .with_field(field)
        })
}

fn sizes(raw: &str) -> Result<Vec<ImageDimensions>, ErrorDto> {
    raw.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.parse::<ImageDimensions>()
                .map_err(|e| ErrorDto::new(ErrorKind::Validation, e).with_field("sizes"))
        })
        .collect()
}

impl ModelForm {
    /// What core is sent; only the format of numbers is checked here, every rule is core's.
    pub fn to_new_model(&self) -> Result<NewAiModel, ErrorDto> {
        let text = self.model_type == ModelType::Text;
        Ok(NewAiModel {
            model_name: self.name.trim().to_owned(),
            model_type: self.model_type,
            provider: self.provider.clone(),
            display_name: Some(self.display_name.trim().to_owned()).filter(|d| !d.is_empty()),
            cost_per_1k_input: if text {
                price("cost_per_1k_input", &self.cost_in)?
            } else {
                None
            },
            cost_per_1k_output: if text {
                price("cost_per_1k_output", &self.cost_out)?
            } else {
                None
            },
            tokens_per_credit: None,
            credits_per_image: None,
            cost_per_image: if text {
                None
            } else {
                price("cost_per_image", &self.cost_image)?
            },
            quality_tier: None,
            max_output_tokens: None,
            context_window: None,
            sizes: if text {
                Vec::new()
            } else {
                sizes(&self.sizes)?
            },
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelsState {
    pub form: ModelForm,
    pub adding: bool,
    pub error: Option<ErrorDto>,
    pub notice: Option<String>,
    /// The model being removed, and why a removal failed.
    pub removing: Option<String>,
    pub remove_error: Option<(String, String)>,
}

pub enum ModelsAction {
    Edit(fn(&mut ModelForm, String), &'static str, String),
    Submit,
    Added(Result<AiModel, ErrorDto>),
    Remove(String),
    Removed(String, Result<(), ErrorDto>),
}

impl Reducible for ModelsState {
    type Action = ModelsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ModelsAction::Edit(set, field, value) => {
                set(&mut s.form, value);
                s.notice = None;
                clear_error_for(&mut s.error, field);
            }
            ModelsAction::Submit => {
                s.adding = true;
                s.error = None;
                s.notice = None;
            }
            ModelsAction::Added(Ok(model)) => {
                s.adding = false;
                s.notice = Some(format!("Added {}.", model.model_name));
                let provider = s.form.provider.clone();
                s.form = ModelForm {
                    provider,
                    model_type: s.form.model_type,
                    ..ModelForm::default()
                };
            }
            ModelsAction::Added(Err(e)) => {
                s.adding = false;
                s.error = Some(e);
            }
            ModelsAction::Remove(name) => {
                s.removing = Some(name);
                s.remove_error = None;
            }
            ModelsAction::Removed(_, Ok(())) => s.removing = None,
            ModelsAction::Removed(name, Err(e)) => {
                s.removing = None;
                s.remove_error = Some((name, e.message));
            }
        }
        Rc::new(s)
    }
}

impl ModelsState {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        message_for(&self.error, field)
    }

    /// An error about none of the form's own fields: shown above it.
    pub fn form_error(&self) -> Option<&ErrorDto> {
        error_outside(&self.error, &FIELDS)
    }
}

/// The form's own fields; an error about anything else goes above it.
const FIELDS: [&str; 6] = [
    "model_name",
    "provider",
    "cost_per_1k_input",
    "cost_per_1k_output",
    "cost_per_image",
    "sizes",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_text_model_is_sent_at_zero_price() {
        let form = ModelForm {
            name: " llama3.2:3b ".into(),
            ..ModelForm::default()
        };
        let m = form.to_new_model().unwrap();
        assert_eq!(m.model_name, "llama3.2:3b");
        assert_eq!(m.provider, "ollama");
        assert_eq!(m.cost_per_1k_input, Some(Decimal::ZERO));
        assert!(m.sizes.is_empty());
        assert_eq!(m.display_name, None);
    }

    #[test]
    fn image_sizes_and_prices_are_read_and_bad_ones_name_their_field() {
        let form = ModelForm {
            name: "sdxl".into(),
            model_type: ModelType::Image,
            cost_image: "$0.004".into(),
            sizes: "1024x1024, 1344X768".into(),
            ..ModelForm::default()
        };
        let m = form.to_new_model().unwrap();
        assert_eq!(m.cost_per_image, Some(Decimal::new(4, 3)));
        assert_eq!(m.sizes.len(), 2);
        assert_eq!(m.sizes[1].height, 768);
        assert_eq!(m.cost_per_1k_input, None);

        let bad = ModelForm {
            sizes: "big".into(),
            ..form.clone()
        };
        let e = bad.to_new_model().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("sizes"));
        let bad = ModelForm {
            cost_image: "free".into(),
            ..form
        };
        assert_eq!(
            bad.to_new_model().unwrap_err().field.as_deref(),
            Some("cost_per_image")
        );
    }

    #[test]
    fn an_added_model_clears_the_form_but_keeps_provider_and_type() {
        let s = Rc::new(ModelsState::default());
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.name = v,
            "model_name",
            "x".into(),
        ));
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.provider = v,
            "provider",
            "lmstudio".into(),
        ));
        let s = s.reduce(ModelsAction::Submit);
        let s = s.reduce(ModelsAction::Added(Err(ErrorDto::new(
            ErrorKind::Conflict,
            "taken",
        )
        .with_field("model_name"))));
        assert_eq!(s.error_for("model_name"), Some("taken"));
        let s = s.reduce(ModelsAction::Edit(
            |f, v| f.name = v,
            "model_name",
            "y".into(),
        ));
        assert_eq!(s.error_for("model_name"), None);
    }
}
