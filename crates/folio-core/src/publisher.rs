//! Publishing one article to its site's WordPress: images, terms, the post, SEO meta — and never
//! a second post.
//!
//! Idempotency: before anything is created, the post is looked for by the stored external id,
//! then by slug (`status=any`). A retry, a crash between WordPress creating the post and Folio
//! saving its id, or a second device that has not synced the id yet all find the post and update
//! it. Images are uploaded once: each media id is saved (and synced) the moment WordPress
//! returns it.
//!
//! Edits made in wp-admin are not overwritten: the post's `modified_gmt` is compared with the
//! value Folio saw last, and a difference stops the update unless the person forces it.

use crate::site_settings::{now, parse_stored, ts};
use crate::writer::read_content;
use crate::{CoreError, Entity, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    Content, ContentId, ContentStatus, Image, ImageStatus, PostStatus, PublishAction,
    PublishOutcome, PublishRequest, PublishingRecord, PublishingRecordId, RecordStatus, SiteStatus,
    Status, TaxonomyType, Term,
};
use folio_wordpress::{MediaUpload, PostFields, Taxonomy, WpClient, WpErrorKind, WpPost};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, OnceLock};
use uuid::Uuid;

/// Articles being published by this process: a second publish of the same article waits for
/// nothing and is refused, since both would look the post up before either saved its id.
fn in_flight() -> &'static Mutex<HashSet<ContentId>> {
    static SET: OnceLock<Mutex<HashSet<ContentId>>> = OnceLock::new();
    SET.get_or_init(|| Mutex::new(HashSet::new()))
}

struct InFlight(ContentId);

impl InFlight {
    fn claim(id: ContentId) -> Result<Self, CoreError> {
        let mut set = in_flight()
            .lock()
            .map_err(|_| CoreError::Internal("the publishing lock is poisoned".into()))?;
        if !set.insert(id) {
            return Err(CoreError::Conflict {
                field: "content",
                message: "This article is being published right now; wait for that to finish"
                    .into(),
            });
        }
        Ok(Self(id))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut set) = in_flight().lock() {
            set.remove(&self.0);
        }
    }
}

/// What the post should become on WordPress.
struct Plan {
    action: PublishAction,
    status: &'static str,
    date_gmt: Option<DateTime<Utc>>,
}

fn plan(req: &PublishRequest, content: &Content, at_now: DateTime<Utc>) -> Plan {
    let updating = content.external_id.is_some();
    match (req.status, req.at) {
        // WordPress itself turns `future` into `publish` when the time is not at least a minute
        // ahead; asking for `future` only then keeps the record honest.
        (PostStatus::Publish, Some(at)) if at > at_now + chrono::Duration::seconds(60) => Plan {
            action: PublishAction::Schedule,
            status: "future",
            date_gmt: Some(at),
        },
        (PostStatus::Publish, at) => Plan {
            action: if updating {
                PublishAction::Update
            } else {
                PublishAction::Publish
            },
            status: "publish",
            date_gmt: at,
        },
        (PostStatus::Draft, at) => Plan {
            action: PublishAction::Draft,
            status: "draft",
            date_gmt: at,
        },
        (PostStatus::Pending, at) => Plan {
            action: PublishAction::Pending,
            status: "pending",
            date_gmt: at,
        },
    }
}

fn ids_of(terms: &[(Term, i64)], taxonomy: TaxonomyType) -> Vec<i64> {
    terms
        .iter()
        .filter(|(t, _)| t.taxonomy == taxonomy)
        .map(|(_, id)| *id)
        .collect()
}

/// A short machine-readable reason for a failed attempt.
fn error_code(e: &CoreError) -> &'static str {
    match e {
        CoreError::Wordpress(w) => w.code(),
        CoreError::CannotCreateTerm { .. } => "forbidden",
        CoreError::EditedInWordpress { .. } => "conflict",
        CoreError::Validation { .. } => "invalid",
        CoreError::Keychain(_) => "keychain",
        _ => "internal",
    }
}

