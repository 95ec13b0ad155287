//! A site's WordPress connection: connecting (an application password, or the one-click
//! authorization), the site doctor and the cached structure (categories, tags, authors, post
//! types, SEO meta keys).
//!
//! The application password lives only in the OS keychain, one entry per (site, WordPress user);
//! the integration row (synced with the site) holds the user name and the REST root, so another
//! device knows where to publish but must be given the password itself.

use crate::keychain::{wordpress_password_entry, Keychain};
use crate::sites::integrations::commit_integration;
use crate::store::db::{now, ts};
use crate::store::scope::check_site;
use crate::{CoreError, Entity, Folio};
use folio_model::{
    ConnectionStatus, DoctorReport, IntegrationSync, IntegrationSyncStatus, SiteId,
    SiteIntegration, WpAuthorization, WpConnect,
};
use folio_wordpress::{ClientOptions, Credentials, WpClient};

/// The name WordPress shows under Users → Profile → Application Passwords.
pub const APP_NAME: &str = "Folio";

/// Folio's application id for WordPress's authorization screen: fixed, so WordPress can tell
/// Folio's passwords apart from other apps' (a UUID, as WordPress requires).
pub const APP_ID: &str = "6f1d2c1e-4b7a-4f43-9d0e-5f0c1a7e2b91";

pub(crate) fn client_options() -> ClientOptions {
    ClientOptions {
        user_agent: format!("Folio/{}", env!("CARGO_PKG_VERSION")),
        ..ClientOptions::default()
    }
}

impl From<folio_wordpress::WpError> for CoreError {
    fn from(e: folio_wordpress::WpError) -> Self {
        Self::Wordpress(Box::new(e))
    }
}

fn required(field: &'static str, what: &str, value: &str) -> Result<String, CoreError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::invalid(field, format!("Enter the {what}")));
    }
    Ok(v.to_owned())
}

impl Folio {
    /// Connect a site to WordPress with an application password: find the REST API from any URL
    /// of the site, check the login (`users/me`), store the password in the OS keychain, then
    /// fetch the site's structure. Nothing is stored when the login fails.
    pub async fn wp_connect(&self, input: WpConnect) -> Result<SiteIntegration, CoreError> {
        let user = required("user", "WordPress user name", &input.user)?;
        let password = required(
            "app_password",
            "application password (WordPress: Users → Profile → Application Passwords)",
            &input.app_password,
        )?;
        let url = required("url", "site's address", &input.url)?;
        {
            let mut conn = self.pool.acquire().await?;
            check_site(&mut conn, &self.account_id.to_string(), input.site).await?;
        }
        let credentials = Credentials {
            user: user.clone(),
            app_password: password.clone(),
        };
        let client = WpClient::discover(&url, Some(credentials), client_options()).await?;
        let me = client.me().await?;
        let keychain = Keychain::new();
        let previous = self.site_integration(input.site).await?;
        keychain
            .set(&wordpress_password_entry(&input.site, &user), &password)
            .await?;
        if let Some(old_user) = previous.as_ref().and_then(|p| p.username.clone()) {
            if old_user != user {
                keychain
                    .delete(&wordpress_password_entry(&input.site, &old_user))
                    .await?;
            }
        }
        let home = client
            .index()
            .await
            .map(|i| i.home)
            .ok()
            .filter(|h| !h.trim().is_empty())
            .unwrap_or(url);
        self.connect_site_integration(input.site, &home).await?;
        self.save_wp_login(input.site, &user, client.api_root())
            .await?;
        tracing::info!(site = %input.site, wp_user = %user, wp_user_id = me.id, "connected to WordPress");
        self.wp_sync(input.site).await
    }

