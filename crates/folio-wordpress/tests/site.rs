//! Site structure (pagination over X-WP-TotalPages, authors, post types, SEO meta keys),
//! terms (search, create, term_exists), media uploads and the authorization URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{client, posts_schema, wp_error, wp_json};
use folio_wordpress::{MediaUpload, Taxonomy, WpErrorKind};
use serde_json::{json, Value};
use wiremock::matchers::{
    body_json, body_string, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn term(id: i64, name: &str, slug: &str, taxonomy: &str) -> Value {
    json!({"id": id, "count": 0, "description": "", "link": format!("http://h/tag/{slug}/"),
           "name": name, "slug": slug, "taxonomy": taxonomy, "meta": []})
}

fn page_of_tags(page: i64, count: i64, total: i64, pages: i64) -> ResponseTemplate {
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let id = (page - 1) * 100 + i + 10;
            term(id, &format!("Tag {id}"), &format!("tag-{id}"), "post_tag")
        })
        .collect();
    wp_json(200, json!(items), "x")
        .insert_header("x-wp-total", total.to_string().as_str())
        .insert_header("x-wp-totalpages", pages.to_string().as_str())
}

async fn mount_structure(server: &MockServer, seo_keys: &[&str]) {
    for page in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/wp-json/wp/v2/tags"))
            .and(query_param("per_page", "100"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(page_of_tags(page, if page < 3 { 100 } else { 20 }, 220, 3))
            .expect(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/categories"))
        .respond_with(
            wp_json(
                200,
                json!([
                    term(1, "Uncategorized", "uncategorized", "category"),
                    term(3, "Tips &amp; Tricks", "tips-tricks", "category")
                ]),
                "x",
            )
            .insert_header("x-wp-total", "2")
            .insert_header("x-wp-totalpages", "1"),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users"))
        .and(query_param("who", "authors"))
        .respond_with(
            wp_json(200, json!([{"id": 1, "name": "admin", "slug": "admin"}, {"id": 2, "name": "Ana Author", "slug": "author"}]), "x")
                .insert_header("x-wp-totalpages", "1"),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/types"))
        .respond_with(wp_json(200, json!({
            "post": {"slug": "post", "rest_base": "posts"}, "page": {"slug": "page", "rest_base": "pages"},
            "attachment": {"slug": "attachment"}, "nav_menu_item": {}, "wp_block": {}, "wp_template": {},
            "wp_template_part": {}, "wp_navigation": {}, "product": {"slug": "product"}
        }), "x"))
        .mount(server)
        .await;
    Mock::given(method("OPTIONS"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_json(200, posts_schema(seo_keys), "x"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn structure_follows_total_pages_and_filters_seo_keys() {
    let server = MockServer::start().await;
    mount_structure(
        &server,
        &[
            "_yoast_wpseo_title",
            "_yoast_wpseo_metadesc",
            "rank_math_description",
            "footnotes",
            "_my_seo_score",
        ],
    )
    .await;
    let s = client(&server).structure().await.unwrap();
    assert_eq!(s.tags.len(), 220);
    assert_eq!(s.tags[219].name, "Tag 229");
    assert_eq!(s.categories[1].name, "Tips & Tricks", "entities decoded");
    assert_eq!(
        s.authors.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(s.post_types, vec!["page", "post", "product"]);
    assert_eq!(
        s.seo_meta_keys,
        vec![
            "_my_seo_score",
            "_yoast_wpseo_metadesc",
            "_yoast_wpseo_title",
            "rank_math_description"
        ]
    );
}

#[tokio::test]
async fn authors_fall_back_when_who_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users"))
        .and(query_param("who", "authors"))
        .respond_with(wp_error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): who",
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users"))
        .respond_with(wp_json(
            200,
            json!([{"id": 2, "name": "Ana Author", "slug": "author"}]),
            "x",
        ))
        .mount(&server)
        .await;
    for (route, body) in [
        ("/wp-json/wp/v2/tags", json!([])),
        ("/wp-json/wp/v2/categories", json!([])),
        ("/wp-json/wp/v2/types", json!({"post": {}})),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(wp_json(200, body, "x"))
            .mount(&server)
            .await;
    }
    Mock::given(method("OPTIONS"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_json(
            200,
            json!({"schema": {"properties": {"meta": {"type": "object", "properties": []}}}}),
            "x",
        ))
        .mount(&server)
        .await;
    let s = client(&server).structure().await.unwrap();
    assert_eq!(s.authors[0].slug, "author");
    assert!(s.seo_meta_keys.is_empty());
}

#[tokio::test]
async fn ensure_term_reuses_an_exact_case_insensitive_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/categories"))
        .and(query_param("search", "tips & tricks"))
        .respond_with(wp_json(
            200,
            json!([
                term(4, "Tips &amp; Tricks for Pros", "pros", "category"),
                term(3, "Tips &amp; Tricks", "tips-tricks", "category")
            ]),
            "x",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(wp_error(500, "x", "must not create"))
        .expect(0)
        .mount(&server)
        .await;
    let t = client(&server)
        .ensure_term(Taxonomy::Category, "tips & tricks")
        .await
        .unwrap();
    assert_eq!(
        (t.id, t.name.as_str(), t.slug.as_str()),
        (3, "Tips & Tricks", "tips-tricks")
    );
}

#[tokio::test]
async fn ensure_term_creates_when_missing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/tags"))
        .respond_with(wp_json(200, json!([]), "x"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/tags"))
        .and(body_json(json!({"name": "Rust"})))
        .respond_with(wp_json(201, term(12, "Rust", "rust", "post_tag"), "x"))
        .expect(1)
        .mount(&server)
        .await;
    let t = client(&server)
        .ensure_term(Taxonomy::Tag, " Rust ")
        .await
        .unwrap();
    assert_eq!((t.id, t.slug.as_str()), (12, "rust"));
}

#[tokio::test]
async fn ensure_term_reuses_the_id_of_term_exists() {
    let server = MockServer::start().await;
    // Search misses it (WordPress stored "&amp;"), the create says it exists.
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/tags"))
        .respond_with(wp_json(200, json!([]), "x"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/tags"))
        .respond_with(wp_json(400, json!({
            "code": "term_exists", "message": "A term with the name provided already exists with this parent.",
            "data": {"status": 400, "term_id": 2}, "additional_data": [2, 2]}), "x"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/tags/2"))
        .respond_with(wp_json(200, term(2, "A &amp; B", "a-b", "post_tag"), "x"))
        .mount(&server)
        .await;
    let t = client(&server)
        .ensure_term(Taxonomy::Tag, "A & B")
        .await
        .unwrap();
    assert_eq!(
        (t.id, t.name.as_str(), t.slug.as_str()),
        (2, "A & B", "a-b")
    );
}

#[tokio::test]
async fn an_author_creating_a_category_is_forbidden() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/categories"))
        .respond_with(wp_json(200, json!([]), "x"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/categories"))
        .respond_with(wp_error(
            403,
            "rest_cannot_create",
            "Sorry, you are not allowed to create terms in this taxonomy.",
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .ensure_term(Taxonomy::Category, "News")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden);
    assert!(
        err.to_string().contains("create terms in this taxonomy"),
        "{err}"
    );
}

fn media_body(base: &str) -> Value {
    json!({"id": 4, "date_gmt": "2026-11-25T03:57:23", "slug": "hero", "status": "inherit", "type": "attachment",
           "link": format!("{base}/hero/"), "title": {"raw": "hero", "rendered": "hero"}, "author": 2, "meta": [],
           "alt_text": "", "caption": {"raw": "", "rendered": ""}, "media_type": "image", "mime_type": "image/png",
           "post": null, "source_url": format!("{base}/wp-content/uploads/2026/11/hero.png")})
}

#[tokio::test]
async fn upload_is_one_request_with_raw_bytes_and_the_metadata_in_the_query() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/media"))
        .and(header("content-type", "image/png"))
        .and(header(
            "content-disposition",
            "attachment; filename=\"hero-image.png\"",
        ))
        .and(query_param("alt_text", "A hero & co"))
        .and(query_param("title", "Hero"))
        .and(query_param_is_missing("caption"))
        .and(body_string("\u{89}PNG fake"))
        .respond_with(wp_json(201, media_body(&base), "x"))
        .expect(1)
        .mount(&server)
        .await;
    let media = client(&server)
        .upload_media(&MediaUpload {
            bytes: "\u{89}PNG fake".as_bytes().to_vec(),
            filename: "hero image.png".into(),
            mime_type: "image/png".into(),
            alt_text: "A hero & co".into(),
            caption: String::new(),
            title: "Hero".into(),
        })
        .await
        .unwrap();
    assert_eq!(media.id, 4);
    assert_eq!(
        media.source_url,
        format!("{base}/wp-content/uploads/2026/11/hero.png")
    );
}

#[tokio::test]
async fn a_subscriber_upload_is_forbidden() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/media"))
        .respond_with(wp_error(
            403,
            "rest_cannot_create",
            "Sorry, you are not allowed to upload media on this site.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .upload_media(&MediaUpload {
            bytes: vec![1],
            filename: "a.png".into(),
            mime_type: "image/png".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden);
}
