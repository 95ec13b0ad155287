//! The document registry, and housekeeping of expired rows.

use super::*;

pub(crate) async fn register_doc(
    db: &Pool,
    actor: &Principal,
    doc: &DocId,
    site_id: Option<SiteId>,
) -> Result<(Doc, bool)> {
    authz::require_creator(actor)?;
    let doc_id = doc.to_string();
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    // Counted under the account's lock, so two registrations cannot both take the last place.
    lock_account(&mut tx, actor.account_id).await?;
    let (exists,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM docs WHERE doc_id = $1")
        .bind(&doc_id)
        .fetch_one(&mut *tx)
        .await?;
    if exists == 0 {
        let plan = account_plan(&mut tx, actor.account_id).await?;
        let docs = count(
            &mut tx,
            "SELECT COUNT(*) FROM docs WHERE account_id = $1",
            &actor.account_id.to_string(),
        )
        .await?;
        if docs >= plan.max_docs {
            return Err(ServerError::Limit(format!(
                "document limit: the {} plan allows {} documents and this account has {docs}; upgrade the plan to add more",
                plan.name, plan.max_docs
            )));
        }
    }
    if let Some(site_id) = site_id {
        site_in_account(&mut tx, actor.account_id, site_id).await?;
        let granted = has_grant(&mut tx, actor.user_id, site_id).await?;
        if !authz::site_access(actor.role, granted).can_write() {
            return Err(no_site_access());
        }
    }
    let inserted = sqlx::query(
        "INSERT INTO docs (doc_id, account_id, site_id, kind, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (doc_id) DO NOTHING",
    )
    .bind(&doc_id)
    .bind(actor.account_id.to_string())
    .bind(site_id.map(|s| s.to_string()))
    .bind(doc.kind().as_str())
    .bind(actor.user_id.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    let row: DocRow = sqlx::query_as(&format!("SELECT {DOC_COLUMNS} FROM docs WHERE doc_id = $1"))
        .bind(doc_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    let stored = row.into_doc()?;
    if !inserted && (stored.account_id != actor.account_id || stored.site_id != site_id) {
        return Err(ServerError::conflict(
            "doc_id",
            "this document id is already in use; create the document with a new id",
        ));
    }
    Ok((stored, inserted))
}

pub(crate) async fn docs(db: &Pool, account_id: AccountId) -> Result<Vec<Doc>> {
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "SELECT {DOC_COLUMNS} FROM docs WHERE account_id = $1 ORDER BY created_at, doc_id"
    ))
    .bind(account_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(DocRow::into_doc).collect()
}

pub(crate) async fn doc(db: &Pool, doc: &DocId) -> Result<Option<Doc>> {
    let row: Option<DocRow> =
        sqlx::query_as(&format!("SELECT {DOC_COLUMNS} FROM docs WHERE doc_id = $1"))
            .bind(doc.to_string())
            .fetch_optional(db)
            .await?;
    row.map(DocRow::into_doc).transpose()
}

pub(crate) async fn doc_access_facts(
    db: &Pool,
    user: UserId,
    doc: &DocId,
) -> Result<Option<AccessFacts>> {
    let row: Option<AccessRow> = sqlx::query_as(
        "SELECT u.account_id AS user_account, u.role, d.account_id AS doc_account, d.site_id,
                -- EXISTS is a boolean on PostgreSQL and an integer on SQLite: one BIGINT for both.
                CAST(CASE WHEN EXISTS (SELECT 1 FROM site_grants g
                                  WHERE g.user_id = u.id AND g.site_id = d.site_id)
                         THEN 1 ELSE 0 END AS BIGINT) AS granted
           FROM users u, docs d
          WHERE u.id = $1 AND d.doc_id = $2",
    )
    .bind(user.to_string())
    .bind(doc.to_string())
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(AccessFacts {
            user_account: parse_id("account id", &r.user_account)?,
            role: parse_role(&r.role)?,
            doc: DocPlacement {
                account_id: parse_id("account id", &r.doc_account)?,
                site_id: r.site_id.map(|s| parse_id("site id", &s)).transpose()?,
            },
            site_granted: r.granted != 0,
        })
    })
    .transpose()
}

pub(crate) async fn account_storage_bytes(db: &Pool, account_id: AccountId) -> Result<i64> {
    let (bytes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(LENGTH(c.data)), 0) AS BIGINT)
           FROM doc_chunks c JOIN docs d ON d.doc_id = c.doc_id
          WHERE d.account_id = $1",
    )
    .bind(account_id.to_string())
    .fetch_one(db)
    .await?;
    Ok(bytes)
}

pub(crate) async fn purge_expired(db: &Pool) -> Result<()> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    for sql in [
        "DELETE FROM access_tokens WHERE expires_at <= $1",
        "DELETE FROM refresh_tokens WHERE expires_at <= $1",
        "DELETE FROM password_reset_tokens WHERE expires_at <= $1",
        "DELETE FROM invites WHERE expires_at <= $1 AND accepted_at IS NULL",
    ] {
        sqlx::query(sql).bind(now).execute(&mut *tx).await?;
    }
    sqlx::query(
        "DELETE FROM sessions WHERE NOT EXISTS
           (SELECT 1 FROM refresh_tokens r WHERE r.session_id = sessions.id)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
