//! Folio's WordPress REST client: discovery from any site address, application-password login,
//! posts, media, categories and tags, the site structure Folio caches, and the site doctor.
//! See docs/wordpress.md.

// WpError carries WordPress's code, message and parameters by value so callers can match on
// them; boxing it would complicate every caller for a few bytes per error.
#![allow(clippy::result_large_err)]

mod authorize;
mod client;
mod discovery;
mod doctor;
mod error;
mod html;
mod media;
mod origin;
mod posts;
mod rest_url;
mod site;
mod terms;

pub use authorize::{AuthorizedLogin, PendingAuthorization};
pub use client::{ClientOptions, Credentials, WpClient, DEFAULT_MAX_BODY_BYTES};
pub use doctor::doctor;
pub use error::{WpError, WpErrorKind};
pub use media::{MediaUpload, WpMedia};
pub use origin::{is_loopback, origin_of};
pub use posts::{PostFields, WpPost};
pub use site::{SiteIndex, WpUser, KNOWN_SEO_META_KEYS};
pub use terms::{Taxonomy, WpTerm};
