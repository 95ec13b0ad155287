//! Categories and tags of a site and the ones an article carries.

use crate::store::db::{not_found, now, parse_stored, ts};
use crate::store::scope::check_site;
use crate::text::{name_key, required_text};
use crate::writer::content::read_content;
use crate::writer::html::slugify;
use crate::{CoreError, Entity, Folio};
use folio_model::{ContentId, SiteId, TaxonomyType, Term, TermChoice, TermId, TermName};
use uuid::Uuid;

fn term_from(
    row: (String, String, String, String, String, Option<i64>),
) -> Result<Term, CoreError> {
    let (id, site, taxonomy, name, slug, external_id) = row;
    Ok(Term {
        id: parse_stored("term id", &id)?,
        site_id: parse_stored("site id", &site)?,
        taxonomy: parse_stored("taxonomy", &taxonomy)?,
        name,
        slug,
        external_id,
    })
}

impl Folio {
    /// The category or tag of a site with this name, created if it does not exist yet.
    pub async fn add_term(
        &self,
        site: SiteId,
        taxonomy: TaxonomyType,
        name: &str,
    ) -> Result<Term, CoreError> {
        let name = required_text("name", &format!("{taxonomy} name"), name)?;
        let key = name_key(&name);
        let mut tx = self.begin_write().await?;
        check_site(tx.conn(), &self.account_id.to_string(), site).await?;
        let existing: Option<(String, String, String, String, String, Option<i64>)> =
            sqlx::query_as(
                "SELECT id, site_id, taxonomy, name, slug, external_id FROM taxonomy_terms
             WHERE site_id = ? AND taxonomy = ? AND name_key = ?",
            )
            .bind(site.to_string())
            .bind(taxonomy.as_str())
            .bind(&key)
            .fetch_optional(tx.conn())
            .await?;
        if let Some(row) = existing {
            return term_from(row);
        }
        let slug = match slugify(&name) {
            s if s.is_empty() => key.replace(' ', "-"),
            s => s,
        };
        let term = Term {
            id: TermId(Uuid::now_v7()),
            site_id: site,
            taxonomy,
            name,
            slug,
            external_id: None,
        };
        sqlx::query(
            "INSERT INTO taxonomy_terms (id, site_id, taxonomy, name, name_key, slug, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(term.id.to_string())
        .bind(site.to_string())
        .bind(taxonomy.as_str())
        .bind(&term.name)
        .bind(&key)
        .bind(&term.slug)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Taxonomy, term.id.as_uuid());
        tx.commit().await?;
        Ok(term)
    }

