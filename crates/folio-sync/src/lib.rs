//! Folio's replication layer, shared by the desktop core and the sync server.
//!
//! - [`doc_id`]: the names of the bounded documents an account's data lives in (DESIGN §3).
//! - [`frame`]: the binary frames client and server exchange over the WebSocket.

pub mod doc_id;
pub mod frame;

pub use doc_id::{DocId, DocKind, KEYWORD_BUCKETS};
pub use frame::{Frame, FrameError, Refusal, MAX_FRAME_BYTES};
