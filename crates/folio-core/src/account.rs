//! The account scope: the account itself, its people, its plan and subscription (server accounts
//! only) and which modules are on. Its credit balance is [`crate::credits`]'s.

pub mod modules;
pub mod people;
pub mod plans;
