//! Events to the window, typed by the contract: an event's name and its payload's type come
//! from the one declaration (`folio_model::ipc::Event`) the UI listens with.

use folio_model::ipc::Event;
use tauri::{AppHandle, Emitter, Runtime};

pub fn emit<E: Event, R: Runtime>(app: &AppHandle<R>, payload: E::Payload) -> tauri::Result<()>
where
    E::Payload: Clone,
{
    app.emit(E::NAME, payload)
}
