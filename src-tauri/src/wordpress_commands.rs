//! Tauri commands for Site → WordPress and the publish panel: connecting (a pasted application
//! password, or the one-click authorization through the browser and a `folio://` link back),
//! the site doctor, the cached structure, and publishing one article. One core call each.
//!
//! Application passwords go to core, which keeps them in the OS keychain only. They are never
//! logged here, and neither is the address WordPress sends back (it carries one).

use crate::AppState;
use folio_core::Folio;
use folio_model::{
    ContentId, DoctorReport, ErrorDto, ErrorKind, PublishOutcome, PublishRequest, PublishingRecord,
    SiteId, SiteIntegration, WpAuthorization, WpConnect,
};
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// Where WordPress sends the person back after approving the connection. A custom scheme works
/// for every site; WordPress 6.1 refuses plain-http success URLs except on local sites, so a
/// loopback address would not.
pub const SUCCESS_URL: &str = "folio://wordpress/authorized";

/// The event the window hears when the browser hands back a `folio://wordpress/authorized` link;
/// its payload is that address, for `wp_authorize_complete`.
pub const AUTHORIZED_EVENT: &str = "wp-authorized";

/// Tests cannot approve in a browser; when set, the authorization address is not opened.
pub const NO_BROWSER_ENV: &str = "FOLIO_NO_BROWSER";

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
}

/// The site's WordPress connection; `None` when it was never connected.
#[tauri::command]
pub async fn wp_integration(
    state: State<'_, AppState>,
    site: SiteId,
) -> Result<Option<SiteIntegration>, ErrorDto> {
    Ok(folio(&state)?.site_integration(site).await?)
}

/// Connect with an application password (stored in the OS keychain by core).
#[tauri::command]
pub async fn wp_connect(
    state: State<'_, AppState>,
    input: WpConnect,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&state)?.wp_connect(input).await?)
}

/// Run the site doctor on the connected site, or on `url` (no login) before connecting.
#[tauri::command]
pub async fn wp_doctor(
    state: State<'_, AppState>,
    site: SiteId,
    url: Option<String>,
) -> Result<DoctorReport, ErrorDto> {
    let url = url.filter(|u| !u.trim().is_empty());
    Ok(folio(&state)?.wp_doctor(site, url.as_deref()).await?)
}

/// Fetch categories, tags, authors, post types and SEO meta keys again.
#[tauri::command]
pub async fn wp_sync(
    state: State<'_, AppState>,
    site: SiteId,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&state)?.wp_sync(site).await?)
}

/// Forget the application password on this computer.
#[tauri::command]
pub async fn wp_disconnect(
    state: State<'_, AppState>,
    site: SiteId,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&state)?.wp_disconnect(site).await?)
}

/// The one-click connection, step 1: open the site's "Authorize application" screen in the
/// system browser. The reply carries the address too, for when no browser could be opened.
#[tauri::command]
pub async fn wp_authorize_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    site: SiteId,
    url: String,
) -> Result<WpAuthorization, ErrorDto> {
    let authorization = folio(&state)?
        .wp_authorize_start(site, &url, SUCCESS_URL)
        .await?;
    if std::env::var_os(NO_BROWSER_ENV).is_none() {
        app.opener()
            .open_url(&authorization.url, None::<&str>)
            .map_err(|e| {
                ErrorDto::new(
                    ErrorKind::Internal,
                    format!("cannot open the browser ({e}); open the address below yourself"),
                )
            })?;
    }
    Ok(authorization)
}

/// The one-click connection, step 2: the address WordPress sent the person back to.
#[tauri::command]
pub async fn wp_authorize_complete(
    state: State<'_, AppState>,
    site: SiteId,
    returned_url: String,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&state)?
        .wp_authorize_complete(site, &returned_url)
        .await?)
}

/// Publish, schedule, save as a draft or update one article's post.
#[tauri::command]
pub async fn wp_publish(
    state: State<'_, AppState>,
    request: PublishRequest,
) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&state)?.wp_publish(request).await?)
}

/// Take the article's post off the site (back to draft).
#[tauri::command]
pub async fn wp_unpublish(
    state: State<'_, AppState>,
    content: ContentId,
    force: bool,
) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&state)?.wp_unpublish(content, force).await?)
}

/// Move the article's post to WordPress's trash.
#[tauri::command]
pub async fn wp_trash(
    state: State<'_, AppState>,
    content: ContentId,
    force: bool,
) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&state)?.wp_trash(content, force).await?)
}

/// Every publishing attempt of an article, newest first.
#[tauri::command]
pub async fn wp_records(
    state: State<'_, AppState>,
    content: ContentId,
) -> Result<Vec<PublishingRecord>, ErrorDto> {
    Ok(folio(&state)?.publishing_records(content).await?)
}

/// Open a published post in the system browser. Only web addresses: the page must not be able
/// to start other programs through this.
#[tauri::command]
pub async fn wp_open_post<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), ErrorDto> {
    let parsed = tauri::Url::parse(url.trim())
        .map_err(|_| ErrorDto::new(ErrorKind::Validation, "not a web address").with_field("url"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ErrorDto::new(ErrorKind::Validation, "not a web address").with_field("url"));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| ErrorDto::new(ErrorKind::Internal, format!("cannot open the browser: {e}")))
}

/// Hand a `folio://wordpress/authorized?…` link the browser opened to the window. Other
/// `folio://` links are ignored: nothing else uses the scheme yet.
pub fn forward_deep_links<R: Runtime>(app: &AppHandle<R>, urls: &[tauri::Url]) {
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
        if let Err(e) = app.emit(AUTHORIZED_EVENT, url.as_str()) {
            tracing::warn!(error = %e, "cannot hand the WordPress authorization to the window");
        }
    }
}
