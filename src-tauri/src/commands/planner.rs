//! Planner → Clusters and Ideas: clusters with their figures, renaming and merging them; ideas
//! with their outlines, editing an outline before it is written, rejecting and approving. Moving
//! keywords between clusters is in `keywords.rs`; generating clusters and ideas is a pipeline
//! stage (`pipeline.rs`).

use super::folio;
use folio_model::ipc::{
    ClusterRenameArgs, ClustersListArgs, ClustersMergeArgs, IdeaSetRejectedArgs,
    IdeaUpdateOutlineArgs, IdeasListArgs,
};
use folio_model::{Cluster, ClusterSummary, ContentIdea, ErrorDto};
use tauri::AppHandle;

pub async fn clusters_list(
    app: AppHandle,
    args: ClustersListArgs,
) -> Result<Vec<ClusterSummary>, ErrorDto> {
    Ok(folio(&app)?
        .cluster_summaries(args.site, args.sector)
        .await?)
}

pub async fn cluster_rename(app: AppHandle, args: ClusterRenameArgs) -> Result<Cluster, ErrorDto> {
    Ok(folio(&app)?
        .rename_cluster(args.cluster, &args.name)
        .await?)
}

pub async fn clusters_merge(app: AppHandle, args: ClustersMergeArgs) -> Result<Cluster, ErrorDto> {
    Ok(folio(&app)?.merge_clusters(args.into, args.from).await?)
}

pub async fn ideas_list(app: AppHandle, args: IdeasListArgs) -> Result<Vec<ContentIdea>, ErrorDto> {
    Ok(folio(&app)?
        .list_ideas(args.site, args.sector, args.status)
        .await?)
}

pub async fn idea_update_outline(
    app: AppHandle,
    args: IdeaUpdateOutlineArgs,
) -> Result<ContentIdea, ErrorDto> {
    Ok(folio(&app)?
        .update_idea_outline(args.idea, &args.outline, &args.faq)
        .await?)
}

pub async fn idea_set_rejected(
    app: AppHandle,
    args: IdeaSetRejectedArgs,
) -> Result<ContentIdea, ErrorDto> {
    Ok(folio(&app)?
        .set_idea_rejected(args.idea, args.rejected)
        .await?)
}
