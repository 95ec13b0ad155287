//! Writing tasks: a task belongs to a cluster of its own site and sector (and, when it comes from
//! an idea, to that idea's cluster).

use crate::planner::ideas::{move_idea, read_idea};
use crate::planner::scope::check_cluster_in;
use crate::store::db::prefixed;
use crate::store::db::{from_json, not_found, now, parse_stored, status_error, to_json, ts};
use crate::store::scope::check_scope;
use crate::store::scope::check_site_sector;
use crate::text::required_text;
use crate::text::tidy;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    IdeaId, IdeaStatus, NewTask, SectorId, SiteId, Status, Task, TaskId, TaskStatus,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: String,
    site_id: String,
    sector_id: String,
    cluster_id: String,
    idea_id: Option<String>,
    title: String,
    brief: String,
    primary_keyword: String,
    secondary_keywords: String,
    content_type: String,
    content_structure: String,
    target_word_count: Option<i64>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const TASK_COLUMNS: &str = "id, site_id, sector_id, cluster_id, idea_id, title, brief, primary_keyword, secondary_keywords, content_type, content_structure, target_word_count, status, created_at, updated_at";

impl TaskRow {
    fn into_task(self) -> Result<Task, CoreError> {
        Ok(Task {
            id: parse_stored("task id", &self.id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            sector_id: parse_stored("sector id", &self.sector_id)?,
            cluster_id: parse_stored("cluster id", &self.cluster_id)?,
            idea_id: self
                .idea_id
                .map(|i| parse_stored("idea id", &i))
                .transpose()?,
            secondary_keywords: from_json!("task keywords", &self.secondary_keywords)?,
            content_type: parse_stored("content type", &self.content_type)?,
            content_structure: parse_stored("content structure", &self.content_structure)?,
            target_word_count: self.target_word_count.and_then(|n| u32::try_from(n).ok()),
            status: parse_stored("task status", &self.status)?,
            title: self.title,
            brief: self.brief,
            primary_keyword: self.primary_keyword,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) async fn read_task(
    conn: &mut SqliteConnection,
    account: &str,
    id: TaskId,
) -> Result<Task, CoreError> {
    let row: Option<TaskRow> = sqlx::query_as(&format!(
        "SELECT {} FROM tasks t JOIN sites s ON s.id = t.site_id WHERE t.id = ? AND s.account_id = ?",
        prefixed("t", TASK_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.ok_or_else(|| not_found(format!("task {id}")))?
        .into_task()
}

async fn insert_task(tx: &mut WriteTx, t: &Task) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO tasks (id, site_id, sector_id, cluster_id, idea_id, title, brief, primary_keyword,
             secondary_keywords, content_type, content_structure, target_word_count, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(t.id.to_string())
    .bind(t.site_id.to_string())
    .bind(t.sector_id.to_string())
    .bind(t.cluster_id.to_string())
    .bind(t.idea_id.map(|i| i.to_string()))
    .bind(&t.title)
    .bind(&t.brief)
    .bind(&t.primary_keyword)
    .bind(to_json!(&t.secondary_keywords)?)
    .bind(t.content_type.as_str())
    .bind(t.content_structure.as_str())
    .bind(t.target_word_count)
    .bind(t.status.as_str())
    .bind(ts(t.created_at))
    .bind(ts(t.updated_at))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::Task, t.id.as_uuid());
    Ok(())
}

impl Folio {
    /// Create a writing task for a cluster of the same site and sector (and, optionally, one of
    /// that cluster's ideas).
    pub async fn create_task(&self, input: NewTask) -> Result<Task, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        if input.target_word_count == Some(0) {
            return Err(CoreError::invalid(
                "target_word_count",
                "A target word count must be more than 0",
            ));
        }
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        check_site_sector(tx.conn(), &account, input.site, input.sector).await?;
        check_cluster_in(tx.conn(), input.cluster, input.site, input.sector).await?;
        if let Some(idea) = input.idea {
            let idea = read_idea(tx.conn(), &account, idea).await?;
            if idea.cluster_id != input.cluster {
                return Err(CoreError::invalid(
                    "idea",
                    format!(
                        "the idea \u{201c}{}\u{201d} belongs to another cluster; a task takes its idea's cluster",
                        idea.title
                    ),
                ));
            }
        }
        let at = now();
        let task = Task {
            id: TaskId(Uuid::now_v7()),
            site_id: input.site,
            sector_id: input.sector,
            cluster_id: input.cluster,
            idea_id: input.idea,
            title,
            brief: input.brief.trim().to_owned(),
            primary_keyword: tidy(&input.primary_keyword),
            secondary_keywords: input
                .secondary_keywords
                .iter()
                .map(|k| tidy(k))
                .filter(|k| !k.is_empty())
                .collect(),
            content_type: input.content_type,
            content_structure: input.content_structure,
            target_word_count: input.target_word_count,
            status: TaskStatus::Queued,
            created_at: at,
            updated_at: at,
        };
        insert_task(&mut tx, &task).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Turn an idea into a writing task (local and free) and mark the idea `queued`.
    pub async fn queue_idea(&self, idea: IdeaId) -> Result<Task, CoreError> {
        self.queue_idea_with(idea, None).await
    }

    /// [`Folio::queue_idea`] with the brief the pipeline froze for it (JSON), in the same write.
    pub(crate) async fn queue_idea_with(
        &self,
        idea: IdeaId,
        frozen_brief: Option<String>,
    ) -> Result<Task, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let idea = read_idea(tx.conn(), &account, idea).await?;
        if idea.status != IdeaStatus::New {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "the idea \u{201c}{}\u{201d} is already {}; only new ideas are queued",
                    idea.title, idea.status
                ),
            ));
        }
        move_idea(&mut tx, idea.id, IdeaStatus::Queued).await?;
        let mut keywords: Vec<String> = Vec::new();
        let ids: Vec<_> = idea
            .primary_keyword
            .iter()
            .chain(&idea.secondary_keywords)
            .collect();
        for id in &ids {
            let text: Option<(String,)> =
                sqlx::query_as("SELECT keyword FROM keywords WHERE id = ?")
                    .bind(id.to_string())
                    .fetch_optional(tx.conn())
                    .await?;
            if let Some((t,)) = text {
                keywords.push(t);
            }
        }
        let (primary_keyword, secondary_keywords) = match idea.primary_keyword {
            Some(_) if !keywords.is_empty() => (keywords.remove(0), keywords),
            _ => (String::new(), keywords),
        };
        let outline: Vec<String> = idea
            .outline
            .iter()
            .map(|s| {
                if s.notes.is_empty() {
                    format!("- {}", s.heading)
                } else {
                    format!("- {}: {}", s.heading, s.notes)
                }
            })
            .collect();
        let brief = [idea.description.clone(), outline.join("\n")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        let at = now();
        let task = Task {
            id: TaskId(Uuid::now_v7()),
            site_id: idea.site_id,
            sector_id: idea.sector_id,
            cluster_id: idea.cluster_id,
            idea_id: Some(idea.id),
            title: idea.title,
            brief,
            primary_keyword,
            secondary_keywords,
            content_type: idea.content_type,
            content_structure: idea.content_structure,
            target_word_count: idea.target_word_count,
            status: TaskStatus::Queued,
            created_at: at,
            updated_at: at,
        };
        insert_task(&mut tx, &task).await?;
        if let Some(brief) = frozen_brief {
            sqlx::query("UPDATE tasks SET frozen_brief = ? WHERE id = ?")
                .bind(brief)
                .bind(task.id.to_string())
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(task)
    }

    pub async fn get_task(&self, id: TaskId) -> Result<Task, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_task(&mut conn, &self.account_id.to_string(), id).await
    }

    /// A site's tasks (optionally one sector's, optionally one status), newest first.
    pub async fn list_tasks(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<TaskStatus>,
    ) -> Result<Vec<Task>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = crate::store::db::scoped_list(
            TASK_COLUMNS,
            "tasks",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<TaskRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        rows.into_iter().map(TaskRow::into_task).collect()
    }

    /// Move a task to a status (`queued → completed`; completed is final).
    pub async fn set_task_status(&self, id: TaskId, to: TaskStatus) -> Result<Task, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let task = read_task(tx.conn(), &account, id).await?;
        task.status.transition(to).map_err(status_error)?;
        let at = now();
        sqlx::query("UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(at))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Task, id.as_uuid());
        tx.commit().await?;
        Ok(Task {
            status: to,
            updated_at: at,
            ..task
        })
    }
}
