//! The credit ledger: every provider call writes one entry, and every balance is derived from
//! the entries.
//!
//! - **Charging** ([`pricing`]). Text: `max(base credits of the operation, ceil(tokens /
//!   tokens_per_credit))`; a failed call that used no tokens costs nothing. Images:
//!   `credits_per_image × images produced`; the operation's base credits do not apply on top. See
//!   docs/credits.md.
//! - **Balances are derived** ([`balance`]), not stored: plan credits left = the period's allowance
//!   (kept in `credit_balances` by [`Folio::apply_subscription`](crate::Folio::apply_subscription))
//!   − plan credits charged in the period; bonus left = bonus granted − bonus charged ever; a local
//!   account's budget left = budget − credits charged this calendar month (UTC). Entries other
//!   devices made merge in by sync (append-only records in the account document) and simply count.
//! - **Holds** ([`holds`]). A call reserves its estimate first: one `IMMEDIATE` write checks `left −
//!   active holds ≥ estimate` and inserts the hold, so concurrent callers on this data directory (any
//!   process) never reserve more than there is. Settling deletes the hold and writes the entry
//!   ([`entries`]) in one write; a charge beyond what is left is capped and the rest recorded as
//!   `credits_uncovered`, so no balance goes below zero.
//! - **Reports** ([`reports`]) group the entries for the Usage page and `folio usage`.

pub mod balance;
pub mod entries;
pub mod holds;
pub mod pricing;
pub mod reports;
