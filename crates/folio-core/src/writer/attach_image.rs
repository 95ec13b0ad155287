//! Images a writer attaches by hand, until the pipeline generates them: checked by their bytes,
//! stored in the data directory's content-addressed file store ([`crate::writer::image_files`]) and
//! recorded as generated images of the article, so publishing treats them like generated ones.

use crate::store::db::{not_found, now};
use crate::text::tidy;
use crate::writer::content::read_content;
use crate::writer::image_files;
use crate::writer::image_files::ImageFormat;
use crate::writer::images::{insert_image, read_image};
use crate::{CoreError, Entity, Folio};
use folio_model::{AttachImage, Image, ImageId, ImageStatus, ImageType};
use std::path::PathBuf;
use uuid::Uuid;

/// The `provider` of an image a person attached (generated ones name the AI provider).
pub const UPLOAD_PROVIDER: &str = "upload";

impl Folio {
    /// Attach an image file to an article. A featured image replaces the article's featured image
    /// (in the same write; the old file stays, files are shared by hash); an in-article image goes
    /// after the last one. Alt text defaults to the article's title.
    pub async fn attach_image(&self, input: AttachImage) -> Result<Image, CoreError> {
        let format = image_files::check(&input.file_name, &input.bytes)?;
        let account = self.account_id.to_string();
        // Checked before the file is written, so a wrong id leaves nothing behind.
        {
            let mut conn = self.pool.acquire().await?;
            read_content(&mut conn, &account, input.content).await?;
        }
        // The file is written outside the write transaction (it can take a moment and the
        // database lock is shared with the other process); if the write then fails, the file is
        // an unused blob that the next attach of the same bytes reuses.
        let data_dir = self.data_dir().to_path_buf();
        let bytes = input.bytes;
        let local_path =
            tokio::task::spawn_blocking(move || image_files::store(&data_dir, &bytes, format))
                .await
                .map_err(|e| CoreError::Internal(format!("storing the image stopped: {e}")))??;

        let mut tx = self.begin_write().await?;
        let content = read_content(tx.conn(), &account, input.content).await?;
        let content_id = content.id.to_string();
        let (image_type, position) = if input.featured {
            let old: Vec<(String,)> = sqlx::query_as(
                "DELETE FROM images WHERE content_id = ? AND image_type = 'featured' RETURNING id",
            )
            .bind(&content_id)
            .fetch_all(tx.conn())
            .await?;
            for (id,) in old {
                if let Ok(id) = Uuid::parse_str(&id) {
                    tx.touch(Entity::Image, id);
                }
            }
            (ImageType::Featured, 0)
        } else {
            let (next,): (i64,) = sqlx::query_as(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM images
                 WHERE content_id = ? AND image_type = 'in_article'",
            )
            .bind(&content_id)
            .fetch_one(tx.conn())
            .await?;
            (
                ImageType::InArticle,
                u32::try_from(next).unwrap_or(u32::MAX),
            )
        };
        let alt_text = match tidy(&input.alt_text) {
            alt if alt.is_empty() => content.title.clone(),
            alt => alt,
        };
        let image = Image {
            id: ImageId(Uuid::now_v7()),
            content_id: content.id,
            image_type,
            url: None,
            local_path: Some(local_path),
            alt_text,
            caption: input.caption.trim().to_owned(),
            position,
            prompt: String::new(),
            provider: Some(UPLOAD_PROVIDER.to_owned()),
            status: ImageStatus::Generated,
            created_at: now(),
            external_media_id: None,
        };
        insert_image(tx.conn(), &image).await?;
        tx.touch(Entity::Image, image.id.as_uuid());
        tx.commit().await?;
        tracing::info!(image = %image.id, content = %image.content_id, kind = %image.image_type, "image attached");
        Ok(image)
    }

    /// Remove an image from its article. Only the row: the file may be shared with other rows
    /// (same bytes) and stays in the store.
    pub async fn remove_image(&self, id: ImageId) -> Result<(), CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        read_image(tx.conn(), &account, id).await?;
        sqlx::query("DELETE FROM images WHERE id = ?")
            .bind(id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Image, id.as_uuid());
        tx.commit().await
    }

    /// The image's file on this device, if it is here. Image rows sync between devices but their
    /// files do not, so an image attached elsewhere has none until attached here too.
    pub fn image_file(&self, image: &Image) -> Option<PathBuf> {
        image_files::resolve(self.data_dir(), image.local_path.as_deref()?)
    }

    /// The image's bytes and their MIME type (from the bytes), for showing it.
    pub async fn image_bytes(&self, id: ImageId) -> Result<(Vec<u8>, &'static str), CoreError> {
        let image = {
            let mut conn = self.pool.acquire().await?;
            read_image(&mut conn, &self.account_id.to_string(), id).await?
        };
        let path = self.image_file(&image).ok_or_else(|| {
            not_found(format!(
                "the file of image {id} on this device (image files do not sync between devices; attach it again here)"
            ))
        })?;
        let bytes = crate::files::read_bounded(
            &path,
            image_files::MAX_IMAGE_BYTES,
            "images",
            &format!("The file of image {id}"),
        )
        .await?;
        let mime = ImageFormat::sniff(&bytes)
            .map(ImageFormat::mime)
            .ok_or_else(|| {
                CoreError::Corrupt(format!("{} is no longer an image", path.display()))
            })?;
        Ok((bytes, mime))
    }
}
