//! AI on this device: the providers (keys in the OS keychain), the model registry, prompt
//! templates and author profiles, and paid calls wrapped in the credit ledger.

pub mod author_profiles;
pub mod calls;
pub mod local_servers;
pub mod model_registry;
pub mod prompts;
pub mod providers;
