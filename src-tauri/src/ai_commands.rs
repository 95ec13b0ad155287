//! Tauri commands for Settings → Providers: AI providers on this device (keys in the OS keychain,
//! addresses, a connection test) and the model registry (defaults, added models). One core call
//! each; keys go to core once and are never kept, logged or echoed here.

use crate::AppState;
use folio_core::Folio;
use folio_model::{AiModel, ErrorDto, NewAiModel, ProviderCheck, ProviderInfo};
use tauri::State;

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
}

/// Every provider: address, key state (masked), active models.
#[tauri::command]
pub async fn providers_list(state: State<'_, AppState>) -> Result<Vec<ProviderInfo>, ErrorDto> {
    Ok(folio(&state)?.providers().await?)
}

/// Store (or replace) a provider's API key in the OS keychain; the reply shows it masked.
#[tauri::command]
pub async fn provider_set_key(
    state: State<'_, AppState>,
    provider: String,
    key: String,
) -> Result<ProviderInfo, ErrorDto> {
    Ok(folio(&state)?.set_provider_key(&provider, &key).await?)
}

/// Remove a provider's key; the provider as it is afterwards.
#[tauri::command]
pub async fn provider_remove_key(
    state: State<'_, AppState>,
    provider: String,
) -> Result<ProviderInfo, ErrorDto> {
    let folio = folio(&state)?;
    folio.remove_provider_key(&provider).await?;
    Ok(folio.provider(&provider).await?)
}

/// Point a provider at another address; `None` goes back to the built-in one.
#[tauri::command]
pub async fn provider_set_url(
    state: State<'_, AppState>,
    provider: String,
    url: Option<String>,
) -> Result<ProviderInfo, ErrorDto> {
    Ok(folio(&state)?
        .set_provider_base_url(&provider, url.as_deref())
        .await?)
}

/// A cheap authenticated call. A provider failure comes back as `ok: false` with its kind;
/// `provider_test_cancel` ends it with a `cancelled` error. It runs as a core job.
#[tauri::command]
pub async fn provider_test(
    state: State<'_, AppState>,
    provider: String,
    base_url: Option<String>,
) -> Result<ProviderCheck, ErrorDto> {
    Ok(folio(&state)?
        .test_provider(&provider, base_url.as_deref())
        .await?)
}

/// Cancel the running test of a provider; `false` when none was running.
#[tauri::command]
pub async fn provider_test_cancel(
    state: State<'_, AppState>,
    provider: String,
) -> Result<bool, ErrorDto> {
    Ok(folio(&state)?.cancel_provider_test(&provider))
}

/// Every model of the registry, text models first.
#[tauri::command]
pub async fn models_list(state: State<'_, AppState>) -> Result<Vec<AiModel>, ErrorDto> {
    Ok(folio(&state)?.ai_models().await?)
}

/// Make a model the default of its type.
#[tauri::command]
pub async fn model_set_default(
    state: State<'_, AppState>,
    model: String,
) -> Result<AiModel, ErrorDto> {
    Ok(folio(&state)?.set_default_model(&model).await?)
}

/// Add a model (a local one at zero price, a new one of a hosted provider).
#[tauri::command]
pub async fn model_add(state: State<'_, AppState>, input: NewAiModel) -> Result<AiModel, ErrorDto> {
    Ok(folio(&state)?.add_model(input).await?)
}

/// Remove a model a person added.
#[tauri::command]
pub async fn model_remove(state: State<'_, AppState>, model: String) -> Result<(), ErrorDto> {
    Ok(folio(&state)?.remove_model(&model).await?)
}
