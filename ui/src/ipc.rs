//! The one place the UI talks to the Rust core, through Tauri's global `invoke`.

use folio_model::{
    AccountSession, AccountView, AiModel, AttachImage, Content, ContentId, ContentSummary,
    ContentUsage, CreditBalance, DailySiteUsage, DoctorReport, ErrorDto, ErrorKind, Image, ImageId,
    ImportProgress, KeywordBulkAction, KeywordFilter, KeywordImportReport, KeywordPage,
    KeywordQuery, NewAiModel, NewSite, ProviderCheck, ProviderInfo, PublishOutcome, PublishRequest,
    PublishingRecord, PublishingSettings, PublishingSettingsUpdate, Sector, SectorId, Site, SiteId,
    SiteIntegration, SiteList, SyncReport, SyncUpdate, UsageGroup, UsageReport, WpAuthorization,
    WpConnect,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use yew::Callback;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// Tauri's IPC channel: the command streams messages to `onmessage`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"])]
    type Channel;

    #[wasm_bindgen(constructor, js_namespace = ["window", "__TAURI__", "core"], catch)]
    fn new() -> Result<Channel, JsValue>;

    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Channel, f: &js_sys::Function);

    /// Tauri's event listener; resolves to the function that stops listening.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;
}

type ProgressListener = Closure<dyn FnMut(JsValue)>;

thread_local! {
    /// The progress listener of the latest import. Tauri may deliver a channel message (and the
    /// channel's end) after the command's reply, so the listener must outlive the call; it is
    /// dropped when the next import replaces it, long after its channel closed.
    static IMPORT_LISTENER: RefCell<Option<ProgressListener>> = const { RefCell::new(None) };
}

fn to_js<A: Serialize>(cmd: &str, args: &A) -> Result<JsValue, ErrorDto> {
    // JSON-compatible: `None` becomes `null` rather than a dropped key.
    args.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| ErrorDto::new(ErrorKind::Internal, format!("cannot send {cmd}: {e}")))
}

async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ErrorDto> {
    call_js(cmd, to_js(cmd, args)?).await
}

async fn call_js<R: DeserializeOwned>(cmd: &str, args: JsValue) -> Result<R, ErrorDto> {
    match invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| {
            ErrorDto::new(
                ErrorKind::Internal,
                format!("unexpected reply to {cmd}: {e}"),
            )
        }),
        // Commands reject with `{kind, message, field}`; anything else is a bridge failure.
        Err(value) => Err(serde_wasm_bindgen::from_value::<ErrorDto>(value.clone())
            .unwrap_or_else(|_| {
                let text = value.as_string().unwrap_or_else(|| format!("{value:?}"));
                ErrorDto::new(ErrorKind::Internal, format!("{cmd} failed: {text}"))
            })),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct CreateSiteArgs<'a> {
    input: &'a NewSite,
}

pub async fn list_sites() -> Result<SiteList, ErrorDto> {
    call("site_list", &NoArgs {}).await
}

pub async fn create_site(input: &NewSite) -> Result<Site, ErrorDto> {
    call("site_create", &CreateSiteArgs { input }).await
}

#[derive(Serialize)]
struct SiteArgs {
    site: SiteId,
}

#[derive(Serialize)]
struct SectorAddArgs<'a> {
    site: SiteId,
    name: &'a str,
}

#[derive(Serialize)]
struct SectorRenameArgs<'a> {
    site: SiteId,
    sector: SectorId,
    name: &'a str,
}

#[derive(Serialize)]
struct SectorArgs {
    site: SiteId,
    sector: SectorId,
}

#[derive(Serialize)]
struct PublishingUpdateArgs<'a> {
    site: SiteId,
    update: &'a PublishingSettingsUpdate,
}

pub async fn get_site(site: SiteId) -> Result<Site, ErrorDto> {
    call("site_get", &SiteArgs { site }).await
}

pub async fn add_sector(site: SiteId, name: &str) -> Result<Sector, ErrorDto> {
    call("sector_add", &SectorAddArgs { site, name }).await
}

