//! Tauri commands: one per core operation, a few lines each.

use crate::AppState;
use folio_core::Folio;
use folio_model::{ErrorDto, NewSite, Site, SiteList};
use tauri::State;

fn folio<'a>(state: &'a State<'_, AppState>) -> Result<&'a Folio, ErrorDto> {
    state.folio.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub async fn site_list(state: State<'_, AppState>) -> Result<SiteList, ErrorDto> {
    Ok(folio(&state)?.list_sites().await?)
}

#[tauri::command]
pub async fn site_create(state: State<'_, AppState>, input: NewSite) -> Result<Site, ErrorDto> {
    Ok(folio(&state)?.create_site(&input).await?)
}
