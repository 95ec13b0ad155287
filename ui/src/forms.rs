//! Form plumbing every page shares: reading what was typed or chosen, and placing core's errors.
//!
//! Core names the input an error is about (`ErrorDto::field`); a form shows it under that field
//! and everything else above the form. A page's reducer keeps its errors as it likes (one, or a
//! list) and asks these functions where each goes.

use folio_model::ErrorDto;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The text of the input an `input` event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The value of the select a `change` event came from.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// Whether the checkbox a `change` event came from is now ticked.
pub fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The first of `errors` about `field`, shown under that field.
pub fn error_for<'a>(
    errors: impl IntoIterator<Item = &'a ErrorDto>,
    field: &str,
) -> Option<&'a ErrorDto> {
    errors.into_iter().find(|e| e.is_about(field))
}

/// The message of the first of `errors` about `field`.
pub fn message_for<'a>(
    errors: impl IntoIterator<Item = &'a ErrorDto>,
    field: &str,
) -> Option<&'a str> {
    error_for(errors, field).map(|e| e.message.as_str())
}

/// The first of `errors` about none of `fields` (the form's own inputs): shown above the form.
pub fn error_outside<'a>(
    errors: impl IntoIterator<Item = &'a ErrorDto>,
    fields: &[&str],
) -> Option<&'a ErrorDto> {
    errors
        .into_iter()
        .find(|e| !e.field.as_deref().is_some_and(|f| fields.contains(&f)))
}

/// Drop `error` when it is about `field` (that field was just edited).
pub fn clear_error_for(error: &mut Option<ErrorDto>, field: &str) {
    if error.as_ref().is_some_and(|e| e.is_about(field)) {
        *error = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    #[test]
    fn errors_go_under_their_field_or_above_the_form() {
        let about = |f: &str| ErrorDto::new(ErrorKind::Validation, f).with_field(f);
        let errors = vec![about("email"), ErrorDto::new(ErrorKind::Sync, "offline")];
        assert_eq!(message_for(&errors, "email"), Some("email"));
        assert_eq!(message_for(&errors, "server"), None);
        assert_eq!(
            error_outside(&errors, &["email", "server"]).map(|e| e.message.as_str()),
            Some("offline")
        );
        let mut one = Some(about("email"));
        assert_eq!(message_for(&one, "email"), Some("email"));
        assert!(error_outside(&one, &["email"]).is_none());
        assert!(
            error_outside(&one, &["server"]).is_some(),
            "an error about another field"
        );
        clear_error_for(&mut one, "server");
        assert!(one.is_some());
        clear_error_for(&mut one, "email");
        assert!(one.is_none());
    }
}