pub async fn rename_sector(site: SiteId, sector: SectorId, name: &str) -> Result<Sector, ErrorDto> {
    call("sector_rename", &SectorRenameArgs { site, sector, name }).await
}

/// Remove a sector; returns how many of its keywords were deleted with it.
pub async fn remove_sector(site: SiteId, sector: SectorId) -> Result<u64, ErrorDto> {
    call("sector_remove", &SectorArgs { site, sector }).await
}

/// A site's publishing settings (core stores its defaults on the first read).
pub async fn publishing_settings(site: SiteId) -> Result<PublishingSettings, ErrorDto> {
    call("publishing_settings_get", &SiteArgs { site }).await
}

/// Change the fields of `update` that are `Some`; `None` keeps a field.
pub async fn update_publishing_settings(
    site: SiteId,
    update: &PublishingSettingsUpdate,
) -> Result<PublishingSettings, ErrorDto> {
    call(
        "publishing_settings_update",
        &PublishingUpdateArgs { site, update },
    )
    .await
}

#[derive(Serialize)]
struct ListKeywordsArgs<'a> {
    query: &'a KeywordQuery,
}

#[derive(Serialize)]
struct BulkKeywordsArgs<'a> {
    filter: &'a KeywordFilter,
    action: &'a KeywordBulkAction,
}

#[derive(Serialize)]
struct ImportArgs<'a> {
    site: SiteId,
    sector: Option<SectorId>,
    path: &'a str,
}

pub async fn list_keywords(query: &KeywordQuery) -> Result<KeywordPage, ErrorDto> {
    call("keywords_list", &ListKeywordsArgs { query }).await
}

/// Returns how many keywords changed.
pub async fn bulk_keywords(
    filter: &KeywordFilter,
    action: &KeywordBulkAction,
) -> Result<u64, ErrorDto> {
    call("keywords_bulk", &BulkKeywordsArgs { filter, action }).await
}

/// The native open dialog; `None` when the person closes it without choosing.
pub async fn pick_keyword_file() -> Result<Option<String>, ErrorDto> {
    call("keywords_pick_file", &NoArgs {}).await
}

/// Import a keyword file; `on_progress` hears every phase while it runs.
pub async fn import_keywords(
    site: SiteId,
    sector: Option<SectorId>,
    path: &str,
    on_progress: Callback<ImportProgress>,
) -> Result<KeywordImportReport, ErrorDto> {
    const CMD: &str = "keywords_import";
    let bridge = |what: &str, e: JsValue| {
        ErrorDto::new(
            ErrorKind::Internal,
            format!("cannot start the import ({what}): {e:?}"),
        )
    };
    let args = to_js(CMD, &ImportArgs { site, sector, path })?;
    let channel = Channel::new().map_err(|e| bridge("no IPC channel", e))?;
    let listener = ProgressListener::new(move |message: JsValue| {
        // A message this UI does not know (a newer core) is skipped, not fatal.
        if let Ok(p) = serde_wasm_bindgen::from_value::<ImportProgress>(message) {
            on_progress.emit(p);
        }
    });
    channel.set_onmessage(listener.as_ref().unchecked_ref());
    IMPORT_LISTENER.with(|slot| *slot.borrow_mut() = Some(listener));
    // Tauri turns the channel into its id when it serialises the arguments (`toJSON`).
    js_sys::Reflect::set(&args, &JsValue::from_str("onProgress"), &channel)
        .map_err(|e| bridge("arguments", e))?;
    call_js(CMD, args).await
}

/// Ask the running import to stop; `false` when none was running.
pub async fn cancel_import() -> Result<bool, ErrorDto> {
    call("keywords_import_cancel", &NoArgs {}).await
}

#[derive(Serialize)]
struct AccountArgs<'a> {
    server: &'a str,
    email: &'a str,
    password: &'a str,
}

/// The sync session (if any), the indicator's state and whether a new login is needed.
pub async fn account() -> Result<AccountView, ErrorDto> {
    call("account_get", &NoArgs {}).await
}