    async fn save_wp_login(
        &self,
        site: SiteId,
        user: &str,
        api_root: &str,
    ) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE site_integrations SET username = ?, api_root = ?, updated_at = ?
             WHERE site_id = ? AND platform = 'wordpress'",
        )
        .bind(user)
        .bind(api_root)
        .bind(ts(now()))
        .bind(site.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::SiteSettings, site.as_uuid());
        tx.commit().await
    }

    /// The site's WordPress client, logged in with the password from the keychain.
    pub(crate) async fn wp_client(
        &self,
        site: SiteId,
    ) -> Result<(WpClient, SiteIntegration), CoreError> {
        let integration = self.site_integration(site).await?;
        let (Some(integration), Some(user)) = (
            integration.clone(),
            integration.as_ref().and_then(|i| i.username.clone()),
        ) else {
            return Err(not_connected(site));
        };
        let Some(password) = Keychain::new()
            .get(&wordpress_password_entry(&site, &user))
            .await?
        else {
            return Err(CoreError::invalid(
                "app_password",
                format!(
                    "This computer has no application password for WordPress user {user:?} of \
                     this site (passwords stay on the device they were entered on). Enter it \
                     again: folio wp connect --site {site} --url {} --user {user}, or Site → \
                     WordPress in the app",
                    integration.external_site_url
                ),
            ));
        };
        let credentials = Some(Credentials {
            user,
            app_password: password,
        });
        let client = match &integration.api_root {
            Some(root) => WpClient::new(root, credentials, client_options())?,
            None => {
                WpClient::discover(
                    &integration.external_site_url,
                    credentials,
                    client_options(),
                )
                .await?
            }
        };
        Ok((client, integration))
    }

    /// Refresh the cached structure (categories, tags, authors, post types, SEO meta keys).
    /// A failure is recorded on the connection (shown to the person) and returned.
    pub async fn wp_sync(&self, site: SiteId) -> Result<SiteIntegration, CoreError> {
        let (client, _) = self.wp_client(site).await?;
        match client.structure().await {
            Ok(structure) => {
                self.record_integration_sync(
                    site,
                    IntegrationSync {
                        sync_status: IntegrationSyncStatus::Completed,
                        connection_status: Some(ConnectionStatus::Connected),
                        sync_error: None,
                        structure: Some(structure),
                    },
                )
                .await
            }
            Err(e) => {
                let error = CoreError::from(e);
                self.record_integration_sync(
                    site,
                    IntegrationSync {
                        sync_status: IntegrationSyncStatus::Error,
                        connection_status: Some(ConnectionStatus::Error),
                        sync_error: Some(error.to_string()),
                        structure: None,
                    },
                )
                .await?;
                Err(error)
            }
        }
    }

    /// Run the site doctor on the connected site (or on `url` when the site is not connected
    /// yet, without a login).
    pub async fn wp_doctor(
        &self,
        site: SiteId,
        url: Option<&str>,
    ) -> Result<DoctorReport, CoreError> {
        let integration = self.site_integration(site).await?;
        let site_url = match (url, &integration) {
            (Some(u), _) => required("url", "site's address", u)?,
            (None, Some(i)) => i.external_site_url.clone(),
            (None, None) => return Err(not_connected(site)),
        };
        let credentials = match integration.as_ref().and_then(|i| i.username.clone()) {
            Some(user) => Keychain::new()
                .get(&wordpress_password_entry(&site, &user))
                .await?
                .map(|app_password| Credentials { user, app_password }),
            None => None,
        };
        Ok(folio_wordpress::doctor(&site_url, credentials, client_options()).await)
    }

    /// Forget the connection's password (the keychain entry) and mark it not connected; the
    /// cached structure and published posts' ids stay, so reconnecting updates the same posts.
    pub async fn wp_disconnect(&self, site: SiteId) -> Result<SiteIntegration, CoreError> {
        let Some(integration) = self.site_integration(site).await? else {
            return Err(not_connected(site));
        };
        if let Some(user) = &integration.username {
            Keychain::new()
                .delete(&wordpress_password_entry(&site, user))
                .await?;
        }
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        sqlx::query(
            "UPDATE site_integrations SET connection_status = 'not_connected', username = NULL,
                 updated_at = ? WHERE id = ?",
        )
        .bind(ts(now()))
        .bind(integration.id.to_string())
        .execute(tx.conn())
        .await?;
        commit_integration(tx, site).await
    }

    /// The one-click connection, step 1: the address of the site's "Authorize application"
    /// screen. WordPress sends the person back to `success_url` (a `folio://` link or a loopback
    /// address) with the user name and a new application password; pass that address to
    /// [`Folio::wp_authorize_complete`].
    pub async fn wp_authorize_start(
        &self,
        site: SiteId,
        url: &str,
        success_url: &str,
    ) -> Result<WpAuthorization, CoreError> {
        let url = required("url", "site's address", url)?;
        {
            let mut conn = self.pool.acquire().await?;
            check_site(&mut conn, &self.account_id.to_string(), site).await?;
        }
        let client = WpClient::discover(&url, None, client_options()).await?;
        let index = client.index().await?;
        let Some(endpoint) = index.app_passwords_authorization else {
            return Err(CoreError::invalid(
                "url",
                "This WordPress site does not offer Application Passwords, so it cannot be \
                 authorized in one click. WordPress allows them only over HTTPS (or on a local \
                 development site), and some security plugins turn them off. Run the site \
                 doctor for details",
            ));
        };
        let success_url = required("success_url", "return address", success_url)?;
        let authorize = WpClient::authorize_url(&endpoint, APP_NAME, APP_ID, &success_url, None)?;
        Ok(WpAuthorization {
            site,
            url: authorize,
            success_url,
        })
    }

    /// The one-click connection, step 2: the address WordPress sent the person back to carries
    /// `site_url`, `user_login` and `password`; the connection is then made as with a pasted
    /// password. A rejection (`success=false`) is reported as such.
    pub async fn wp_authorize_complete(
        &self,
        site: SiteId,
        returned_url: &str,
    ) -> Result<SiteIntegration, CoreError> {
        let parsed = url::Url::parse(returned_url.trim()).map_err(|_| {
            CoreError::invalid(
                "returned_url",
                "That is not the address WordPress sent you back to",
            )
        })?;
        let mut site_url = None;
        let mut user = None;
        let mut password = None;
        let mut rejected = false;
        for (k, v) in parsed.query_pairs() {
            match k.as_ref() {
                "site_url" => site_url = Some(v.into_owned()),
                "user_login" => user = Some(v.into_owned()),
                "password" => password = Some(v.into_owned()),
                "success" if v == "false" => rejected = true,
                _ => {}
            }
        }
        if rejected {
            return Err(CoreError::invalid(
                "returned_url",
                "The connection was rejected in WordPress; nothing was stored",
            ));
        }
        let (Some(site_url), Some(user), Some(password)) = (site_url, user, password) else {
            return Err(CoreError::invalid(
                "returned_url",
                "The address has no user name and password from WordPress (site_url, \
                 user_login, password); approve the connection in WordPress and use the \
                 address it sends you to",
            ));
        };
        self.wp_connect(WpConnect {
            site,
            url: site_url,
            user,
            app_password: password,
        })
        .await
    }
}

pub(crate) fn not_connected(site: SiteId) -> CoreError {
    CoreError::invalid(
        "site",
        format!(
            "Site {site} is not connected to WordPress yet: folio wp connect --site {site} --url \
             URL --user USER (the application password on stdin), or Site → WordPress in the app"
        ),
    )
}
