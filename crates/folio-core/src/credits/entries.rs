//! Ledger entries: one per provider call, written with the credits it cost (capped at what is
//! left, the rest recorded as uncovered), and read back.

use crate::ai::calls::KeptAnswer;
use crate::credits::balance::{standing, Mode};
use crate::credits::holds::HoldUse;
use crate::credits::pricing::{int, price, uint};
use crate::store::db::{now, parse_stored, ts};
use crate::store::local_meta::DEVICE_KEY;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    AccountId, AiModel, ContentId, LedgerEntry, LedgerEntryId, SiteId, UsageFilter, UsageRecord,
};
use uuid::Uuid;

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

impl Folio {
    /// Record a call that held nothing. The call has happened, so it is always recorded; a
    /// charge beyond what is left is capped and the rest kept as `credits_uncovered`. Calls that
    /// may be refused should [`Folio::reserve_credits`] first.
    pub async fn record_usage(&self, record: UsageRecord) -> Result<LedgerEntry, CoreError> {
        self.write_entry(None, record).await
    }

    pub(crate) async fn write_entry(
        &self,
        hold: Option<HoldUse<'_>>,
        record: UsageRecord,
    ) -> Result<LedgerEntry, CoreError> {
        // Prices are read before the write starts: reading them may write the shipped defaults.
        let model = self.model_named(&record.model).await?;
        let base = self.base_credits(record.operation).await?;
        self.write_priced_entry(hold, record, model, base, None)
            .await
    }

    /// [`Folio::write_entry`] with the call's model (its prices) and its operation's base
    /// credits at hand, as a run that read them once passes them.
    pub(crate) async fn write_priced_entry(
        &self,
        hold: Option<HoldUse<'_>>,
        record: UsageRecord,
        model: AiModel,
        base: u64,
        kept: Option<&KeptAnswer<'_>>,
    ) -> Result<LedgerEntry, CoreError> {
        let priced = price(model, base, &record)?;
        let account = self.account_id.to_string();
        let at = now();
        let created_at = record.at.map_or(at, |t| {
            // the store's precision, so the entry returned equals the one read back
            DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
        });
        let mut tx = self.begin_write().await?;
        if let Some(hold) = hold {
            hold.apply(tx.conn()).await?;
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
        let provider = if record.provider.trim().is_empty() {
            priced.model.provider.clone()
        } else {
            record.provider.trim().to_string()
        };
        let mut entry = LedgerEntry {
            id: LedgerEntryId(Uuid::now_v7()),
            account_id: self.account_id,
            created_at,
            operation: record.operation,
            site_id: record.site,
            // both filled in by the insert, from the site and this device
            site_name: None,
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
            device_id: None,
        };
        // The site's name and this device's id are read by the insert itself (one statement:
        // this runs in every paid call's write).
        let (site_name, device_id): (Option<String>, Option<String>) = sqlx::query_as(&format!(
            "INSERT INTO credit_ledger ({LEDGER_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5,
                     (SELECT name FROM sites WHERE id = ?5 AND account_id = ?2),
                     ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                     (SELECT value FROM local_meta WHERE key = ?19))
             RETURNING site_name, device_id"
        ))
        .bind(entry.id.to_string())
        .bind(&account)
        .bind(ts(entry.created_at))
        .bind(entry.operation.as_str())
        .bind(entry.site_id.map(|s| s.to_string()))
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
        .bind(DEVICE_KEY)
        .fetch_one(tx.conn())
        .await?;
        entry.site_name = site_name;
        entry.device_id = device_id;
        if let Some(kept) = kept {
            kept.save(tx.conn()).await?;
        }
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
}

impl Folio {
    pub(crate) async fn entries(
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
}
