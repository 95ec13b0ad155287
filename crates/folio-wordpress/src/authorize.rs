//! The one-click connection: WordPress's "authorize application" page, which hands a new
//! application password to a URL Folio listens on.

use url::Url;

use crate::client::WpClient;
use crate::error::WpError;

impl WpClient {
    /// `{authorization}?app_name=…&app_id=…&success_url=…&reject_url=…`, encoded. The endpoint
    /// comes from [`SiteIndex::app_passwords_authorization`](crate::SiteIndex). An empty
    /// `app_id` is left out. WordPress refuses plain-`http` success URLs on non-local sites.
    ///
    /// `state` (random, from [`PendingAuthorization`]) is added to the success and reject URLs,
    /// so the address WordPress sends back proves it answers this authorization and not one
    /// someone else started.
    pub fn authorize_url(
        authorization_endpoint: &str,
        app_name: &str,
        app_id: &str,
        success_url: &str,
        reject_url: Option<&str>,
        state: &str,
    ) -> Result<String, WpError> {
        let mut url = Url::parse(authorization_endpoint.trim()).map_err(|e| {
            WpError::other(format!(
                "the site's authorization address `{authorization_endpoint}` is not valid ({e}); connect with an application password instead"
            ))
        })?;
        if app_name.trim().is_empty() {
            return Err(WpError::other(
                "the application name for WordPress must not be empty",
            ));
        }
        let success_url = with_state(success_url, state)?;
        let reject_url = reject_url.map(|r| with_state(r, state)).transpose()?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("app_name", app_name);
            if !app_id.is_empty() {
                q.append_pair("app_id", app_id);
            }
            q.append_pair("success_url", &success_url);
            if let Some(r) = &reject_url {
                q.append_pair("reject_url", r);
            }
        }
        Ok(url.into())
    }
}

/// `address` with `state=…` added to its query (WordPress appends its own parameters after).
fn with_state(address: &str, state: &str) -> Result<String, WpError> {
    if state.trim().is_empty() {
        return Err(WpError::other(
            "the one-click connection needs a random state to check the answer against",
        ));
    }
    let mut url = Url::parse(address.trim()).map_err(|e| {
        WpError::other(format!("the return address `{address}` is not valid ({e})"))
    })?;
    url.query_pairs_mut().append_pair("state", state);
    Ok(url.into())
}

/// What this device remembers between starting a one-click connection and WordPress sending
/// the person back: the random `state` put into the return address and the origins the
/// authorization was started for (the REST root's and the site's home). Not secret, but kept
/// on this device only.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingAuthorization {
    pub state: String,
    /// Origins a returned `site_url` may have (scheme, host, port).
    pub origins: Vec<String>,
}

/// The login WordPress handed back; the password never reaches `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizedLogin {
    pub site_url: String,
    pub user: String,
    pub app_password: String,
}

impl std::fmt::Debug for AuthorizedLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizedLogin")
            .field("site_url", &self.site_url)
            .field("user", &self.user)
            .field("app_password", &"<redacted>")
            .finish()
    }
}

impl AuthorizedLogin {
    /// Reads the address WordPress sent the person back to and accepts it only as the answer to
    /// `pending` (`None`: no authorization is waiting on this device, or it was used already):
    /// the same `state`, and a `site_url` at one of the origins the authorization started for.
    /// A forged or replayed link (someone else's site, someone else's password) is refused.
    pub fn from_returned_url(
        returned_url: &str,
        pending: Option<&PendingAuthorization>,
    ) -> Result<AuthorizedLogin, WpError> {
        let parsed = Url::parse(returned_url.trim())
            .map_err(|_| WpError::refused("that is not the address WordPress sent you back to"))?;
        let mut site_url = None;
        let mut user = None;
        let mut password = None;
        let mut state = None;
        let mut rejected = false;
        for (k, v) in parsed.query_pairs() {
            match k.as_ref() {
                "site_url" => site_url = Some(v.into_owned()),
                "user_login" => user = Some(v.into_owned()),
                "password" => password = Some(v.into_owned()),
                "state" => state = Some(v.into_owned()),
                "success" if v == "false" => rejected = true,
                _ => {}
            }
        }
        let Some(pending) = pending else {
            return Err(WpError::refused(
                "no one-click connection is waiting on this device (it was finished, replaced by a \
                 newer one, or started elsewhere); nothing was stored — start the connection again \
                 and use the address WordPress sends you back to",
            ));
        };
        let Some(state) = state.filter(|s| !s.is_empty()) else {
            return Err(WpError::refused(
                "the address WordPress sent you back to has no state, so Folio cannot tell it \
                 answers the connection started here; nothing was stored — start the connection again",
            ));
        };
        if !same_secret(&state, &pending.state) {
            return Err(WpError::refused(
                "the address WordPress sent you back to answers another connection (its state is \
                 unknown here); nothing was stored — start the connection again",
            ));
        }
        if rejected {
            return Err(WpError::refused(
                "the connection was rejected in WordPress; nothing was stored",
            ));
        }
        let (Some(site_url), Some(user), Some(app_password)) = (site_url, user, password) else {
            return Err(WpError::refused(
                "the address has no user name and password from WordPress (site_url, user_login, \
                 password); approve the connection in WordPress and use the address it sends you to",
            ));
        };
        let origin = crate::origin::origin_of(&site_url).map_err(|_| {
            WpError::refused(format!(
                "the returned site address `{site_url}` is not valid"
            ))
        })?;
        if !pending.origins.contains(&origin) {
            return Err(WpError::refused(format!(
                "WordPress sent back a password for {origin}, but the connection was started for {}; \
                 nothing was stored — start the connection again from the site's own address",
                pending.origins.first().map(String::as_str).unwrap_or("another site")
            )));
        }
        Ok(AuthorizedLogin {
            site_url,
            user,
            app_password,
        })
    }
}

