//! An article's page: the article, its quality-gate report, its cost and its images (generated
//! by the pipeline's image stage, or attached by hand). The UI reads the picked file in wasm and sends its bytes; core checks and stores them.

use super::folio;
use base64::Engine;
use folio_model::ipc::{
    ContentCostArgs, ContentGetArgs, ContentListArgs, ContentQualityArgs, ImageAttachArgs,
    ImageDataArgs, ImageRemoveArgs, ImagesListArgs,
};
use folio_model::quality::QualityReport;
use folio_model::{Content, ContentSummary, ErrorDto, Image, UsageRow};
use tauri::AppHandle;

pub async fn content_list(
    app: AppHandle,
    args: ContentListArgs,
) -> Result<Vec<ContentSummary>, ErrorDto> {
    Ok(folio(&app)?.list_content(args.site).await?)
}

pub async fn content_get(app: AppHandle, args: ContentGetArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?.get_content(args.content).await?)
}

pub async fn images_list(app: AppHandle, args: ImagesListArgs) -> Result<Vec<Image>, ErrorDto> {
    Ok(folio(&app)?.list_images(args.content).await?)
}

pub async fn image_attach(app: AppHandle, args: ImageAttachArgs) -> Result<Image, ErrorDto> {
    Ok(folio(&app)?.attach_image(args.input).await?)
}

/// The image as a `data:` URL for an `<img>`: the webview cannot read the data directory, and
/// thumbnails are few and small enough that a custom protocol would not earn its place.
pub async fn image_data(app: AppHandle, args: ImageDataArgs) -> Result<String, ErrorDto> {
    let (bytes, mime) = folio(&app)?.image_bytes(args.image).await?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:{mime};base64,{encoded}"))
}

pub async fn image_remove(app: AppHandle, args: ImageRemoveArgs) -> Result<(), ErrorDto> {
    Ok(folio(&app)?.remove_image(args.image).await?)
}

/// The quality gate's report of a written article (`None`: never checked).
pub async fn content_quality(
    app: AppHandle,
    args: ContentQualityArgs,
) -> Result<Option<QualityReport>, ErrorDto> {
    Ok(folio(&app)?.content_quality(args.content).await?)
}

/// What the article's AI calls have cost, from the ledger.
pub async fn content_cost(app: AppHandle, args: ContentCostArgs) -> Result<UsageRow, ErrorDto> {
    Ok(folio(&app)?.content_cost(args.content).await?)
}
