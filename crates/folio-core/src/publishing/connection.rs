//! A site's WordPress connection: connecting (an application password, or the one-click
//! authorization), the site doctor and the cached structure (categories, tags, authors, post
//! types, SEO meta keys).
//!
//! The application password lives only in the OS keychain, one entry per (site, WordPress user);
//! the integration row (synced with the site) holds the user name and the REST root, so another
//! device knows where to publish but must be given the password itself.
//!
//! Trust: everything in the integration row can be changed by a teammate, so the keychain entry
//! also holds the origin the password was connected with on this device (and whether plain http
//! was allowed); [`Folio::wp_client`] is the one place an authenticated client is made, and it
//! refuses a REST root at any other origin. See docs/wordpress.md, "Trust boundaries".

use crate::keychain::{
    wordpress_authorize_entry, wordpress_password_entry, Keychain, WordpressSecret,
};
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

/// `allow_insecure_http` only ever comes from this device: the person's flag or checkbox while
/// connecting, or the keychain entry written then — never from the synced integration row.
pub(crate) fn client_options(allow_insecure_http: bool) -> ClientOptions {
    ClientOptions {
        user_agent: format!("Folio/{}", env!("CARGO_PKG_VERSION")),
        allow_insecure_http,
        ..ClientOptions::default()
    }
}

