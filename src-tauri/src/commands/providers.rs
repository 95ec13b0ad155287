//! Settings → AI providers: providers on this device (keys in the OS keychain, addresses, a
//! connection test) and the model registry (defaults, added models). Keys go to core once and
//! are never kept, logged or echoed here.

use super::folio;
use folio_model::ipc::{
    ModelAddArgs, ModelRemoveArgs, ModelSetDefaultArgs, NoArgs, ProviderRemoveKeyArgs,
    ProviderSetKeyArgs, ProviderSetUrlArgs, ProviderTestArgs,
};
use folio_model::{AiModel, ErrorDto, ProviderCheck, ProviderInfo};
use tauri::AppHandle;

/// Every provider: address, key state (masked), active models.
pub async fn providers_list(app: AppHandle, _: NoArgs) -> Result<Vec<ProviderInfo>, ErrorDto> {
    Ok(folio(&app)?.providers().await?)
}

/// Store (or replace) a provider's API key in the OS keychain; the reply shows it masked.
pub async fn provider_set_key(
    app: AppHandle,
    args: ProviderSetKeyArgs,
) -> Result<ProviderInfo, ErrorDto> {
    Ok(folio(&app)?
        .set_provider_key(&args.provider, args.key.expose())
        .await?)
}

/// Remove a provider's key; the provider as it is afterwards.
pub async fn provider_remove_key(
    app: AppHandle,
    args: ProviderRemoveKeyArgs,
) -> Result<ProviderInfo, ErrorDto> {
    let folio = folio(&app)?;
    folio.remove_provider_key(&args.provider).await?;
    Ok(folio.provider(&args.provider).await?)
}

/// Point a provider at another address; `None` goes back to the built-in one.
pub async fn provider_set_url(
    app: AppHandle,
    args: ProviderSetUrlArgs,
) -> Result<ProviderInfo, ErrorDto> {
    Ok(folio(&app)?
        .set_provider_base_url(&args.provider, args.url.as_deref())
        .await?)
}

/// A cheap authenticated call. A provider failure comes back as `ok: false` with its kind;
/// cancelling its job (`jobs_cancel`) ends it with a `cancelled` error.
pub async fn provider_test(
    app: AppHandle,
    args: ProviderTestArgs,
) -> Result<ProviderCheck, ErrorDto> {
    Ok(folio(&app)?
        .test_provider(&args.provider, args.base_url.as_deref())
        .await?)
}

/// Every model of the registry, text models first.
pub async fn models_list(app: AppHandle, _: NoArgs) -> Result<Vec<AiModel>, ErrorDto> {
    Ok(folio(&app)?.ai_models().await?)
}

/// Make a model the default of its type.
pub async fn model_set_default(
    app: AppHandle,
    args: ModelSetDefaultArgs,
) -> Result<AiModel, ErrorDto> {
    Ok(folio(&app)?.set_default_model(&args.model).await?)
}

/// Add a model (a local one at zero price, a new one of a hosted provider).
pub async fn model_add(app: AppHandle, args: ModelAddArgs) -> Result<AiModel, ErrorDto> {
    Ok(folio(&app)?.add_model(args.input).await?)
}

/// Remove a model a person added.
pub async fn model_remove(app: AppHandle, args: ModelRemoveArgs) -> Result<(), ErrorDto> {
    Ok(folio(&app)?.remove_model(&args.model).await?)
}
