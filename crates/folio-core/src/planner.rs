//! Clusters and content ideas of a site and sector.
//!
//! Every write checks scope first: the sector belongs to the site, the idea's cluster and
//! keywords are in the idea's site and sector. Status changes go through `status.rs`.

use crate::site_settings::{
    check_site, check_site_sector, from_json, not_found, now, parse_stored, status_error, to_json,
    ts,
};
use crate::text::{name_key, tidy};
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    Cluster, ClusterId, ClusterStatus, ContentIdea, IdeaId, IdeaStatus, KeywordId, NewCluster,
    NewIdea, OutlineSection, SectorId, SiteId, Status,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use uuid::Uuid;

const MAX_TITLE_CHARS: usize = 255;
/// The idea prompt asks for 6–10 sections; a hand-made outline may be longer, within reason.
pub const MAX_OUTLINE_SECTIONS: usize = 30;

pub(crate) fn required_text(
    field: &'static str,
    what: &str,
    raw: &str,
) -> Result<String, CoreError> {
    let text = tidy(raw);
    if text.is_empty() {
        return Err(CoreError::invalid(field, format!("Enter a {what}")));
    }
    if text.chars().count() > MAX_TITLE_CHARS {
        return Err(CoreError::invalid(
            field,
            format!("A {what} can be at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// Where a cluster lives, for scope checks.
pub(crate) struct ClusterScope {
    pub site: String,
    pub sector: String,
    pub name: String,
}

pub(crate) async fn cluster_scope(
    conn: &mut SqliteConnection,
    cluster: ClusterId,
) -> Result<ClusterScope, CoreError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT site_id, sector_id, name FROM clusters WHERE id = ?")
            .bind(cluster.to_string())
            .fetch_optional(conn)
            .await?;
    let (site, sector, name) = row.ok_or_else(|| not_found(format!("cluster {cluster}")))?;
    Ok(ClusterScope { site, sector, name })
}

/// The cluster must be in the given site and sector.
pub(crate) async fn check_cluster_in(
    conn: &mut SqliteConnection,
    cluster: ClusterId,
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    let c = cluster_scope(conn, cluster).await?;
    if c.site != site.to_string() {
        return Err(CoreError::invalid(
            "cluster",
            format!(
                "the cluster \u{201c}{}\u{201d} belongs to another site",
                c.name
            ),
        ));
    }
    if c.sector != sector.to_string() {
        return Err(CoreError::invalid(
            "cluster",
            format!(
                "the cluster \u{201c}{}\u{201d} is in another sector (sector {}); it can only be used in its own sector, not in sector {sector}",
                c.name, c.sector
            ),
        ));
    }
    Ok(())
}

/// Keywords of an idea must exist in its site and sector.
async fn check_keywords_in(
    conn: &mut SqliteConnection,
    keywords: &[KeywordId],
    site: SiteId,
    sector: SectorId,
) -> Result<(), CoreError> {
    if keywords.is_empty() {
        return Ok(());
    }
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT id, site_id, sector_id FROM keywords WHERE id IN (");
    let mut list = q.separated(", ");
    for k in keywords {
        list.push_bind(k.to_string());
    }
    q.push(")");
    let found: Vec<(String, String, String)> = q.build_query_as().fetch_all(conn).await?;
    for k in keywords {
        let id = k.to_string();
        match found.iter().find(|(kid, _, _)| *kid == id) {
            None => return Err(not_found(format!("keyword {k}"))),
            Some((_, s, _)) if *s != site.to_string() => {
                return Err(CoreError::invalid(
                    "keywords",
                    format!("keyword {k} belongs to another site"),
                ))
            }
            Some((_, _, sec)) if *sec != sector.to_string() => {
                return Err(CoreError::invalid(
                    "keywords",
                    format!("keyword {k} is in another sector; an idea can only use keywords of its own sector"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn check_outline(outline: &[OutlineSection]) -> Result<Vec<OutlineSection>, CoreError> {
    if outline.len() > MAX_OUTLINE_SECTIONS {
        return Err(CoreError::invalid(
            "outline",
            format!("An outline can have at most {MAX_OUTLINE_SECTIONS} sections"),
        ));
    }
    outline
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let heading = tidy(&s.heading);
            if heading.is_empty() {
                return Err(CoreError::invalid(
                    "outline",
                    format!("Section {} of the outline has no heading", i + 1),
                ));
            }
            Ok(OutlineSection {
                heading,
                notes: s.notes.trim().to_owned(),
                subheadings: s
                    .subheadings
                    .iter()
                    .map(|h| tidy(h))
                    .filter(|h| !h.is_empty())
                    .collect(),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct ClusterRow {
    id: String,
    site_id: String,
    sector_id: String,
    name: String,
    description: String,
    status: String,
    disabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ClusterRow {
    fn into_cluster(self) -> Result<Cluster, CoreError> {
        Ok(Cluster {
            id: parse_stored("cluster id", &self.id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            sector_id: parse_stored("sector id", &self.sector_id)?,
            status: parse_stored("cluster status", &self.status)?,
            name: self.name,
            description: self.description,
            disabled: self.disabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const CLUSTER_COLUMNS: &str =
    "id, site_id, sector_id, name, description, status, disabled, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct IdeaRow {
    id: String,
    site_id: String,
    sector_id: String,
    cluster_id: String,
    title: String,
    description: String,
    primary_keyword_id: Option<String>,
    content_type: String,
    content_structure: String,
    target_word_count: Option<i64>,
    outline: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const IDEA_COLUMNS: &str = "id, site_id, sector_id, cluster_id, title, description, primary_keyword_id, content_type, content_structure, target_word_count, outline, status, created_at, updated_at";

async fn idea_from_row(conn: &mut SqliteConnection, r: IdeaRow) -> Result<ContentIdea, CoreError> {
    let secondary: Vec<(String,)> =
        sqlx::query_as("SELECT keyword_id FROM idea_keywords WHERE idea_id = ? ORDER BY position")
            .bind(&r.id)
            .fetch_all(conn)
            .await?;
    Ok(ContentIdea {
        id: parse_stored("idea id", &r.id)?,
        site_id: parse_stored("site id", &r.site_id)?,
        sector_id: parse_stored("sector id", &r.sector_id)?,
        cluster_id: parse_stored("cluster id", &r.cluster_id)?,
        primary_keyword: r
            .primary_keyword_id
            .map(|k| parse_stored("keyword id", &k))
            .transpose()?,
        secondary_keywords: secondary
            .into_iter()
            .map(|(k,)| parse_stored("keyword id", &k))
            .collect::<Result<_, _>>()?,
        content_type: parse_stored("content type", &r.content_type)?,
        content_structure: parse_stored("content structure", &r.content_structure)?,
        target_word_count: r.target_word_count.and_then(|n| u32::try_from(n).ok()),
        outline: from_json!("idea outline", &r.outline)?,
        status: parse_stored("idea status", &r.status)?,
        title: r.title,
        description: r.description,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub(crate) async fn read_idea(
    conn: &mut SqliteConnection,
    account: &str,
    id: IdeaId,
) -> Result<ContentIdea, CoreError> {
    let row: Option<IdeaRow> = sqlx::query_as(&format!(
        "SELECT {} FROM ideas i JOIN sites s ON s.id = i.site_id WHERE i.id = ? AND s.account_id = ?",
        prefixed("i", IDEA_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or_else(|| not_found(format!("idea {id}")))?;
    idea_from_row(conn, row).await
}

/// `a, b` → `t.a, t.b`, for joins.
pub(crate) fn prefixed(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Move an idea to a status, checking the move. Returns the status it had.
pub(crate) async fn move_idea(
    tx: &mut WriteTx,
    id: IdeaId,
    to: IdeaStatus,
) -> Result<IdeaStatus, CoreError> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM ideas WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| not_found(format!("idea {id}")))?;
    let from: IdeaStatus = parse_stored("idea status", &status)?;
    from.transition(to).map_err(status_error)?;
    if from != to {
        sqlx::query("UPDATE ideas SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Idea, id.as_uuid());
    }
    Ok(from)
}

impl Folio {
    /// Create a cluster in a site's sector; names are unique per site and sector.
    pub async fn create_cluster(&self, input: NewCluster) -> Result<Cluster, CoreError> {
        let name = required_text("name", "cluster name", &input.name)?;
        let key = name_key(&name);
        let mut tx = self.begin_write().await?;
        check_site_sector(
            tx.conn(),
            &self.account_id.to_string(),
            input.site,
            input.sector,
        )
        .await?;
        cluster_name_free(&mut tx, input.site, input.sector, &name, None).await?;
        let at = now();
        let cluster = Cluster {
            id: ClusterId(Uuid::now_v7()),
            site_id: input.site,
            sector_id: input.sector,
            name,
            description: input.description.trim().to_owned(),
            status: ClusterStatus::New,
            disabled: false,
            created_at: at,
            updated_at: at,
        };
        sqlx::query(
            "INSERT INTO clusters (id, site_id, sector_id, name, name_key, description, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(cluster.id.to_string())
        .bind(cluster.site_id.to_string())
        .bind(cluster.sector_id.to_string())
        .bind(&cluster.name)
        .bind(&key)
        .bind(&cluster.description)
        .bind(cluster.status.as_str())
        .bind(ts(at))
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Cluster, cluster.id.as_uuid());
        tx.commit().await?;
        Ok(cluster)
    }

    /// Rename a cluster; names stay unique within its sector.
    pub async fn rename_cluster(&self, id: ClusterId, name: &str) -> Result<Cluster, CoreError> {
        let name = required_text("name", "cluster name", name)?;
        let key = name_key(&name);
        let current = self.get_cluster(id).await?;
        let mut tx = self.begin_write().await?;
        cluster_name_free(&mut tx, current.site_id, current.sector_id, &name, Some(id)).await?;
        sqlx::query("UPDATE clusters SET name = ?, name_key = ?, updated_at = ? WHERE id = ?")
            .bind(&name)
            .bind(&key)
            .bind(ts(now()))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, id.as_uuid());
        tx.commit().await?;
        self.get_cluster(id).await
    }

    pub async fn get_cluster(&self, id: ClusterId) -> Result<Cluster, CoreError> {
        let row: Option<ClusterRow> = sqlx::query_as(&format!(
            "SELECT {} FROM clusters c JOIN sites s ON s.id = c.site_id WHERE c.id = ? AND s.account_id = ?",
            prefixed("c", CLUSTER_COLUMNS)
        ))
        .bind(id.to_string())
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| not_found(format!("cluster {id}")))?
            .into_cluster()
    }

    /// A site's clusters (optionally one sector's, optionally one status), newest first.
    pub async fn list_clusters(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<ClusterStatus>,
    ) -> Result<Vec<Cluster>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = scoped_list(
            CLUSTER_COLUMNS,
            "clusters",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<ClusterRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        rows.into_iter().map(ClusterRow::into_cluster).collect()
    }

    /// Move a cluster to a status (`new` ↔ `mapped`).
    pub async fn set_cluster_status(
        &self,
        id: ClusterId,
        to: ClusterStatus,
    ) -> Result<Cluster, CoreError> {
        let current = self.get_cluster(id).await?;
        let mut tx = self.begin_write().await?;
        let (status,): (String,) = sqlx::query_as("SELECT status FROM clusters WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(tx.conn())
            .await?;
        let from: ClusterStatus = parse_stored("cluster status", &status)?;
        from.transition(to).map_err(status_error)?;
        let at = now();
        sqlx::query("UPDATE clusters SET status = ?, updated_at = ? WHERE id = ?")
            .bind(to.as_str())
            .bind(ts(at))
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Cluster, id.as_uuid());
        tx.commit().await?;
        Ok(Cluster {
            status: to,
            updated_at: at,
            ..current
        })
    }

    /// Create an idea for a cluster of the same site and sector, with its full outline.
    pub async fn create_idea(&self, input: NewIdea) -> Result<ContentIdea, CoreError> {
        let title = required_text("title", "title", &input.title)?;
        let outline = check_outline(&input.outline)?;
        if input.target_word_count == Some(0) {
            return Err(CoreError::invalid(
                "target_word_count",
                "A target word count must be more than 0",
            ));
        }
        let mut secondary: Vec<KeywordId> = Vec::new();
        for k in &input.secondary_keywords {
            if Some(*k) != input.primary_keyword && !secondary.contains(k) {
                secondary.push(*k);
            }
        }
        let mut tx = self.begin_write().await?;
        check_site_sector(
            tx.conn(),
            &self.account_id.to_string(),
            input.site,
            input.sector,
        )
        .await?;
        check_cluster_in(tx.conn(), input.cluster, input.site, input.sector).await?;
        let all_keywords: Vec<KeywordId> = input
            .primary_keyword
            .iter()
            .chain(&secondary)
            .copied()
            .collect();
        check_keywords_in(tx.conn(), &all_keywords, input.site, input.sector).await?;
        let at = now();
        let idea = ContentIdea {
            id: IdeaId(Uuid::now_v7()),
            site_id: input.site,
            sector_id: input.sector,
            cluster_id: input.cluster,
            title,
            description: input.description.trim().to_owned(),
            primary_keyword: input.primary_keyword,
            secondary_keywords: secondary,
            content_type: input.content_type,
            content_structure: input.content_structure,
            target_word_count: input.target_word_count,
            outline,
            status: IdeaStatus::New,
            created_at: at,
            updated_at: at,
        };
        sqlx::query(
            "INSERT INTO ideas (id, site_id, sector_id, cluster_id, title, description, primary_keyword_id,
                 content_type, content_structure, target_word_count, outline, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(idea.id.to_string())
        .bind(idea.site_id.to_string())
        .bind(idea.sector_id.to_string())
        .bind(idea.cluster_id.to_string())
        .bind(&idea.title)
        .bind(&idea.description)
        .bind(idea.primary_keyword.map(|k| k.to_string()))
        .bind(idea.content_type.as_str())
        .bind(idea.content_structure.as_str())
        .bind(idea.target_word_count)
        .bind(to_json!(&idea.outline)?)
        .bind(idea.status.as_str())
        .bind(ts(at))
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        for (position, k) in idea.secondary_keywords.iter().enumerate() {
            sqlx::query(
                "INSERT INTO idea_keywords (idea_id, keyword_id, position) VALUES (?, ?, ?)",
            )
            .bind(idea.id.to_string())
            .bind(k.to_string())
            .bind(position as i64)
            .execute(tx.conn())
            .await?;
        }
        tx.touch(Entity::Idea, idea.id.as_uuid());
        tx.commit().await?;
        Ok(idea)
    }

    pub async fn get_idea(&self, id: IdeaId) -> Result<ContentIdea, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_idea(&mut conn, &self.account_id.to_string(), id).await
    }

    /// A site's ideas (optionally one sector's, optionally one status), newest first.
    pub async fn list_ideas(
        &self,
        site: SiteId,
        sector: Option<SectorId>,
        status: Option<IdeaStatus>,
    ) -> Result<Vec<ContentIdea>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_scope(&mut conn, &self.account_id.to_string(), site, sector).await?;
        let mut q = scoped_list(
            IDEA_COLUMNS,
            "ideas",
            site,
            sector,
            status.map(|s| ("status", s.as_str())),
        );
        q.push(" ORDER BY created_at DESC, id DESC");
        let rows: Vec<IdeaRow> = q.build_query_as().fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(idea_from_row(&mut conn, r).await?);
        }
        Ok(out)
    }

    /// Move an idea to a status (`new → queued → completed`, back to `new` from `queued`).
    pub async fn set_idea_status(
        &self,
        id: IdeaId,
        to: IdeaStatus,
    ) -> Result<ContentIdea, CoreError> {
        let mut tx = self.begin_write().await?;
        read_idea(tx.conn(), &self.account_id.to_string(), id).await?;
        move_idea(&mut tx, id, to).await?;
        let idea = read_idea(tx.conn(), &self.account_id.to_string(), id).await?;
        tx.commit().await?;
        Ok(idea)
    }
}

/// `SELECT <columns> FROM <table>` narrowed to a site, optionally a sector and a status, newest
/// first: the list query of every site+sector table. Call [`check_scope`] first.
pub(crate) fn scoped_list(
    columns: &str,
    table: &str,
    site: SiteId,
    sector: Option<SectorId>,
    status: Option<(&str, &'static str)>,
) -> QueryBuilder<'static, Sqlite> {
    let mut q = QueryBuilder::new(format!("SELECT {columns} FROM {table} WHERE site_id = "));
    q.push_bind(site.to_string());
    if let Some(sector) = sector {
        q.push(" AND sector_id = ").push_bind(sector.to_string());
    }
    if let Some((column, value)) = status {
        q.push(format_args!(" AND {column} = ")).push_bind(value);
    }
    q
}

/// The site is the account's and, when given, the sector is the site's.
pub(crate) async fn check_scope(
    conn: &mut SqliteConnection,
    account: &str,
    site: SiteId,
    sector: Option<SectorId>,
) -> Result<(), CoreError> {
    match sector {
        Some(sector) => check_site_sector(conn, account, site, sector).await,
        None => check_site(conn, account, site).await,
    }
}

/// Cluster names are unique within a sector (ignoring case and spacing).
async fn cluster_name_free(
    tx: &mut WriteTx,
    site: SiteId,
    sector: SectorId,
    name: &str,
    except: Option<ClusterId>,
) -> Result<(), CoreError> {
    let taken: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM clusters WHERE site_id = ? AND sector_id = ? AND name_key = ? AND id IS NOT ?",
    )
    .bind(site.to_string())
    .bind(sector.to_string())
    .bind(name_key(name))
    .bind(except.map(|c| c.to_string()))
    .fetch_optional(tx.conn())
    .await?;
    if taken.is_some() {
        return Err(CoreError::Conflict {
            field: "name",
            message: format!("This sector already has a cluster named \u{201c}{name}\u{201d}"),
        });
    }
    Ok(())
}
