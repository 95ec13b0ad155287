//! What a site is and who is logged in: the REST index, `users/me` and the structure Folio
//! caches (categories, tags, authors, post types, SEO meta keys).

use std::collections::BTreeMap;

use folio_model::{RemoteItem, SiteStructure};
use reqwest::Method;
use serde::Deserialize;

use crate::client::{Payload, WpClient};
use crate::error::{WpError, WpErrorKind};
use crate::html;

/// The parts of the REST index (`GET /`) Folio uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteIndex {
    pub name: String,
    pub description: String,
    pub url: String,
    pub home: String,
    pub namespaces: Vec<String>,
    /// `authentication["application-passwords"].endpoints.authorization`; `None` when the
    /// site does not offer application passwords (the index then says `"authentication": []`).
    pub app_passwords_authorization: Option<String>,
}

impl SiteIndex {
    /// Reads the index; `None` when the JSON is not a WordPress REST index.
    pub(crate) fn from_value(v: &serde_json::Value) -> Option<SiteIndex> {
        let namespaces: Vec<String> = v
            .get("namespaces")?
            .as_array()?
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect();
        // `routes` is checked too: other REST servers have a "namespaces" list, only
        // WordPress's index has both.
        v.get("routes")?;
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .map(html::decode_entities)
                .unwrap_or_default()
        };
        let app_passwords_authorization = v
            .pointer("/authentication/application-passwords/endpoints/authorization")
            .and_then(|x| x.as_str())
            .map(str::to_owned);
        Some(SiteIndex {
            name: text("name"),
            description: text("description"),
            url: text("url"),
            home: text("home"),
            namespaces,
            app_passwords_authorization,
        })
    }

    pub fn has_wp_v2(&self) -> bool {
        self.namespaces.iter().any(|n| n == "wp/v2")
    }
}

/// The logged-in user (`GET /wp/v2/users/me?context=edit`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct WpUser {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// Primitive and role capabilities, e.g. `publish_posts`, `upload_files`,
    /// `manage_categories`.
    #[serde(default)]
    pub capabilities: BTreeMap<String, bool>,
}

impl WpUser {
    pub fn can(&self, capability: &str) -> bool {
        self.capabilities.get(capability).copied().unwrap_or(false)
    }
}

/// Meta keys of the SEO plugins Folio knows how to fill.
pub const KNOWN_SEO_META_KEYS: &[&str] = &[
    "_yoast_wpseo_title",
    "_yoast_wpseo_metadesc",
    "_yoast_wpseo_focuskw",
    "rank_math_title",
    "rank_math_description",
    "rank_math_focus_keyword",
];

#[derive(Deserialize)]
struct TermItem {
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

impl From<TermItem> for RemoteItem {
    fn from(t: TermItem) -> Self {
        RemoteItem {
            id: t.id,
            name: html::decode_entities(&t.name),
            slug: t.slug,
        }
    }
}

impl WpClient {
    pub async fn index(&self) -> Result<SiteIndex, WpError> {
        let reply = self.get("", &[]).await?;
        let value: serde_json::Value = reply.json()?;
        SiteIndex::from_value(&value).ok_or_else(|| {
            WpError::other(format!(
                "{} answers JSON, but not a WordPress REST index; connect the site again from its home page address",
                self.api_root()
            ))
        })
    }

    /// Who the credentials log in as. This is the login test: public GETs succeed
    /// anonymously with a wrong password, `users/me` answers 401.
    pub async fn me(&self) -> Result<WpUser, WpError> {
        self.get_json("wp/v2/users/me", &[("context", "edit")])
            .await
    }

    pub async fn structure(&self) -> Result<SiteStructure, WpError> {
        let categories = self.all_items("wp/v2/categories", &[]).await?;
        let tags = self.all_items("wp/v2/tags", &[]).await?;
        let authors = self.authors().await?;
        let post_types = self.post_types().await?;
        let seo_meta_keys = self.seo_meta_keys().await?;
        Ok(SiteStructure {
            categories,
            tags,
            authors,
            post_types,
            seo_meta_keys,
        })
    }

