//! Logging in to (or creating) an account on a sync server, and the store to work in afterwards.
//!
//! Logging in to another account than the device's moves the device into it
//! ([`Folio::account_login`]), which only takes effect in a freshly opened store: the open
//! handle still works in the old account. So the login and that re-open are one operation here,
//! and an app that keeps a store open (the desktop shell) only swaps in what it is handed.

use crate::{CoreError, Folio};
use folio_model::AccountSession;

/// How the person comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// Create an account holding this device's account and data.
    Register,
    /// Log in to an existing account; the device joins it if it is another one.
    Login,
}

/// What a successful [`Folio::switch_account`] left behind.
#[derive(Debug)]
pub struct AccountSwitch {
    pub session: AccountSession,
    /// The store to work in from now on, when it is not the one the call was made on: `Some`
    /// after joining another account (the data directory opened again), holding the error if
    /// that open failed — the old handle must not be used then either, as its account is gone.
    /// `None`: keep the current store.
    pub reopened: Option<Result<Folio, CoreError>>,
}

impl Folio {
    /// Create an account or log in to one on `server`, then, when the device joined another
    /// account, open its data directory again. An account created here is the device's own
    /// (the server keeps this device's account id), so only a login can change accounts.
    pub async fn switch_account(
        &self,
        how: SignIn,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountSwitch, CoreError> {
        let session = match how {
            SignIn::Register => self.account_register(server, email, password).await?,
            SignIn::Login => self.account_login(server, email, password).await?,
        };
        let joined = session.account_id != self.account_id().as_uuid();
        let reopened = if how == SignIn::Login && joined {
            tracing::info!(account = %session.account_id, "joined another account; re-opening the store");
            Some(Folio::open(self.data_dir()).await.inspect_err(|e| {
                tracing::error!(error = %e, "cannot re-open the data directory");
            }))
        } else {
            None
        };
        Ok(AccountSwitch { session, reopened })
    }
}