/// Create an account on `server` holding this device's data; the shell then syncs in the
/// background.
pub async fn register_account(
    server: &str,
    email: &str,
    password: &str,
) -> Result<AccountSession, ErrorDto> {
    let args = AccountArgs {
        server,
        email,
        password,
    };
    call("account_register", &args).await
}

/// Log in to an account on `server`; the shell then syncs in the background.
pub async fn login(server: &str, email: &str, password: &str) -> Result<AccountSession, ErrorDto> {
    let args = AccountArgs {
        server,
        email,
        password,
    };
    call("account_login", &args).await
}

/// Stop syncing and forget the session; the data stays here.
pub async fn logout() -> Result<(), ErrorDto> {
    call("account_logout", &NoArgs {}).await
}

/// One sync round now.
pub async fn sync_now() -> Result<SyncReport, ErrorDto> {
    call("sync_now", &NoArgs {}).await
}

/// A live subscription to the shell's `sync-status` events; dropping it stops listening.
pub struct SyncEvents {
    _listener: Closure<dyn FnMut(JsValue)>,
    unlisten: Option<js_sys::Function>,
}

impl Drop for SyncEvents {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.unlisten {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

/// Hear every change of the sync indicator the background sync reports.
pub async fn sync_events(on_update: Callback<SyncUpdate>) -> Result<SyncEvents, ErrorDto> {
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        // Tauri wraps the payload as `{event, id, payload}`; an unknown shape (a newer shell)
        // is skipped, not fatal.
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"));
        if let Ok(update) = payload
            .and_then(|p| serde_wasm_bindgen::from_value::<SyncUpdate>(p).map_err(JsValue::from))
        {
            on_update.emit(update);
        }
    });
    let unlisten = listen("sync-status", listener.as_ref().unchecked_ref())
        .await
        .map_err(|e| {
            ErrorDto::new(
                ErrorKind::Internal,
                format!("cannot listen for sync status: {e:?}"),
            )
        })?;
    Ok(SyncEvents {
        _listener: listener,
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
    })
}

#[derive(Serialize)]
struct ProviderArgs<'a> {
    provider: &'a str,
}

#[derive(Serialize)]
struct ProviderKeyArgs<'a> {
    provider: &'a str,
    key: &'a str,
}

#[derive(Serialize)]
struct ProviderUrlArgs<'a> {
    provider: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderTestArgs<'a> {
    provider: &'a str,
    base_url: Option<&'a str>,
}

#[derive(Serialize)]
struct ModelArgs<'a> {
    model: &'a str,
}

#[derive(Serialize)]
struct ModelAddArgs<'a> {
    input: &'a NewAiModel,
}

/// Every AI provider with its address, key state (masked) and models.
pub async fn providers() -> Result<Vec<ProviderInfo>, ErrorDto> {
    call("providers_list", &NoArgs {}).await
}

/// Store (or replace) a provider's API key in the OS keychain. The key is sent once and not
/// kept; the reply shows it masked.
pub async fn set_provider_key(provider: &str, key: &str) -> Result<ProviderInfo, ErrorDto> {
    call("provider_set_key", &ProviderKeyArgs { provider, key }).await
}

pub async fn remove_provider_key(provider: &str) -> Result<ProviderInfo, ErrorDto> {
    call("provider_remove_key", &ProviderArgs { provider }).await
}

/// Point a provider at another address; `None` goes back to the built-in one.
pub async fn set_provider_url(provider: &str, url: Option<&str>) -> Result<ProviderInfo, ErrorDto> {
    call("provider_set_url", &ProviderUrlArgs { provider, url }).await
}

/// A cheap authenticated call; a provider failure is `ok: false` with its kind.
pub async fn test_provider(provider: &str) -> Result<ProviderCheck, ErrorDto> {
    let args = ProviderTestArgs {
        provider,
        base_url: None,
    };
    call("provider_test", &args).await
}

/// Stop the running test of a provider; `false` when none was running.
pub async fn cancel_provider_test(provider: &str) -> Result<bool, ErrorDto> {
    call("provider_test_cancel", &ProviderArgs { provider }).await
}