/// Compares without stopping at the first difference, so timing tells nothing about the state.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_every_parameter() {
        let u = WpClient::authorize_url(
            "https://h/wp-admin/authorize-application.php",
            "Folio on Ana's Mac",
            "0b9c3c4e-4f1a-4e47-9c6a-2f7e1d3f0a11",
            "folio://wp-connected?site=7&x=1",
            Some("http://127.0.0.1:4321/rejected"),
            "s1",
        )
        .unwrap();
        assert_eq!(
            u,
            "https://h/wp-admin/authorize-application.php?app_name=Folio+on+Ana%27s+Mac&app_id=0b9c3c4e-4f1a-4e47-9c6a-2f7e1d3f0a11&success_url=folio%3A%2F%2Fwp-connected%3Fsite%3D7%26x%3D1%26state%3Ds1&reject_url=http%3A%2F%2F127.0.0.1%3A4321%2Frejected%3Fstate%3Ds1"
        );
        let u = WpClient::authorize_url(
            "https://h/wp-admin/authorize-application.php",
            "Folio",
            "",
            "folio://ok",
            None,
            "s2",
        )
        .unwrap();
        assert_eq!(u, "https://h/wp-admin/authorize-application.php?app_name=Folio&success_url=folio%3A%2F%2Fok%3Fstate%3Ds2");
        assert!(WpClient::authorize_url("nope", "Folio", "", "folio://ok", None, "s").is_err());
        assert!(WpClient::authorize_url(
            "https://h/wp-admin/authorize-application.php",
            "Folio",
            "",
            "folio://ok",
            None,
            ""
        )
        .is_err());
    }

    fn pending() -> PendingAuthorization {
        PendingAuthorization {
            state: "abc123".into(),
            origins: vec!["https://blog.example".into()],
        }
    }

    const BACK: &str = "folio://wordpress/authorized?state=abc123&site_url=https%3A%2F%2Fblog.example&user_login=ana&password=abcd+efgh";

    #[test]
    fn the_answer_to_this_authorization_is_accepted() {
        let login = AuthorizedLogin::from_returned_url(BACK, Some(&pending())).unwrap();
        assert_eq!(login.site_url, "https://blog.example");
        assert_eq!(login.user, "ana");
        assert_eq!(login.app_password, "abcd efgh");
        assert!(!format!("{login:?}").contains("abcd"));
    }

    #[test]
    fn missing_unknown_or_used_state_is_refused() {
        let refused = |url: &str, pending: Option<&PendingAuthorization>| {
            let e = AuthorizedLogin::from_returned_url(url, pending).unwrap_err();
            assert_eq!(e.code(), "authorize_refused", "{url}");
            assert!(!e.to_string().contains("abcd"), "{e}");
            e.to_string()
        };
        let no_state = BACK.replace("state=abc123&", "");
        assert!(refused(&no_state, Some(&pending())).contains("no state"));
        let other = BACK.replace("abc123", "abc124");
        assert!(refused(&other, Some(&pending())).contains("unknown"));
        let short = BACK.replace("abc123", "abc");
        refused(&short, Some(&pending()));
        // Used (or never started here): nothing is pending any more.
        assert!(refused(BACK, None).contains("no one-click connection is waiting"));
    }

    #[test]
    fn a_password_for_another_site_is_refused() {
        let elsewhere = BACK.replace("blog.example", "evil.example");
        let e = AuthorizedLogin::from_returned_url(&elsewhere, Some(&pending())).unwrap_err();
        assert_eq!(e.code(), "authorize_refused");
        assert!(e.to_string().contains("https://evil.example"), "{e}");
        let downgraded = BACK.replace("https%3A", "http%3A");
        assert!(AuthorizedLogin::from_returned_url(&downgraded, Some(&pending())).is_err());
        let port = BACK.replace("blog.example", "blog.example%3A8443");
        assert!(AuthorizedLogin::from_returned_url(&port, Some(&pending())).is_err());
    }

    #[test]
    fn a_rejection_with_the_right_state_says_rejected() {
        let e = AuthorizedLogin::from_returned_url(
            "folio://wordpress/authorized?state=abc123&success=false",
            Some(&pending()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("rejected"), "{e}");
    }
}
