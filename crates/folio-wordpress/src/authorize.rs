//! The one-click connection: WordPress's "authorize application" page, which hands a new
//! application password to a URL Folio listens on.

use url::Url;

use crate::client::WpClient;
use crate::error::WpError;

impl WpClient {
    /// `{authorization}?app_name=…&app_id=…&success_url=…&reject_url=…`, encoded. The endpoint
    /// comes from [`SiteIndex::app_passwords_authorization`](crate::SiteIndex). An empty
    /// `app_id` is left out. WordPress refuses plain-`http` success URLs on non-local sites.
    pub fn authorize_url(
        authorization_endpoint: &str,
        app_name: &str,
        app_id: &str,
        success_url: &str,
        reject_url: Option<&str>,
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
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("app_name", app_name);
            if !app_id.is_empty() {
                q.append_pair("app_id", app_id);
            }
            q.append_pair("success_url", success_url);
            if let Some(r) = reject_url {
                q.append_pair("reject_url", r);
            }
        }
        Ok(url.into())
    }
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
        )
        .unwrap();
        assert_eq!(
            u,
            "https://h/wp-admin/authorize-application.php?app_name=Folio+on+Ana%27s+Mac&app_id=0b9c3c4e-4f1a-4e47-9c6a-2f7e1d3f0a11&success_url=folio%3A%2F%2Fwp-connected%3Fsite%3D7%26x%3D1&reject_url=http%3A%2F%2F127.0.0.1%3A4321%2Frejected"
        );
        let u = WpClient::authorize_url(
            "https://h/wp-admin/authorize-application.php",
            "Folio",
            "",
            "folio://ok",
            None,
        )
        .unwrap();
        assert_eq!(u, "https://h/wp-admin/authorize-application.php?app_name=Folio&success_url=folio%3A%2F%2Fok");
        assert!(WpClient::authorize_url("nope", "Folio", "", "folio://ok", None).is_err());
    }
}
