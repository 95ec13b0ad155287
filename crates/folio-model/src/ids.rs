//! Typed ids. Every synced record has a UUIDv7 created on the device that creates it; the type
//! wrappers keep a site id from being passed where a sector id is expected.

/// Declares a typed UUID id. The one id macro of the model: the ids below and those declared
/// next to the records only one module knows about (subscriptions, ledger entries…).
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(u: uuid::Uuid) -> Self {
                Self(u)
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// An account: the owner of sites, people, settings and credits.
    AccountId
);
id_type!(
    /// A WordPress site managed in Folio.
    SiteId
);
id_type!(
    /// A sector (topic area) of a site.
    SectorId
);
id_type!(
    /// A keyword of a site and sector.
    KeywordId
);
id_type!(
    /// A keyword cluster.
    ClusterId
);
id_type!(
    /// A content idea.
    IdeaId
);
id_type!(
    /// A writing task.
    TaskId
);
id_type!(
    /// A piece of content (an article).
    ContentId
);
id_type!(
    /// An image of a piece of content.
    ImageId
);
id_type!(
    /// A person in an account.
    UserId
);
id_type!(
    /// A category or tag of a site.
    TermId
);
id_type!(
    /// A keyword import (one file brought in).
    ImportId
);
