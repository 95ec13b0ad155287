//! Site → WordPress and the publish panel: connecting (a pasted application password, or the
//! one-click authorization through the browser and a `folio://` link back, see
//! `deep_link.rs`), the site doctor, the cached structure, and publishing one article.
//!
//! Application passwords go to core, which keeps them in the OS keychain only. They are never
//! logged here, and neither is the address WordPress sends back (it carries one).

use super::folio;
use folio_model::ipc::{
    WpAuthorizeCompleteArgs, WpAuthorizeStartArgs, WpConnectArgs, WpDisconnectArgs, WpDoctorArgs,
    WpIntegrationArgs, WpOpenPostArgs, WpPublishArgs, WpRecordsArgs, WpSyncArgs, WpTrashArgs,
    WpUnpublishArgs,
};
use folio_model::{
    DoctorReport, ErrorDto, ErrorKind, PublishOutcome, PublishingRecord, SiteIntegration,
    WpAuthorization,
};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// Where WordPress sends the person back after approving the connection. A custom scheme works
/// for every site; WordPress 6.1 refuses plain-http success URLs except on local sites, so a
/// loopback address would not.
pub const SUCCESS_URL: &str = "folio://wordpress/authorized";

/// Tests cannot approve in a browser; when set, the authorization address is not opened.
pub const NO_BROWSER_ENV: &str = "FOLIO_NO_BROWSER";

/// The site's WordPress connection; `None` when it was never connected.
pub async fn wp_integration(
    app: AppHandle,
    args: WpIntegrationArgs,
) -> Result<Option<SiteIntegration>, ErrorDto> {
    Ok(folio(&app)?.site_integration(args.site).await?)
}

/// Connect with an application password (stored in the OS keychain by core).
pub async fn wp_connect(app: AppHandle, args: WpConnectArgs) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&app)?.wp_connect(args.input).await?)
}

/// Run the site doctor on the connected site, or on `url` (no login) before connecting.
pub async fn wp_doctor(app: AppHandle, args: WpDoctorArgs) -> Result<DoctorReport, ErrorDto> {
    let url = args.url.filter(|u| !u.trim().is_empty());
    Ok(folio(&app)?.wp_doctor(args.site, url.as_deref()).await?)
}

/// Fetch categories, tags, authors, post types and SEO meta keys again.
pub async fn wp_sync(app: AppHandle, args: WpSyncArgs) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&app)?.wp_sync(args.site).await?)
}

/// Forget the application password on this computer.
pub async fn wp_disconnect(
    app: AppHandle,
    args: WpDisconnectArgs,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&app)?.wp_disconnect(args.site).await?)
}

/// The one-click connection, step 1: open the site's "Authorize application" screen in the
/// system browser. The reply carries the address too, for when no browser could be opened.
pub async fn wp_authorize_start(
    app: AppHandle,
    args: WpAuthorizeStartArgs,
) -> Result<WpAuthorization, ErrorDto> {
    let authorization = folio(&app)?
        .wp_authorize_start(args.site, &args.url, SUCCESS_URL, args.allow_insecure)
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
pub async fn wp_authorize_complete(
    app: AppHandle,
    args: WpAuthorizeCompleteArgs,
) -> Result<SiteIntegration, ErrorDto> {
    Ok(folio(&app)?
        .wp_authorize_complete(args.site, args.returned_url.expose())
        .await?)
}

/// Publish, schedule, save as a draft or update one article's post.
pub async fn wp_publish(app: AppHandle, args: WpPublishArgs) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&app)?.wp_publish(args.request).await?)
}

/// Take the article's post off the site (back to draft).
pub async fn wp_unpublish(
    app: AppHandle,
    args: WpUnpublishArgs,
) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&app)?.wp_unpublish(args.content, args.force).await?)
}

/// Move the article's post to WordPress's trash.
pub async fn wp_trash(app: AppHandle, args: WpTrashArgs) -> Result<PublishOutcome, ErrorDto> {
    Ok(folio(&app)?.wp_trash(args.content, args.force).await?)
}

/// Every publishing attempt of an article, newest first.
pub async fn wp_records(
    app: AppHandle,
    args: WpRecordsArgs,
) -> Result<Vec<PublishingRecord>, ErrorDto> {
    Ok(folio(&app)?.publishing_records(args.content).await?)
}

/// Open a published post in the system browser. Only web addresses: the page must not be able
/// to start other programs through this.
pub async fn wp_open_post(app: AppHandle, args: WpOpenPostArgs) -> Result<(), ErrorDto> {
    let parsed = tauri::Url::parse(args.url.trim())
        .map_err(|_| ErrorDto::new(ErrorKind::Validation, "not a web address").with_field("url"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ErrorDto::new(ErrorKind::Validation, "not a web address").with_field("url"));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| ErrorDto::new(ErrorKind::Internal, format!("cannot open the browser: {e}")))
}
