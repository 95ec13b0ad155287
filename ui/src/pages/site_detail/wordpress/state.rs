//! The WordPress panel's state: the connection core knows, the connect form (never the
//! password), what the panel waits for, the doctor's last report, and errors by field.

use crate::forms::{error_for, error_outside};
use folio_model::{ConnectionStatus, DoctorReport, ErrorDto, SiteIntegration, WpAuthorization};
use std::rc::Rc;
use yew::Reducible;

/// Core's field names, as its errors carry them.
pub mod field {
    pub const URL: &str = "url";
    pub const USER: &str = "user";
    pub const APP_PASSWORD: &str = "app_password";
    pub const RETURNED_URL: &str = "returned_url";
    pub const ALL: [&str; 4] = [URL, USER, APP_PASSWORD, RETURNED_URL];
}

/// What the panel is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    Connecting,
    Authorizing,
    Completing,
    Doctor,
    Syncing,
    Disconnecting,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WordPressState {
    pub loading: bool,
    pub load_error: Option<ErrorDto>,
    /// What core last said the connection is; `None` when the site was never connected.
    pub integration: Option<SiteIntegration>,
    pub url: String,
    pub user: String,
    pub busy: Option<Busy>,
    /// The one-click connection was started: the browser should come back with a link.
    pub authorization: Option<WpAuthorization>,
    pub doctor: Option<DoctorReport>,
    pub errors: Vec<ErrorDto>,
    pub notice: Option<&'static str>,
    /// "Allow insecure http" for a site on the local network: the person's choice on this
    /// device, sent with the connect. Never taken from the (synced) connection, so a teammate
    /// cannot switch it on for anyone else.
    pub allow_insecure: bool,
}

