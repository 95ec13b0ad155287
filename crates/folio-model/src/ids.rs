//! Typed ids. Every synced record has a UUIDv7 created on the device that creates it; the type
//! wrappers keep a site id from being passed where a sector id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

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
