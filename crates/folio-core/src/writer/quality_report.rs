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

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::quality::{QualityCheckKind, QualityFinding};
    use folio_model::{NewContent, NewSite};

    #[tokio::test]
    async fn an_articles_stored_report_is_read_back_and_an_unchecked_one_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let folio = Folio::open(dir.path()).await.unwrap();
        let site = folio
            .create_site(&NewSite {
                name: "Garden".into(),
                domain: "garden.example".into(),
                sectors: vec![],
            })
            .await
            .unwrap();
        let article = folio
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: "Hoes".into(),
                body_html: Some("<h2>Why</h2><p>Weeds.</p>".into()),
            })
            .await
            .unwrap();
        assert_eq!(folio.content_quality(article.id).await.unwrap(), None);

        let report = QualityReport {
            findings: vec![QualityFinding::new(
                QualityCheckKind::Length,
                false,
                "2 words; target 1500 ±15%",
            )],
            word_count: 2,
        };
        sqlx::query("UPDATE content SET quality = ? WHERE id = ?")
            .bind(serde_json::to_string(&report).unwrap())
            .bind(article.id.to_string())
            .execute(&folio.pool)
            .await
            .unwrap();
        assert_eq!(
            folio.content_quality(article.id).await.unwrap(),
            Some(report)
        );

        let unknown = ContentId(uuid::Uuid::now_v7());
        assert!(matches!(
            folio.content_quality(unknown).await,
            Err(CoreError::NotFound { .. })
        ));
    }
}
