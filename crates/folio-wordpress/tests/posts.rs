//! Posts: create, update, get (404 → None), find by slug (with the status fallback), trash,
//! and what is sent on the wire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use fake::{client, post_body, wp_error, wp_json};
use folio_wordpress::PostFields;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer};

fn fields() -> PostFields {
    PostFields {
        title: "Tips & Tricks".into(),
        content: "<p>Body</p>".into(),
        excerpt: String::new(),
        slug: "tips-and-tricks".into(),
        status: "future".into(),
        date_gmt: Some(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()),
        author: None,
        categories: vec![1],
        tags: vec![5, 6],
        featured_media: Some(4),
        meta: BTreeMap::from([("_yoast_wpseo_metadesc".to_owned(), "d".to_owned())]),
    }
}

#[tokio::test]
async fn create_sends_json_with_basic_auth_and_parses_the_edit_context_answer() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(header("content-type", "application/json"))
        // base64("author:SECR ETpa ssw0 rdXY Z123 4567")
        .and(header(
            "authorization",
            "Basic YXV0aG9yOlNFQ1IgRVRwYSBzc3cwIHJkWFkgWjEyMyA0NTY3",
        ))
        .and(body_json(json!({
            "title": "Tips & Tricks", "content": "<p>Body</p>", "excerpt": "",
            "slug": "tips-and-tricks", "status": "future", "date_gmt": "2026-11-30T09:00:00",
            "categories": [1], "tags": [5, 6], "featured_media": 4,
            "meta": {"_yoast_wpseo_metadesc": "d"}
        })))
        .respond_with(wp_json(
            201,
            post_body(&base, 5, "future", "tips-and-tricks", "2026-11-30T09:00:00"),
            "x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let post = client(&server).create_post(&fields()).await.unwrap();
    assert_eq!(post.id, 5);
    assert_eq!(post.status, "future");
    assert_eq!(post.slug, "tips-and-tricks");
    assert_eq!(post.link, format!("{base}/tips-and-tricks/"));
    assert_eq!(
        post.date_gmt,
        Some(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap())
    );
    assert_eq!(
        post.modified_gmt,
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 3, 57, 23).unwrap())
    );
    assert_eq!(
        post.title, "Tips & Tricks",
        "the raw title, not the rendered one"
    );
    assert_eq!((post.author, post.featured_media), (2, 4));
    assert_eq!(post.categories, vec![1]);
    assert_eq!(post.meta["_yoast_wpseo_metadesc"], "d");
}

#[tokio::test]
async fn update_posts_to_the_post_route() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .respond_with(wp_json(
            200,
            post_body(
                &server.uri(),
                5,
                "publish",
                "tips-and-tricks",
                "2026-11-25T03:57:23",
            ),
            "x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let post = client(&server)
        .update_post(
            5,
            &PostFields {
                status: "publish".into(),
                date_gmt: None,
                ..fields()
            },
        )
        .await
        .unwrap();
    assert_eq!(post.status, "publish");
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert!(
        sent.get("date_gmt").is_none(),
        "no date: WordPress keeps the post's own"
    );
}

#[tokio::test]
async fn get_post_uses_edit_context_and_404_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .and(query_param("context", "edit"))
        .respond_with(wp_json(
            200,
            post_body(&server.uri(), 5, "draft", "", "2026-11-25T03:57:23"),
            "x",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts/999999"))
        .respond_with(wp_error(404, "rest_post_invalid_id", "Invalid post ID."))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.get_post(5).await.unwrap().unwrap().status, "draft");
    assert!(c.get_post(999999).await.unwrap().is_none());
}

#[tokio::test]
async fn a_draft_without_a_date_has_no_date_gmt() {
    let server = MockServer::start().await;
    let mut body = post_body(&server.uri(), 7, "draft", "", "2026-11-25T03:57:23");
    body["date_gmt"] = json!(null);
    body["meta"] = json!([]);
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts/7"))
        .respond_with(wp_json(200, body, "x"))
        .mount(&server)
        .await;
    let post = client(&server).get_post(7).await.unwrap().unwrap();
    assert_eq!(post.date_gmt, None);
    assert!(post.meta.is_empty());
}

#[tokio::test]
async fn find_by_slug_asks_for_any_status_in_edit_context() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(query_param("slug", "tips-and-tricks"))
        .and(query_param("status", "any"))
        .and(query_param("context", "edit"))
        .respond_with(wp_json(
            200,
            json!([post_body(
                &server.uri(),
                5,
                "pending",
                "tips-and-tricks",
                "2026-11-25T03:57:23"
            )]),
            "x",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(query_param("slug", "missing"))
        .respond_with(wp_json(200, json!([]), "x"))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        c.find_post_by_slug("tips-and-tricks")
            .await
            .unwrap()
            .unwrap()
            .id,
        5
    );
    assert!(c.find_post_by_slug("missing").await.unwrap().is_none());
}

#[tokio::test]
async fn find_by_slug_falls_back_to_listed_statuses_when_any_is_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(query_param("status", "any"))
        .respond_with(wp_json(
            400,
            json!({"code":"rest_invalid_param","message":"Invalid parameter(s): status",
            "data":{"status":400,"params":{"status":"Status is forbidden."}}}),
            "x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts"))
        .and(query_param(
            "status",
            "publish,future,draft,pending,private",
        ))
        .respond_with(wp_json(
            200,
            json!([post_body(
                &server.uri(),
                9,
                "publish",
                "s",
                "2026-11-25T03:57:23"
            )]),
            "x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server)
            .find_post_by_slug("s")
            .await
            .unwrap()
            .unwrap()
            .id,
        9
    );
}

#[tokio::test]
async fn trash_deletes_without_force() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .respond_with(wp_json(
            200,
            post_body(
                &server.uri(),
                5,
                "trash",
                "tips-and-tricks__trashed",
                "2026-11-25T03:57:23",
            ),
            "x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let post = client(&server).trash_post(5).await.unwrap();
    assert_eq!(post.status, "trash");
    let req = &server.received_requests().await.unwrap()[0];
    assert!(
        req.url.query().is_none_or(|q| !q.contains("force")),
        "{}",
        req.url
    );
}

#[tokio::test]
async fn trashing_an_already_trashed_post_returns_it() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .respond_with(wp_json(410, json!({"code": "rest_already_trashed", "message": "The post has already been deleted.", "data": {"status": 410}}), "x"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .respond_with(wp_json(
            200,
            post_body(
                &server.uri(),
                5,
                "trash",
                "t__trashed",
                "2026-11-25T03:57:23",
            ),
            "x",
        ))
        .mount(&server)
        .await;
    assert_eq!(client(&server).trash_post(5).await.unwrap().status, "trash");
}

#[tokio::test]
async fn an_empty_status_is_left_out_so_an_update_keeps_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts/5"))
        .respond_with(wp_json(
            200,
            post_body(&server.uri(), 5, "publish", "s", "2026-11-25T03:57:23"),
            "x",
        ))
        .mount(&server)
        .await;
    client(&server)
        .update_post(
            5,
            &PostFields {
                title: "New title".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert!(sent.get("status").is_none(), "{sent}");
}
