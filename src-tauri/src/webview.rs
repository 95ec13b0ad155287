//! The window's web view set up for one app rather than a browser (Linux, WebKitGTK).
//!
//! Measured with `scripts/bench-desktop.sh` (the largest mappings of each process): most of
//! WebKit's web process was nameless memory and the software GL stack (`libLLVM`, `swrast_dri`)
//! that accelerated compositing loads on a machine without a GPU driver. A page of forms and
//! text needs neither a GPU compositor nor a browser's caches of pages already left, so:
//! - compositing is never accelerated (no GL context in the web process);
//! - the cache model is WebKit's *document viewer* — one local document, no back/forward page
//!   cache, minimal memory caches — rather than the web browser's.

#[cfg(target_os = "linux")]
pub fn make_lean(window: &tauri::WebviewWindow) {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    let done = window.with_webview(|view| {
        let view = view.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
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
