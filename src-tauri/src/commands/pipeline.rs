//! The content pipeline: a stage's estimate before spending, running it (a core job whose steps
//! reach the window as `job-progress` and which `jobs_cancel` stops), the items that failed, and
//! the writing tasks the Writer's queue shows.

use super::folio;
use folio_model::ipc::{
    ClusterOfflineArgs, ClusterOfflinePreviewArgs, IdeasDuplicatesArgs, KeywordsSimilarArgs,
    PipelineEstimateArgs, PipelineFailuresArgs, PipelineRunArgs, TasksListArgs,
};
use folio_model::{
    DuplicateTopic, ErrorDto, OfflineClusterReport, SimilarKeyword, StageEstimate, StageFailure,
    StageReport, Task, ThresholdPreview,
};
use tauri::AppHandle;

pub async fn pipeline_estimate(
    app: AppHandle,
    args: PipelineEstimateArgs,
) -> Result<StageEstimate, ErrorDto> {
    Ok(folio(&app)?
        .estimate_stage(args.stage, &args.target)
        .await?)
}

/// Run a stage; core refuses one the balance cannot cover and reports what it did (a cancelled
/// run included). Core drives it on a thread of its own; its job, progress and cancel are
/// core's as for any other job.
pub async fn pipeline_run(app: AppHandle, args: PipelineRunArgs) -> Result<StageReport, ErrorDto> {
    Ok(folio(&app)?.run_stage(args.stage, args.target).await?)
}

pub async fn cluster_offline_preview(
    app: AppHandle,
    args: ClusterOfflinePreviewArgs,
) -> Result<Vec<ThresholdPreview>, ErrorDto> {
    Ok(folio(&app)?
        .preview_offline_clustering(args.site, args.sector)
        .await?)
}

pub async fn cluster_offline(
    app: AppHandle,
    args: ClusterOfflineArgs,
) -> Result<OfflineClusterReport, ErrorDto> {
    Ok(folio(&app)?
        .cluster_offline(args.site, args.sector, args.threshold.map(|t| t.0))
        .await?)
}

pub async fn ideas_duplicates(
    app: AppHandle,
    args: IdeasDuplicatesArgs,
) -> Result<Vec<DuplicateTopic>, ErrorDto> {
    Ok(folio(&app)?.duplicate_topics(args.site).await?)
}

pub async fn keywords_similar(
    app: AppHandle,
    args: KeywordsSimilarArgs,
) -> Result<Vec<SimilarKeyword>, ErrorDto> {
    Ok(folio(&app)?
        .similar_keywords(args.site, args.keyword, args.limit)
        .await?)
}

pub async fn pipeline_failures(
    app: AppHandle,
    args: PipelineFailuresArgs,
) -> Result<Vec<StageFailure>, ErrorDto> {
    Ok(folio(&app)?.stage_failures(args.stage).await?)
}

pub async fn tasks_list(app: AppHandle, args: TasksListArgs) -> Result<Vec<Task>, ErrorDto> {
    Ok(folio(&app)?
        .list_tasks(args.site, args.sector, args.status)
        .await?)
}
