//! An article's images on WordPress: uploaded once (each media id saved the moment WordPress
//! returns it) and placed in the post as block-editor figures after the H2 headings.

use crate::store::db::{now, ts};
use crate::{CoreError, Entity, Folio};
use folio_model::{Content, Image, ImageStatus};
use folio_wordpress::{MediaUpload, WpClient};

/// The image as WordPress's block editor writes it, so the post stays editable in wp-admin.
fn figure(image: &Image, media_id: i64, src: &str) -> String {
    let caption = if image.caption.trim().is_empty() {
        String::new()
    } else {
        format!(
            "<figcaption class=\"wp-element-caption\">{}</figcaption>",
            html_escape::encode_text(image.caption.trim())
        )
    };
    format!(
        "<!-- wp:image {{\"id\":{media_id},\"sizeSlug\":\"large\"}} -->\n<figure class=\"wp-block-image size-large\"><img src=\"{}\" alt=\"{}\" class=\"wp-image-{media_id}\"/>{caption}</figure>\n<!-- /wp:image -->",
        html_escape::encode_double_quoted_attribute(src),
        html_escape::encode_double_quoted_attribute(&image.alt_text),
    )
}

/// Places in-article images after the H2 headings, in position order: the first after the first
/// H2, and so on; images beyond the last H2 go at the end.
pub(crate) fn place_images(body: &str, figures: &[String]) -> String {
    if figures.is_empty() {
        return body.to_owned();
    }
    let lower = body.to_ascii_lowercase();
    let mut out =
        String::with_capacity(body.len() + figures.iter().map(String::len).sum::<usize>());
    let mut rest = 0usize;
    let mut placed = 0usize;
    while placed < figures.len() {
        let Some(found) = lower[rest..].find("</h2>") else {
            break;
        };
        let end = rest + found + "</h2>".len();
        out.push_str(&body[rest..end]);
        out.push('\n');
        out.push_str(&figures[placed]);
        placed += 1;
        rest = end;
    }
    out.push_str(&body[rest..]);
    for f in &figures[placed..] {
        out.push('\n');
        out.push_str(f);
    }
    out
}

impl Folio {
    /// Uploads the article's images that are not on the site yet (saving each media id at
    /// once) and returns the featured media id and the in-article figures.
    pub(crate) async fn upload_images(
        &self,
        client: &WpClient,
        content: &Content,
    ) -> Result<(Option<i64>, Vec<String>, u32), CoreError> {
        let mut featured = None;
        let mut figures = Vec::new();
        let mut uploaded = 0u32;
        let mut n = 0u32;
        for image in self.list_images(content.id).await? {
            if image.status != ImageStatus::Generated {
                continue;
            }
            let (media_id, src) = match self.uploaded_media(&image).await? {
                Some(media) => media,
                None => {
                    let media = self.upload_image(client, content, &image, n).await?;
                    uploaded += 1;
                    media
                }
            };
            n += 1;
            if image.is_featured() {
                featured = Some(media_id);
            } else {
                figures.push(figure(&image, media_id, &src));
            }
        }
        Ok((featured, figures, uploaded))
    }

    /// The image's media id and address on the site, when it was uploaded before (on any
    /// device: both sync with the article).
    async fn uploaded_media(&self, image: &Image) -> Result<Option<(i64, String)>, CoreError> {
        let row: Option<(Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT external_media_id, external_url FROM images WHERE id = ?")
                .bind(image.id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some((Some(id), Some(url))) => Some((id, url)),
            _ => None,
        })
    }

    async fn upload_image(
        &self,
        client: &WpClient,
        content: &Content,
        image: &Image,
        n: u32,
    ) -> Result<(i64, String), CoreError> {
        let what = if image.is_featured() {
            "featured image".to_owned()
        } else {
            format!("in-article image {}", image.position)
        };
        if image.local_path.is_none() {
            return Err(CoreError::invalid(
                "images",
                format!("The {what} has no file; attach one or remove it"),
            ));
        }
        let Some(path) = self.image_file(image) else {
            return Err(CoreError::invalid(
                "images",
                format!(
                    "The {what} of this article is not on this computer (it was attached on \
                     another device, whose files do not sync). Attach it again here, or publish \
                     from that device"
                ),
            ));
        };
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|source| CoreError::ReadFile { path, source })?;
        // The bytes say what the file is, whatever its name.
        let format = crate::writer::image_files::ImageFormat::sniff(&bytes).ok_or_else(|| {
            CoreError::invalid(
                "images",
                format!(
                    "The {what}'s file is not a {} image",
                    crate::writer::image_files::ACCEPTED_FORMATS
                ),
            )
        })?;
        let ext = format.extension();
        let base = if content.slug.is_empty() {
            "image".to_owned()
        } else {
            content.slug.clone()
        };
        let filename = if image.is_featured() {
            format!("{base}.{ext}")
        } else {
            format!("{base}-{n}.{ext}")
        };
        let alt = if image.alt_text.trim().is_empty() {
            content.title.clone()
        } else {
            image.alt_text.clone()
        };
        let media = client
            .upload_media(&MediaUpload {
                bytes,
                filename,
                mime_type: format.mime().to_owned(),
                alt_text: alt.clone(),
                caption: image.caption.clone(),
                title: alt,
            })
            .await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE images SET external_media_id = ?, external_url = ?, updated_at = ? WHERE id = ?")
            .bind(media.id)
            .bind(&media.source_url)
            .bind(ts(now()))
            .bind(image.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Image, image.id.as_uuid());
        tx.commit().await?;
        Ok((media.id, media.source_url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use folio_model::ContentId;
    use uuid::Uuid;

    #[test]
    fn images_follow_the_h2_headings_in_order_and_the_rest_go_last() {
        let body = "<p>intro</p><h2>One</h2><p>a</p><H2>Two</H2><p>b</p>";
        let figs = vec!["[1]".to_owned(), "[2]".to_owned(), "[3]".to_owned()];
        assert_eq!(
            place_images(body, &figs),
            "<p>intro</p><h2>One</h2>\n[1]<p>a</p><H2>Two</H2>\n[2]<p>b</p>\n[3]"
        );
        assert_eq!(place_images(body, &[]), body);
    }

    #[test]
    fn figures_escape_alt_text_and_captions() {
        let image = Image {
            id: folio_model::ImageId(Uuid::now_v7()),
            content_id: ContentId(Uuid::now_v7()),
            image_type: folio_model::ImageType::InArticle,
            url: None,
            local_path: None,
            alt_text: "A \"quoted\" <alt>".into(),
            caption: "Tips & tricks".into(),
            position: 1,
            prompt: String::new(),
            provider: None,
            status: ImageStatus::Generated,
            created_at: Utc::now(),
            external_media_id: Some(7),
        };
        let f = figure(&image, 7, "http://x/a.png?b=1&c=2");
        assert!(
            f.contains("alt=\"A &quot;quoted&quot; &lt;alt&gt;\""),
            "{f}"
        );
        assert!(f.contains("Tips &amp; tricks"), "{f}");
        assert!(f.contains("src=\"http://x/a.png?b=1&amp;c=2\""), "{f}");
        assert!(f.contains("wp-image-7"), "{f}");
    }
}
