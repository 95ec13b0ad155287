//! Answers kept with their ledger entry (`write_checkpoints`): a call's validated answer is
//! written in the same transaction as the call's charge, so a process stopped between paying
//! and saving the item's output (a `kill -9`, a crash) finds the answer on the next run and
//! saves it instead of asking — and paying — again. The item's save removes it.

use crate::ai::calls::KeepAnswer;
use crate::{CoreError, Folio};
use serde::de::DeserializeOwned;

/// The answer kept for `keep`, if any. A damaged one counts as missing (asked again).
pub(crate) async fn kept<T: DeserializeOwned>(
    folio: &Folio,
    keep: &KeepAnswer,
) -> Result<Option<T>, CoreError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM write_checkpoints WHERE item = ? AND part = ?")
            .bind(&keep.item)
            .bind(&keep.part)
            .fetch_optional(&folio.pool)
            .await?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

/// Remove the kept answer, inside the write that saved the item.
pub(crate) async fn forget(
    conn: &mut sqlx::SqliteConnection,
    keep: &KeepAnswer,
) -> Result<(), CoreError> {
    sqlx::query("DELETE FROM write_checkpoints WHERE item = ? AND part = ?")
        .bind(&keep.item)
        .bind(&keep.part)
        .execute(conn)
        .await?;
    Ok(())
}
