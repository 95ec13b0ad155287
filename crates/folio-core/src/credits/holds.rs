//! Holds: a call reserves its estimate first in one `IMMEDIATE` write, so concurrent callers on
//! this data directory (any process) never reserve more than there is; settling deletes the hold and
//! writes the entry in one write.

use crate::credits::balance::standing;
use crate::credits::pricing::int;
use crate::store::db::{now, ts};
use crate::{CoreError, Folio};
use chrono::Duration;
use folio_model::{AiOperation, CreditHold, CreditHoldId, LedgerEntry, UsageRecord};
use uuid::Uuid;

/// How long a hold counts. A call that takes longer still settles; a crashed process's holds
/// stop blocking new calls after this.
pub const HOLD_LIFETIME_MINUTES: i64 = 30;

/// What a ledger entry does to the hold its call went out under.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HoldUse<'a> {
    /// The call held its own credits: the entry ends the hold.
    Settle(&'a CreditHold),
    /// The call drew this many credits from its item's hold: the rest stays held for the
    /// item's next calls, alive for another [`HOLD_LIFETIME_MINUTES`].
    Draw(&'a CreditHold, u64),
}

impl HoldUse<'_> {
    /// Apply it inside the entry's write, before the balance is read.
    pub(crate) async fn apply(&self, conn: &mut sqlx::SqliteConnection) -> Result<(), CoreError> {
        match self {
            HoldUse::Settle(hold) => {
                sqlx::query("DELETE FROM credit_holds WHERE id = ?")
                    .bind(hold.id.to_string())
                    .execute(conn)
                    .await?;
            }
            HoldUse::Draw(hold, credits) => {
                sqlx::query(
                    "UPDATE credit_holds SET credits = MAX(credits - ?, 0), expires_at = ? WHERE id = ?",
                )
                .bind(int(*credits))
                .bind(ts(now() + Duration::minutes(HOLD_LIFETIME_MINUTES)))
                .bind(hold.id.to_string())
                .execute(conn)
                .await?;
            }
        }
        Ok(())
    }
}

impl Folio {
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
        self.write_entry(Some(HoldUse::Settle(hold)), record).await
    }
}
