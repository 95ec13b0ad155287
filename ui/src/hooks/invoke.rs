//! Calling the shell's commands through Tauri's global `invoke`, typed by the contract: the
//! command's name, its arguments and its reply all come from `C: ipc::Command`, so a call that
//! does not match what the shell registered does not compile.

use folio_model::ipc::Command;
use folio_model::{ErrorDto, ErrorKind};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
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
