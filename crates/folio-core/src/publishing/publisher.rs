//! Publishing one article to its site's WordPress: images, terms, the post, SEO meta — and never
//! a second post.
//!
//! Idempotency: before anything is created, the post is looked for by the stored external id,
//! then by slug (`status=any`), adopting a slug match only when it carries this article's Folio
//! mark (`marker.rs`) unless forced. A retry, a crash between WordPress creating the post and Folio
//! saving its id, or a second device that has not synced the id yet all find the post and update
//! it. Images are uploaded once: each media id is saved (and synced) the moment WordPress
//! returns it.
//!
//! Edits made in wp-admin are not overwritten: the post's `modified_gmt` is compared with the
//! value Folio saw last, and a difference stops the update unless the person forces it.

use crate::jobs::Job;
use crate::publishing::blocks::article_blocks;
use crate::publishing::marker;
use crate::publishing::media::place_images;
use crate::publishing::terms::ids_of;
use crate::store::db::now;
use crate::writer::sanitize::sanitize_article_body;
use crate::{CoreError, Folio};
use chrono::{DateTime, Utc};
use folio_model::{
    Content, ContentId, ContentStatus, JobKind, JobPhase, JobScope, PostStatus, PublishAction,
    PublishOutcome, PublishRequest, Status, TaxonomyType,
};
use folio_wordpress::{PostFields, WpClient, WpPost};
use std::collections::BTreeMap;

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

/// A short machine-readable reason for a failed attempt.
pub(crate) fn error_code(e: &CoreError) -> &'static str {
    match e {
        CoreError::Wordpress(w) => w.code(),
        CoreError::CannotCreateTerm { .. } => "forbidden",
        CoreError::EditedInWordpress { .. } => "conflict",
        CoreError::ForeignPost { .. } => "foreign_post",
        CoreError::WordpressReconnect { .. } => "reconnect_required",
        CoreError::Validation { .. } => "invalid",
        CoreError::Keychain(_) => "keychain",
        _ => "internal",
    }
}

/// Walk the editorial states up to `to` through legal moves only (a person publishing by hand
/// is the review and the approval).
pub(crate) fn advance(mut from: ContentStatus, to: ContentStatus) -> ContentStatus {
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

/// How a publish ended on WordPress.
struct Landed {
    post: WpPost,
    created: bool,
    media_uploaded: u32,
}

impl Folio {
    /// Publish (or update, schedule, send as a draft) one article on its site's WordPress. The
    /// attempt is recorded whatever happens; a failure leaves the article `failed` with the
    /// reason and loses nothing local.
    ///
    /// Runs as a `publish` job for the article: one at a time per article, across processes,
    /// since two would both look the post up before either saved its id.
    pub async fn wp_publish(&self, req: PublishRequest) -> Result<PublishOutcome, CoreError> {
        let job = self.publish_job(req.content).await?;
        let result = self.publish_as(&job, req).await;
        job.finish(result)
    }

    /// The article's publishing job (publish, unpublish, trash all take it).
    pub(crate) async fn publish_job(&self, content: ContentId) -> Result<Job, CoreError> {
        self.jobs()
            .start(JobKind::Publish, JobScope::Content { content })
            .await
    }

    async fn publish_as(
        &self,
        job: &Job,
        req: PublishRequest,
    ) -> Result<PublishOutcome, CoreError> {
        let content = self.get_content(req.content).await?;
        if content.title.trim().is_empty() {
            return Err(CoreError::invalid(
                "title",
                "Give the article a title first",
            ));
        }
        let (client, integration) = self.wp_client(content.site_id).await?;
        let plan = plan(&req, &content, now());
        job.check()?;
        let record = self.start_attempt(&content, plan.action).await?;
        match self
            .publish_steps(job, &client, &integration, &content, &plan, req.force)
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
        job: &Job,
        client: &WpClient,
        integration: &folio_model::SiteIntegration,
        content: &Content,
        plan: &Plan,
        force: bool,
    ) -> Result<Landed, CoreError> {
        // The body is sanitised again: it may have been stored by another device, the CLI or a
        // version of Folio from before the sanitiser. Then it becomes blocks, so the post opens
        // in the block editor as paragraphs, headings, lists… rather than one Classic block.
        let blocks = article_blocks(&sanitize_article_body(&content.body_html)?);
        // The lookup and the uploads are independent requests; running them side by side
        // hides the lookup behind the (much slower) image upload.
        job.say(
            JobPhase::Uploading,
            0,
            None,
            "looking up the post, uploading images",
        );
        let (existing, (featured, figures, media_uploaded)) = tokio::try_join!(
            self.existing_post(client, content),
            self.upload_images(client, content)
        )?;
        if let Some((post, _)) = &existing {
            // An edit made in wp-admin since Folio last saw the post is not overwritten (checked
            // first: re-saving in the block editor also drops the mark below, and "edited in
            // WordPress" is the truer account of that).
            self.check_not_edited(post, self.seen_modified(content.id).await?, force)?;
            // The slug, the stored post id and the time last seen are all synced, and anyone on
            // the team can set them: a post found either way is this article's only if it
            // carries this article's Folio mark. Otherwise it is someone else's post, and only
            // an explicit force may overwrite it.
            if !force && !marker::carries(&post.content_raw, content.id) {
                return Err(CoreError::ForeignPost {
                    post_id: post.id,
                    slug: post.slug.clone(),
                });
            }
        }
        job.check()?;
        job.say(JobPhase::Calling, 0, None, "categories and tags");
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
            content: marker::mark(&place_images(&blocks, &figures), content.id),
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
        // The last checkpoint: once the post request is sent, it is seen through and saved.
        job.check()?;
        job.say(JobPhase::Calling, 0, None, "sending the post");
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
}

impl Folio {
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
        let job = self.publish_job(id).await?;
        let result = self.status_change_as(&job, id, action, force).await;
        job.finish(result)
    }

    async fn status_change_as(
        &self,
        job: &Job,
        id: ContentId,
        action: PublishAction,
        force: bool,
    ) -> Result<PublishOutcome, CoreError> {
        job.say(JobPhase::Calling, 0, None, action.as_str());
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
