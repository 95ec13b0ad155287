//! The site scope: sites and their sectors, layered settings, the publishing schedule, automation
//! limits, the platform connection row and who may see a site.

pub mod access;
pub mod automation_config;
pub mod integrations;
pub mod publishing_settings;
pub mod sectors;
pub mod settings;
pub mod site;
