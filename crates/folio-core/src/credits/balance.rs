//! Balances, derived from the ledger rather than stored: plan credits left in the period, bonus
//! left, a local account's monthly budget; what limits spending now and whether an estimate is
//! affordable.

use crate::credits::pricing::uint;
use crate::store::db::{now, parse_stored, ts};
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use folio_model::{Affordability, CreditBalance};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use sqlx::SqliteConnection;

/// The account setting a local account's monthly budget is kept under. It lives in
/// `account_settings` so it syncs with the account, but it is not a layered AI setting
/// ([`folio_model::SettingKey`]), whose loader skips keys it does not know.
pub const MONTHLY_BUDGET_KEY: &str = "credits.monthly_budget";

/// What limits spending in the current account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A server account: plan credits, then bonus credits.
    Plan,
    /// A local account with a monthly budget.
    Budget(u32),
    /// A local account without one.
    Unlimited,
}

/// The account's standing at one moment, read inside the transaction that acts on it.
#[derive(Debug)]
pub(crate) struct Standing {
    pub(crate) mode: Mode,
    plan_allowance: i64,
    pub(crate) plan_left: i64,
    bonus_left: i64,
    /// Credits charged in the plan period (server) or calendar month (local).
    spent: i64,
    held: i64,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Standing {
    /// What the pools (or the budget) still hold, before holds; `None`: no limit.
    fn left(&self) -> Option<i64> {
        match self.mode {
            Mode::Plan => Some(self.plan_left + self.bonus_left),
            Mode::Budget(budget) => Some((i64::from(budget) - self.spent).max(0)),
            Mode::Unlimited => None,
        }
    }

    /// What a new call may reserve: what is left less the active holds.
    pub(crate) fn available(&self) -> Option<i64> {
        self.left().map(|l| (l - self.held).max(0))
    }

    fn balance(&self) -> CreditBalance {
        let (plan, bonus) = match self.mode {
            Mode::Plan => (self.plan_left, self.bonus_left),
            _ => (0, 0),
        };
        CreditBalance {
            plan_credits: Decimal::from(plan),
            bonus_credits: Decimal::from(bonus),
            period_start: self.period.map(|p| p.0),
            period_end: self.period.map(|p| p.1),
            plan_allowance: Decimal::from(self.plan_allowance),
            spent_this_period: Decimal::from(self.spent),
            monthly_budget: match self.mode {
                Mode::Budget(b) => Some(b),
                _ => None,
            },
            held: Decimal::from(self.held),
            unlimited: self.mode == Mode::Unlimited,
        }
    }

    pub(crate) fn insufficient(&self, needed: u64) -> CoreError {
        let available = u64::try_from(self.available().unwrap_or(0)).unwrap_or(0);
        let held = if self.held > 0 {
            format!(", {} held by calls in progress", self.held)
        } else {
            String::new()
        };
        let (detail, hint) = match self.mode {
            Mode::Budget(budget) => (
                format!("of this month's budget of {budget}, {} spent{held}", self.spent),
                "raise the budget (folio credits budget set N) or clear it (folio credits budget clear)"
                    .to_string(),
            ),
            _ => (
                format!("{} plan, {} bonus{held}", self.plan_left, self.bonus_left),
                match self.period {
                    Some((_, end)) => format!(
                        "buy a credit package, or wait for the plan's credits to renew on {}",
                        end.format("%Y-%m-%d")
                    ),
                    None => "buy a credit package or choose a plan with more credits".into(),
                },
            ),
        };
        CoreError::InsufficientCredits {
            needed,
            available,
            detail,
            hint,
        }
    }
}

/// The first instant of the calendar month (UTC) `at` falls in, and of the next one.
pub fn month_bounds(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or_default();
    let next = if at.month() == 12 {
        NaiveDate::from_ymd_opt(at.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(at.year(), at.month() + 1, 1)
    }
    .unwrap_or_default();
    let midnight =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    (midnight(start), midnight(next))
}

async fn read_budget(conn: &mut SqliteConnection, account: &str) -> Result<Option<u32>, CoreError> {
    let raw: Option<(String,)> =
        sqlx::query_as("SELECT value FROM account_settings WHERE account_id = ? AND key = ?")
            .bind(account)
            .bind(MONTHLY_BUDGET_KEY)
            .fetch_optional(conn)
            .await?;
    parse_budget(raw.map(|(v,)| v))
}

fn parse_budget(raw: Option<String>) -> Result<Option<u32>, CoreError> {
    raw.map(|v| parse_stored::<u32>("monthly budget", v.trim()))
        .transpose()
}

/// What one read of the account gives: its plan, the credits held, a local account's budget and
/// a server account's `credit_balances` row (allowance, bonus granted, period start and end).
#[derive(sqlx::FromRow)]
struct AccountRow {
    plan_id: Option<String>,
    held: i64,
    budget: Option<String>,
    plan_credits: Option<String>,
    bonus_credits: Option<String>,
    period_start: Option<DateTime<Utc>>,
    period_end: Option<DateTime<Utc>>,
}

/// Read the account's standing. Inside a write transaction this is exact (SQLite has one
/// writer, and the write took the lock before reading). Two statements, whatever the mode: it
/// runs inside every paid call's ledger write.
pub(crate) async fn standing(
    conn: &mut SqliteConnection,
    account: &str,
    at: DateTime<Utc>,
) -> Result<Standing, CoreError> {
    let row: AccountRow = sqlx::query_as(
        "SELECT a.plan_id,
                (SELECT COALESCE(SUM(credits), 0) FROM credit_holds
                  WHERE account_id = a.id AND expires_at > ?2) AS held,
                (SELECT value FROM account_settings WHERE account_id = a.id AND key = ?3) AS budget,
                b.plan_credits, b.bonus_credits, b.period_start, b.period_end
           FROM accounts a LEFT JOIN credit_balances b ON b.account_id = a.id
          WHERE a.id = ?1",
    )
    .bind(account)
    .bind(ts(at))
    .bind(MONTHLY_BUDGET_KEY)
    .fetch_one(&mut *conn)
    .await?;
    let held = row.held;
    if row.plan_id.is_some() {
        let (allowance, bonus, period) = match (row.plan_credits, row.bonus_credits) {
            (Some(allowance), Some(bonus)) => {
                let whole = |what: &str, s: &str| -> Result<i64, CoreError> {
                    let d: Decimal = parse_stored(what, s)?;
                    Ok(d.floor().to_i64().unwrap_or(0).max(0))
                };
                (
                    whole("plan credits", &allowance)?,
                    whole("bonus credits", &bonus)?,
                    row.period_start.zip(row.period_end),
                )
            }
            _ => (0, 0, None),
        };
        // Plan credits and all credits charged in the period, bonus credits ever: one pass.
        let (from, until) = match period {
            Some((a, b)) => (Some(ts(a)), Some(ts(b))),
            None => (None, None),
        };
        let (plan_spent, spent, bonus_spent): (i64, i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN ?2 IS NOT NULL AND created_at >= ?2 AND created_at < ?3
                                      THEN plan_credits END), 0),
                    COALESCE(SUM(CASE WHEN ?2 IS NOT NULL AND created_at >= ?2 AND created_at < ?3
                                      THEN credits END), 0),
                    COALESCE(SUM(bonus_credits), 0)
               FROM credit_ledger WHERE account_id = ?1",
        )
        .bind(account)
        .bind(from)
        .bind(until)
        .fetch_one(&mut *conn)
        .await?;
        // Each pool stops at zero: two offline devices can both spend the last credits, and the
        // merged ledger then says so (see docs/credits.md) without a pool going negative.
        return Ok(Standing {
            mode: Mode::Plan,
            plan_allowance: allowance,
            plan_left: (allowance - plan_spent).max(0),
            bonus_left: (bonus - bonus_spent).max(0),
            spent,
            held,
            period,
        });
    }
    let month = month_bounds(at);
    let (spent,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(SUM(credits), 0) FROM credit_ledger
         WHERE account_id = ?1 AND created_at >= ?2 AND created_at < ?3",
    )
    .bind(account)
    .bind(ts(month.0))
    .bind(ts(month.1))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Standing {
        mode: match parse_budget(row.budget)? {
            Some(b) => Mode::Budget(b),
            None => Mode::Unlimited,
        },
        plan_allowance: 0,
        plan_left: 0,
        bonus_left: 0,
        spent,
        held,
        period: Some(month),
    })
}

