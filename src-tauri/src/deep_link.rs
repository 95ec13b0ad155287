//! `folio://` links the browser opens (through tauri-plugin-deep-link): the one-click WordPress
//! connection comes back as `folio://wordpress/authorized?…` and goes to the window as the
//! `wp-authorized` event ([`ipc::WpAuthorized`]). The address carries an application password:
//! it is never logged here. Any program can open a `folio://` link, so nothing here trusts it:
//! core completes the connection only when the link carries the random `state` this device put
//! on the success URL, unused, for the site the connection was started for.

use crate::events;
use folio_model::ipc::{self, Secret};
use tauri::{AppHandle, Runtime};

/// Hand the WordPress authorization links among `urls` to the window. Other `folio://` links
/// are ignored: nothing else uses the scheme yet.
pub fn forward<R: Runtime>(app: &AppHandle<R>, urls: &[tauri::Url]) {
    for url in urls {
        let ours = url.scheme() == "folio"
            && url.host_str() == Some("wordpress")
            && url.path().trim_end_matches('/') == "/authorized";
        if !ours {
            tracing::info!(
                scheme = url.scheme(),
                "ignoring a link the app does not handle"
            );
            continue;
        }
        tracing::info!("WordPress sent the authorization back");
        if let Err(e) = events::emit::<ipc::WpAuthorized, R>(app, Secret::new(url.as_str())) {
            tracing::warn!(error = %e, "cannot hand the WordPress authorization to the window");
        }
    }
}
