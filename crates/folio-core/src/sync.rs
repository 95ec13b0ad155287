//! The device side of sync: an account on a Folio sync server, and the loop that keeps this
//! data directory's documents in sync with it (docs/local-first.md).
//!
//! - `account_register` / `account_login` talk to the server's HTTP API; the refresh token goes
//!   to the OS keychain ([`crate::keychain`]), everything else about the session (server URL,
//!   email, ids — no secret) to `local_meta` ([`session`]).
//! - A sync round registers this device's sites and documents, lists every document the user may
//!   see, subscribes to all of them over `GET /v1/sync`, and exchanges Automerge sync messages until
//!   every document is in sync. A remote change is applied, saved, re-projected (only the records
//!   it touched) and its sync state kept — in one write, so a crash never half-applies it.
//! - Watch mode keeps the socket open, offers local edits as they are committed (by this process
//!   or another one on the same data directory) and reconnects with capped backoff.
//!
//! [`session`] keeps the account, [`round`] runs the exchange, [`documents`] applies what
//! arrives and [`server_api`] is the HTTP client.

pub mod account_switch;
pub mod documents;
pub mod round;
pub mod server_api;
pub mod session;
pub mod transport;
