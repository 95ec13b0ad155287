//! The first-run path: which steps are done and leaving it, the keyword library's industries
//! and seed keywords (a site made from an industry, seed keywords added to a sector), and the
//! local model servers found on this computer with "use this model".

use super::folio;
use folio_model::ipc::{
    LocalModelUseArgs, NoArgs, SeedKeywordsAddArgs, SeedKeywordsPreviewArgs,
    SiteCreateFromIndustryArgs,
};
use folio_model::{
    AiModel, ErrorDto, FirstRunState, Industry, KeywordImportReport, LocalServer, SeedKeyword,
    SiteFromIndustry,
};
use tauri::AppHandle;

pub async fn first_run_state(app: AppHandle, _args: NoArgs) -> Result<FirstRunState, ErrorDto> {
    Ok(folio(&app)?.first_run_state().await?)
}

pub async fn first_run_dismiss(app: AppHandle, _args: NoArgs) -> Result<FirstRunState, ErrorDto> {
    Ok(folio(&app)?.dismiss_first_run().await?)
}

pub async fn industries_list(app: AppHandle, _args: NoArgs) -> Result<Vec<Industry>, ErrorDto> {
    Ok(folio(&app)?.industries().await?)
}

pub async fn seed_keywords_preview(
    app: AppHandle,
    args: SeedKeywordsPreviewArgs,
) -> Result<Vec<SeedKeyword>, ErrorDto> {
    Ok(folio(&app)?.seed_keywords(&args.seed_sector).await?)
}

pub async fn site_create_from_industry(
    app: AppHandle,
    args: SiteCreateFromIndustryArgs,
) -> Result<SiteFromIndustry, ErrorDto> {
    Ok(folio(&app)?.create_site_from_industry(&args.input).await?)
}

pub async fn seed_keywords_add(
    app: AppHandle,
    args: SeedKeywordsAddArgs,
) -> Result<KeywordImportReport, ErrorDto> {
    Ok(folio(&app)?
        .add_seed_keywords(args.site, args.sector, &args.seed_sector)
        .await?)
}

pub async fn local_servers_detect(
    app: AppHandle,
    _args: NoArgs,
) -> Result<Vec<LocalServer>, ErrorDto> {
    Ok(folio(&app)?.detect_local_servers().await?)
}

pub async fn local_model_use(app: AppHandle, args: LocalModelUseArgs) -> Result<AiModel, ErrorDto> {
    Ok(folio(&app)?
        .use_local_model(&args.provider, &args.base_url, &args.model)
        .await?)
}