/// What an authorization start keeps on this device until WordPress answers.
#[derive(serde::Serialize, serde::Deserialize)]
struct PendingConnect {
    #[serde(flatten)]
    pending: folio_wordpress::PendingAuthorization,
    #[serde(default)]
    allow_insecure_http: bool,
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
        self.wp_connect_within(input, None).await
    }

    /// [`Folio::wp_connect`], with the REST root required to be at one of `origins` when given
    /// (the one-click connection: the origins its start discovered), checked before the login.
    async fn wp_connect_within(
        &self,
        input: WpConnect,
        origins: Option<&[String]>,
    ) -> Result<SiteIntegration, CoreError> {
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
        let credentials = Credentials::new(user.clone(), password.clone());
        let client = WpClient::discover(
            &url,
            Some(credentials),
            client_options(input.allow_insecure),
        )
        .await?;
        if let Some(origins) = origins {
            if !origins.iter().any(|o| o == client.origin()) {
                return Err(folio_wordpress::WpError::AuthorizeRefused {
                    message: format!(
                        "the site's REST API is at {}, not where the connection was started ({}); \
                         nothing was stored — start the connection again",
                        client.origin(),
                        origins.join(", ")
                    ),
                }
                .into());
            }
        }
        let me = client.me().await?;
        let keychain = Keychain::new();
        let previous = self.site_integration(input.site).await?;
        // The password is bound to the origin it was just checked against: it will never be sent
        // anywhere else from this device, whatever the synced REST root says later.
        let secret = WordpressSecret::new(client.origin(), password.as_str(), input.allow_insecure);
        keychain
            .set(
                &wordpress_password_entry(&input.site, &user),
                &secret.to_stored(),
            )
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

    /// The password stored on this device for the connection's user, with the origin it is
    /// bound to. `Ok(None)` when there is none; an entry in the old format (no origin) asks for a
    /// reconnect.
    async fn wp_secret(
        &self,
        site: SiteId,
        integration: &SiteIntegration,
        user: &str,
    ) -> Result<Option<WordpressSecret>, CoreError> {
        let Some(stored) = Keychain::new()
            .get(&wordpress_password_entry(&site, user))
            .await?
        else {
            return Ok(None);
        };
        match WordpressSecret::parse(&stored) {
            Some(secret) => Ok(Some(secret)),
            None => Err(CoreError::WordpressReconnect {
                site,
                user: user.to_owned(),
                url: integration.external_site_url.clone(),
                reason: "the application password on this device was stored by an older Folio \
                         without the address it belongs to"
                    .to_owned(),
            }),
        }
    }

    /// The site's WordPress client, logged in with the password from the keychain. The one place
    /// an authenticated client is made (publishing, scheduling, media, terms, structure sync,
    /// unpublish and trash all come here): the synced REST root must be at the origin the
    /// password was connected with on this device, or nothing is sent.
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
        let Some(secret) = self.wp_secret(site, &integration, &user).await? else {
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
        // Without a REST root there is nothing to check the bound origin against; discovering one
        // from the (equally synced) site address would be the same hole.
        let Some(root) = integration.api_root.as_deref() else {
            return Err(CoreError::WordpressReconnect {
                site,
                user,
                url: integration.external_site_url.clone(),
                reason: "the connection has no REST address".to_owned(),
            });
        };
        let credentials = Credentials::bound(user, secret.password, secret.origin.clone());
        let client = WpClient::new_bound(
            root,
            credentials,
            &secret.origin,
            client_options(secret.allow_insecure_http),
        )?;
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
        // The stored password goes along bound to its origin: discovery and the checks never
        // send it to another one (the site address checked may be synced, or typed now).
        let secret = match (
            &integration,
            integration.as_ref().and_then(|i| i.username.clone()),
        ) {
            (Some(i), Some(user)) => self.wp_secret(site, i, &user).await?.map(|s| (user, s)),
            _ => None,
        };
        let allow_insecure = secret.as_ref().is_some_and(|(_, s)| s.allow_insecure_http);
        let credentials = secret.map(|(user, s)| Credentials::bound(user, s.password, s.origin));
        Ok(folio_wordpress::doctor(&site_url, credentials, client_options(allow_insecure)).await)
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
    ///
    /// A random `state` goes into the return address and, with the site's origins, into this
    /// device's keychain: only an answer carrying it, for this site, completes the connection.
    /// `allow_insecure` is the person's opt-in to plain http for a site on their own network.
    pub async fn wp_authorize_start(
        &self,
        site: SiteId,
        url: &str,
        success_url: &str,
        allow_insecure: bool,
    ) -> Result<WpAuthorization, CoreError> {
        let url = required("url", "site's address", url)?;
        {
            let mut conn = self.pool.acquire().await?;
            check_site(&mut conn, &self.account_id.to_string(), site).await?;
        }
        let client = WpClient::discover(&url, None, client_options(allow_insecure)).await?;
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
        let state = uuid::Uuid::new_v4().simple().to_string();
        let mut origins = vec![client.origin().to_owned()];
        for address in [&index.home, &index.url] {
            if let Ok(o) = folio_wordpress::origin_of(address) {
                if !origins.contains(&o) {
                    origins.push(o);
                }
            }
        }
        let authorize =
            WpClient::authorize_url(&endpoint, APP_NAME, APP_ID, &success_url, None, &state)?;
        let pending = PendingConnect {
            pending: folio_wordpress::PendingAuthorization { state, origins },
            allow_insecure_http: allow_insecure,
        };
        let stored = serde_json::to_string(&pending).map_err(|e| {
            CoreError::Internal(format!("cannot encode the pending connection: {e}"))
        })?;
        Keychain::new()
            .set(&wordpress_authorize_entry(&site), &stored)
            .await?;
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
        // Whatever the answer, the pending connection is used up: a second try with the same
        // link (or a link for it replayed later) finds nothing waiting.
        let keychain = Keychain::new();
        let entry = wordpress_authorize_entry(&site);
        let stored = keychain.get(&entry).await?;
        if stored.is_some() {
            keychain.delete(&entry).await?;
        }
        let pending: Option<PendingConnect> = stored.and_then(|s| serde_json::from_str(&s).ok());
        let login = folio_wordpress::AuthorizedLogin::from_returned_url(
            returned_url,
            pending.as_ref().map(|p| &p.pending),
        )?;
        let allow_insecure = pending.as_ref().is_some_and(|p| p.allow_insecure_http);
        let (site_url, user, password) = (login.site_url, login.user, login.app_password);
        let origins = pending.map(|p| p.pending.origins).unwrap_or_default();
        self.wp_connect_within(
            WpConnect {
                site,
                url: site_url,
                user,
                app_password: password,
                allow_insecure,
            },
            Some(&origins),
        )
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
