//! The Folio desktop UI (Yew, compiled to wasm32). Pages keep reducer state with actions named
//! after what the person did; all IPC goes through [`ipc`].

mod app;
mod format;
mod ipc;
mod pages;
mod sync;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