impl Folio {
    /// Whether what can be spent now covers `estimate × factor` (automation asks for 1.2×
    /// before a run starts).
    pub async fn can_afford(
        &self,
        estimate: u64,
        factor: Decimal,
    ) -> Result<Affordability, CoreError> {
        if factor < Decimal::ZERO {
            return Err(CoreError::invalid(
                "factor",
                "The factor cannot be negative",
            ));
        }
        let needed = (Decimal::from(estimate) * factor)
            .ceil()
            .to_u64()
            .unwrap_or(u64::MAX);
        let mut conn = self.pool.acquire().await?;
        let s = standing(&mut conn, &self.account_id.to_string(), now()).await?;
        let available = s.available().map(uint);
        Ok(Affordability {
            needed,
            available,
            ok: available.is_none_or(|a| a >= needed),
        })
    }

    /// What the account can still spend, derived from the ledger (and this device's holds).
    pub async fn credit_balance(&self) -> Result<CreditBalance, CoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(standing(&mut conn, &self.account_id.to_string(), now())
            .await?
            .balance())
    }
}

impl Folio {
    /// A local account's monthly budget in credits; `None`: no limit.
    pub async fn monthly_budget(&self) -> Result<Option<u32>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_budget(&mut conn, &self.account_id.to_string()).await
    }

    /// Set (or with `None` clear) a local account's monthly budget. A server account's credits
    /// come from its plan, so it has no budget.
    pub async fn set_monthly_budget(&self, budget: Option<u32>) -> Result<Option<u32>, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let (plan,): (Option<String>,) =
            sqlx::query_as("SELECT plan_id FROM accounts WHERE id = ?")
                .bind(&account)
                .fetch_one(tx.conn())
                .await?;
        if let Some(plan) = plan {
            return Err(CoreError::invalid(
                "budget",
                format!(
                    "This account is on the {plan} plan: its credits come from the plan (and bonus packages), so a monthly budget applies only to a local account"
                ),
            ));
        }
        match budget {
            Some(b) => {
                sqlx::query(
                    "INSERT INTO account_settings (account_id, key, value, updated_at) VALUES (?, ?, ?, ?)
                     ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value,
                         updated_at = excluded.updated_at",
                )
                .bind(&account)
                .bind(MONTHLY_BUDGET_KEY)
                .bind(b.to_string())
                .bind(ts(now()))
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM account_settings WHERE account_id = ? AND key = ?")
                    .bind(&account)
                    .bind(MONTHLY_BUDGET_KEY)
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.touch(Entity::AccountSettings, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(budget)
    }

    /// Bonus credits granted to a server account in all (bought packages), as the server
    /// reports them. What is left is derived: granted − bonus credits charged.
    pub async fn apply_bonus_credits(&self, granted: u32) -> Result<CreditBalance, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE credit_balances SET bonus_credits = ?, updated_at = ? WHERE account_id = ?",
        )
        .bind(granted.to_string())
        .bind(ts(now()))
        .bind(&account)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(CoreError::invalid(
                "bonus",
                "Bonus credits come with a server account's plan; this account has none",
            ));
        }
        tx.commit().await?;
        self.credit_balance().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds_cross_the_year() {
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap();
        let (start, end) = month_bounds(at);
        assert_eq!(ts(start), "2025-12-01T00:00:00.000000Z");
        assert_eq!(ts(end), "2026-01-01T00:00:00.000000Z");
    }
}
