//! An article's images on WordPress: uploaded once (each media id saved the moment WordPress
//! returns it) and placed in the post as block-editor image blocks: where the body refers to
//! them (`folio-image:<id>`, placed in the editor), and the in-article images it does not refer
//! to after the H2 heading blocks, as before. A reference to an image that is not the
//! article's (or has no file to upload) is dropped.

use crate::publishing::blocks::Block;
use crate::store::db::{now, ts};
use crate::{CoreError, Entity, Folio};
use folio_model::{Content, Image, ImageId, ImageStatus};
use folio_wordpress::{MediaUpload, WpClient};
use std::collections::HashSet;

/// One uploaded image of the article as an image block.
pub(crate) struct Figure {
    pub(crate) image: ImageId,
    pub(crate) featured: bool,
    pub(crate) markup: String,
}

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

/// The post's blocks with the images in place: each reference in the body becomes that image's
/// block (dropped when it is not one of `figures`), then the in-article images the body does not
/// refer to follow the H2 heading blocks in position order — the first after the first H2, and
/// so on; those beyond the last H2 go at the end. The featured image appears only where the
/// body places it. Blocks are separated by a blank line, as the block editor writes them.
pub(crate) fn place_images(blocks: &[Block], figures: &[Figure]) -> String {
    let referenced: HashSet<ImageId> = blocks.iter().filter_map(|b| b.image).collect();
    let mut loose = figures
        .iter()
        .filter(|f| !f.featured && !referenced.contains(&f.image))
        .map(|f| f.markup.as_str());
    let mut out: Vec<&str> = Vec::with_capacity(blocks.len() + figures.len());
    for block in blocks {
        if let Some(image) = block.image {
            if let Some(figure) = figures.iter().find(|f| f.image == image) {
                out.push(&figure.markup);
            }
            continue;
        }
        out.push(&block.markup);
        if block.h2 {
            if let Some(figure) = loose.next() {
                out.push(figure);
            }
        }
    }
    out.extend(loose);
    out.join("\n\n")
}

impl Folio {
    /// Uploads the article's images that are not on the site yet (saving each media id at
    /// once) and returns the featured media id and every image's figure (the featured one's too:
    /// the body may place it).
    pub(crate) async fn upload_images(
        &self,
        client: &WpClient,
        content: &Content,
    ) -> Result<(Option<i64>, Vec<Figure>, u32), CoreError> {
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
            }
            figures.push(Figure {
                image: image.id,
                featured: image.is_featured(),
                markup: figure(&image, media_id, &src),
            });
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
        let bytes = crate::files::read_bounded(
            &path,
            crate::writer::image_files::MAX_IMAGE_BYTES,
            "images",
            &format!("The {what}'s file"),
        )
        .await?;
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

    fn fig(markup: &str, featured: bool) -> Figure {
        Figure {
            image: folio_model::ImageId(Uuid::now_v7()),
            featured,
            markup: markup.to_owned(),
        }
    }

    fn p(t: &str) -> String {
        format!("<!-- wp:paragraph -->\n<p>{t}</p>\n<!-- /wp:paragraph -->")
    }

    fn h2(t: &str) -> String {
        format!(
            "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">{t}</h2>\n<!-- /wp:heading -->"
        )
    }

    #[test]
    fn images_the_body_places_go_there_and_the_others_after_the_h2s() {
        let (featured, a, b, c) = (
            fig("[F]", true),
            fig("[A]", false),
            fig("[B]", false),
            fig("[C]", false),
        );
        let refer = |f: &Figure| {
            format!(
                "<figure><img src=\"{}\" alt=\"x\"></figure>",
                crate::writer::image_refs::image_ref(f.image)
            )
        };
        let stranger = format!(
            "<img src=\"{}\">",
            crate::writer::image_refs::image_ref(folio_model::ImageId(Uuid::now_v7()))
        );
        // C inside a paragraph: not a place for a block, dropped; the stranger's too
        let body = format!(
            "<p>intro</p>{}<h2>One</h2><p>a</p>{}<h2>Two</h2><p>b {}</p>{stranger}<p>end</p>",
            refer(&b),
            refer(&featured),
            refer(&c).replace("figure", "span"),
        );
        let sanitized = crate::writer::sanitize::sanitize_article_html(&body);
        let blocks = crate::publishing::blocks::article_blocks(&sanitized);
        let placed = place_images(&blocks, &[featured, a, b, c]);
        assert_eq!(
            placed,
            [
                p("intro"),
                "[B]".into(),
                h2("One"),
                "[A]".into(),
                p("a"),
                "[F]".into(),
                h2("Two"),
                "[C]".into(),
                p("b "),
                p("end"),
            ]
            .join("\n\n"),
            "B and the featured image where the body put them, A and C (not placed) after the \
             H2s, the stranger's reference gone"
        );
    }

    #[test]
    fn images_follow_the_h2_blocks_in_order_and_the_rest_go_last() {
        let blocks = crate::publishing::blocks::article_blocks(
            "<p>intro</p><h2>One</h2><p>a</p><h3>Sub</h3><h2>Two</h2><p>b</p>",
        );
        let figs: Vec<Figure> = ["[1]", "[2]", "[3]"]
            .iter()
            .map(|m| fig(m, false))
            .collect();
        let placed = place_images(&blocks, &figs);
        let h3 = "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">Sub</h3>\n<!-- /wp:heading -->";
        assert_eq!(
            placed,
            [
                p("intro"),
                h2("One"),
                "[1]".into(),
                p("a"),
                h3.into(),
                h2("Two"),
                "[2]".into(),
                p("b"),
                "[3]".into()
            ]
            .join("\n\n")
        );
        let without = place_images(&blocks, &[]);
        assert_eq!(
            without,
            [p("intro"), h2("One"), p("a"), h3.into(), h2("Two"), p("b")].join("\n\n")
        );
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