/// Walk the editorial states up to `to` through legal moves only (a person publishing by hand
/// is the review and the approval).
fn advance(mut from: ContentStatus, to: ContentStatus) -> ContentStatus {
    const ORDER: [ContentStatus; 4] = [
        ContentStatus::Draft,
        ContentStatus::Review,
        ContentStatus::Approved,
        ContentStatus::Published,
    ];
    let rank = |s: ContentStatus| ORDER.iter().position(|o| *o == s).unwrap_or(0);
    while rank(from) < rank(to) {
        match from.transition(ORDER[rank(from) + 1]) {
            Ok(next) => from = next,
            Err(_) => break,
        }
    }
    from
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

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: String,
    content_id: String,
    site_id: String,
    action: String,
    status: String,
    remote_status: Option<String>,
    external_id: Option<String>,
    external_url: Option<String>,
    error: Option<String>,
    error_code: Option<String>,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl RecordRow {
    fn into_record(self) -> Result<PublishingRecord, CoreError> {
        Ok(PublishingRecord {
            id: parse_stored("publishing record id", &self.id)?,
            content_id: parse_stored("content id", &self.content_id)?,
            site_id: parse_stored("site id", &self.site_id)?,
            action: parse_stored("publishing action", &self.action)?,
            status: parse_stored("publishing record status", &self.status)?,
            remote_status: self.remote_status,
            external_id: self.external_id,
            external_url: self.external_url,
            error: self.error,
            error_code: self.error_code,
            started_at: self.started_at,
            finished_at: self.finished_at,
        })
    }
}

const RECORD_COLUMNS: &str = "id, content_id, site_id, action, status, remote_status, external_id, external_url, error, error_code, started_at, finished_at";

/// How a publish ended on WordPress.
struct Landed {
    post: WpPost,
    created: bool,
    media_uploaded: u32,
}

impl Folio {
    /// Every publishing attempt of an article, newest first.
    pub async fn publishing_records(
        &self,
        content: ContentId,
    ) -> Result<Vec<PublishingRecord>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_content(&mut conn, &self.account_id.to_string(), content).await?;
        let rows: Vec<RecordRow> = sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM publishing_records WHERE content_id = ?
             ORDER BY started_at DESC, id DESC"
        ))
        .bind(content.to_string())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(RecordRow::into_record).collect()
    }

    /// Record the attempt as pending and mark the article `publishing`, before the first
    /// request to the site.
    async fn start_attempt(
        &self,
        content: &Content,
        action: PublishAction,
    ) -> Result<PublishingRecord, CoreError> {
        let mut tx = self.begin_write().await?;
        let c = read_content(tx.conn(), &self.account_id.to_string(), content.id).await?;
        let at = now();
        let record = PublishingRecord {
            id: PublishingRecordId(Uuid::now_v7()),
            content_id: c.id,
            site_id: c.site_id,
            action,
            status: RecordStatus::Pending,
            remote_status: None,
            external_id: c.external_id.clone(),
            external_url: c.external_url.clone(),
            error: None,
            error_code: None,
            started_at: at,
            finished_at: None,
        };
        sqlx::query(&format!(
            "INSERT INTO publishing_records ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, NULL)"
        ))
        .bind(record.id.to_string())
        .bind(c.id.to_string())
        .bind(c.site_id.to_string())
        .bind(action.as_str())
        .bind(RecordStatus::Pending.as_str())
        .bind(&record.external_id)
        .bind(&record.external_url)
        .bind(ts(at))
        .execute(tx.conn())
        .await?;
        // A crash leaves the article `publishing`; the next attempt simply carries on.
        if c.site_status != SiteStatus::Publishing {
            c.site_status
                .transition(SiteStatus::Publishing)
                .map_err(|e| CoreError::invalid("site_status", e.to_string()))?;
            sqlx::query(
                "UPDATE content SET site_status = 'publishing', site_status_updated_at = ?, updated_at = ?
                 WHERE id = ?",
            )
            .bind(ts(at))
            .bind(ts(at))
            .bind(c.id.to_string())
            .execute(tx.conn())
            .await?;
        }
        tx.touch(Entity::Content, c.id.as_uuid());
        tx.commit().await?;
        Ok(record)
    }

    /// Finish a failed attempt: the record says why; its text and everything else local stay
    /// as they were. An article that was not on the site is `failed`; one whose post is live
    /// or scheduled keeps saying so (a failed update or unpublish leaves the post as it was).
    async fn fail_attempt(
        &self,
        mut record: PublishingRecord,
        before: SiteStatus,
        error: &CoreError,
    ) -> Result<(), CoreError> {
        let after = match before {
            SiteStatus::Published | SiteStatus::Scheduled => before,
            _ => SiteStatus::Failed,
        };
        let mut tx = self.begin_write().await?;
        let at = now();
        record.status = RecordStatus::Failed;
        sqlx::query(
            "UPDATE publishing_records SET status = 'failed', error = ?, error_code = ?, finished_at = ?
             WHERE id = ?",
        )
        .bind(error.to_string())
        .bind(error_code(error))
        .bind(ts(at))
        .bind(record.id.to_string())
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "UPDATE content SET site_status = ?, site_status_updated_at = ?, updated_at = ?
             WHERE id = ? AND site_status = 'publishing'",
        )
        .bind(after.as_str())
        .bind(ts(at))
        .bind(ts(at))
        .bind(record.content_id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, record.content_id.as_uuid());
        tx.commit().await
    }

    /// Save where the post now is: its id, address and `modified_gmt`, the article's states, and
    /// the record.
    async fn finish_attempt(
        &self,
        mut record: PublishingRecord,
        post: &WpPost,
    ) -> Result<(Content, PublishingRecord), CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let mut c = read_content(tx.conn(), &account, record.content_id).await?;
        let at = now();
        let site_status = match post.status.as_str() {
            "publish" | "private" => SiteStatus::Published,
            "future" => SiteStatus::Scheduled,
            // draft, pending, trash: on the site, not published
            _ => SiteStatus::NotPublished,
        };
        c.status = match site_status {
            SiteStatus::Published => advance(c.status, ContentStatus::Published),
            SiteStatus::Scheduled => advance(c.status, ContentStatus::Approved),
            // unpublishing returns an article to draft (status.rs)
            _ if c.status == ContentStatus::Published => ContentStatus::Draft,
            _ => c.status,
        };
        c.scheduled_publish_at = if site_status == SiteStatus::Scheduled {
            post.date_gmt
        } else {
            None
        };
        c.site_status = site_status;
        c.site_status_updated_at = Some(at);
        c.external_id = Some(post.id.to_string());
        c.external_url = Some(post.link.clone());
        c.updated_at = at;
        sqlx::query(
            "UPDATE content SET status = ?, site_status = ?, site_status_updated_at = ?,
                 scheduled_publish_at = ?, external_id = ?, external_url = ?,
                 external_modified_at = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(c.status.as_str())
        .bind(site_status.as_str())
        .bind(ts(at))
        .bind(c.scheduled_publish_at.map(ts))
        .bind(&c.external_id)
        .bind(&c.external_url)
        .bind(post.modified_gmt.map(ts))
        .bind(ts(at))
        .bind(c.id.to_string())
        .execute(tx.conn())
        .await?;
        record.status = RecordStatus::Succeeded;
        record.remote_status = Some(post.status.clone());
        record.external_id = c.external_id.clone();
        record.external_url = c.external_url.clone();
        record.finished_at = Some(at);
        sqlx::query(
            "UPDATE publishing_records SET status = 'succeeded', remote_status = ?, external_id = ?,
                 external_url = ?, finished_at = ? WHERE id = ?",
        )
        .bind(&record.remote_status)
        .bind(&record.external_id)
        .bind(&record.external_url)
        .bind(ts(at))
        .bind(record.id.to_string())
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Content, c.id.as_uuid());
        tx.commit().await?;
        Ok((c, record))
    }

    async fn seen_modified(&self, content: ContentId) -> Result<Option<DateTime<Utc>>, CoreError> {
        let row: Option<(Option<DateTime<Utc>>,)> =
            sqlx::query_as("SELECT external_modified_at FROM content WHERE id = ?")
                .bind(content.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Publish (or update, schedule, send as a draft) one article on its site's WordPress. The
    /// attempt is recorded whatever happens; a failure leaves the article `failed` with the
    /// reason and loses nothing local.
    pub async fn wp_publish(&self, req: PublishRequest) -> Result<PublishOutcome, CoreError> {
        let _claim = InFlight::claim(req.content)?;
        let content = self.get_content(req.content).await?;
        if content.title.trim().is_empty() {
            return Err(CoreError::invalid(
                "title",
                "Give the article a title first",
            ));
        }
        let (client, integration) = self.wp_client(content.site_id).await?;
        let plan = plan(&req, &content, now());
        let record = self.start_attempt(&content, plan.action).await?;
        match self
            .publish_steps(&client, &integration, &content, &plan, req.force)
            .await
        {
            Ok(landed) => {
                let (content, record) = self.finish_attempt(record, &landed.post).await?;
                tracing::info!(content = %content.id, post = landed.post.id, status = %landed.post.status, created = landed.created, "published to WordPress");
                Ok(PublishOutcome {
                    post_id: landed.post.id,
                    url: landed.post.link.clone(),
                    remote_status: landed.post.status.clone(),
                    date_gmt: landed.post.date_gmt,
                    created: landed.created,
                    media_uploaded: landed.media_uploaded,
                    content,
                    record,
                })
            }
            Err(e) => {
                tracing::warn!(content = %content.id, error = %e, "publishing failed");
                self.fail_attempt(record, content.site_status, &e).await?;
                Err(e)
            }
        }
    }

    /// The post this article already has on WordPress: by stored id, then by slug. Returns the
    /// post and whether it was found by the stored id (only then can Folio tell an edit made
    /// in wp-admin).
    async fn existing_post(
        &self,
        client: &WpClient,
        content: &Content,
    ) -> Result<Option<(WpPost, bool)>, CoreError> {
        if let Some(id) = content
            .external_id
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
        {
            if let Some(post) = client.get_post(id).await? {
                return Ok(Some((post, true)));
            }
        }
        Ok(client
            .find_post_by_slug(&content.slug)
            .await?
            .map(|p| (p, false)))
    }

    fn check_not_edited(
        &self,
        post: &WpPost,
        seen: Option<DateTime<Utc>>,
        force: bool,
    ) -> Result<(), CoreError> {
        if force {
            return Ok(());
        }
        if let (Some(seen), Some(modified)) = (seen, post.modified_gmt) {
            // WordPress keeps whole seconds
            if modified.timestamp() != seen.timestamp() {
                return Err(CoreError::EditedInWordpress {
                    post_id: post.id,
                    modified: modified.to_rfc3339(),
                    seen: seen.to_rfc3339(),
                });
            }
        }
        Ok(())
    }

    async fn publish_steps(
        &self,
        client: &WpClient,
        integration: &folio_model::SiteIntegration,
        content: &Content,
        plan: &Plan,
        force: bool,
    ) -> Result<Landed, CoreError> {
        // The lookup and the uploads are independent requests; running them side by side
        // hides the lookup behind the (much slower) image upload.
        let (existing, (featured, figures, media_uploaded)) = tokio::try_join!(
            self.existing_post(client, content),
            self.upload_images(client, content)
        )?;
        if let Some((post, by_id)) = &existing {
            if *by_id {
                self.check_not_edited(post, self.seen_modified(content.id).await?, force)?;
            }
        }
        let mut terms = self.resolve_terms(client, integration, content).await?;
        let mut meta = BTreeMap::new();
        for key in &integration.structure.seo_meta_keys {
            let k = key.to_ascii_lowercase();
            let value = if k.contains("title") {
                Some(if content.meta_title.trim().is_empty() {
                    content.title.clone()
                } else {
                    content.meta_title.clone()
                })
            } else if k.contains("desc") {
                Some(if content.meta_description.trim().is_empty() {
                    content.excerpt.clone()
                } else {
                    content.meta_description.clone()
                })
            } else if k.contains("focus") {
                self.focus_keyword(content).await?
            } else {
                None
            };
            if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
                meta.insert(key.clone(), v);
            }
        }
        // Publishing a scheduled post "now" needs a date: without one WordPress keeps its future
        // date and schedules it again.
        let date_gmt = match (&existing, plan.date_gmt, plan.status) {
            (_, Some(d), _) => Some(d),
            (Some((post, _)), None, "publish") if post.status == "future" => Some(now()),
            _ => None,
        };
        let fields = PostFields {
            title: content.title.clone(),
            content: place_images(&content.body_html, &figures),
            excerpt: content.excerpt.clone(),
            slug: content.slug.clone(),
            status: plan.status.to_owned(),
            date_gmt,
            author: None,
            categories: ids_of(&terms, TaxonomyType::Category),
            tags: ids_of(&terms, TaxonomyType::Tag),
            featured_media: featured,
            meta,
        };
        let (mut post, created) = match existing {
            Some((post, _)) => (client.update_post(post.id, &fields).await?, false),
            None => (client.create_post(&fields).await?, true),
        };
        // WordPress silently drops term ids it does not know: a remembered id whose term was
        // deleted in wp-admin. Find those terms again by name and send the right ids once more.
        let dropped: Vec<usize> = terms
            .iter()
            .enumerate()
            .filter(|(_, (t, id))| {
                let kept = match t.taxonomy {
                    TaxonomyType::Category => &post.categories,
                    TaxonomyType::Tag => &post.tags,
                };
                !kept.contains(id)
            })
            .map(|(i, _)| i)
            .collect();
        if !dropped.is_empty() {
            let user = integration.username.clone().unwrap_or_default();
            for i in dropped {
                let term = terms[i].0.clone();
                let id = self.create_term(client, &term, &user).await?;
                self.remember_term_id(&term, id).await?;
                terms[i].1 = id;
            }
            let fields = PostFields {
                categories: ids_of(&terms, TaxonomyType::Category),
                tags: ids_of(&terms, TaxonomyType::Tag),
                ..fields
            };
            post = client.update_post(post.id, &fields).await?;
        }
        Ok(Landed {
            post,
            created,
            media_uploaded,
        })
    }

    async fn focus_keyword(&self, content: &Content) -> Result<Option<String>, CoreError> {
        let Some(task) = content.task_id else {
            return Ok(None);
        };
        Ok(Some(self.get_task(task).await?.primary_keyword))
    }

    /// Uploads the article's images that are not on the site yet (saving each media id at
    /// once) and returns the featured media id and the in-article figures.
    async fn upload_images(
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
        let format = crate::image_store::ImageFormat::sniff(&bytes).ok_or_else(|| {
            CoreError::invalid(
                "images",
                format!(
                    "The {what}'s file is not a {} image",
                    crate::image_store::ACCEPTED_FORMATS
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

    /// The WordPress ids of the article's categories and tags: the id remembered for the term,
    /// else one from the cached structure with the same name, else found or created on the site.
    async fn resolve_terms(
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
    async fn create_term(
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

    async fn remember_term_id(&self, term: &Term, id: i64) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE taxonomy_terms SET external_id = ? WHERE id = ?")
            .bind(id)
            .bind(term.id.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Taxonomy, term.id.as_uuid());
        tx.commit().await
    }

    /// Take a published article off the site: its post goes back to draft (kept, so publishing
    /// again updates the same post).
    pub async fn wp_unpublish(
        &self,
        content: ContentId,
        force: bool,
    ) -> Result<PublishOutcome, CoreError> {
        self.wp_status_change(content, PublishAction::Unpublish, force)
            .await
    }

    /// Move the article's post to WordPress's trash (restorable there for 30 days; publishing
    /// again brings the same post back).
    pub async fn wp_trash(
        &self,
        content: ContentId,
        force: bool,
    ) -> Result<PublishOutcome, CoreError> {
        self.wp_status_change(content, PublishAction::Trash, force)
            .await
    }

    async fn wp_status_change(
        &self,
        id: ContentId,
        action: PublishAction,
        force: bool,
    ) -> Result<PublishOutcome, CoreError> {
        let _claim = InFlight::claim(id)?;
        let content = self.get_content(id).await?;
        let Some(post_id) = content
            .external_id
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
        else {
            return Err(CoreError::invalid(
                "content",
                "This article is not on its WordPress site; there is nothing to take off",
            ));
        };
        let (client, _) = self.wp_client(content.site_id).await?;
        let record = self.start_attempt(&content, action).await?;
        let result: Result<WpPost, CoreError> = async {
            let Some(post) = client.get_post(post_id).await? else {
                return Err(CoreError::NotFound {
                    what: format!(
                        "post {post_id} on the WordPress site (deleted there?); publish the \
                         article again to create it anew"
                    ),
                });
            };
            self.check_not_edited(&post, self.seen_modified(id).await?, force)?;
            Ok(match action {
                PublishAction::Trash => client.trash_post(post_id).await?,
                _ => client.set_post_status(post_id, "draft").await?,
            })
        }
        .await;
        match result {
            Ok(post) => {
                let (content, record) = self.finish_attempt(record, &post).await?;
                Ok(PublishOutcome {
                    post_id: post.id,
                    url: post.link.clone(),
                    remote_status: post.status.clone(),
                    date_gmt: post.date_gmt,
                    created: false,
                    media_uploaded: 0,
                    content,
                    record,
                })
            }
            Err(e) => {
                self.fail_attempt(record, content.site_status, &e).await?;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn publishing_by_hand_walks_the_editorial_states() {
        assert_eq!(
            advance(ContentStatus::Draft, ContentStatus::Published),
            ContentStatus::Published
        );
        assert_eq!(
            advance(ContentStatus::Review, ContentStatus::Approved),
            ContentStatus::Approved
        );
        assert_eq!(
            advance(ContentStatus::Published, ContentStatus::Approved),
            ContentStatus::Published
        );
    }
}
