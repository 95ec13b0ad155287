//! The first-run path (a new data directory → a published article): which steps are done, the
//! local model servers found on this computer, and a site made from an industry of the keyword
//! library.

use crate::keyword::KeywordImportReport;
use crate::site::Site;
use serde::{Deserialize, Serialize};

/// Which steps of the first-run path are done on this data directory, and whether the app should
/// open on it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstRunState {
    /// The account has a site.
    pub site: bool,
    /// A site is connected to its WordPress.
    pub wordpress: bool,
    /// Folio can write: a provider's API key is in the OS keychain, or the default text model
    /// is a local one (no key needed).
    pub writer: bool,
    /// A site has keywords.
    pub keywords: bool,
    /// An article was written.
    pub article: bool,
    /// An article is live on WordPress.
    pub published: bool,
    /// The person left the path ("Skip setup") on this device.
    pub dismissed: bool,
    /// The app opens on the path: no site yet and not dismissed.
    pub show: bool,
}

/// A local model server Folio looked for at its address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalServer {
    /// The provider it is reached through: `ollama`, `lmstudio` or `llamacpp`.
    pub provider: String,
    pub display_name: String,
    /// The provider's (OpenAI-compatible) address that was asked.
    pub base_url: String,
    /// Something answered at the address.
    pub running: bool,
    /// The models it serves, as it names them.
    pub models: Vec<String>,
    /// Why it is not usable: not running, too slow, an answer that is not a model list.
    pub problem: Option<String>,
}

impl LocalServer {
    /// Running and serving at least one model.
    pub fn usable(&self) -> bool {
        self.running && self.problem.is_none() && !self.models.is_empty()
    }
}

/// A site whose sectors come from an industry of the keyword library, with their seed keywords.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSiteFromIndustry {
    pub name: String,
    /// A bare domain or a site URL, as for [`crate::NewSite`].
    pub domain: String,
    /// The library industry's id (`home-garden`).
    pub industry: String,
    /// The library sectors chosen (`home-garden/gardening`), 1–5 of that industry; each becomes
    /// a sector of the site named like it.
    pub sectors: Vec<String>,
}

/// The site made from an industry and what each sector's seed keywords gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFromIndustry {
    pub site: Site,
    /// One import per sector, in the site's sector order.
    pub imports: Vec<KeywordImportReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_server_is_usable_with_a_model_and_no_problem() {
        let mut s = LocalServer {
            provider: "ollama".into(),
            display_name: "Ollama (local)".into(),
            base_url: "http://127.0.0.1:11434/v1".into(),
            running: true,
            models: vec!["llama3.2:3b".into()],
            problem: None,
        };
        assert!(s.usable());
        s.models.clear();
        assert!(!s.usable());
        s.models.push("x".into());
        s.problem = Some("slow".into());
        assert!(!s.usable());
    }
}
