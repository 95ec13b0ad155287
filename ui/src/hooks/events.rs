//! The shell's events (`folio_model::ipc::Event`): a typed subscription, and a hook that holds
//! one while a component is mounted.

use folio_model::ipc::Event;
use folio_model::{ErrorDto, ErrorKind};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Tauri's event listener; resolves to the function that stops listening.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;
}

/// A live subscription to one event; dropping it stops listening.
pub struct Subscription {
    _listener: Closure<dyn FnMut(JsValue)>,
    unlisten: Option<js_sys::Function>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.unlisten {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

/// Hear every `E` the shell emits.
pub async fn listen<E>(on_event: Callback<E::Payload>) -> Result<Subscription, ErrorDto>
where
    E: Event,
    E::Payload: 'static,
{
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        // Tauri wraps the payload as `{event, id, payload}`; an unknown shape (a newer shell)
        // is skipped, not fatal.
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"));
        if let Ok(payload) = payload
            .and_then(|p| serde_wasm_bindgen::from_value::<E::Payload>(p).map_err(JsValue::from))
        {
            on_event.emit(payload);
        }
    });
    let unlisten = tauri_listen(E::NAME, listener.as_ref().unchecked_ref())
        .await
        .map_err(|e| {
            ErrorDto::new(
                ErrorKind::Internal,
                format!("cannot listen for {}: {e:?}", E::NAME),
            )
        })?;
    Ok(Subscription {
        _listener: listener,
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
    })
}

/// Listen to `E` while the component is mounted, subscribing again when `deps` change.
/// `listening` runs once the subscription is in place (or failed), so a load started from it
/// cannot miss an event that arrives meanwhile.
#[hook]
pub fn use_event<E, D>(deps: D, on_event: Callback<E::Payload>, listening: Callback<()>)
where
    E: Event + 'static,
    E::Payload: 'static,
    D: PartialEq + 'static,
{
    use_effect_with(deps, move |_| {
        let subscription = Rc::new(RefCell::new(None::<Subscription>));
        let alive = Rc::new(Cell::new(true));
        {
            let subscription = subscription.clone();
            let alive = alive.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match listen::<E>(on_event).await {
                    Ok(sub) if alive.get() => *subscription.borrow_mut() = Some(sub),
                    Ok(_) => {}
                    Err(e) => web_sys::console::warn_1(&e.message.into()),
                }
                listening.emit(());
            });
        }
        move || {
            alive.set(false);
            subscription.borrow_mut().take();
        }
    });
}
