//! Posts: what Folio sends, what WordPress answers, and the create/read/update/trash calls.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Payload, WpClient};
use crate::error::{WpError, WpErrorKind};

/// The fields Folio sets on a post. Terms and featured media are ids (resolve them first with
/// `ensure_term` and `upload_media`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PostFields {
    pub title: String,
    pub content: String,
    pub excerpt: String,
    /// Empty: WordPress makes one from the title.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub slug: String,
    /// `draft`, `pending`, `publish` or `future` (with `date_gmt` at least a minute ahead;
    /// WordPress also turns `publish` with a future date into `future`). Empty: left out, so
    /// an update keeps the post's status (and a create makes a draft).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_wp_date"
    )]
    pub date_gmt: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<i64>,
    pub categories: Vec<i64>,
    pub tags: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featured_media: Option<i64>,
    /// Only keys the site registered with `show_in_rest` are kept; others are silently dropped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

fn serialize_wp_date<S: Serializer>(d: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%dT%H:%M:%S").to_string()),
        None => s.serialize_none(),
    }
}

/// A post as WordPress returns it (`context=edit` where allowed).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct WpPost {
    pub id: i64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub link: String,
    #[serde(default, deserialize_with = "deserialize_wp_date")]
    pub date_gmt: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "deserialize_wp_date")]
    pub modified_gmt: Option<DateTime<Utc>>,
    #[serde(default)]
    pub author: i64,
    #[serde(default)]
    pub categories: Vec<i64>,
    #[serde(default)]
    pub tags: Vec<i64>,
    #[serde(default)]
    pub featured_media: i64,
    /// The raw title when the user may edit the post, else the rendered one.
    #[serde(default, deserialize_with = "deserialize_rendered")]
    pub title: String,
    /// The raw block markup (`context=edit`); empty when WordPress sent only the rendered
    /// HTML. Folio looks for its marker here before adopting a post found by slug.
    #[serde(default, rename = "content", deserialize_with = "deserialize_raw")]
    pub content_raw: String,
    /// WordPress sends `[]` instead of `{}` when no meta is registered.
    #[serde(default, deserialize_with = "deserialize_meta")]
    pub meta: serde_json::Map<String, serde_json::Value>,
}

/// WordPress writes `*_gmt` dates without a zone ("2026-11-29T10:00:00"); they are UTC.
fn deserialize_wp_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    Ok(s.and_then(|s| parse_wp_date(&s)))
}

pub(crate) fn parse_wp_date(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|n| n.and_utc())
}

fn deserialize_rendered<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match &v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => o
            .get("raw")
            .or_else(|| o.get("rendered"))
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    })
}

/// Only `raw`: the rendered HTML has lost the block comments a marker lives in.
fn deserialize_raw<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.get("raw")
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_owned())
}

fn deserialize_meta<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Object(o) => o,
        _ => serde_json::Map::new(),
    })
}

impl WpClient {
    /// Never retried: if the answer is lost, look the post up by slug before trying again.
    pub async fn create_post(&self, post: &PostFields) -> Result<WpPost, WpError> {
        self.send_json(Method::POST, "wp/v2/posts", &[], post).await
    }

    pub async fn update_post(&self, id: i64, post: &PostFields) -> Result<WpPost, WpError> {
        self.send_json(Method::POST, &format!("wp/v2/posts/{id}"), &[], post)
            .await
    }

    /// Only the status changes (unpublishing sends `draft`); title, content and terms stay as
    /// they are on the site.
    pub async fn set_post_status(&self, id: i64, status: &str) -> Result<WpPost, WpError> {
        self.send_json(
            Method::POST,
            &format!("wp/v2/posts/{id}"),
            &[],
            &serde_json::json!({ "status": status }),
        )
        .await
    }

    /// `None` when the post does not exist (deleted for good, or never).
    pub async fn get_post(&self, id: i64) -> Result<Option<WpPost>, WpError> {
        match self
            .get_json(&format!("wp/v2/posts/{id}"), &[("context", "edit")])
            .await
        {
            Ok(p) => Ok(Some(p)),
            Err(e) if e.kind() == WpErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The post with this slug in any status but trash.
    pub async fn find_post_by_slug(&self, slug: &str) -> Result<Option<WpPost>, WpError> {
        let attempt = self
            .get_json::<Vec<WpPost>>(
                "wp/v2/posts",
                &[("slug", slug), ("status", "any"), ("context", "edit")],
            )
            .await;
        let posts = match attempt {
            Ok(p) => p,
            // Some sites reject `any` (or one of the statuses it stands for) with 400.
            Err(e) if e.kind() == WpErrorKind::Invalid => self
                .get_json(
                    "wp/v2/posts",
                    &[
                        ("slug", slug),
                        ("status", "publish,future,draft,pending,private"),
                        ("context", "edit"),
                    ],
                )
                .await
                .map_err(|e| match e {
                    // A user who may not see unpublished posts (a Subscriber) cannot edit any
                    // either; say so rather than "invalid parameter".
                    WpError::Invalid { message, params, .. }
                        if params.get("status").is_some_and(|p| p.contains("forbidden")) =>
                    {
                        WpError::Forbidden {
                            wp_code: Some("rest_forbidden_status".into()),
                            message: format!(
                                "this user may not see unpublished posts, so cannot publish ({message})"
                            ),
                        }
                    }
                    other => other,
                })?,
            Err(e) => return Err(e),
        };
        Ok(posts.into_iter().next())
    }

    /// Moves the post to the trash (recoverable in wp-admin); the answer has status `trash`.
    /// A post already in the trash is not an error (WordPress says 410 `rest_already_trashed`):
    /// a retried unpublish must not fail because the first attempt worked.
    pub async fn trash_post(&self, id: i64) -> Result<WpPost, WpError> {
        let url = self.url(&format!("wp/v2/posts/{id}"), &[]);
        match self.execute(Method::DELETE, url, Payload::None, None).await {
            Ok(reply) => reply.json(),
            Err(e) if e.wp_code() == Some("rest_already_trashed") => {
                self.get_post(id).await?.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fields_serialize_like_wordpress_wants() {
        let mut f = PostFields {
            title: "T".into(),
            status: "future".into(),
            date_gmt: Some(Utc.with_ymd_and_hms(2026, 11, 30, 9, 5, 0).unwrap()),
            ..Default::default()
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["date_gmt"], "2026-11-30T09:05:00");
        assert!(v.get("slug").is_none() && v.get("meta").is_none() && v.get("author").is_none());
        assert!(v.get("featured_media").is_none());
        f.meta.insert("_yoast_wpseo_metadesc".into(), "d".into());
        f.featured_media = Some(4);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["meta"]["_yoast_wpseo_metadesc"], "d");
        assert_eq!(v["featured_media"], 4);
    }

    #[test]
    fn post_parses_zone_less_dates_as_utc_and_both_title_forms() {
        let p: WpPost = serde_json::from_str(
            r#"{"id":5,"date_gmt":"2026-11-29T10:00:00","modified_gmt":null,"title":{"raw":"R","rendered":"X"},"meta":[]}"#,
        )
        .unwrap();
        assert_eq!(
            p.date_gmt,
            Some(Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap())
        );
        assert_eq!(p.modified_gmt, None);
        assert_eq!(p.title, "R");
        assert!(p.meta.is_empty());
        let p: WpPost = serde_json::from_str(r#"{"id":5,"title":{"rendered":"Tips"}}"#).unwrap();
        assert_eq!(p.title, "Tips");
    }
}
