//! Categories and tags by name: find, else create, and reuse the term WordPress says exists.

use reqwest::Method;
use serde::Deserialize;

use crate::client::WpClient;
use crate::error::WpError;
use crate::html;

/// The longest stretch of `name` without characters WordPress stores as entities, when the
/// name has any.
fn plain_part(name: &str) -> Option<&str> {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'');
    if !name.contains(special) {
        return None;
    }
    name.split(special)
        .map(str::trim)
        .max_by_key(|p| p.chars().count())
        .filter(|p| !p.is_empty())
}

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
    /// The first term whose decoded name equals `name` (case-insensitive) among those
    /// WordPress's search finds for `search`.
    async fn find_term(
        &self,
        taxonomy: Taxonomy,
        name: &str,
        search: &str,
    ) -> Result<Option<WpTerm>, WpError> {
        let wanted = name.to_lowercase();
        let found: Vec<WpTerm> = self
            .get_json(
                taxonomy.route(),
                &[
                    ("search", search),
                    ("per_page", "100"),
                    ("hide_empty", "false"),
                ],
            )
            .await?;
        Ok(found
            .into_iter()
            .map(WpTerm::decoded)
            .find(|t| t.name.to_lowercase() == wanted))
    }

    /// The term called `name` (case-insensitive), created when missing. Creating categories
    /// needs Editor or above (`Forbidden` for an Author); tags only need Author.
    pub async fn ensure_term(&self, taxonomy: Taxonomy, name: &str) -> Result<WpTerm, WpError> {
        let name = name.trim();
        if let Some(t) = self.find_term(taxonomy, name, name).await? {
            return Ok(t);
        }
        // WordPress stores "&", "<", ">" and quotes as entities ("Tips &amp; Tricks"), and its
        // search compares the stored text, so the full name never matches. Searching for the
        // longest plain part finds it; an Author must find it here, because asking to create an
        // existing category gets 403 before WordPress would say term_exists.
        if let Some(part) = plain_part(name) {
            if let Some(t) = self.find_term(taxonomy, name, part).await? {
                return Ok(t);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_parts() {
        assert_eq!(plain_part("Tips & Tricks"), Some("Tricks"));
        assert_eq!(plain_part("Rust"), None);
        assert_eq!(plain_part("&"), None);
        assert_eq!(plain_part("\"Quoted\" words"), Some("Quoted"));
    }
}
