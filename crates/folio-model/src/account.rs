//! The account scope: people, plans, subscriptions, credits and which modules are switched on.

use crate::ids::{id_type, AccountId, UserId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

id_type!(
    /// A subscription of a server account to a plan.
    SubscriptionId
);

/// A person's role in an account (the seed's four; `developer` and `system_bot` are server-only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Full control: people, billing, plans, sites, automation.
    Owner,
    Admin,
    /// Creates and edits in the planner, writer and automation; no billing or team admin.
    Editor,
    /// Read-only.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Owners and admins see every site; the others only the sites they were granted.
    pub fn sees_all_sites(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown role {s:?}; use owner, admin, editor or viewer"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The plan of a server account; a purely local account has none, and so no limits.
    pub plan_id: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub account_id: AccountId,
    /// Stored lowercase; unique across accounts.
    pub email: String,
    pub name: String,
    pub role: Role,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub name: String,
    pub role: Role,
}

/// A plan a server account subscribes to. Plans are shipped with the app (and by the server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// A stable slug: `free`, `starter`, `growth`, `scale`.
    pub id: String,
    pub name: String,
    /// Plan credits granted every period.
    pub included_credits: u32,
    pub max_sites: u32,
    pub max_users: u32,
    pub max_keywords: u32,
    /// USD per month.
    pub price_monthly: Decimal,
    pub is_active: bool,
}

/// The hard limits an account's plan sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimits {
    pub plan_id: String,
    pub plan_name: String,
    pub included_credits: u32,
    pub max_sites: u32,
    pub max_users: u32,
    pub max_keywords: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Active,
    /// Renewal unpaid: plan credits are withheld until payment.
    PastDue,
    Canceled,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Canceled => "canceled",
        }
    }
}

impl FromStr for SubscriptionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "past_due" => Ok(Self::PastDue),
            "canceled" => Ok(Self::Canceled),
            other => Err(format!("unknown subscription status {other:?}")),
        }
    }
}

/// A server account's subscription, as the server reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub account_id: AccountId,
    pub plan_id: String,
    pub status: SubscriptionStatus,
    pub current_period_start: DateTime<Utc>,
    pub current_period_end: DateTime<Utc>,
}

/// What an account can still spend. A server account has two pools: plan credits are spent first
/// and renew every period; bonus credits (bought packages) never expire. A local account has no
/// pools, only an optional monthly budget (no budget: no limit).
///
/// Every amount is derived from the credit ledger, so entries other devices made count as soon
/// as they have synced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditBalance {
    /// Plan credits left this period (server accounts; 0 for a local account).
    pub plan_credits: Decimal,
    /// Bonus credits left (server accounts; 0 for a local account).
    pub bonus_credits: Decimal,
    /// The plan period, or the calendar month (UTC) a local budget applies to.
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    /// The plan's credits for this period (0 while a renewal is unpaid, and for a local account).
    #[serde(default)]
    pub plan_allowance: Decimal,
    /// Credits charged in this period (server) or this month (local), from every pool.
    #[serde(default)]
    pub spent_this_period: Decimal,
    /// A local account's monthly budget in credits; `None`: no budget.
    #[serde(default)]
    pub monthly_budget: Option<u32>,
    /// Credits reserved by calls in progress on this device.
    #[serde(default)]
    pub held: Decimal,
    /// True when nothing limits spending: a local account without a budget.
    #[serde(default)]
    pub unlimited: bool,
}

impl CreditBalance {
    /// Plan and bonus credits left (server accounts).
    pub fn total(&self) -> Decimal {
        self.plan_credits + self.bonus_credits
    }

    /// What a new call may still reserve: the pools (or what is left of the budget) less the
    /// credits held by calls in progress, never below zero. `None`: no limit.
    pub fn available(&self) -> Option<Decimal> {
        if self.unlimited {
            return None;
        }
        let left = match self.monthly_budget {
            Some(budget) => Decimal::from(budget) - self.spent_this_period,
            None => self.total(),
        };
        Some((left - self.held).max(Decimal::ZERO))
    }
}

/// A switchable part of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    Planner,
    Writer,
    Automation,
    Integration,
    Publisher,
    Linker,
    Optimizer,
}

impl Module {
    pub const ALL: [Module; 7] = [
        Module::Planner,
        Module::Writer,
        Module::Automation,
        Module::Integration,
        Module::Publisher,
        Module::Linker,
        Module::Optimizer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Planner => "planner",
            Module::Writer => "writer",
            Module::Automation => "automation",
            Module::Integration => "integration",
            Module::Publisher => "publisher",
            Module::Linker => "linker",
            Module::Optimizer => "optimizer",
        }
    }
}

impl FromStr for Module {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Module::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<_> = Module::ALL.iter().map(|m| m.as_str()).collect();
                format!("unknown module {s:?}; use one of {}", names.join(", "))
            })
    }
}

/// Which modules an account has switched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleSettings {
    pub planner: bool,
    pub writer: bool,
    pub automation: bool,
    pub integration: bool,
    pub publisher: bool,
    pub linker: bool,
    pub optimizer: bool,
}

impl Default for ModuleSettings {
    /// The seed's defaults: linker and optimizer are not finished, so they start off.
    fn default() -> Self {
        Self {
            planner: true,
            writer: true,
            automation: true,
            integration: true,
            publisher: true,
            linker: false,
            optimizer: false,
        }
    }
}

impl ModuleSettings {
    pub fn is_enabled(&self, m: Module) -> bool {
        match m {
            Module::Planner => self.planner,
            Module::Writer => self.writer,
            Module::Automation => self.automation,
            Module::Integration => self.integration,
            Module::Publisher => self.publisher,
            Module::Linker => self.linker,
            Module::Optimizer => self.optimizer,
        }
    }

    pub fn set(&mut self, m: Module, on: bool) {
        let flag = match m {
            Module::Planner => &mut self.planner,
            Module::Writer => &mut self.writer,
            Module::Automation => &mut self.automation,
            Module::Integration => &mut self.integration,
            Module::Publisher => &mut self.publisher,
            Module::Linker => &mut self.linker,
            Module::Optimizer => &mut self.optimizer,
        };
        *flag = on;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_defaults_follow_the_seed() {
        let m = ModuleSettings::default();
        for on in [
            Module::Planner,
            Module::Writer,
            Module::Automation,
            Module::Integration,
            Module::Publisher,
        ] {
            assert!(m.is_enabled(on), "{on:?}");
        }
        assert!(!m.is_enabled(Module::Linker));
        assert!(!m.is_enabled(Module::Optimizer));
    }

    #[test]
    fn roles_parse_and_serialise_in_lowercase() {
        assert_eq!(" Editor ".parse::<Role>(), Ok(Role::Editor));
        assert!("developer".parse::<Role>().is_err());
        assert_eq!(serde_json::to_string(&Role::Viewer).unwrap(), "\"viewer\"");
    }
}
