//! Calling the shell's commands through Tauri's global `invoke`, typed by the contract: the
//! command's name, its arguments and its reply all come from `C: ipc::Command`, so a call that
//! does not match what the shell registered does not compile.

use folio_model::ipc::{Command, Streaming};
use folio_model::{ErrorDto, ErrorKind};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// Tauri's IPC channel: the command streams messages to `onmessage`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"])]
    type Channel;

    #[wasm_bindgen(constructor, js_namespace = ["window", "__TAURI__", "core"], catch)]
    fn new() -> Result<Channel, JsValue>;

    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Channel, f: &js_sys::Function);
}

type ProgressListener = Closure<dyn FnMut(JsValue)>;

thread_local! {
    /// The progress listener of the latest call of each streaming command. Tauri may deliver a
    /// channel message (and the channel's end) after the command's reply, so the listener must
    /// outlive the call; it is dropped when the next call replaces it, long after its channel
    /// closed.
    static LISTENERS: RefCell<HashMap<&'static str, ProgressListener>> = RefCell::new(HashMap::new());
}

/// What Tauri receives: the shell's commands take their arguments as one parameter named
/// `args` (generated once, in `src-tauri/src/commands.rs`).
#[derive(Serialize)]
struct Envelope<'a, A> {
    args: &'a A,
}

fn to_js<C: Command>(args: &C::Args) -> Result<JsValue, ErrorDto> {
    // JSON-compatible: `None` becomes `null` rather than a dropped key.
    Envelope { args }
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| ErrorDto::new(ErrorKind::Internal, format!("cannot send {}: {e}", C::NAME)))
}

async fn call<C: Command>(args: JsValue) -> Result<C::Reply, ErrorDto> {
    match tauri_invoke(C::NAME, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| {
            ErrorDto::new(
                ErrorKind::Internal,
                format!("unexpected reply to {}: {e}", C::NAME),
            )
        }),
        // Commands reject with `{kind, message, field}`; anything else is a bridge failure.
        Err(value) => Err(serde_wasm_bindgen::from_value::<ErrorDto>(value.clone())
            .unwrap_or_else(|_| {
                let text = value.as_string().unwrap_or_else(|| format!("{value:?}"));
                ErrorDto::new(ErrorKind::Internal, format!("{} failed: {text}", C::NAME))
            })),
    }
}

/// Call the command `C` with its arguments.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Reply, ErrorDto> {
    call::<C>(to_js::<C>(args)?).await
}

/// Call the streaming command `C`; `on_progress` hears every message while it runs.
pub async fn invoke_with_progress<C>(
    args: &C::Args,
    on_progress: Callback<C::Progress>,
) -> Result<C::Reply, ErrorDto>
where
    C: Streaming,
    C::Progress: 'static,
{
    let bridge = |what: &str, e: JsValue| {
        ErrorDto::new(
            ErrorKind::Internal,
            format!("cannot start {} ({what}): {e:?}", C::NAME),
        )
    };
    let args = to_js::<C>(args)?;
    let channel = Channel::new().map_err(|e| bridge("no IPC channel", e))?;
    let listener = ProgressListener::new(move |message: JsValue| {
        // A message this UI does not know (a newer core) is skipped, not fatal.
        if let Ok(p) = serde_wasm_bindgen::from_value::<C::Progress>(message) {
            on_progress.emit(p);
        }
    });
    channel.set_onmessage(listener.as_ref().unchecked_ref());
    LISTENERS.with(|slots| slots.borrow_mut().insert(C::NAME, listener));
    // Tauri turns the channel into its id when it serialises the arguments (`toJSON`).
    js_sys::Reflect::set(&args, &JsValue::from_str(C::CHANNEL), &channel)
        .map_err(|e| bridge("arguments", e))?;
    call::<C>(args).await
}

/// Load `C`'s reply for `args` when the component mounts and whenever `args` change; `None`
/// until it answers. The handle can be set too (a later call answered something newer).
#[hook]
pub fn use_invoke<C>(args: C::Args) -> UseStateHandle<Option<Result<C::Reply, ErrorDto>>>
where
    C: Command + 'static,
    C::Args: Clone + PartialEq + 'static,
    C::Reply: 'static,
{
    let loaded = use_state(|| None);
    {
        let loaded = loaded.clone();
        use_effect_with(args, move |args| {
            let args = args.clone();
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(invoke::<C>(&args).await));
            });
        });
    }
    loaded
}
