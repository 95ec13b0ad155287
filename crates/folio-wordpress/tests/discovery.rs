//! Finding the REST root from any address: Link header, /wp-json/, ?rest_route= for plain
//! permalinks, redirects, bare hosts, and sites without a REST API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{api_link, html, index_body, options, wp_json};
use folio_wordpress::{WpClient, WpErrorKind};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn link_header_of_the_home_page_names_the_root() {
    let server = MockServer::start().await;
    let base = server.uri();
    // The root lives somewhere /wp-json/ guessing would not find it.
    let root = format!("{base}/api-root/");
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            html(200, "<html>home</html>").insert_header("link", api_link(&root).as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api-root/"))
        .respond_with(wp_json(200, index_body(&base, true), &root))
        .mount(&server)
        .await;
    let client = WpClient::discover(&base, None, options()).await.unwrap();
    assert_eq!(client.api_root(), root);
    let index = client.index().await.unwrap();
    assert_eq!(index.name, "Folio & Friends");
    assert!(index.has_wp_v2());
    assert_eq!(
        index.app_passwords_authorization.as_deref(),
        Some(format!("{base}/wp-admin/authorize-application.php").as_str())
    );
}

#[tokio::test]
async fn without_a_link_header_wp_json_is_tried_from_a_wp_admin_address() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/wp-admin/"))
        .respond_with(html(200, "<html>login</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(wp_json(
            200,
            index_body(&base, true),
            &format!("{base}/wp-json/"),
        ))
        .mount(&server)
        .await;
    let client = WpClient::discover(&format!("{base}/wp-admin/"), None, options())
        .await
        .unwrap();
    assert_eq!(client.api_root(), format!("{base}/wp-json/"));
}

#[tokio::test]
async fn plain_permalinks_fall_back_to_rest_route_when_wp_json_is_the_home_page() {
    let server = MockServer::start().await;
    let base = server.uri();
    // Plain permalinks: /wp-json/ is just the home page, 200 text/html, and no Link header
    // here (a caching plugin stripped it).
    Mock::given(method("GET"))
        .and(path("/"))
        .and(query_param("rest_route", "/"))
        .respond_with(wp_json(
            200,
            index_body(&base, true),
            &format!("{base}/?rest_route=/"),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(html(200, "<html><title>Home</title></html>"))
        .with_priority(10)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(html(200, "<html><title>Home</title></html>"))
        .mount(&server)
        .await;
    let client = WpClient::discover(&base, None, options()).await.unwrap();
    assert_eq!(client.api_root(), format!("{base}/?rest_route=/"));

    // Later requests put the route into rest_route and join parameters with `&`.
    Mock::given(method("GET"))
        .and(path("/"))
        .and(query_param("rest_route", "/wp/v2/posts"))
        .and(query_param("slug", "hello"))
        .respond_with(wp_json(200, serde_json::json!([]), "x"))
        .expect(1)
        .mount(&server)
        .await;
    assert!(client.find_post_by_slug("hello").await.unwrap().is_none());
}

#[tokio::test]
async fn plain_permalinks_with_the_link_header_use_index_php_rest_route() {
    let server = MockServer::start().await;
    let base = server.uri();
    let root = format!("{base}/index.php?rest_route=/");
    Mock::given(method("GET"))
        .and(path("/index.php"))
        .and(query_param("rest_route", "/"))
        .respond_with(wp_json(200, index_body(&base, true), &root))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            html(200, "<html>home</html>").insert_header("link", api_link(&root).as_str()),
        )
        .mount(&server)
        .await;
    let client = WpClient::discover(&format!("{base}/"), None, options())
        .await
        .unwrap();
    assert_eq!(client.api_root(), root);
}

#[tokio::test]
async fn redirects_are_followed_and_the_final_address_is_kept() {
    // `old` plays http://example.com, which 301s everything to `new` (https://www.example.com).
    let new = fake::site(true).await;
    let old = MockServer::start().await;
    let target = new.uri();
    Mock::given(method("GET"))
        .respond_with(move |req: &wiremock::Request| {
            let to = format!("{target}{}", req.url.path());
            ResponseTemplate::new(301).insert_header("location", to.as_str())
        })
        .mount(&old)
        .await;
    let client = WpClient::discover(&old.uri(), None, options())
        .await
        .unwrap();
    assert_eq!(client.api_root(), format!("{}/wp-json/", new.uri()));
}

#[tokio::test]
async fn the_rest_root_itself_is_accepted() {
    let server = fake::site(true).await;
    let client = WpClient::discover(&format!("{}/wp-json", server.uri()), None, options())
        .await
        .unwrap();
    assert_eq!(client.api_root(), format!("{}/wp-json/", server.uri()));
}

#[tokio::test]
async fn a_bare_host_is_tried_over_https() {
    // The fake server speaks plain HTTP, so the https:// attempt fails at the TLS handshake:
    // proof that the bare host was given https:// and that no silent http fallback happened.
    let server = fake::site(true).await;
    let bare = server.uri().trim_start_matches("http://").to_owned();
    let err = WpClient::discover(&bare, None, options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Unreachable, "{err}");
    assert!(err.to_string().contains(&bare), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_site_without_a_rest_api_is_no_rest_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(html(200, "<html><title>Not WordPress</title></html>"))
        .mount(&server)
        .await;
    let err = WpClient::discover(&server.uri(), None, options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NoRestApi);
    let text = err.to_string();
    assert!(
        text.contains("/wp-json/") && text.contains("?rest_route=/"),
        "{text}"
    );
}

#[tokio::test]
async fn a_named_root_that_answers_html_is_not_json() {
    let server = MockServer::start().await;
    let base = server.uri();
    let root = format!("{base}/wp-json/");
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            html(200, "<html>home</html>").insert_header("link", api_link(&root).as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(html(200, "<br />\n<b>Warning</b>: Cannot modify header information in <b>/var/www/wp-content/plugins/x/x.php</b><br />\n{\"name\":\"x\""))
        .mount(&server)
        .await;
    let err = WpClient::discover(&base, None, options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson, "{err}");
    assert!(
        err.to_string().contains("Cannot modify header information"),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let uri = fake::closed_port_url();
    let err = WpClient::discover(&uri, None, options()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Unreachable, "{err}");
}

/// A "Disable REST API"-style plugin: anonymous requests get 401, logged-in ones the index.
async fn rest_for_logged_in_only() -> MockServer {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .and(wiremock::matchers::header_exists("authorization"))
        .respond_with(wp_json(
            200,
            index_body(&base, true),
            &format!("{base}/wp-json/"),
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(fake::wp_error(
            401,
            "rest_cannot_access",
            "DRA: Only authenticated users can access the REST API.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            html(200, "<html>home</html>")
                .insert_header("link", api_link(&format!("{base}/wp-json/")).as_str()),
        )
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_rest_api_for_logged_in_users_only_is_found_with_credentials() {
    let server = rest_for_logged_in_only().await;
    let client = WpClient::discover(&server.uri(), Some(fake::credentials()), options())
        .await
        .unwrap();
    assert_eq!(client.api_root(), format!("{}/wp-json/", server.uri()));
    // Without credentials the refusal is reported as such, not as "no REST API".
    let err = WpClient::discover(&server.uri(), None, options())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Auth, "{err}");
    assert_eq!(err.wp_code(), Some("rest_cannot_access"));
}
