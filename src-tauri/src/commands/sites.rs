//! Sites, their sectors and their publishing settings.

use super::folio;
use folio_model::ipc::{
    NoArgs, PublishingSettingsGetArgs, PublishingSettingsUpdateArgs, SectorAddArgs,
    SectorRemoveArgs, SectorRenameArgs, SiteCreateArgs, SiteGetArgs,
};
use folio_model::{ErrorDto, PublishingSettings, Sector, Site, SiteList};
use tauri::AppHandle;

pub async fn site_list(app: AppHandle, _: NoArgs) -> Result<SiteList, ErrorDto> {
    Ok(folio(&app)?.list_sites().await?)
}

pub async fn site_create(app: AppHandle, args: SiteCreateArgs) -> Result<Site, ErrorDto> {
    Ok(folio(&app)?.create_site(&args.input).await?)
}

pub async fn site_get(app: AppHandle, args: SiteGetArgs) -> Result<Site, ErrorDto> {
    Ok(folio(&app)?.get_site(args.site).await?)
}

pub async fn sector_add(app: AppHandle, args: SectorAddArgs) -> Result<Sector, ErrorDto> {
    Ok(folio(&app)?.add_sector(args.site, &args.name).await?)
}

pub async fn sector_rename(app: AppHandle, args: SectorRenameArgs) -> Result<Sector, ErrorDto> {
    let SectorRenameArgs { site, sector, name } = args;
    Ok(folio(&app)?.rename_sector(site, sector, &name).await?)
}

/// Remove a sector; returns how many of its keywords went with it.
pub async fn sector_remove(app: AppHandle, args: SectorRemoveArgs) -> Result<u64, ErrorDto> {
    Ok(folio(&app)?.remove_sector(args.site, args.sector).await?)
}

pub async fn publishing_settings_get(
    app: AppHandle,
    args: PublishingSettingsGetArgs,
) -> Result<PublishingSettings, ErrorDto> {
    Ok(folio(&app)?.site_publishing_settings(args.site).await?)
}

pub async fn publishing_settings_update(
    app: AppHandle,
    args: PublishingSettingsUpdateArgs,
) -> Result<PublishingSettings, ErrorDto> {
    Ok(folio(&app)?
        .update_publishing_settings(args.site, args.update)
        .await?)
}