pub enum WordPressAction {
    Loaded(Result<Option<SiteIntegration>, ErrorDto>),
    UrlTyped(String),
    UserTyped(String),
    InsecureToggled(bool),
    Started(Busy),
    /// Connected (by password or in one click), refreshed or disconnected.
    Updated(SiteIntegration, &'static str),
    AuthorizationOpened(WpAuthorization),
    AuthorizationDropped,
    DoctorReported(DoctorReport),
    Failed(ErrorDto),
}

impl Reducible for WordPressState {
    type Action = WordPressAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl WordPressState {
    pub fn new(domain: &str) -> Self {
        Self {
            loading: true,
            url: format!("https://{domain}"),
            ..Default::default()
        }
    }

    fn apply(&mut self, action: WordPressAction) {
        use WordPressAction as A;
        match action {
            A::Loaded(Ok(integration)) => {
                self.loading = false;
                self.load_error = None;
                self.take_form_from(integration.as_ref());
                self.integration = integration;
            }
            A::Loaded(Err(e)) => {
                self.loading = false;
                self.load_error = Some(e);
            }
            A::UrlTyped(url) => {
                self.url = url;
                self.clear_errors(field::URL);
            }
            A::UserTyped(user) => {
                self.user = user;
                self.clear_errors(field::USER);
            }
            A::InsecureToggled(allow) => {
                self.allow_insecure = allow;
                self.clear_errors(field::URL);
            }
            A::Started(busy) => {
                self.busy = Some(busy);
                self.errors.clear();
                self.notice = None;
                if busy == Busy::Doctor {
                    self.doctor = None;
                }
            }
            A::Updated(integration, notice) => {
                if matches!(self.busy, Some(Busy::Connecting | Busy::Completing)) {
                    self.authorization = None;
                }
                self.busy = None;
                self.errors.clear();
                self.notice = Some(notice);
                self.take_form_from(Some(&integration));
                self.integration = Some(integration);
            }
            A::AuthorizationOpened(authorization) => {
                self.busy = None;
                self.authorization = Some(authorization);
            }
            A::AuthorizationDropped => self.authorization = None,
            A::DoctorReported(report) => {
                self.busy = None;
                self.doctor = Some(report);
            }
            A::Failed(e) => {
                self.busy = None;
                self.errors = vec![e];
            }
        }
    }

    /// The form starts from the connection core knows, so reconnecting is one password away.
    fn take_form_from(&mut self, integration: Option<&SiteIntegration>) {
        if let Some(i) = integration {
            self.url.clone_from(&i.external_site_url);
            if let Some(user) = &i.username {
                self.user.clone_from(user);
            }
        }
    }

    fn clear_errors(&mut self, field: &str) {
        self.errors.retain(|e| !e.is_about(field));
    }

    pub fn connected(&self) -> bool {
        self.integration.as_ref().is_some_and(|i| {
            i.connection_status != ConnectionStatus::NotConnected && i.username.is_some()
        })
    }

    pub fn error_for(&self, field: &str) -> Option<&ErrorDto> {
        error_for(&self.errors, field)
    }

    /// Errors that name no field of the form.
    pub fn general_error(&self) -> Option<&ErrorDto> {
        error_outside(&self.errors, &field::ALL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::error_text;
    use folio_model::ErrorKind;
    use WordPressAction as A;

    fn step(mut s: WordPressState, a: WordPressAction) -> WordPressState {
        s.apply(a);
        s
    }

    fn integration(json: serde_json::Value) -> SiteIntegration {
        let mut base = serde_json::json!({
            "id": "00000000-0000-7000-8000-0000000000aa",
            "site_id": "00000000-0000-7000-8000-000000000001",
            "platform": "wordpress",
            "external_site_url": "http://127.0.0.1:8080",
            "sync_enabled": true,
            "sync_status": "completed",
            "last_sync_at": null,
            "sync_error": null,
            "connection_status": "connected",
            "structure": {},
            "structure_updated_at": null,
            "created_at": "2026-11-29T08:00:00Z",
            "username": "author",
            "api_root": "http://127.0.0.1:8080/wp-json/"
        });
        if let (Some(b), Some(extra)) = (base.as_object_mut(), json.as_object()) {
            for (k, v) in extra {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn the_form_starts_from_the_domain_then_from_the_connection() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        assert_eq!(s.url, "https://garden.example");
        assert!(!s.connected());
        let s = step(s, A::Loaded(Ok(Some(integration(serde_json::json!({}))))));
        assert!(s.connected());
        assert_eq!(
            (s.url.as_str(), s.user.as_str()),
            ("http://127.0.0.1:8080", "author")
        );
        let gone = integration(
            serde_json::json!({"connection_status": "not_connected", "username": null}),
        );
        let s = step(s, A::Updated(gone, "Disconnected"));
        assert!(!s.connected());
        assert_eq!(s.user, "author", "reconnecting needs only the password");
    }

    #[test]
    fn errors_sit_by_their_field_and_typing_clears_them() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        let s = step(s, A::Started(Busy::Connecting));
        let e = ErrorDto::new(ErrorKind::Validation, "Enter the WordPress user name")
            .with_field("user");
        let s = step(s, A::Failed(e));
        assert!(s.busy.is_none());
        assert!(s.error_for(field::USER).is_some());
        assert!(s.general_error().is_none());
        let s = step(s, A::UrlTyped("x".into()));
        assert!(s.error_for(field::USER).is_some());
        let s = step(s, A::UserTyped("author".into()));
        assert!(s.errors.is_empty());

        let auth =
            ErrorDto::new(ErrorKind::Wordpress, "The site refused the login").with_code("auth");
        let s = step(s, A::Failed(auth));
        assert_eq!(
            s.general_error().map(error_text).as_deref(),
            Some("The site refused the login (auth)")
        );
    }

    #[test]
    fn a_one_click_connection_ends_when_core_connects() {
        let s = step(WordPressState::new("garden.example"), A::Loaded(Ok(None)));
        let site = "00000000-0000-7000-8000-000000000001".parse().unwrap();
        let s = step(s, A::Started(Busy::Authorizing));
        let s = step(
            s,
            A::AuthorizationOpened(WpAuthorization {
                site,
                url: "https://garden.example/wp-admin/authorize-application.php?app_name=Folio"
                    .into(),
                success_url: "folio://wordpress/authorized".into(),
            }),
        );
        assert!(s.authorization.is_some() && s.busy.is_none());
        let s = step(s, A::Started(Busy::Completing));
        let s = step(
            s,
            A::Updated(integration(serde_json::json!({})), "Connected."),
        );
        assert!(s.authorization.is_none() && s.connected());
        assert_eq!(s.notice, Some("Connected."));
    }

    #[test]
    fn insecure_http_is_this_devices_choice_never_the_connections() {
        let s = step(WordPressState::new("lan.example"), A::Loaded(Ok(None)));
        assert!(!s.allow_insecure, "off unless the person ticks it");
        let s = step(s, A::InsecureToggled(true));
        assert!(s.allow_insecure);
        let s = step(s, A::InsecureToggled(false));
        // Whatever the synced connection holds, loading it never ticks the box.
        let synced = integration(serde_json::json!({"external_site_url": "http://192.168.1.9"}));
        let s = step(s, A::Loaded(Ok(Some(synced.clone()))));
        assert!(!s.allow_insecure);
        let s = step(s, A::Updated(synced, "Connected."));
        assert!(!s.allow_insecure);
    }
}
