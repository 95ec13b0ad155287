//! The window's web view set up for one app rather than a browser (Linux, WebKitGTK).
//!
//! Measured with `scripts/bench-desktop.sh` (the largest mappings of each process): a page of
//! forms and text keeps no pages it left and needs no browser-sized memory caches, so there is
//! no back/forward page cache and the cache model is WebKit's *document viewer* (one local
//! document, minimal caches) rather than the web browser's — the debug build's processes went
//! from 404 to 333 MB PSS.
//!
//! And the page is drawn without accelerated compositing: a page of forms, tables and text has
//! nothing to animate on a GPU, and compositing made the web process keep GL surfaces and run
//! Skia's GPU raster — on a machine without a GPU driver, Mesa's software GL on the CPU. Measured
//! on the release app (`scripts/bench-desktop.sh`): idle PSS 336 → 256 MB (the web process's
//! nameless memory 76 → 22 MB), start 1,115 → 879 ms. WebDriver screenshots of an idle page then
//! wait for its next drawing, which `tests/lib.rs::screenshot` provides.

/// Before GTK and WebKit start (first thing in `main`, while the process has one thread):
/// WebKit draws the page without accelerated compositing, unless the person's environment
/// already says (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps it on).
#[cfg(target_os = "linux")]
pub fn before_start() {
    const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(COMPOSITING).is_none() {
        std::env::set_var(COMPOSITING, "1");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn before_start() {}

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
