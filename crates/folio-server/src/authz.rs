//! Who may do what. Every rule is a pure function here; the HTTP routes and (next) the sync socket
//! call them with facts read from the database at the moment of the call, never with facts
//! cached on a connection — so a role change, a removal or a revoked site grant applies to the
//! very next request or sync message.
//!
//! The model (DESIGN §3, the seed's roles and SiteUserAccess):
//! - nothing crosses accounts: a user of another account has no access to anything, and is told
//!   "not found" rather than "forbidden";
//! - owners and admins read and write every document of their account;
//! - editors and viewers see account-level documents and the documents of sites granted to them;
//! - viewers never write.

use crate::model::Principal;
use crate::store::ServerStore;
use crate::ServerError;
use folio_model::{AccountId, Role, SiteId, UserId};
use folio_sync::DocId;

/// What a user may do with one document (or site).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    None,
    Read,
    Write,
}

impl Access {
    pub fn can_read(self) -> bool {
        self >= Access::Read
    }

    pub fn can_write(self) -> bool {
        self == Access::Write
    }
}

/// Where a document lives, as the server's `docs` table records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocPlacement {
    pub account_id: AccountId,
    /// `None` for an account-level document.
    pub site_id: Option<SiteId>,
}

/// The one rule for sites: owners and admins everywhere; editors and viewers where granted.
pub fn site_access(role: Role, granted: bool) -> Access {
    match role {
        Role::Owner | Role::Admin => Access::Write,
        Role::Editor if granted => Access::Write,
        Role::Viewer if granted => Access::Read,
        Role::Editor | Role::Viewer => Access::None,
    }
}

/// The one rule for documents. `site_granted` says whether the user holds a grant for the
/// document's site (ignored for account-level documents).
pub fn doc_access(
    role: Role,
    user_account: AccountId,
    doc: DocPlacement,
    site_granted: bool,
) -> Access {
    if doc.account_id != user_account {
        return Access::None;
    }
    match doc.site_id {
        Some(_) => site_access(role, site_granted),
        None => match role {
            Role::Viewer => Access::Read,
            Role::Owner | Role::Admin | Role::Editor => Access::Write,
        },
    }
}

/// The access `user` has to `doc` right now: one query joining the user, the document and the
/// grant. Unknown users and unregistered documents have no access (the socket never creates
/// documents).
pub async fn doc_access_now(
    store: &ServerStore,
    user: UserId,
    doc: &DocId,
) -> Result<Access, ServerError> {
    Ok(match store.doc_access_facts(user, doc).await? {
        Some(f) => doc_access(f.role, f.user_account, f.doc, f.site_granted),
        None => Access::None,
    })
}

/// Whether `user` may receive `doc`'s contents (sync outbound: `Subscribe`, outgoing `Sync`).
pub async fn can_read(store: &ServerStore, user: UserId, doc: &DocId) -> Result<bool, ServerError> {
    Ok(doc_access_now(store, user, doc).await?.can_read())
}

/// Whether `user` may send changes to `doc` (sync inbound). Viewers never may.
pub async fn can_write(
    store: &ServerStore,
    user: UserId,
    doc: &DocId,
) -> Result<bool, ServerError> {
    Ok(doc_access_now(store, user, doc).await?.can_write())
}

/// Registering sites and documents: anyone who creates content (not viewers).
pub fn require_creator(p: &Principal) -> Result<(), ServerError> {
    match p.role {
        Role::Owner | Role::Admin | Role::Editor => Ok(()),
        Role::Viewer => Err(ServerError::Forbidden(
            "viewers cannot create sites or documents; ask an owner or admin for the editor role"
                .into(),
        )),
    }
}

/// Inviting people, changing roles, removing people, granting sites: owners and admins.
pub fn require_people_manager(p: &Principal) -> Result<(), ServerError> {
    if p.role.sees_all_sites() {
        Ok(())
    } else {
        Err(ServerError::Forbidden(
            "only the account's owners and admins can manage people and site access".into(),
        ))
    }
}

/// Whether `actor` may give someone `new_role` (an invite, or a role change of a user whose
/// current role is `current`; `None` for a removal). Owners are made and unmade only by owners.
pub fn check_role_change(
    actor: Role,
    current: Option<Role>,
    new_role: Option<Role>,
) -> Result<(), ServerError> {
    if !actor.sees_all_sites() {
        return Err(ServerError::Forbidden(
            "only the account's owners and admins can manage people".into(),
        ));
    }
    let touches_owner = current == Some(Role::Owner) || new_role == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(ServerError::Forbidden(
            "only an owner can make someone an owner or change an owner's role".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn acc(n: u128) -> AccountId {
        AccountId(Uuid::from_u128(n))
    }

    #[test]
    fn doc_access_table() {
        let site = Some(SiteId(Uuid::from_u128(9)));
        let site_doc = DocPlacement {
            account_id: acc(1),
            site_id: site,
        };
        let account_doc = DocPlacement {
            account_id: acc(1),
            site_id: None,
        };
        use Access::{Read, Write};
        // (role, grant) → (site doc, account doc)
        let table = [
            (Role::Owner, false, Write, Write),
            (Role::Admin, false, Write, Write),
            (Role::Editor, true, Write, Write),
            (Role::Editor, false, Access::None, Write),
            (Role::Viewer, true, Read, Read),
            (Role::Viewer, false, Access::None, Read),
        ];
        for (role, granted, site_expected, account_expected) in table {
            assert_eq!(
                doc_access(role, acc(1), site_doc, granted),
                site_expected,
                "{role} {granted}"
            );
            assert_eq!(
                doc_access(role, acc(1), account_doc, granted),
                account_expected,
                "{role}"
            );
            // Another account's documents: nothing, whatever the role or a (forged) grant says.
            assert_eq!(doc_access(role, acc(2), site_doc, true), Access::None);
            assert_eq!(doc_access(role, acc(2), account_doc, true), Access::None);
        }
    }

    #[test]
    fn viewers_never_write() {
        for granted in [false, true] {
            assert!(!site_access(Role::Viewer, granted).can_write());
        }
    }

    #[test]
    fn only_owners_touch_owners() {
        assert!(check_role_change(Role::Admin, Some(Role::Editor), Some(Role::Admin)).is_ok());
        assert!(check_role_change(Role::Admin, Some(Role::Owner), Some(Role::Admin)).is_err());
        assert!(check_role_change(Role::Admin, Some(Role::Editor), Some(Role::Owner)).is_err());
        assert!(check_role_change(Role::Admin, Some(Role::Owner), None).is_err());
        assert!(check_role_change(Role::Owner, Some(Role::Owner), Some(Role::Viewer)).is_ok());
        assert!(check_role_change(Role::Editor, Some(Role::Viewer), Some(Role::Editor)).is_err());
        assert!(check_role_change(Role::Admin, None, Some(Role::Owner)).is_err());
    }
}
