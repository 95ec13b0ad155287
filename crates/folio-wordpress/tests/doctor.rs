//! The site doctor on fake sites: healthy, without application passwords, with a refused
//! login, an unreachable address, and a REST API that answers HTML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use fake::{credentials, options, posts_schema, wp_error, wp_json};
use folio_model::{CheckOutcome, DoctorReport};
use folio_wordpress::doctor;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const IDS: [&str; 8] = [
    "rest_reachable",
    "json",
    "app_passwords",
    "login",
    "can_publish",
    "can_upload",
    "can_create_categories",
    "seo_meta",
];

fn outcomes(r: &DoctorReport) -> Vec<(&str, CheckOutcome)> {
    r.checks
        .iter()
        .map(|c| (c.id.as_str(), c.outcome))
        .collect()
}

fn assert_shape(r: &DoctorReport) {
    assert_eq!(
        r.checks.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        IDS
    );
    for c in &r.checks {
        assert!(!c.title.is_empty() && !c.explanation.is_empty(), "{c:?}");
        if matches!(c.outcome, CheckOutcome::Fail | CheckOutcome::Warn) {
            assert!(
                c.fix.as_deref().is_some_and(|f| !f.is_empty()),
                "a non-pass needs a fix: {c:?}"
            );
        }
        let text = format!("{c:?}");
        assert!(!text.contains(fake::PASSWORD), "{text}");
    }
}

async fn mount_me(server: &MockServer, me: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_json(200, me, "x"))
        .mount(server)
        .await;
}

async fn mount_schema(server: &MockServer, keys: &[&str]) {
    Mock::given(method("OPTIONS"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_json(200, posts_schema(keys), "x"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_healthy_site_with_an_admin_passes_everything() {
    let server = fake::site(true).await;
    mount_me(&server, fake::admin_me()).await;
    mount_schema(
        &server,
        &["_yoast_wpseo_title", "_yoast_wpseo_metadesc", "footnotes"],
    )
    .await;
    let r = doctor(&server.uri(), Some(credentials()), options()).await;
    assert_shape(&r);
    assert!(
        r.checks.iter().all(|c| c.outcome == CheckOutcome::Pass),
        "{:#?}",
        r.checks
    );
    assert!(r.healthy());
    assert_eq!(
        r.api_root.as_deref(),
        Some(format!("{}/wp-json/", server.uri()).as_str())
    );
    assert_eq!(r.roles, vec!["administrator"]);
    assert!(r
        .check("seo_meta")
        .unwrap()
        .explanation
        .contains("_yoast_wpseo_metadesc"));
}

#[tokio::test]
async fn an_author_without_seo_keys_gets_warnings_not_failures() {
    let server = fake::site(true).await;
    mount_me(&server, fake::author_me()).await;
    mount_schema(&server, &["footnotes"]).await;
    let r = doctor(&server.uri(), Some(credentials()), options()).await;
    assert_shape(&r);
    assert!(r.healthy());
    assert_eq!(
        r.check("can_create_categories").unwrap().outcome,
        CheckOutcome::Warn
    );
    let seo = r.check("seo_meta").unwrap();
    assert_eq!(seo.outcome, CheckOutcome::Warn);
    assert!(seo.fix.as_deref().unwrap().contains("register_post_meta"));
    assert!(seo.fix.as_deref().unwrap().contains("show_in_rest"));
}

#[tokio::test]
async fn a_site_without_application_passwords_fails_and_skips_the_rest() {
    let server = fake::site(false).await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            401,
            "rest_not_logged_in",
            "You are not currently logged in.",
        ))
        .mount(&server)
        .await;
    let r = doctor(&server.uri(), Some(credentials()), options()).await;
    assert_shape(&r);
    assert!(!r.healthy());
    use CheckOutcome::*;
    assert_eq!(
        outcomes(&r),
        vec![
            ("rest_reachable", Pass),
            ("json", Pass),
            ("app_passwords", Fail),
            ("login", Skipped),
            ("can_publish", Skipped),
            ("can_upload", Skipped),
            ("can_create_categories", Skipped),
            ("seo_meta", Skipped)
        ]
    );
    assert!(r
        .check("app_passwords")
        .unwrap()
        .fix
        .as_deref()
        .unwrap()
        .contains("HTTPS"));
}

#[tokio::test]
async fn a_refused_login_explains_both_causes() {
    let server = fake::site(true).await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            401,
            "rest_not_logged_in",
            "You are not currently logged in.",
        ))
        .mount(&server)
        .await;
    let r = doctor(&server.uri(), Some(credentials()), options()).await;
    assert_shape(&r);
    let login = r.check("login").unwrap();
    assert_eq!(login.outcome, CheckOutcome::Fail);
    assert!(
        login.explanation.contains("Authorization header"),
        "{login:?}"
    );
    let fix = login.fix.as_deref().unwrap();
    assert!(
        fix.contains("Users → Profile")
            && fix.contains("SetEnvIf Authorization")
            && fix.contains("CGIPassAuth On"),
        "{fix}"
    );
    assert_eq!(
        r.check("can_publish").unwrap().outcome,
        CheckOutcome::Skipped
    );
}

#[tokio::test]
async fn no_credentials_fails_the_login_check() {
    let server = fake::site(true).await;
    let r = doctor(&server.uri(), None, options()).await;
    assert_shape(&r);
    assert_eq!(r.check("login").unwrap().outcome, CheckOutcome::Fail);
}

#[tokio::test]
async fn an_unreachable_site_fails_the_first_check_only() {
    let r = doctor(&fake::closed_port_url(), Some(credentials()), options()).await;
    assert_shape(&r);
    assert_eq!(r.checks[0].outcome, CheckOutcome::Fail);
    assert!(r.checks[1..]
        .iter()
        .all(|c| c.outcome == CheckOutcome::Skipped));
    assert_eq!(r.api_root, None);
}

#[tokio::test]
async fn a_rest_api_answering_html_fails_the_json_check() {
    let server = MockServer::start().await;
    let root = format!("{}/wp-json/", server.uri());
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            fake::html(200, "<html>home</html>")
                .insert_header("link", fake::api_link(&root).as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(fake::html(200, "<html><head><title>There has been a critical error on this website.</title></head></html>"))
        .mount(&server)
        .await;
    let r = doctor(&server.uri(), Some(credentials()), options()).await;
    assert_shape(&r);
    assert_eq!(
        r.check("rest_reachable").unwrap().outcome,
        CheckOutcome::Pass
    );
    let json = r.check("json").unwrap();
    assert_eq!(json.outcome, CheckOutcome::Fail);
    assert!(json.explanation.contains("critical error"), "{json:?}");
}

#[tokio::test]
async fn a_rest_api_closed_to_anonymous_visitors_is_explained() {
    let server = MockServer::start().await;
    let root = format!("{}/wp-json/", server.uri());
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(wp_error(
            401,
            "rest_cannot_access",
            "DRA: Only authenticated users can access the REST API.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            fake::html(200, "<html>home</html>")
                .insert_header("link", fake::api_link(&root).as_str()),
        )
        .with_priority(10)
        .mount(&server)
        .await;
    let r = doctor(&server.uri(), None, options()).await;
    assert_shape(&r);
    let check = r.check("rest_reachable").unwrap();
    assert_eq!(check.outcome, CheckOutcome::Fail);
    assert!(
        check.explanation.contains("Only authenticated users"),
        "{check:?}"
    );
    assert!(
        check.fix.as_deref().unwrap().contains("security plugin"),
        "{check:?}"
    );
}
