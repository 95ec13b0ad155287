//! The credit ledger: every provider call writes one entry, and every balance is derived from
//! the entries.
//!
//! - **Charging.** Text: `max(base credits of the operation, ceil(tokens / tokens_per_credit))`;
//!   a failed call that used no tokens costs nothing. Images: `credits_per_image × images
//!   produced`; the operation's base credits do not apply on top. See docs/credits.md.
//! - **Balances are derived**, not stored: plan credits left = the period's allowance (kept in
//!   `credit_balances` by [`Folio::apply_subscription`]) − plan credits charged in the period;
//!   bonus left = bonus granted − bonus charged ever; a local account's budget left = budget −
//!   credits charged this calendar month (UTC). Entries other devices made merge in by sync
//!   (append-only records in the account document) and simply count.
//! - **Holds.** A call reserves its estimate first ([`Folio::reserve_credits`]): one `IMMEDIATE`
//!   write checks `left − active holds ≥ estimate` and inserts the hold, so concurrent callers on
//!   this data directory (any process) never reserve more than there is. Settling deletes the
//!   hold and writes the entry in one write; a charge beyond what is left is capped and the rest
//!   recorded as `credits_uncovered`, so no balance goes below zero.

use crate::site_settings::{now, parse_stored, ts};
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use folio_model::{
    AccountId, Affordability, AiModel, AiOperation, CallOutcome, ContentId, ContentUsage,
    CreditBalance, CreditHold, CreditHoldId, DailySiteUsage, EstimateInput, LedgerEntry,
    LedgerEntryId, ModelType, SiteId, UsageFilter, UsageGroup, UsageRecord, UsageReport, UsageRow,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// How long a hold counts. A call that takes longer still settles; a crashed process's holds
/// stop blocking new calls after this.
pub const HOLD_LIFETIME_MINUTES: i64 = 30;

/// The account setting a local account's monthly budget is kept under. It lives in
/// `account_settings` so it syncs with the account, but it is not a layered AI setting
/// ([`folio_model::SettingKey`]), whose loader skips keys it does not know.
pub const MONTHLY_BUDGET_KEY: &str = "credits.monthly_budget";

/// Kept in `local_meta` once the directory has synced (see `sync_client`).
const DEVICE_KEY: &str = "sync_device";

/// What limits spending in the current account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A server account: plan credits, then bonus credits.
    Plan,
    /// A local account with a monthly budget.
    Budget(u32),
    /// A local account without one.
    Unlimited,
}

