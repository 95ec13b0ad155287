//! Every error kind from a realistic WordPress answer, the retry rules (GETs retried, writes
//! never), and that no error ever shows the application password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake.rs"]
mod fake;

use std::time::Duration;

use fake::{client, html, options, wp_error, wp_json, PASSWORD};
use folio_wordpress::{PostFields, WpClient, WpError, WpErrorKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn draft() -> PostFields {
    PostFields {
        title: "Hello".into(),
        content: "<p>Hi</p>".into(),
        status: "draft".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn wrong_password_is_auth_with_wordpress_code() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            401,
            "rest_not_logged_in",
            "You are not currently logged in.",
        ))
        .expect(1) // 4xx is not retried
        .mount(&server)
        .await;
    let err = client(&server).me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Auth);
    assert_eq!(err.code(), "auth");
    assert_eq!(err.wp_code(), Some("rest_not_logged_in"));
    assert_eq!(err.status(), Some(401));
    let text = err.to_string();
    assert!(
        text.starts_with("WordPress did not accept the login for user author"),
        "{text}"
    );
    assert!(
        text.contains("rest_not_logged_in") && text.contains("application password"),
        "{text}"
    );
}

#[tokio::test]
async fn subscriber_creating_a_post_is_forbidden_with_wordpress_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_error(
            403,
            "rest_cannot_create",
            "Sorry, you are not allowed to create posts as this user.",
        ))
        .mount(&server)
        .await;
    let err = client(&server).create_post(&draft()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden);
    assert_eq!(err.wp_code(), Some("rest_cannot_create"));
    assert!(err
        .to_string()
        .contains("Sorry, you are not allowed to create posts as this user."));
}

#[tokio::test]
async fn a_firewall_403_page_is_forbidden_and_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(html(403, "<html><head><title>Access Denied | Wordfence</title></head><body>Your access to this site has been limited</body></html>"))
        .mount(&server)
        .await;
    let err = client(&server).create_post(&draft()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden);
    assert_eq!(err.wp_code(), None);
    let text = err.to_string();
    assert!(
        text.contains("Access Denied | Wordfence") && text.contains("firewall"),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_post_is_not_found_for_update() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts/999999"))
        .respond_with(wp_error(404, "rest_post_invalid_id", "Invalid post ID."))
        .mount(&server)
        .await;
    let err = client(&server)
        .update_post(999999, &draft())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotFound);
    assert_eq!(err.wp_code(), Some("rest_post_invalid_id"));
}

#[tokio::test]
async fn html_where_json_was_expected_is_not_json_with_the_page_title() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(html(200, "<!DOCTYPE html><html><head><title>Briefly unavailable for scheduled maintenance. Check back in a minute.</title></head><body>…</body></html>"))
        .mount(&server)
        .await;
    let err = client(&server).me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson);
    assert_eq!(err.status(), Some(200));
    let text = err.to_string();
    assert!(
        text.contains("Briefly unavailable for scheduled maintenance"),
        "{text}"
    );
    assert!(
        text.contains("text/html") && text.contains("disable plugins one by one"),
        "{text}"
    );
}

#[tokio::test]
async fn php_warning_before_the_json_is_not_json() {
    let server = MockServer::start().await;
    let body = format!(
        "<br />\n<b>Deprecated</b>:  Return type of Requests_Cookie_Jar::offsetExists($key) should be compatible in <b>/usr/share/wordpress/wp-includes/Requests/Cookie/Jar.php</b> on line <b>63</b><br />\n{}",
        fake::author_me()
    );
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(body.into_bytes(), "application/json; charset=UTF-8"),
        )
        .mount(&server)
        .await;
    let err = client(&server).me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson);
    assert!(
        err.to_string()
            .contains("Deprecated : Return type of Requests_Cookie_Jar"),
        "{err}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_for_gets_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(html(
            502,
            "<html><head><title>502 Bad Gateway</title></head></html>",
        ))
        .expect(3) // the first try and 2 retries
        .mount(&server)
        .await;
    let err = client(&server).me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Server);
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn a_get_that_fails_once_succeeds_on_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            500,
            "internal_server_error",
            "There has been a critical error on this website.",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_json(200, fake::author_me(), "x"))
        .mount(&server)
        .await;
    let me = client(&server).me().await.unwrap();
    assert_eq!(me.id, 2);
}

#[tokio::test]
async fn a_post_is_never_retried_on_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_error(
            500,
            "internal_server_error",
            "There has been a critical error on this website.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).create_post(&draft()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Server);
    assert_eq!(err.wp_code(), Some("internal_server_error"));
}