/// Every model of the registry, text models first.
pub async fn models() -> Result<Vec<AiModel>, ErrorDto> {
    call("models_list", &NoArgs {}).await
}

/// Make a model the default of its type.
pub async fn set_default_model(model: &str) -> Result<AiModel, ErrorDto> {
    call("model_set_default", &ModelArgs { model }).await
}

pub async fn add_model(input: &NewAiModel) -> Result<AiModel, ErrorDto> {
    call("model_add", &ModelAddArgs { input }).await
}

pub async fn remove_model(model: &str) -> Result<(), ErrorDto> {
    call("model_remove", &ModelArgs { model }).await
}

/// Which ledger entries the Usage page shows; dates as typed (`YYYY-MM-DD`, UTC), read by core.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UsageSelection {
    pub site: Option<SiteId>,
    pub from: String,
    pub to: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageReportArgs<'a> {
    #[serde(flatten)]
    selection: &'a UsageSelection,
    group_by: UsageGroup,
}

#[derive(Serialize)]
struct TopContentArgs<'a> {
    #[serde(flatten)]
    selection: &'a UsageSelection,
    limit: u32,
}

/// Usage totals grouped by operation, model, site, month or day.
pub async fn usage_report(
    selection: &UsageSelection,
    group_by: UsageGroup,
) -> Result<UsageReport, ErrorDto> {
    let args = UsageReportArgs {
        selection,
        group_by,
    };
    call("usage_report", &args).await
}

/// Cost per day and site, for the chart.
pub async fn usage_by_day(selection: &UsageSelection) -> Result<Vec<DailySiteUsage>, ErrorDto> {
    call("usage_by_day", selection).await
}

/// The most expensive articles of the selection.
pub async fn usage_top_content(
    selection: &UsageSelection,
    limit: u32,
) -> Result<Vec<ContentUsage>, ErrorDto> {
    call("usage_top_content", &TopContentArgs { selection, limit }).await
}

/// Credits left: plan and bonus, or a local account's monthly budget.
pub async fn credit_balance() -> Result<CreditBalance, ErrorDto> {
    call("credit_balance", &NoArgs {}).await
}

#[derive(Serialize)]
struct WpConnectArgs<'a> {
    input: &'a WpConnect,
}

#[derive(Serialize)]
struct WpDoctorArgs<'a> {
    site: SiteId,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct WpAuthorizeStartArgs<'a> {
    site: SiteId,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WpAuthorizeCompleteArgs<'a> {
    site: SiteId,
    returned_url: &'a str,
}

#[derive(Serialize)]
struct WpPublishArgs<'a> {
    request: &'a PublishRequest,
}

#[derive(Serialize)]
struct WpContentArgs {
    content: ContentId,
    force: bool,
}

#[derive(Serialize)]
struct ContentArgs {
    content: ContentId,
}

/// The site's WordPress connection; `None` when it was never connected.
pub async fn wp_integration(site: SiteId) -> Result<Option<SiteIntegration>, ErrorDto> {
    call("wp_integration", &SiteArgs { site }).await
}

/// Connect with an application password; core keeps it in the OS keychain, the caller must not.
pub async fn wp_connect(input: &WpConnect) -> Result<SiteIntegration, ErrorDto> {
    call("wp_connect", &WpConnectArgs { input }).await
}

/// The site doctor: of the connected site, or of `url` (no login) before connecting.
pub async fn wp_doctor(site: SiteId, url: Option<&str>) -> Result<DoctorReport, ErrorDto> {
    call("wp_doctor", &WpDoctorArgs { site, url }).await
}

/// Fetch the site's categories, tags, authors, post types and SEO meta keys again.
pub async fn wp_sync(site: SiteId) -> Result<SiteIntegration, ErrorDto> {
    call("wp_sync", &SiteArgs { site }).await
}

/// Forget the application password on this computer.
pub async fn wp_disconnect(site: SiteId) -> Result<SiteIntegration, ErrorDto> {
    call("wp_disconnect", &SiteArgs { site }).await
}