    /// Every item of a collection, 100 per page, following `X-WP-TotalPages`.
    pub(crate) async fn all_items(
        &self,
        route: &str,
        extra: &[(&str, &str)],
    ) -> Result<Vec<RemoteItem>, WpError> {
        let mut items = Vec::new();
        let mut page = 1u32;
        loop {
            let page_text = page.to_string();
            let mut params: Vec<(&str, &str)> = vec![("per_page", "100"), ("page", &page_text)];
            params.extend_from_slice(extra);
            let reply = self.get(route, &params).await?;
            let batch: Vec<TermItem> = reply.json()?;
            let empty = batch.is_empty();
            items.extend(batch.into_iter().map(RemoteItem::from));
            let total_pages = reply.header_u32("x-wp-totalpages").unwrap_or(1);
            // The empty-page guard stops a site whose header lies from looping forever.
            if page >= total_pages || empty || page >= 1000 {
                return Ok(items);
            }
            page += 1;
        }
    }

    /// Users who can write posts. `who=authors` works for anyone who can edit posts (Author
    /// and above) on WordPress 6.1, whereas `capabilities=` needs `list_users` (admins only).
    /// Without either, WordPress lists only users with published posts, which is the fallback
    /// for sites (or future versions) that refuse `who`.
    async fn authors(&self) -> Result<Vec<RemoteItem>, WpError> {
        match self.all_items("wp/v2/users", &[("who", "authors")]).await {
            Ok(items) => Ok(items),
            Err(e)
                if matches!(
                    e.kind(),
                    WpErrorKind::Invalid | WpErrorKind::Auth | WpErrorKind::Forbidden
                ) =>
            {
                self.all_items("wp/v2/users", &[]).await
            }
            Err(e) => Err(e),
        }
    }

    /// Post types a person writes (posts, pages, custom types), without WordPress's internal
    /// ones (attachments, blocks, templates, menus).
    async fn post_types(&self) -> Result<Vec<String>, WpError> {
        let types: BTreeMap<String, serde_json::Value> = self.get_json("wp/v2/types", &[]).await?;
        Ok(types
            .into_keys()
            .filter(|k| !(k.starts_with("wp_") || k == "attachment" || k == "nav_menu_item"))
            .collect())
    }

    /// SEO meta keys registered for posts with `show_in_rest`, read from the posts schema.
    /// Unregistered keys are silently dropped by WordPress, so this decides whether Folio can
    /// set an SEO title and description at all.
    pub async fn seo_meta_keys(&self) -> Result<Vec<String>, WpError> {
        let url = self.url("wp/v2/posts", &[]);
        let keys = match self
            .execute(Method::OPTIONS, url, Payload::None, None)
            .await
            .and_then(|r| r.json::<serde_json::Value>())
        {
            Ok(schema) => schema
                .pointer("/schema/properties/meta/properties")
                .and_then(|p| p.as_object())
                .map(|p| p.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default(),
            // Some firewalls refuse OPTIONS; a post's `meta` lists the same keys.
            Err(e)
                if matches!(
                    e.kind(),
                    WpErrorKind::Invalid | WpErrorKind::NotFound | WpErrorKind::Forbidden
                ) =>
            {
                let posts: Vec<serde_json::Value> = self
                    .get_json("wp/v2/posts", &[("per_page", "1"), ("_fields", "meta")])
                    .await?;
                posts
                    .first()
                    .and_then(|p| p.get("meta"))
                    .and_then(|m| m.as_object())
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            }
            Err(e) => return Err(e),
        };
        Ok(keys.into_iter().filter(|k| is_seo_key(k)).collect())
    }
}

pub(crate) fn is_seo_key(key: &str) -> bool {
    KNOWN_SEO_META_KEYS.contains(&key) || key.to_ascii_lowercase().contains("seo")
}
