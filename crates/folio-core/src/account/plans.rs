//! The account itself, its plan and subscription (server accounts only).

use crate::store::db::{not_found, now, parse_stored, ts};
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{Account, Plan, PlanLimits, Subscription, SubscriptionId, SubscriptionStatus};
use rust_decimal::Decimal;
use sqlx::SqliteConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: String,
    name: String,
    included_credits: i64,
    max_sites: i64,
    max_users: i64,
    max_keywords: i64,
    price_monthly: String,
    is_active: bool,
}

impl PlanRow {
    fn into_plan(self) -> Result<Plan, CoreError> {
        let n =
            |v: i64| u32::try_from(v).map_err(|_| CoreError::Corrupt(format!("plan number {v}")));
        Ok(Plan {
            included_credits: n(self.included_credits)?,
            max_sites: n(self.max_sites)?,
            max_users: n(self.max_users)?,
            max_keywords: n(self.max_keywords)?,
            price_monthly: parse_stored::<Decimal>("price", &self.price_monthly)?,
            id: self.id,
            name: self.name,
            is_active: self.is_active,
        })
    }
}

const PLAN_COLUMNS: &str =
    "id, name, included_credits, max_sites, max_users, max_keywords, price_monthly, is_active";

pub(crate) async fn read_plan_limits(
    conn: &mut SqliteConnection,
    account: &str,
) -> Result<Option<PlanLimits>, CoreError> {
    let row: Option<PlanRow> = sqlx::query_as(
        "SELECT p.id, p.name, p.included_credits, p.max_sites, p.max_users, p.max_keywords,
                p.price_monthly, p.is_active
         FROM plans p JOIN accounts a ON a.plan_id = p.id WHERE a.id = ?",
    )
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let p = r.into_plan()?;
        Ok(PlanLimits {
            plan_id: p.id,
            plan_name: p.name,
            included_credits: p.included_credits,
            max_sites: p.max_sites,
            max_users: p.max_users,
            max_keywords: p.max_keywords,
        })
    })
    .transpose()
}

impl Folio {
    pub async fn account(&self) -> Result<Account, CoreError> {
        #[derive(sqlx::FromRow)]
        struct AccountRow {
            id: String,
            name: String,
            plan_id: Option<String>,
            is_active: bool,
            created_at: DateTime<Utc>,
        }
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, name, plan_id, is_active, created_at FROM accounts WHERE id = ?",
        )
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let r = row.ok_or_else(|| not_found(format!("account {}", self.account_id)))?;
        Ok(Account {
            id: parse_stored("account id", &r.id)?,
            name: r.name,
            plan_id: r.plan_id,
            is_active: r.is_active,
            created_at: r.created_at,
        })
    }

    /// The hard limits of the account's plan; `None` for a purely local account, which has no
    /// plan and so no limits.
    pub async fn plan_limits(&self) -> Result<Option<PlanLimits>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_plan_limits(&mut conn, &self.account_id.to_string()).await
    }

    /// Every plan Folio knows, cheapest first.
    pub async fn plans(&self) -> Result<Vec<Plan>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<PlanRow> = sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans ORDER BY CAST(price_monthly AS REAL), included_credits"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PlanRow::into_plan).collect()
    }

    /// Bind the account to a plan for a billing period, as the sync server reports it. The
    /// period's allowance is the plan's credits (none while a renewal is unpaid); what is left of
    /// it is derived from the ledger entries in the period ([`Folio::credit_balance`]), so a new
    /// period starts full. Bonus credits are kept.
    pub async fn apply_subscription(
        &self,
        plan_id: &str,
        status: SubscriptionStatus,
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
    ) -> Result<Subscription, CoreError> {
        self.ensure_defaults().await?;
        if period_end <= period_start {
            return Err(CoreError::invalid(
                "period",
                "A subscription period must end after it starts",
            ));
        }
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let plan: Option<PlanRow> =
            sqlx::query_as(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?"))
                .bind(plan_id)
                .fetch_optional(tx.conn())
                .await?;
        let plan = plan
            .ok_or_else(|| not_found(format!("plan {plan_id:?}")))?
            .into_plan()?;
        let at = ts(now());
        let id = SubscriptionId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO subscriptions (id, account_id, plan_id, status, current_period_start,
                 current_period_end, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET plan_id = excluded.plan_id,
                 status = excluded.status, current_period_start = excluded.current_period_start,
                 current_period_end = excluded.current_period_end, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(&account)
        .bind(&plan.id)
        .bind(status.as_str())
        .bind(ts(period_start))
        .bind(ts(period_end))
        .bind(&at)
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE accounts SET plan_id = ? WHERE id = ?")
            .bind(&plan.id)
            .bind(&account)
            .execute(tx.conn())
            .await?;
        // an unpaid renewal withholds plan credits until payment; the column holds the period's
        // allowance, not what is left of it (see crate::credits)
        let plan_credits = match status {
            SubscriptionStatus::Active => Decimal::from(plan.included_credits),
            SubscriptionStatus::PastDue | SubscriptionStatus::Canceled => Decimal::ZERO,
        };
        sqlx::query(
            "INSERT INTO credit_balances (account_id, plan_credits, period_start, period_end, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET plan_credits = excluded.plan_credits,
                 period_start = excluded.period_start, period_end = excluded.period_end,
                 updated_at = excluded.updated_at",
        )
        .bind(&account)
        .bind(plan_credits.to_string())
        .bind(ts(period_start))
        .bind(ts(period_end))
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        self.subscription()
            .await?
            .ok_or_else(|| CoreError::Internal("subscription vanished while saving".into()))
    }

    /// The account's subscription; `None` for a local account.
    pub async fn subscription(&self) -> Result<Option<Subscription>, CoreError> {
        #[derive(sqlx::FromRow)]
        struct SubscriptionRow {
            id: String,
            plan_id: String,
            status: String,
            current_period_start: DateTime<Utc>,
            current_period_end: DateTime<Utc>,
        }
        let row: Option<SubscriptionRow> = sqlx::query_as(
            "SELECT id, plan_id, status, current_period_start, current_period_end
             FROM subscriptions WHERE account_id = ?",
        )
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Subscription {
                id: parse_stored("subscription id", &r.id)?,
                account_id: self.account_id,
                plan_id: r.plan_id,
                status: parse_stored("subscription status", &r.status)?,
                current_period_start: r.current_period_start,
                current_period_end: r.current_period_end,
            })
        })
        .transpose()
    }
}