/// Open the site's "Authorize application" screen in the browser.
pub async fn wp_authorize_start(site: SiteId, url: &str) -> Result<WpAuthorization, ErrorDto> {
    call("wp_authorize_start", &WpAuthorizeStartArgs { site, url }).await
}

/// Finish the one-click connection with the address WordPress sent the person back to.
pub async fn wp_authorize_complete(
    site: SiteId,
    returned_url: &str,
) -> Result<SiteIntegration, ErrorDto> {
    let args = WpAuthorizeCompleteArgs { site, returned_url };
    call("wp_authorize_complete", &args).await
}

pub async fn wp_publish(request: &PublishRequest) -> Result<PublishOutcome, ErrorDto> {
    call("wp_publish", &WpPublishArgs { request }).await
}

/// Take the article's post off the site (back to draft).
pub async fn wp_unpublish(content: ContentId, force: bool) -> Result<PublishOutcome, ErrorDto> {
    call("wp_unpublish", &WpContentArgs { content, force }).await
}

/// Move the article's post to WordPress's trash.
pub async fn wp_trash(content: ContentId, force: bool) -> Result<PublishOutcome, ErrorDto> {
    call("wp_trash", &WpContentArgs { content, force }).await
}

/// Every publishing attempt of an article, newest first.
pub async fn wp_records(content: ContentId) -> Result<Vec<PublishingRecord>, ErrorDto> {
    call("wp_records", &ContentArgs { content }).await
}

#[derive(Serialize)]
struct UrlArgs<'a> {
    url: &'a str,
}

/// Open a post's address in the system browser (the window stays on Folio).
pub async fn wp_open_post(url: &str) -> Result<(), ErrorDto> {
    call("wp_open_post", &UrlArgs { url }).await
}

/// A live subscription to the `folio://wordpress/authorized` links the browser hands back;
/// dropping it stops listening. The address carries an application password: the callback
/// must pass it straight on, never keep it.
pub struct WpAuthorizedEvents {
    _listener: Closure<dyn FnMut(JsValue)>,
    unlisten: Option<js_sys::Function>,
}

impl Drop for WpAuthorizedEvents {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.unlisten {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

pub async fn wp_authorized_events(
    on_link: Callback<String>,
) -> Result<WpAuthorizedEvents, ErrorDto> {
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"));
        if let Some(link) = payload.ok().and_then(|p| p.as_string()) {
            on_link.emit(link);
        }
    });
    let unlisten = listen("wp-authorized", listener.as_ref().unchecked_ref())
        .await
        .map_err(|e| {
            ErrorDto::new(
                ErrorKind::Internal,
                format!("cannot listen for WordPress authorizations: {e:?}"),
            )
        })?;
    Ok(WpAuthorizedEvents {
        _listener: listener,
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
    })
}

#[derive(Serialize)]
struct ImageArgs {
    image: ImageId,
}

#[derive(Serialize)]
struct AttachImageArgs<'a> {
    input: &'a AttachImage,
}

/// A site's articles, newest first.
pub async fn list_content(site: SiteId) -> Result<Vec<ContentSummary>, ErrorDto> {
    call("content_list", &SiteArgs { site }).await
}

pub async fn get_content(content: ContentId) -> Result<Content, ErrorDto> {
    call("content_get", &ContentArgs { content }).await
}

/// An article's images: the featured one first, then in-article ones in order.
pub async fn list_images(content: ContentId) -> Result<Vec<Image>, ErrorDto> {
    call("images_list", &ContentArgs { content }).await
}

/// Attach a picked file's bytes; core checks they are an image and stores them.
pub async fn attach_image(input: &AttachImage) -> Result<Image, ErrorDto> {
    call("image_attach", &AttachImageArgs { input }).await
}

/// The image as a `data:` URL, for its thumbnail.
pub async fn image_data(image: ImageId) -> Result<String, ErrorDto> {
    call("image_data", &ImageArgs { image }).await
}

pub async fn remove_image(image: ImageId) -> Result<(), ErrorDto> {
    call("image_remove", &ImageArgs { image }).await
}
