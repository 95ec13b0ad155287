//! Tauri commands for an article's page: the article and its images (attached by hand until the
//! pipeline generates them). The UI reads the picked file in wasm and sends its bytes; core checks
//! and stores them.

use crate::AppState;
use base64::Engine;
use folio_core::Folio;
use folio_model::{
    AttachImage, Content, ContentId, ContentSummary, ErrorDto, Image, ImageId, SiteId,
};
use tauri::State;

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
}

#[tauri::command]
pub async fn content_list(
    state: State<'_, AppState>,
    site: SiteId,
) -> Result<Vec<ContentSummary>, ErrorDto> {
    Ok(folio(&state)?.list_content(site).await?)
}

#[tauri::command]
pub async fn content_get(
    state: State<'_, AppState>,
    content: ContentId,
) -> Result<Content, ErrorDto> {
    Ok(folio(&state)?.get_content(content).await?)
}

#[tauri::command]
pub async fn images_list(
    state: State<'_, AppState>,
    content: ContentId,
) -> Result<Vec<Image>, ErrorDto> {
    Ok(folio(&state)?.list_images(content).await?)
}

#[tauri::command]
pub async fn image_attach(
    state: State<'_, AppState>,
    input: AttachImage,
) -> Result<Image, ErrorDto> {
    Ok(folio(&state)?.attach_image(input).await?)
}

/// The image as a `data:` URL for an `<img>`: the webview cannot read the data directory, and
/// thumbnails are few and small enough that a custom protocol would not earn its place.
#[tauri::command]
pub async fn image_data(state: State<'_, AppState>, image: ImageId) -> Result<String, ErrorDto> {
    let (bytes, mime) = folio(&state)?.image_bytes(image).await?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:{mime};base64,{encoded}"))
}

#[tauri::command]
pub async fn image_remove(state: State<'_, AppState>, image: ImageId) -> Result<(), ErrorDto> {
    Ok(folio(&state)?.remove_image(image).await?)
}
