//! Sites and their grants.

use super::*;

pub(crate) async fn register_site(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    name: &str,
) -> Result<(Site, bool)> {
    authz::require_creator(actor)?;
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    lock_account(&mut tx, actor.account_id).await?;
    let existing: Option<SiteRow> =
        sqlx::query_as(&format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1"))
            .bind(site_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(row) = existing {
        let site = row.into_site()?;
        if site.account_id != actor.account_id {
            return Err(ServerError::conflict(
                "site_id",
                "this site id is already in use; create the site with a new id",
            ));
        }
        let granted = has_grant(&mut tx, actor.user_id, site_id).await?;
        if !authz::site_access(actor.role, granted).can_read() {
            return Err(no_site_access());
        }
        return Ok((site, false));
    }
    let plan = account_plan(&mut tx, actor.account_id).await?;
    let sites = count(
        &mut tx,
        "SELECT COUNT(*) FROM sites WHERE account_id = $1",
        &actor.account_id.to_string(),
    )
    .await?;
    if sites >= plan.max_sites {
        return Err(ServerError::Limit(format!(
            "the {} plan allows {} and this account has {sites}; move to a larger plan to add more",
            plan.name,
            plural(plan.max_sites, "site"),
        )));
    }
    sqlx::query(
        "INSERT INTO sites (id, account_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(site_id.to_string())
    .bind(actor.account_id.to_string())
    .bind(name)
    .bind(actor.user_id.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if !actor.role.sees_all_sites() {
        insert_grant(
            &mut tx,
            actor.account_id,
            actor.user_id,
            site_id,
            actor.user_id,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let site = Site {
        id: site_id,
        account_id: actor.account_id,
        name: name.to_owned(),
        created_by: actor.user_id,
        created_at: time(now)?,
    };
    Ok((site, true))
}

pub(crate) async fn sites(db: &Pool, account_id: AccountId) -> Result<Vec<Site>> {
    let rows: Vec<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites WHERE account_id = $1 ORDER BY created_at, id"
    ))
    .bind(account_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(SiteRow::into_site).collect()
}

pub(crate) async fn site(
    db: &Pool,
    account_id: AccountId,
    site_id: SiteId,
) -> Result<Option<Site>> {
    let row: Option<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites WHERE id = $1 AND account_id = $2"
    ))
    .bind(site_id.to_string())
    .bind(account_id.to_string())
    .fetch_optional(db)
    .await?;
    row.map(SiteRow::into_site).transpose()
}

pub(crate) async fn granted_sites(db: &Pool, user_id: UserId) -> Result<HashSet<SiteId>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT site_id FROM site_grants WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_all(db)
        .await?;
    rows.into_iter()
        .map(|(s,)| parse_id("site id", &s))
        .collect()
}

pub(crate) async fn site_grants(
    db: &Pool,
    account_id: AccountId,
    site_id: SiteId,
) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = sqlx::query_as(
        "SELECT g.site_id, g.user_id, u.email, u.role, g.granted_by, g.created_at
           FROM site_grants g JOIN users u ON u.id = g.user_id
          WHERE g.account_id = $1 AND g.site_id = $2
          ORDER BY g.created_at, g.user_id",
    )
    .bind(account_id.to_string())
    .bind(site_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(GrantRow::into_grant).collect()
}

pub(crate) async fn grant_site(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    email: &str,
) -> Result<(Grant, bool)> {
    authz::require_people_manager(actor)?;
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    site_in_account(&mut tx, actor.account_id, site_id).await?;
    let user: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND email = $2"
    ))
    .bind(actor.account_id.to_string())
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    let user = user.ok_or(ServerError::NotFound("user"))?.into_user()?;
    let created = insert_grant(
        &mut tx,
        actor.account_id,
        user.id,
        site_id,
        actor.user_id,
        now,
    )
    .await?;
    let row: GrantRow = sqlx::query_as(
        "SELECT g.site_id, g.user_id, u.email, u.role, g.granted_by, g.created_at
           FROM site_grants g JOIN users u ON u.id = g.user_id
          WHERE g.user_id = $1 AND g.site_id = $2",
    )
    .bind(user.id.to_string())
    .bind(site_id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((row.into_grant()?, created))
}

pub(crate) async fn revoke_grant(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    user: UserId,
) -> Result<()> {
    authz::require_people_manager(actor)?;
    let mut tx = begin_write(db).await?;
    site_in_account(&mut tx, actor.account_id, site_id).await?;
    member(&mut tx, actor.account_id, user).await?;
    sqlx::query("DELETE FROM site_grants WHERE user_id = $1 AND site_id = $2 AND account_id = $3")
        .bind(user.to_string())
        .bind(site_id.to_string())
        .bind(actor.account_id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
