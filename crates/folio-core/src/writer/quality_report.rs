//! An article's quality-gate report as the writer stored it (the `content.quality` column):
//! read back for the article's page. The checks themselves run when the article is written.

use crate::store::db::from_json;
use crate::{CoreError, Folio};
use folio_model::quality::QualityReport;
use folio_model::ContentId;

impl Folio {
    /// The quality gate's report of an article; `None` for one never checked (written by hand,
    /// or before the gate existed).
    pub async fn content_quality(&self, id: ContentId) -> Result<Option<QualityReport>, CoreError> {
        // The article must be this account's: the same check (and not-found error) as reading it.
        self.get_content(id).await?;
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT quality FROM content WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((Some(json),)) => Ok(Some(from_json!("quality report", &json)?)),
            _ => Ok(None),
        }
    }
}
