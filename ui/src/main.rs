//! The Folio desktop UI (Yew, compiled to wasm32). Pages (`pages/`) keep reducer state with
//! actions named after what the person did and compose the shared `components/`; every call to
//! the shell goes through `hooks/`, typed by the contract in `folio_model::ipc`.

mod app;
mod closing;
mod components;
mod format;
mod forms;
mod hooks;
mod pages;
mod palette;
mod scope;
mod stage_run;
mod sync;
mod timing;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
