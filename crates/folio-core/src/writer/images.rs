//! Image rows of an article (featured and in-article): add, list, status.

use crate::store::db::{not_found, now, parse_stored, prefixed, status_error, ts};
use crate::text::tidy;
use crate::writer::content::read_content;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{ContentId, Image, ImageId, ImageResult, ImageStatus, NewImage, Status};
use sqlx::SqliteConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct ImageRow {
    id: String,
    content_id: String,
    image_type: String,
    url: Option<String>,
    local_path: Option<String>,
    alt_text: String,
    caption: String,
    position: i64,
    prompt: String,
    provider: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    external_media_id: Option<i64>,
}

pub(crate) const IMAGE_COLUMNS: &str = "id, content_id, image_type, url, local_path, alt_text, caption, position, prompt, provider, status, created_at, external_media_id";

impl ImageRow {
    pub(crate) fn into_image(self) -> Result<Image, CoreError> {
        Ok(Image {
            id: parse_stored("image id", &self.id)?,
            content_id: parse_stored("content id", &self.content_id)?,
            image_type: parse_stored("image type", &self.image_type)?,
            position: u32::try_from(self.position).unwrap_or(0),
            status: parse_stored("image status", &self.status)?,
            url: self.url,
            local_path: self.local_path,
            alt_text: self.alt_text,
            caption: self.caption,
            prompt: self.prompt,
            provider: self.provider,
            created_at: self.created_at,
            external_media_id: self.external_media_id,
        })
    }
}

pub(crate) async fn read_image(
    conn: &mut SqliteConnection,
    account: &str,
    id: ImageId,
) -> Result<Image, CoreError> {
    let row: Option<ImageRow> = sqlx::query_as(&format!(
        "SELECT {} FROM images i JOIN content c ON c.id = i.content_id JOIN sites s ON s.id = c.site_id
         WHERE i.id = ? AND s.account_id = ?",
        prefixed("i", IMAGE_COLUMNS)
    ))
    .bind(id.to_string())
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.ok_or_else(|| not_found(format!("image {id}")))?
        .into_image()
}

pub(crate) async fn insert_image(
    conn: &mut SqliteConnection,
    image: &Image,
) -> Result<(), CoreError> {
    sqlx::query(&format!(
        "INSERT INTO images ({IMAGE_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(image.id.to_string())
    .bind(image.content_id.to_string())
    .bind(image.image_type.as_str())
    .bind(&image.url)
    .bind(&image.local_path)
    .bind(&image.alt_text)
    .bind(&image.caption)
    .bind(image.position)
    .bind(&image.prompt)
    .bind(&image.provider)
    .bind(image.status.as_str())
    .bind(ts(image.created_at))
    .bind(image.external_media_id)
    .bind(ts(image.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

impl Folio {
    /// Add an image (a prompt waiting to be generated) to an article. An article has one
    /// featured image.
    pub async fn add_image(&self, input: NewImage) -> Result<Image, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        read_content(tx.conn(), &account, input.content).await?;
        if input.image_type == folio_model::ImageType::Featured {
            let existing: Option<(String,)> = sqlx::query_as(
                "SELECT id FROM images WHERE content_id = ? AND image_type = 'featured'",
            )
            .bind(input.content.to_string())
            .fetch_optional(tx.conn())
            .await?;
            if existing.is_some() {
                return Err(CoreError::Conflict {
                    field: "image_type",
                    message: "The article already has a featured image".into(),
                });
            }
        }
        let image = Image {
            id: ImageId(Uuid::now_v7()),
            content_id: input.content,
            image_type: input.image_type,
            url: None,
            local_path: None,
            alt_text: tidy(&input.alt_text),
            caption: input.caption.trim().to_owned(),
            position: input.position,
            prompt: input.prompt.trim().to_owned(),
            provider: None,
            status: ImageStatus::Pending,
            created_at: now(),
            external_media_id: None,
        };
        insert_image(tx.conn(), &image).await?;
        tx.touch(Entity::Image, image.id.as_uuid());
        tx.commit().await?;
        Ok(image)
    }

    /// An article's images: the featured one first, then in position order.
    pub async fn list_images(&self, content: ContentId) -> Result<Vec<Image>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<ImageRow> = sqlx::query_as(&format!(
            "SELECT {IMAGE_COLUMNS} FROM images WHERE content_id = ?
             ORDER BY image_type != 'featured', position, id"
        ))
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(ImageRow::into_image).collect()
    }

    /// Record an image generation's outcome (`pending → generated | failed`, `failed → pending`
    /// to retry). A generated image needs its URL or file.
    pub async fn set_image_status(
        &self,
        id: ImageId,
        result: ImageResult,
    ) -> Result<Image, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut image = read_image(tx.conn(), &account, id).await?;
        image.status.transition(result.to).map_err(status_error)?;
        if result.to == ImageStatus::Generated {
            let url = result
                .url
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let path = result
                .local_path
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if url.is_none() && path.is_none() {
                return Err(CoreError::invalid(
                    "url",
                    "A generated image needs its URL or its file",
                ));
            }
            image.url = url.map(str::to_owned);
            image.local_path = path.map(str::to_owned);
            image.provider = result
                .provider
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
        }
        image.status = result.to;
        sqlx::query(
            "UPDATE images SET status = ?, url = ?, local_path = ?, provider = ?, updated_at = ? WHERE id = ?",
        )
        .bind(image.status.as_str())
        .bind(&image.url)
        .bind(&image.local_path)
        .bind(&image.provider)
        .bind(ts(now()))
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Image, id.as_uuid());
        tx.commit().await?;
        Ok(image)
    }
}
