//! The review queue (issue 16): articles waiting for a person's approval, each with its quality
//! gate's findings, and the two answers — approve (`review → approved`, ready for a slot) or
//! send back (`review → draft`). The status rules stay in `folio_model::ContentStatus`.
//! Pinned by `crates/folio-cli/tests/cli_review.rs`.

use crate::{CoreError, Folio};
use folio_model::{Content, ContentFilter, ContentId, ContentStatus, ReviewItem, SiteId};

impl Folio {
    /// The site's articles in review, oldest first, with their quality reports.
    pub async fn review_queue(&self, site: SiteId) -> Result<Vec<ReviewItem>, CoreError> {
        let mut articles = self
            .query_content(&ContentFilter {
                status: Some(ContentStatus::Review),
                ..ContentFilter::site(site)
            })
            .await?;
        articles.sort_by_key(|a| (a.updated_at, a.id));
        let mut out = Vec::with_capacity(articles.len());
        for article in articles {
            let quality = self.content_quality(article.id).await?;
            out.push(ReviewItem { article, quality });
        }
        Ok(out)
    }

    /// Put an article up for review (a hand-written draft, or one sent back and reworked).
    pub async fn review_submit(&self, id: ContentId) -> Result<Content, CoreError> {
        self.set_content_status(id, ContentStatus::Review).await
    }

    /// A person approves an article in review: it is ready for a publishing slot.
    pub async fn review_approve(&self, id: ContentId) -> Result<Content, CoreError> {
        self.require_review(id).await?;
        self.set_content_status(id, ContentStatus::Approved).await
    }

    /// A person sends an article in review back to draft.
    pub async fn review_reject(&self, id: ContentId) -> Result<Content, CoreError> {
        self.require_review(id).await?;
        self.set_content_status(id, ContentStatus::Draft).await
    }

    async fn require_review(&self, id: ContentId) -> Result<(), CoreError> {
        let c = self.get_content(id).await?;
        if c.status != ContentStatus::Review {
            return Err(CoreError::invalid(
                "status",
                format!(
                    "this article is {}, not in review; only articles in review are approved or sent back here",
                    c.status
                ),
            ));
        }
        Ok(())
    }
}