/// The account's standing at one moment, read inside the transaction that acts on it.
#[derive(Debug)]
struct Standing {
    mode: Mode,
    plan_allowance: i64,
    plan_left: i64,
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
    fn available(&self) -> Option<i64> {
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

    fn insufficient(&self, needed: u64) -> CoreError {
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

fn int(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn uint(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// `ceil(a / b)` for b > 0.
fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

/// What a call costs, before the balance caps it.
struct Priced {
    model: AiModel,
    credits: u64,
    cost_usd: Decimal,
}

fn text_credits(model: &AiModel, base: u64, tokens: u64) -> Result<u64, CoreError> {
    let per = model.tokens_per_credit.filter(|&t| t > 0).ok_or_else(|| {
        CoreError::Corrupt(format!(
            "the text model {} has no tokens-per-credit price",
            model.model_name
        ))
    })?;
    Ok(base.max(ceil_div(tokens, u64::from(per))))
}

fn image_credits(model: &AiModel, images: u64) -> Result<u64, CoreError> {
    let per = model.credits_per_image.ok_or_else(|| {
        CoreError::Corrupt(format!(
            "the image model {} has no credits-per-image price",
            model.model_name
        ))
    })?;
    Ok(u64::from(per) * images)
}

/// Credits and USD of a finished call, from the model's prices (or the provider's cost).
fn price(model: AiModel, base: u64, r: &UsageRecord) -> Result<Priced, CoreError> {
    let thousand = Decimal::from(1000);
    let (credits, computed_cost) = match model.model_type {
        ModelType::Text => {
            let tokens = r.tokens_in.saturating_add(r.tokens_out);
            // Nothing reached the model: nothing is billed (the provider bills nothing either).
            let credits = if tokens == 0 && matches!(r.outcome, CallOutcome::Failed { .. }) {
                0
            } else {
                text_credits(&model, base, tokens)?
            };
            let cost = Decimal::from(r.tokens_in) / thousand
                * model.cost_per_1k_input.unwrap_or_default()
                + Decimal::from(r.tokens_out) / thousand
                    * model.cost_per_1k_output.unwrap_or_default();
            (credits, cost)
        }
        // Only images actually produced are charged, and the operation's base credits do not
        // come on top: a basic image costs its tier's price, not a minimum.
        ModelType::Image => (
            image_credits(&model, u64::from(r.images))?,
            Decimal::from(r.images) * model.cost_per_image.unwrap_or_default(),
        ),
    };
    Ok(Priced {
        model,
        credits,
        cost_usd: r.provider_cost_usd.unwrap_or(computed_cost).normalize(),
    })
}

#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: String,
    account_id: String,
    created_at: DateTime<Utc>,
    operation: String,
    site_id: Option<String>,
    site_name: Option<String>,
    content_id: Option<String>,
    provider: String,
    model: String,
    tokens_in: i64,
    tokens_out: i64,
    images: i64,
    cost_usd: String,
    credits: i64,
    plan_credits: i64,
    bonus_credits: i64,
    credits_uncovered: i64,
    outcome: String,
    error_kind: Option<String>,
    device_id: Option<String>,
}

const LEDGER_COLUMNS: &str =
    "id, account_id, created_at, operation, site_id, site_name, content_id,
    provider, model, tokens_in, tokens_out, images, cost_usd, credits, plan_credits, bonus_credits,
    credits_uncovered, outcome, error_kind, device_id";

impl LedgerRow {
    fn into_entry(self) -> Result<LedgerEntry, CoreError> {
        Ok(LedgerEntry {
            id: parse_stored::<LedgerEntryId>("ledger entry id", &self.id)?,
            account_id: parse_stored::<AccountId>("account id", &self.account_id)?,
            created_at: self.created_at,
            operation: parse_stored("operation", &self.operation)?,
            site_id: self
                .site_id
                .map(|s| parse_stored::<SiteId>("site id", &s))
                .transpose()?,
            site_name: self.site_name,
            content_id: self
                .content_id
                .map(|s| parse_stored::<ContentId>("content id", &s))
                .transpose()?,
            provider: self.provider,
            model: self.model,
            tokens_in: uint(self.tokens_in),
            tokens_out: uint(self.tokens_out),
            images: u32::try_from(self.images).unwrap_or(0),
            cost_usd: parse_stored("cost", &self.cost_usd)?,
            credits: uint(self.credits),
            plan_credits: uint(self.plan_credits),
            bonus_credits: uint(self.bonus_credits),
            credits_uncovered: uint(self.credits_uncovered),
            outcome: self.outcome,
            error_kind: self.error_kind,
            device_id: self.device_id,
        })
    }
}

async fn read_budget(conn: &mut SqliteConnection, account: &str) -> Result<Option<u32>, CoreError> {
    let raw: Option<(String,)> =
        sqlx::query_as("SELECT value FROM account_settings WHERE account_id = ? AND key = ?")
            .bind(account)
            .bind(MONTHLY_BUDGET_KEY)
            .fetch_optional(conn)
            .await?;
    raw.map(|(v,)| parse_stored::<u32>("monthly budget", v.trim()))
        .transpose()
}

async fn sum_credits(
    conn: &mut SqliteConnection,
    column: &str,
    account: &str,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<i64, CoreError> {
    let (from, until) = match span {
        Some((a, b)) => (Some(ts(a)), Some(ts(b))),
        None => (None, None),
    };
    let (sum,): (i64,) = sqlx::query_as(&format!(
        "SELECT COALESCE(SUM({column}), 0) FROM credit_ledger
         WHERE account_id = ?1 AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at < ?3)"
    ))
    .bind(account)
    .bind(from)
    .bind(until)
    .fetch_one(conn)
    .await?;
    Ok(sum)
}

/// `credit_balances`: allowance, bonus granted, period start and end.
type BalanceRow = (String, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Read the account's standing. Inside a write transaction this is exact (SQLite has one
/// writer, and the write took the lock before reading).
async fn standing(
    conn: &mut SqliteConnection,
    account: &str,
    at: DateTime<Utc>,
) -> Result<Standing, CoreError> {
    let (plan_id,): (Option<String>,) = sqlx::query_as("SELECT plan_id FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_one(&mut *conn)
        .await?;
    let (held,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(SUM(credits), 0) FROM credit_holds WHERE account_id = ? AND expires_at > ?",
    )
    .bind(account)
    .bind(ts(at))
    .fetch_one(&mut *conn)
    .await?;
    if plan_id.is_some() {
        let row: Option<BalanceRow> = sqlx::query_as(
            "SELECT plan_credits, bonus_credits, period_start, period_end
                 FROM credit_balances WHERE account_id = ?",
        )
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
        let (allowance, bonus, period) = match row {
            None => (0, 0, None),
            Some((allowance, bonus, start, end)) => {
                let whole = |what: &str, s: &str| -> Result<i64, CoreError> {
                    let d: Decimal = parse_stored(what, s)?;
                    Ok(d.floor().to_i64().unwrap_or(0).max(0))
                };
                (
                    whole("plan credits", &allowance)?,
                    whole("bonus credits", &bonus)?,
                    start.zip(end),
                )
            }
        };
        let plan_spent = match period {
            Some(p) => sum_credits(conn, "plan_credits", account, Some(p)).await?,
            None => 0,
        };
        let bonus_spent = sum_credits(conn, "bonus_credits", account, None).await?;
        let spent = match period {
            Some(p) => sum_credits(conn, "credits", account, Some(p)).await?,
            None => 0,
        };
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
    let spent = sum_credits(conn, "credits", account, Some(month)).await?;
    Ok(Standing {
        mode: match read_budget(conn, account).await? {
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

/// Totals of entries, for reports.
fn add(row: &mut UsageRow, e: &LedgerEntry) {
    row.calls += 1;
    row.failed += u64::from(e.outcome != "ok");
    row.tokens_in += e.tokens_in;
    row.tokens_out += e.tokens_out;
    row.images += u64::from(e.images);
    row.cost_usd += e.cost_usd;
    row.credits += e.credits;
}

fn totals<'a>(key: &str, entries: impl IntoIterator<Item = &'a LedgerEntry>) -> UsageRow {
    let mut row = UsageRow {
        key: key.into(),
        label: key.into(),
        ..Default::default()
    };
    for e in entries {
        add(&mut row, e);
    }
    row.cost_usd = row.cost_usd.normalize();
    row
}

impl Folio {
    async fn model_named(&self, name: &str) -> Result<AiModel, CoreError> {
        let models = self.ai_models().await?;
        let known: Vec<String> = models.iter().map(|m| m.model_name.clone()).collect();
        models
            .into_iter()
            .find(|m| m.model_name == name)
            .ok_or_else(|| {
                CoreError::invalid(
                    "model",
                    format!(
                        "Folio has no price for the AI model {name:?}, so the call cannot be charged; known models: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    async fn base_credits(&self, op: AiOperation) -> Result<u64, CoreError> {
        self.ensure_defaults().await?;
        let base: Option<(i64,)> =
            sqlx::query_as("SELECT base_credits FROM credit_costs WHERE operation = ?")
                .bind(op.as_str())
                .fetch_optional(&self.pool)
                .await?;
        // The seed's default minimum when an operation has no price row.
        Ok(base.map_or(1, |(b,)| uint(b)))
    }

    /// The most credits a call can cost: text by its prompt and the longest answer allowed
    /// (never less than the operation's base credits), images by the count asked for.
    pub async fn estimate_credits(
        &self,
        op: AiOperation,
        model: &str,
        input: EstimateInput,
    ) -> Result<u64, CoreError> {
        let model = self.model_named(model).await?;
        match (input, model.model_type) {
            (
                EstimateInput::Text {
                    input_tokens,
                    max_output_tokens,
                },
                ModelType::Text,
            ) => text_credits(
                &model,
                self.base_credits(op).await?,
                input_tokens.saturating_add(max_output_tokens),
            ),
            (EstimateInput::Images { count }, ModelType::Image) => {
                image_credits(&model, u64::from(count))
            }
            (_, t) => Err(CoreError::invalid(
                "model",
                format!(
                    "{} is a {t} model; estimate it with {} input",
                    model.model_name,
                    if t == ModelType::Text {
                        "text"
                    } else {
                        "image"
                    }
                ),
            )),
        }
    }

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

    /// Reserve `estimate` credits for a call about to start. Fails with
    /// [`CoreError::InsufficientCredits`] (and reserves nothing) when what is left, less the
    /// credits other calls in progress hold, does not cover it.
    pub async fn reserve_credits(
        &self,
        op: AiOperation,
        estimate: u64,
    ) -> Result<CreditHold, CoreError> {
        let account = self.account_id.to_string();
        let at = now();
        let expires_at = at + Duration::minutes(HOLD_LIFETIME_MINUTES);
        // IMMEDIATE: the write lock is taken before the balance is read, so the check and the
        // insert are one step for every process on this data directory.
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM credit_holds WHERE expires_at <= ?")
            .bind(ts(at))
            .execute(tx.conn())
            .await?;
        let s = standing(tx.conn(), &account, at).await?;
        if s.available().is_some_and(|a| a < int(estimate)) {
            return Err(s.insufficient(estimate));
        }
        let id = CreditHoldId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO credit_holds (id, account_id, operation, credits, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&account)
        .bind(op.as_str())
        .bind(int(estimate))
        .bind(ts(at))
        .bind(ts(expires_at))
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(CreditHold {
            id,
            operation: op,
            credits: estimate,
            expires_at,
        })
    }

    /// Give a hold back: the call never reached a provider. Releasing twice is harmless.
    pub async fn release_credits(&self, hold: &CreditHold) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM credit_holds WHERE id = ?")
            .bind(hold.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// End a call that held credits: the hold goes and the entry is written, in one write.
    pub async fn settle_credits(
        &self,
        hold: &CreditHold,
        record: UsageRecord,
    ) -> Result<LedgerEntry, CoreError> {
        self.write_entry(Some(hold), record).await
    }

    /// Record a call that held nothing. The call has happened, so it is always recorded; a
    /// charge beyond what is left is capped and the rest kept as `credits_uncovered`. Calls that
    /// may be refused should [`Folio::reserve_credits`] first.
    pub async fn record_usage(&self, record: UsageRecord) -> Result<LedgerEntry, CoreError> {
        self.write_entry(None, record).await
    }

    async fn write_entry(
        &self,
        hold: Option<&CreditHold>,
        record: UsageRecord,
    ) -> Result<LedgerEntry, CoreError> {
        // Prices are read before the write starts: reading them may write the shipped defaults.
        let model = self.model_named(&record.model).await?;
        let priced = price(model, self.base_credits(record.operation).await?, &record)?;
        let account = self.account_id.to_string();
        let at = now();
        let created_at = record.at.map_or(at, |t| {
            // the store's precision, so the entry returned equals the one read back
            DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
        });
        let mut tx = self.begin_write().await?;
        if let Some(hold) = hold {
            sqlx::query("DELETE FROM credit_holds WHERE id = ?")
                .bind(hold.id.to_string())
                .execute(tx.conn())
                .await?;
        }
        let s = standing(tx.conn(), &account, at).await?;
        let charged = match s.available() {
            Some(a) => priced.credits.min(uint(a)),
            None => priced.credits,
        };
        let (plan, bonus) = match s.mode {
            Mode::Plan => {
                let plan = charged.min(uint(s.plan_left));
                (plan, charged - plan)
            }
            // A local account has no pools; the budget counts `credits`.
            _ => (0, 0),
        };
        let site_name: Option<String> = match record.site {
            Some(site) => sqlx::query_as("SELECT name FROM sites WHERE id = ? AND account_id = ?")
                .bind(site.to_string())
                .bind(&account)
                .fetch_optional(tx.conn())
                .await?
                .map(|(n,): (String,)| n),
            None => None,
        };
        let device: Option<(String,)> =
            sqlx::query_as("SELECT value FROM local_meta WHERE key = ?")
                .bind(DEVICE_KEY)
                .fetch_optional(tx.conn())
                .await?;
        let provider = if record.provider.trim().is_empty() {
            priced.model.provider.clone()
        } else {
            record.provider.trim().to_string()
        };
        let entry = LedgerEntry {
            id: LedgerEntryId(Uuid::now_v7()),
            account_id: self.account_id,
            created_at,
            operation: record.operation,
            site_id: record.site,
            site_name,
            content_id: record.content,
            provider,
            model: priced.model.model_name.clone(),
            tokens_in: record.tokens_in,
            tokens_out: record.tokens_out,
            images: record.images,
            cost_usd: priced.cost_usd,
            credits: charged,
            plan_credits: plan,
            bonus_credits: bonus,
            credits_uncovered: priced.credits - charged,
            outcome: record.outcome.as_str().into(),
            error_kind: record.outcome.error_kind().map(str::to_string),
            device_id: device.map(|(d,)| d),
        };
        sqlx::query(&format!(
            "INSERT INTO credit_ledger ({LEDGER_COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(entry.id.to_string())
        .bind(&account)
        .bind(ts(entry.created_at))
        .bind(entry.operation.as_str())
        .bind(entry.site_id.map(|s| s.to_string()))
        .bind(&entry.site_name)
        .bind(entry.content_id.map(|c| c.to_string()))
        .bind(&entry.provider)
        .bind(&entry.model)
        .bind(int(entry.tokens_in))
        .bind(int(entry.tokens_out))
        .bind(i64::from(entry.images))
        .bind(entry.cost_usd.to_string())
        .bind(int(entry.credits))
        .bind(int(entry.plan_credits))
        .bind(int(entry.bonus_credits))
        .bind(int(entry.credits_uncovered))
        .bind(&entry.outcome)
        .bind(&entry.error_kind)
        .bind(&entry.device_id)
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::CreditLedger, entry.id.as_uuid());
        tx.commit().await?;
        if entry.credits_uncovered > 0 {
            tracing::warn!(
                id = %entry.id,
                uncovered = entry.credits_uncovered,
                "a call cost more credits than were left; the rest is recorded as uncovered"
            );
        }
        Ok(entry)
    }

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

    async fn entries(
        &self,
        filter: &UsageFilter,
        limit: Option<u32>,
    ) -> Result<Vec<LedgerEntry>, CoreError> {
        if let (Some(from), Some(until)) = (filter.from, filter.until) {
            if from >= until {
                return Err(CoreError::invalid(
                    "from",
                    format!(
                        "The period starts ({}) after it ends ({})",
                        ts(from),
                        ts(until)
                    ),
                ));
            }
        }
        let rows: Vec<LedgerRow> = sqlx::query_as(&format!(
            "SELECT {LEDGER_COLUMNS} FROM credit_ledger
             WHERE account_id = ?1
               AND (?2 IS NULL OR site_id = ?2) AND (?3 IS NULL OR content_id = ?3)
               AND (?4 IS NULL OR created_at >= ?4) AND (?5 IS NULL OR created_at < ?5)
             ORDER BY created_at DESC, id DESC LIMIT ?6"
        ))
        .bind(self.account_id.to_string())
        .bind(filter.site.map(|s| s.to_string()))
        .bind(filter.content.map(|c| c.to_string()))
        .bind(filter.from.map(ts))
        .bind(filter.until.map(ts))
        .bind(limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(LedgerRow::into_entry).collect()
    }

    /// Ledger entries, newest first.
    pub async fn ledger_entries(
        &self,
        filter: &UsageFilter,
        limit: u32,
    ) -> Result<Vec<LedgerEntry>, CoreError> {
        self.entries(filter, Some(limit)).await
    }

    /// Sites' names for reports: today's name, else the name the entry kept.
    async fn site_labels(&self) -> Result<HashMap<String, String>, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM sites WHERE account_id = ?")
                .bind(self.account_id.to_string())
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// The articles whose AI calls cost the most in the selection, most expensive first.
    pub async fn usage_by_content(
        &self,
        filter: &UsageFilter,
        limit: u32,
    ) -> Result<Vec<ContentUsage>, CoreError> {
        let entries = self.entries(filter, None).await?;
        let mut by_content: BTreeMap<ContentId, (Option<SiteId>, Vec<&LedgerEntry>)> =
            BTreeMap::new();
        for e in &entries {
            if let Some(content) = e.content_id {
                by_content
                    .entry(content)
                    .or_insert_with(|| (e.site_id, Vec::new()))
                    .1
                    .push(e);
            }
        }
        let mut items: Vec<ContentUsage> = by_content
            .into_iter()
            .map(|(content_id, (site_id, es))| ContentUsage {
                content_id,
                title: None,
                site_id,
                usage: totals(&content_id.to_string(), es),
            })
            .collect();
        items.sort_by(|a, b| {
            b.usage
                .cost_usd
                .cmp(&a.usage.cost_usd)
                .then(b.usage.credits.cmp(&a.usage.credits))
                .then(a.usage.key.cmp(&b.usage.key))
        });
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        for item in &mut items {
            let title: Option<(String,)> = sqlx::query_as("SELECT title FROM content WHERE id = ?")
                .bind(item.content_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
            item.usage.label = match &title {
                Some((t,)) => t.clone(),
                None => "(deleted article)".into(),
            };
            item.title = title.map(|(t,)| t);
        }
        Ok(items)
    }

    /// Usage totals grouped by operation, model, site, month or day.
    pub async fn usage_report(
        &self,
        filter: &UsageFilter,
        group_by: UsageGroup,
    ) -> Result<UsageReport, CoreError> {
        let entries = self.entries(filter, None).await?;
        let names = self.site_labels().await?;
        let mut groups: BTreeMap<String, (String, Vec<&LedgerEntry>)> = BTreeMap::new();
        for e in &entries {
            let (key, label) = match group_by {
                UsageGroup::Operation => {
                    (e.operation.as_str().to_string(), e.operation.to_string())
                }
                UsageGroup::Model => (e.model.clone(), e.model.clone()),
                UsageGroup::Site => site_key(e, &names),
                UsageGroup::Month => {
                    let k = e.created_at.format("%Y-%m").to_string();
                    (k.clone(), k)
                }
                UsageGroup::Day => {
                    let k = e.created_at.format("%Y-%m-%d").to_string();
                    (k.clone(), k)
                }
            };
            groups
                .entry(key)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push(e);
        }
        let mut rows: Vec<UsageRow> = groups
            .into_iter()
            .map(|(key, (label, es))| UsageRow {
                label,
                ..totals(&key, es)
            })
            .collect();
        // Time reads in order; everything else most expensive first.
        if !matches!(group_by, UsageGroup::Month | UsageGroup::Day) {
            rows.sort_by(|a, b| {
                b.cost_usd
                    .cmp(&a.cost_usd)
                    .then(b.credits.cmp(&a.credits))
                    .then(a.key.cmp(&b.key))
            });
        }
        Ok(UsageReport {
            group_by,
            filter: filter.clone(),
            rows,
            totals: totals("total", &entries),
        })
    }

    /// Cost per day and site, for the usage chart (days in order).
    pub async fn usage_by_day_and_site(
        &self,
        filter: &UsageFilter,
    ) -> Result<Vec<DailySiteUsage>, CoreError> {
        let entries = self.entries(filter, None).await?;
        let names = self.site_labels().await?;
        let mut cells: BTreeMap<(String, String), DailySiteUsage> = BTreeMap::new();
        for e in &entries {
            let day = e.created_at.format("%Y-%m-%d").to_string();
            let (key, label) = site_key(e, &names);
            let cell = cells
                .entry((day.clone(), key))
                .or_insert_with(|| DailySiteUsage {
                    day,
                    site_id: e.site_id,
                    site_label: label,
                    cost_usd: Decimal::ZERO,
                    credits: 0,
                });
            cell.cost_usd += e.cost_usd;
            cell.credits += e.credits;
        }
        Ok(cells
            .into_values()
            .map(|mut c| {
                c.cost_usd = c.cost_usd.normalize();
                c
            })
            .collect())
    }

    /// What an article has cost so far, every call for it counted.
    pub async fn content_cost(&self, content: ContentId) -> Result<UsageRow, CoreError> {
        let filter = UsageFilter {
            content: Some(content),
            ..Default::default()
        };
        let entries = self.entries(&filter, None).await?;
        Ok(totals(&content.to_string(), &entries))
    }
}

fn site_key(e: &LedgerEntry, names: &HashMap<String, String>) -> (String, String) {
    match e.site_id {
        None => (String::new(), "(no site)".into()),
        Some(site) => {
            let key = site.to_string();
            let label = names
                .get(&key)
                .cloned()
                .or_else(|| e.site_name.as_ref().map(|n| format!("{n} (deleted)")))
                .unwrap_or_else(|| format!("{key} (deleted)"));
            (key, label)
        }
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

    #[test]
    fn ceil_division() {
        assert_eq!(ceil_div(0, 1000), 0);
        assert_eq!(ceil_div(1, 1000), 1);
        assert_eq!(ceil_div(1000, 1000), 1);
        assert_eq!(ceil_div(1001, 1000), 2);
    }
}
