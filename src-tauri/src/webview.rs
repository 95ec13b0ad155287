//! The window's web view set up for one app rather than a browser (Linux, WebKitGTK).
//!
//! Measured with `scripts/bench-desktop.sh` (the largest mappings of each process): a page of
//! forms and text keeps no pages it left and needs no browser-sized memory caches, so there is
//! no back/forward page cache and the cache model is WebKit's *document viewer* (one local
//! document, minimal caches) rather than the web browser's — the debug build's processes went
//! from 404 to 333 MB PSS.
//!
//! Left out on purpose: never accelerating compositing saved the software GL stack (`libLLVM`,
//! `swrast_dri`, another ~75 MB) but made WebKit stop answering WebDriver once the account
//! switched stores (`tests/e2e_account_sync.rs` hung); a person's window must not risk that.

#[cfg(target_os = "linux")]
pub fn make_lean(window: &tauri::WebviewWindow) {
    use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
    let done = window.with_webview(|view| {
        let view = view.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(e) = done {
        tracing::warn!(error = %e, "cannot reach the web view to set it up");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn make_lean(_window: &tauri::WebviewWindow) {}
