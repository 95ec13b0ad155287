//! An article's quality-gate report (the `content.quality` column, local to this device): the
//! writer stores one when it writes an article, and [`Folio::recheck_quality`] runs the gate
//! again on the article as it reads after a person's edit (the editor calls it after each
//! autosave, so the report on the page follows the typing).

use crate::store::db::{from_json, to_json};
use crate::writer::quality_gate::{check_quality, QualityInput};
use crate::writer::sections::sections;
use crate::{CoreError, Folio};
use folio_model::quality::QualityReport;
use folio_model::ContentId;

impl Folio {
    /// Run the quality gate again on the article as it is stored now and keep the report. The
    /// keyword and the length target are its task's (none for a hand-written article: those
    /// checks pass with a note); the outline is the article's own H2s — once a person edits
    /// the headings they are the outline, and the check that the model followed its brief has
    /// done its work.
    pub async fn recheck_quality(&self, id: ContentId) -> Result<QualityReport, CoreError> {
        let c = self.get_content(id).await?;
        let (keyword, target) = match c.task_id {
            Some(task) => {
                let t = self.get_task(task).await?;
                (t.primary_keyword, t.target_word_count)
            }
            None => (String::new(), None),
        };
        let outline: Vec<String> = sections(&c.body_html)
            .into_iter()
            .map(|s| s.heading)
            .collect();
        let banned = self.banned_phrases(c.site_id).await?;
        let report = check_quality(&QualityInput {
            title: &c.title,
            meta_title: &c.meta_title,
            body_html: &c.body_html,
            primary_keyword: &keyword,
            outline: &outline,
            target_word_count: target,
            banned_phrases: &banned,
        });
        sqlx::query("UPDATE content SET quality = ? WHERE id = ?")
            .bind(to_json!(&report)?)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(report)
    }

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

        // An edit that breaks the length target: the gate runs again on the stored text and
        // the report says so (and is kept).
        let rechecked = folio.recheck_quality(article.id).await.unwrap();
        assert_eq!(
            folio.content_quality(article.id).await.unwrap(),
            Some(rechecked.clone())
        );
        assert_eq!(rechecked.findings.len(), QualityCheckKind::ALL.len());
        let words = folio.get_content(article.id).await.unwrap().word_count;
        assert_eq!(rechecked.word_count, words);

        let unknown = ContentId(uuid::Uuid::now_v7());
        assert!(matches!(
            folio.content_quality(unknown).await,
            Err(CoreError::NotFound { .. })
        ));
    }
}
