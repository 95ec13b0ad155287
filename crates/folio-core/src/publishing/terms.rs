//! An article's categories and tags on WordPress: found by name or created, ids remembered; a
//! term deleted in wp-admin is found or created again.

use crate::{CoreError, Entity, Folio};
use folio_model::{Content, TaxonomyType, Term};
use folio_wordpress::{Taxonomy, WpClient, WpErrorKind};

pub(crate) fn ids_of(terms: &[(Term, i64)], taxonomy: TaxonomyType) -> Vec<i64> {
    terms
        .iter()
        .filter(|(t, _)| t.taxonomy == taxonomy)
        .map(|(_, id)| *id)
        .collect()
}

impl Folio {
    /// The WordPress ids of the article's categories and tags: the id remembered for the term,
    /// else one from the cached structure with the same name, else found or created on the site.
    pub(crate) async fn resolve_terms(
        &self,
        client: &WpClient,
        integration: &folio_model::SiteIntegration,
        content: &Content,
    ) -> Result<Vec<(Term, i64)>, CoreError> {
        let user = integration.username.clone().unwrap_or_default();
        let mut out = Vec::new();
        for term in self.content_terms(content.id).await? {
            let id = match term.external_id {
                Some(id) => id,
                None => {
                    let id = self
                        .find_or_create_term(client, integration, &term, &user)
                        .await?;
                    self.remember_term_id(&term, id).await?;
                    id
                }
            };
            out.push((term, id));
        }
        Ok(out)
    }

    async fn find_or_create_term(
        &self,
        client: &WpClient,
        integration: &folio_model::SiteIntegration,
        term: &Term,
        user: &str,
    ) -> Result<i64, CoreError> {
        let cached = match term.taxonomy {
            TaxonomyType::Category => &integration.structure.categories,
            TaxonomyType::Tag => &integration.structure.tags,
        };
        let key = crate::text::name_key(&term.name);
        if let Some(hit) = cached
            .iter()
            .find(|r| crate::text::name_key(&r.name) == key)
        {
            return Ok(hit.id);
        }
        self.create_term(client, term, user).await
    }

    /// The term's id on the site, found by name or created (`term_exists` → its id).
    pub(crate) async fn create_term(
        &self,
        client: &WpClient,
        term: &Term,
        user: &str,
    ) -> Result<i64, CoreError> {
        let taxonomy = match term.taxonomy {
            TaxonomyType::Category => Taxonomy::Category,
            TaxonomyType::Tag => Taxonomy::Tag,
        };
        match client.ensure_term(taxonomy, &term.name).await {
            Ok(t) => Ok(t.id),
            Err(e) if e.kind() == WpErrorKind::Forbidden => Err(CoreError::CannotCreateTerm {
                taxonomy: term.taxonomy.to_string(),
                name: term.name.clone(),
                user: user.to_owned(),
                source: Box::new(e),
            }),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn remember_term_id(&self, term: &Term, id: i64) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE taxonomy_terms SET external_id = ? WHERE id = ?")
            .bind(id)
            .bind(term.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Taxonomy, term.id.as_uuid());
        tx.commit().await
    }
}