    /// A site's categories or tags (or both), by name.
    pub async fn list_terms(
        &self,
        site: SiteId,
        taxonomy: Option<TaxonomyType>,
    ) -> Result<Vec<Term>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        check_site(&mut conn, &self.account_id.to_string(), site).await?;
        let rows: Vec<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, site_id, taxonomy, name, slug, external_id FROM taxonomy_terms
             WHERE site_id = ?1 AND (?2 IS NULL OR taxonomy = ?2) ORDER BY taxonomy, name_key",
        )
        .bind(site.to_string())
        .bind(taxonomy.map(|t| t.as_str()))
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(term_from).collect()
    }

    /// Replace an article's categories and tags; the terms must be of the article's site.
    pub async fn set_content_terms(
        &self,
        content: ContentId,
        terms: &[TermId],
    ) -> Result<Vec<Term>, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let c = read_content(tx.conn(), &account, content).await?;
        for t in terms {
            let site: Option<(String,)> =
                sqlx::query_as("SELECT site_id FROM taxonomy_terms WHERE id = ?")
                    .bind(t.to_string())
                    .fetch_optional(tx.conn())
                    .await?;
            match site {
                None => return Err(not_found(format!("term {t}"))),
                Some((s,)) if s != c.site_id.to_string() => {
                    return Err(CoreError::invalid(
                        "terms",
                        format!("term {t} belongs to another site than the article"),
                    ))
                }
                Some(_) => {}
            }
        }
        sqlx::query("DELETE FROM content_terms WHERE content_id = ?")
            .bind(content.to_string())
            .execute(tx.conn())
            .await?;
        for t in terms {
            sqlx::query("INSERT OR IGNORE INTO content_terms (content_id, term_id) VALUES (?, ?)")
                .bind(content.to_string())
                .bind(t.to_string())
                .execute(tx.conn())
                .await?;
        }
        tx.touch(Entity::Content, content.as_uuid());
        tx.commit().await?;
        self.content_terms(content).await
    }

    /// Add categories and tags to an article by name, creating the site's terms that do not
    /// exist yet; the article keeps the terms it had.
    pub async fn add_content_terms(
        &self,
        content: ContentId,
        names: &[(TaxonomyType, String)],
    ) -> Result<Vec<Term>, CoreError> {
        let c = self.get_content(content).await?;
        let mut terms: Vec<TermId> = self
            .content_terms(content)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        for (taxonomy, name) in names {
            let term = self.add_term(c.site_id, *taxonomy, name).await?;
            if !terms.contains(&term.id) {
                terms.push(term.id);
            }
        }
        self.set_content_terms(content, &terms).await
    }

    /// What the article's page offers to choose from: the site's categories and tags and its
    /// WordPress site's (as last fetched), once each by name (the first spelling seen), the
    /// article's marked; categories first, then by name.
    pub async fn term_choices(&self, content: ContentId) -> Result<Vec<TermChoice>, CoreError> {
        let c = self.get_content(content).await?;
        let chosen = self.content_terms(content).await?;
        let local = self.list_terms(c.site_id, None).await?;
        let structure = self
            .site_integration(c.site_id)
            .await?
            .map(|i| i.structure)
            .unwrap_or_default();
        let remote = structure
            .categories
            .iter()
            .map(|r| (TaxonomyType::Category, &r.name))
            .chain(structure.tags.iter().map(|r| (TaxonomyType::Tag, &r.name)));
        let mut out: Vec<TermChoice> = Vec::new();
        let mut add = |taxonomy: TaxonomyType, name: &str, on_wordpress: bool| {
            let key = name_key(name);
            if key.is_empty() {
                return;
            }
            match out
                .iter_mut()
                .find(|t| t.taxonomy == taxonomy && name_key(&t.name) == key)
            {
                Some(t) => t.on_wordpress |= on_wordpress,
                None => out.push(TermChoice {
                    taxonomy,
                    name: name.trim().to_owned(),
                    chosen: chosen
                        .iter()
                        .any(|t| t.taxonomy == taxonomy && name_key(&t.name) == key),
                    on_wordpress,
                }),
            }
        };
        for t in &local {
            add(t.taxonomy, &t.name, t.external_id.is_some());
        }
        for (taxonomy, name) in remote {
            add(taxonomy, name, true);
        }
        out.sort_by_key(|t| (t.taxonomy != TaxonomyType::Category, name_key(&t.name)));
        Ok(out)
    }

    /// Give the article exactly these categories and tags, by name: a name the site does not
    /// have yet becomes one of its terms (created on WordPress when the article is published).
    pub async fn replace_content_terms(
        &self,
        content: ContentId,
        names: &[TermName],
    ) -> Result<Vec<Term>, CoreError> {
        let c = self.get_content(content).await?;
        let mut ids = Vec::with_capacity(names.len());
        for n in names {
            let term = self.add_term(c.site_id, n.taxonomy, &n.name).await?;
            if !ids.contains(&term.id) {
                ids.push(term.id);
            }
        }
        self.set_content_terms(content, &ids).await
    }

    /// An article's categories and tags.
    pub async fn content_terms(&self, content: ContentId) -> Result<Vec<Term>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT t.id, t.site_id, t.taxonomy, t.name, t.slug, t.external_id
             FROM content_terms ct JOIN taxonomy_terms t ON t.id = ct.term_id
             WHERE ct.content_id = ? ORDER BY t.taxonomy, t.name_key",
        )
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(term_from).collect()
    }
}