#[tokio::test]
async fn a_slow_site_times_out_and_a_post_is_not_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_json(201, json!({"id": 1}), "x").set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(&server)
        .await;
    let opts = folio_wordpress::ClientOptions {
        timeout: Duration::from_millis(200),
        ..options()
    };
    let client = WpClient::new(
        &format!("{}/wp-json/", server.uri()),
        Some(fake::credentials()),
        opts,
    )
    .unwrap();
    let err = client.create_post(&draft()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Timeout, "{err}");
    assert!(
        err.to_string().contains("did not answer within 200 ms"),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_is_unreachable_with_the_host() {
    let url = fake::closed_port_url();
    let client = WpClient::new(
        &format!("{url}/wp-json/"),
        Some(fake::credentials()),
        options(),
    )
    .unwrap();
    let err = client.me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Unreachable);
    assert!(
        err.to_string().contains(url.trim_start_matches("http://")),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_parameters_keep_wordpress_params() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(wp_json(400, json!({"code":"rest_invalid_param","message":"Invalid parameter(s): status",
            "data":{"status":400,"params":{"status":"status is not one of publish, future, draft, pending, and private."},
                    "details":{"status":{"code":"rest_not_in_enum","message":"status is not one of publish, future, draft, pending, and private.","data":null}}}}), "x"))
        .mount(&server)
        .await;
    let err = client(&server)
        .create_post(&PostFields {
            status: "bogus".into(),
            ..draft()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Invalid);
    assert_eq!(err.wp_code(), Some("rest_invalid_param"));
    assert!(
        err.to_string()
            .contains("status: status is not one of publish"),
        "{err}"
    );
}

#[tokio::test]
async fn application_passwords_disabled_is_its_own_kind() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            501,
            "application_passwords_disabled",
            "Application passwords are not available.",
        ))
        .expect(1) // 501 with this code is a configuration answer, not a hiccup
        .mount(&server)
        .await;
    let err = client(&server).me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::AppPasswordsUnavailable);
    assert_eq!(err.code(), "app_passwords_unavailable");
}

#[tokio::test]
async fn a_redirected_write_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("location", "https://www.example.com/wp-json/wp/v2/posts"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).create_post(&draft()).await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Other);
    assert!(
        err.to_string()
            .contains("https://www.example.com/wp-json/wp/v2/posts"),
        "{err}"
    );
}

/// Every kind, from real answers and by hand, formatted both ways: the password never shows.
#[tokio::test]
async fn no_error_or_debug_output_contains_the_password() {
    let server = MockServer::start().await;
    // A plugin that echoes the Authorization it got.
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/users/me"))
        .respond_with(wp_error(
            401,
            "incorrect_password",
            &format!(
                "The password {PASSWORD} is incorrect ({}).",
                PASSWORD.replace(' ', "")
            ),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut errors = vec![client.me().await.unwrap_err()];
    errors.extend([
        WpError::Forbidden {
            wp_code: Some("rest_cannot_create".into()),
            message: "no".into(),
        },
        WpError::NotFound {
            url: "http://h/x".into(),
            status: 404,
            wp_code: None,
            message: String::new(),
        },
        WpError::NotJson {
            url: "http://h/".into(),
            status: 200,
            content_type: "text/html".into(),
            snippet: "x".into(),
        },
        WpError::AppPasswordsUnavailable {
            wp_code: "application_passwords_disabled".into(),
            message: "m".into(),
        },
        WpError::Server {
            status: 500,
            wp_code: None,
            message: String::new(),
        },
        WpError::Timeout {
            host: "h".into(),
            after: Duration::from_secs(30),
        },
        WpError::Unreachable {
            host: "h".into(),
            detail: "Connection refused".into(),
        },
        WpError::Invalid {
            status: 400,
            wp_code: Some("term_exists".into()),
            message: "m".into(),
            params: Default::default(),
            term_id: Some(2),
        },
        WpError::NoRestApi {
            site_url: "http://h/".into(),
            tried: vec!["http://h/wp-json/".into()],
        },
        WpError::Other {
            message: "m".into(),
        },
    ]);
    let kinds: std::collections::HashSet<_> = errors.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds.len(), 11, "every kind is covered");
    let compact = PASSWORD.replace(' ', "");
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(
                !text.contains(PASSWORD) && !text.contains(&compact),
                "{text}"
            );
        }
    }
    assert!(!format!("{client:?}").contains(PASSWORD));
    assert!(!format!("{:?}", fake::credentials()).contains(PASSWORD));
    assert!(errors[0].to_string().contains("<redacted>"));
}
