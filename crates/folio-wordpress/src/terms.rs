//! Categories and tags by name: find, else create, and reuse the term WordPress says exists.

use reqwest::Method;
use serde::Deserialize;

use crate::client::WpClient;
use crate::error::WpError;
use crate::html;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Taxonomy {
    Category,
    Tag,
}

impl Taxonomy {
    fn route(self) -> &'static str {
        match self {
            Self::Category => "wp/v2/categories",
            Self::Tag => "wp/v2/tags",
        }
    }
}

/// A category or tag; `name` has its HTML entities decoded (`Tips & Tricks`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct WpTerm {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
}

impl WpTerm {
    fn decoded(mut self) -> Self {
        self.name = html::decode_entities(&self.name);
        self
    }
}

impl WpClient {
    /// The term called `name` (case-insensitive), created when missing. Creating categories
    /// needs Editor or above (`Forbidden` for an Author); tags only need Author.
    pub async fn ensure_term(&self, taxonomy: Taxonomy, name: &str) -> Result<WpTerm, WpError> {
        let name = name.trim();
        let wanted = name.to_lowercase();
        let found: Vec<WpTerm> = self
            .get_json(
                taxonomy.route(),
                &[
                    ("search", name),
                    ("per_page", "100"),
                    ("hide_empty", "false"),
                ],
            )
            .await?;
        if let Some(t) = found
            .into_iter()
            .map(WpTerm::decoded)
            .find(|t| t.name.to_lowercase() == wanted)
        {
            return Ok(t);
        }
        let created = self
            .send_json::<WpTerm>(
                Method::POST,
                taxonomy.route(),
                &[],
                &serde_json::json!({ "name": name }),
            )
            .await;
        match created {
            Ok(t) => Ok(t.decoded()),
            // Search misses names stored with entities ("&amp;") and differently accented
            // duplicates; WordPress then names the existing term.
            Err(e) if e.wp_code() == Some("term_exists") && e.term_id().is_some() => {
                let id = e.term_id().unwrap_or_default();
                match self
                    .get_json::<WpTerm>(&format!("{}/{id}", taxonomy.route()), &[])
                    .await
                {
                    Ok(t) => Ok(t.decoded()),
                    Err(_) => Ok(WpTerm {
                        id,
                        name: name.to_owned(),
                        slug: String::new(),
                    }),
                }
            }
            Err(e) => Err(e),
        }
    }
}
