//! A fake WordPress for the wiremock tests: bodies trimmed from real WordPress 6.1 answers
//! (shared/wordpress/samples) and helpers to mount them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use folio_wordpress::{ClientOptions, Credentials, WpClient};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const USER: &str = "author";
/// Recognisable, so a leak into any message is easy to spot.
pub const PASSWORD: &str = "SECR ETpa ssw0 rdXY Z123 4567";

pub fn credentials() -> Credentials {
    Credentials::new(USER, PASSWORD)
}

/// Tiny timeouts and backoff keep the suite fast.
pub fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        upload_timeout: Duration::from_secs(5),
        retry_backoff: Duration::from_millis(1),
        ..ClientOptions::default()
    }
}

/// `GET /wp-json/` of a WordPress 6.1 site (routes trimmed to one).
pub fn index_body(base: &str, app_passwords: bool) -> Value {
    let authentication = if app_passwords {
        json!({"application-passwords": {"endpoints": {
            "authorization": format!("{base}/wp-admin/authorize-application.php")}}})
    } else {
        json!([])
    };
    json!({
        "name": "Folio &amp; Friends", "description": "Just another WordPress site",
        "url": base, "home": base, "gmt_offset": "0", "timezone_string": "",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
        "authentication": authentication,
        "routes": {"/": {"namespace": "", "methods": ["GET"]}},
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]}
    })
}

pub fn api_link(root: &str) -> String {
    format!("<{root}>; rel=\"https://api.w.org/\"")
}

/// The JSON answer WordPress gives, with its usual headers.
pub fn wp_json(status: u16, body: Value, root: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json; charset=UTF-8")
        .insert_header("link", api_link(root).as_str())
        .insert_header("x-robots-tag", "noindex")
        .set_body_json(body)
}

pub fn wp_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json; charset=UTF-8")
        .set_body_json(json!({"code": code, "message": message, "data": {"status": status}}))
}

pub fn html(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "text/html; charset=UTF-8")
}

/// A pretty-permalink site: the index at /wp-json/ and the Link header on the home page.
pub async fn site(app_passwords: bool) -> MockServer {
    let server = MockServer::start().await;
    let base = server.uri();
    let root = format!("{base}/wp-json/");
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(wp_json(200, index_body(&base, app_passwords), &root))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            html(
                200,
                "<html><head><title>Folio &amp; Friends</title></head><body>home</body></html>",
            )
            .insert_header("link", api_link(&root).as_str()),
        )
        .mount(&server)
        .await;
    server
}

pub fn client(server: &MockServer) -> WpClient {
    WpClient::new(
        &format!("{}/wp-json/", server.uri()),
        Some(credentials()),
        options(),
    )
    .unwrap()
}

/// A post as `POST /wp/v2/posts` answers it (context=edit), from samples/post-create-201.json.
pub fn post_body(base: &str, id: i64, status: &str, slug: &str, date_gmt: &str) -> Value {
    json!({
        "id": id, "date": date_gmt, "date_gmt": date_gmt,
        "guid": {"rendered": format!("{base}/?p={id}"), "raw": format!("{base}/?p={id}")},
        "modified": "2026-11-25T03:57:23", "modified_gmt": "2026-11-25T03:57:23",
        "password": "", "slug": slug, "status": status, "type": "post",
        "link": format!("{base}/{slug}/"),
        "title": {"raw": "Tips & Tricks", "rendered": "Tips &#038; Tricks"},
        "content": {"raw": "<p>Body</p>", "rendered": "<p>Body</p>\n", "protected": false, "block_version": 0},
        "excerpt": {"raw": "", "rendered": "", "protected": false},
        "author": 2, "featured_media": 4, "comment_status": "open", "ping_status": "open",
        "sticky": false, "template": "", "format": "standard",
        "meta": {"_yoast_wpseo_title": "", "_yoast_wpseo_metadesc": "d", "_yoast_wpseo_focuskw": "",
                 "rank_math_title": "", "rank_math_description": "", "rank_math_focus_keyword": ""},
        "categories": [1], "tags": [], "permalink_template": format!("{base}/%postname%/"),
        "generated_slug": slug,
        "_links": {"self": [{"href": format!("{base}/wp-json/wp/v2/posts/{id}")}]}
    })
}

/// `GET /wp/v2/users/me?context=edit` of an Author (capabilities trimmed).
pub fn author_me() -> Value {
    json!({
        "id": 2, "username": "author", "name": "Ana Author", "first_name": "", "last_name": "",
        "email": "author@example.test", "url": "", "description": "", "link": "http://h/author/author/",
        "locale": "en_US", "nickname": "author", "slug": "author", "roles": ["author"],
        "registered_date": "2026-11-25T03:50:00+00:00",
        "capabilities": {"upload_files": true, "edit_posts": true, "edit_published_posts": true,
                         "publish_posts": true, "read": true, "level_2": true, "level_1": true,
                         "level_0": true, "delete_posts": true, "delete_published_posts": true,
                         "author": true},
        "extra_capabilities": {"author": true},
        "avatar_urls": {}, "meta": {"persisted_preferences": []}
    })
}

pub fn admin_me() -> Value {
    let mut me = author_me();
    me["id"] = json!(1);
    me["name"] = json!("admin");
    me["slug"] = json!("admin");
    me["roles"] = json!(["administrator"]);
    me["capabilities"]["manage_categories"] = json!(true);
    me["capabilities"]["administrator"] = json!(true);
    me
}

/// `OPTIONS /wp/v2/posts` with the given meta keys registered (schema trimmed).
pub fn posts_schema(meta_keys: &[&str]) -> Value {
    let props: serde_json::Map<String, Value> = meta_keys
        .iter()
        .map(|k| (k.to_string(), json!({"type": "string", "description": "", "default": "", "context": ["view", "edit"]})))
        .collect();
    json!({
        "namespace": "wp/v2", "methods": ["GET", "POST"],
        "schema": {"$schema": "http://json-schema.org/draft-04/schema#", "title": "post", "type": "object",
                   "properties": {"id": {"type": "integer"},
                                  "meta": {"type": "object", "properties": props}}}
    })
}

/// An address where nothing listens (wiremock pools its servers, so dropping one does not
/// close its port).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
