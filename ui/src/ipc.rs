//! The one place the UI talks to the Rust core, through Tauri's global `invoke`.

use folio_model::{ErrorDto, ErrorKind, NewSite, Site, SiteList};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ErrorDto> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| ErrorDto::new(ErrorKind::Internal, format!("cannot send {cmd}: {e}")))?;
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
