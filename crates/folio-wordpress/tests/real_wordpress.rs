//! The client against a real WordPress 6.1 (crates/folio-wp-harness): discovery with both
//! permalink settings, the doctor, what each role may do, pagination, the HTML-answering
//! failure modes and a full publishing round trip. Each test starts its own site (~5 s).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration as ChronoDuration, DurationRound, Utc};
use folio_model::CheckOutcome;
use folio_wordpress::{
    doctor, ClientOptions, Credentials, MediaUpload, PostFields, Taxonomy, WpClient, WpErrorKind,
};
use folio_wp_harness::{HtmlMode, Options, Permalinks, WordPress, WpUser};

/// The smallest valid PNG (1×1); WordPress checks uploads are real images.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn start(options: Options) -> WordPress {
    let wp = WordPress::start(options).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "WordPress {} up at {} in {:.1?}",
        wp.version, wp.url, wp.start_time
    );
    wp
}

fn creds(user: &WpUser) -> Credentials {
    Credentials::new(&user.login, &user.app_password)
}

async fn client(wp: &WordPress, user: &WpUser) -> WpClient {
    WpClient::discover(&wp.url, Some(creds(user)), ClientOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn pretty_permalinks_discovery_doctor_and_roles() {
    let wp = start(Options::default());

    // Discovery from the home page and from wp-admin lands on /wp-json/.
    let admin = client(&wp, &wp.admin).await;
    assert_eq!(admin.api_root(), format!("{}/wp-json/", wp.url));
    let from_admin = WpClient::discover(
        &format!("{}/wp-admin/", wp.url),
        None,
        ClientOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(from_admin.api_root(), admin.api_root());
    let index = admin.index().await.unwrap();
    assert!(index.has_wp_v2());
    assert!(index
        .app_passwords_authorization
        .unwrap()
        .ends_with("/wp-admin/authorize-application.php"));

    // The doctor: all green for the admin (the harness registers SEO meta keys).
    let report = doctor(&wp.url, Some(creds(&wp.admin)), ClientOptions::default()).await;
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.outcome == CheckOutcome::Pass),
        "{:#?}",
        report.checks
    );
    assert_eq!(report.roles, vec!["administrator"]);
    // An Author can publish and upload but not create categories: a warning.
    let report = doctor(&wp.url, Some(creds(&wp.author)), ClientOptions::default()).await;
    assert!(report.healthy(), "{:#?}", report.checks);
    assert_eq!(
        report.check("can_publish").unwrap().outcome,
        CheckOutcome::Pass
    );
    assert_eq!(
        report.check("can_upload").unwrap().outcome,
        CheckOutcome::Pass
    );
    assert_eq!(
        report.check("can_create_categories").unwrap().outcome,
        CheckOutcome::Warn
    );
    // A wrong password: the login check fails with both explanations.
    let wrong = Credentials::new(&wp.author.login, "abcd efgh ijkl mnop qrst uvwx");
    let report = doctor(&wp.url, Some(wrong.clone()), ClientOptions::default()).await;
    assert_eq!(report.check("login").unwrap().outcome, CheckOutcome::Fail);

    // me(): the right user, and a wrong password is Auth (401), not an anonymous success.
    let me = admin.me().await.unwrap();
    assert_eq!(me.id, wp.admin.id);
    assert!(me.can("manage_categories"));
    let bad = WpClient::new(admin.api_root(), Some(wrong), ClientOptions::default()).unwrap();
    let err = bad.me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Auth, "{err}");
    assert_eq!(err.wp_code(), Some("rest_not_logged_in"));

    // A subscriber may not create posts.
    let subscriber = client(&wp, &wp.subscriber).await;
    let err = subscriber
        .create_post(&PostFields {
            title: "No".into(),
            status: "draft".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden, "{err}");
    assert_eq!(err.wp_code(), Some("rest_cannot_create"));

    // An author may create tags but not categories.
    let author = client(&wp, &wp.author).await;
    let err = author
        .ensure_term(Taxonomy::Category, "Brand New Category")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::Forbidden, "{err}");
    let tag = author
        .ensure_term(Taxonomy::Tag, "Fresh Tag")
        .await
        .unwrap();
    assert_eq!(tag.slug, "fresh-tag");
    assert_eq!(
        author
            .ensure_term(Taxonomy::Tag, "fresh tag")
            .await
            .unwrap()
            .id,
        tag.id
    );
    // "&" is stored as "&amp;": found by search or through term_exists, the same term either way.
    let amp = admin
        .ensure_term(Taxonomy::Category, "Tips & Tricks")
        .await
        .unwrap();
    assert_eq!(amp.name, "Tips & Tricks");
    assert_eq!(
        author
            .ensure_term(Taxonomy::Category, "Tips & Tricks")
            .await
            .unwrap()
            .id,
        amp.id
    );
    assert_eq!(
        admin
            .ensure_term(Taxonomy::Category, "tips & tricks")
            .await
            .unwrap()
            .id,
        amp.id
    );
    let quoted = admin
        .ensure_term(Taxonomy::Category, "Say \"Hi\" & 'Bye'")
        .await
        .unwrap();
    assert_eq!(quoted.name, "Say \"Hi\" & 'Bye'");
    assert_eq!(
        author
            .ensure_term(Taxonomy::Category, "Say \"Hi\" & 'Bye'")
            .await
            .unwrap()
            .id,
        quoted.id
    );
}

#[tokio::test]
async fn pretty_permalinks_structure_publishing_round_trip_and_html_answers() {
    let wp = start(Options::default());
    let admin = client(&wp, &wp.admin).await;
    let author = client(&wp, &wp.author).await;

    // 120 tags straight into the database, so the structure needs two pages of 100.
    let values: Vec<String> = (0..120)
        .map(|i| format!("('Bulk {i:03}', 'bulk-{i:03}', 0)"))
        .collect();
    wp.sql(&format!(
        "INSERT INTO wp_terms (name, slug, term_group) VALUES {}",
        values.join(", ")
    ))
    .unwrap();
    wp.sql(
        "INSERT INTO wp_term_taxonomy (term_id, taxonomy, description, parent, count) \
            SELECT term_id, 'post_tag', '', 0, 0 FROM wp_terms WHERE slug LIKE 'bulk-%'",
    )
    .unwrap();
    let structure = author.structure().await.unwrap();
    assert_eq!(
        structure
            .tags
            .iter()
            .filter(|t| t.slug.starts_with("bulk-"))
            .count(),
        120
    );
    assert!(structure
        .categories
        .iter()
        .any(|c| c.slug == "uncategorized"));
    assert!(
        structure.authors.iter().any(|a| a.id == wp.author.id),
        "{:?}",
        structure.authors
    );
    assert!(structure.post_types.contains(&"post".to_owned()));
    assert!(
        structure
            .seo_meta_keys
            .contains(&"_yoast_wpseo_metadesc".to_owned()),
        "{:?}",
        structure.seo_meta_keys
    );

    // Upload → create → find by slug → update → trash, as the author.
    let media = author
        .upload_media(&MediaUpload {
            bytes: PNG_1X1.to_vec(),
            filename: "folio-hero.png".into(),
            mime_type: "image/png".into(),
            alt_text: "A tiny hero".into(),
            caption: "Caption".into(),
            title: "Hero".into(),
        })
        .await
        .unwrap();
    assert!(media.source_url.ends_with(".png"), "{}", media.source_url);
    let served = reqwest::get(&media.source_url).await.unwrap();
    assert_eq!(served.status(), 200);
    let alt = wp.sql(&format!("SELECT meta_value FROM wp_postmeta WHERE post_id = {} AND meta_key = '_wp_attachment_image_alt'", media.id)).unwrap();
    assert_eq!(alt, "A tiny hero");
    let described = wp
        .sql(&format!(
            "SELECT post_excerpt, post_title FROM wp_posts WHERE ID = {}",
            media.id
        ))
        .unwrap();
    assert_eq!(
        described, "Caption\tHero",
        "caption and title in the same request"
    );

    let tag = author
        .ensure_term(Taxonomy::Tag, "Round Trip")
        .await
        .unwrap();
    let fields = PostFields {
        title: "Folio round trip ünïcödé".into(),
        content: "<p>Hello from Folio.</p>".into(),
        excerpt: "Short.".into(),
        slug: "folio-round-trip".into(),
        status: "publish".into(),
        categories: vec![1],
        tags: vec![tag.id],
        featured_media: Some(media.id),
        meta: [(
            "_yoast_wpseo_metadesc".to_owned(),
            "A description".to_owned(),
        )]
        .into(),
        ..Default::default()
    };
    let created = author.create_post(&fields).await.unwrap();
    assert_eq!(created.status, "publish");
    assert_eq!(created.slug, "folio-round-trip");
    assert_eq!(created.title, "Folio round trip ünïcödé");
    assert_eq!(created.featured_media, media.id);
    assert_eq!(created.tags, vec![tag.id]);
    assert_eq!(created.author, wp.author.id);
    assert_eq!(created.meta["_yoast_wpseo_metadesc"], "A description");
    assert!(
        created.link.ends_with("/folio-round-trip/"),
        "{}",
        created.link
    );

    let found = author
        .find_post_by_slug("folio-round-trip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, created.id);
    let updated = author
        .update_post(
            created.id,
            &PostFields {
                title: "Folio round trip, updated".into(),
                ..fields.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.title, "Folio round trip, updated");
    assert_eq!(
        author.get_post(created.id).await.unwrap().unwrap().title,
        "Folio round trip, updated"
    );
    let trashed = author.trash_post(created.id).await.unwrap();
    assert_eq!(trashed.status, "trash");
    assert_eq!(
        author.trash_post(created.id).await.unwrap().status,
        "trash",
        "trashing twice is fine"
    );
    assert!(
        author
            .find_post_by_slug("folio-round-trip")
            .await
            .unwrap()
            .is_none(),
        "trash is not `any`"
    );
    assert_eq!(
        admin.get_post(created.id).await.unwrap().unwrap().status,
        "trash"
    );
    assert!(admin.get_post(999_999).await.unwrap().is_none());

    // Scheduling: `future` with tomorrow's date comes back as future with that date.
    let tomorrow = (Utc::now() + ChronoDuration::days(1))
        .duration_trunc(ChronoDuration::seconds(1))
        .unwrap();
    let scheduled = author
        .create_post(&PostFields {
            title: "Tomorrow".into(),
            slug: "folio-tomorrow".into(),
            status: "future".into(),
            date_gmt: Some(tomorrow),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(scheduled.status, "future");
    assert_eq!(scheduled.date_gmt, Some(tomorrow));
    assert_eq!(
        author
            .find_post_by_slug("folio-tomorrow")
            .await
            .unwrap()
            .unwrap()
            .status,
        "future"
    );

    // A broken plugin printing HTML: a whole page, then a PHP notice before the JSON.
    wp.set_answer_html(Some(HtmlMode::Page)).unwrap();
    let err = author.me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson, "{err}");
    let before = wp
        .sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'")
        .unwrap();
    let err = author
        .create_post(&PostFields {
            title: "Lost".into(),
            status: "draft".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson, "{err}");
    assert_eq!(
        wp.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post'")
            .unwrap(),
        before
    );
    let report = doctor(&wp.url, Some(creds(&wp.author)), ClientOptions::default()).await;
    assert_eq!(
        report.check("json").unwrap().outcome,
        CheckOutcome::Fail,
        "{:#?}",
        report.checks
    );
    wp.set_answer_html(Some(HtmlMode::Notice)).unwrap();
    let err = author.me().await.unwrap_err();
    assert_eq!(err.kind(), WpErrorKind::NotJson, "{err}");
    assert!(err.to_string().contains("Warning"), "{err}");
    wp.set_answer_html(None).unwrap();
    assert_eq!(author.me().await.unwrap().id, wp.author.id);
}

#[tokio::test]
async fn plain_permalinks_use_rest_route() {
    let wp = start(Options {
        permalinks: Permalinks::Plain,
        ..Options::default()
    });
    let admin = client(&wp, &wp.admin).await;
    assert!(
        admin.api_root().ends_with("?rest_route=/"),
        "{}",
        admin.api_root()
    );
    // From wp-admin too: /wp-json/ is the home page's HTML there, which must not fool discovery.
    let from_admin = WpClient::discover(
        &format!("{}/wp-admin/", wp.url),
        None,
        ClientOptions::default(),
    )
    .await
    .unwrap();
    assert!(
        from_admin.api_root().contains("rest_route=/"),
        "{}",
        from_admin.api_root()
    );

    let report = doctor(&wp.url, Some(creds(&wp.admin)), ClientOptions::default()).await;
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.outcome == CheckOutcome::Pass),
        "{:#?}",
        report.checks
    );

    // Parameters after rest_route must be joined with `&`: slug, status, context all count.
    let post = admin
        .create_post(&PostFields {
            title: "Plain".into(),
            slug: "plain-post".into(),
            status: "draft".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(post.link.contains("?p="), "{}", post.link);
    assert_eq!(
        admin
            .find_post_by_slug("plain-post")
            .await
            .unwrap()
            .unwrap()
            .id,
        post.id
    );
    assert!(admin
        .find_post_by_slug("no-such-post")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        admin.get_post(post.id).await.unwrap().unwrap().status,
        "draft"
    );
    assert_eq!(admin.structure().await.unwrap().categories.len(), 1);
}

#[tokio::test]
async fn without_application_passwords_the_doctor_says_why_login_fails() {
    let wp = start(Options {
        app_passwords: false,
        ..Options::default()
    });
    let admin = client(&wp, &wp.admin).await;
    assert_eq!(
        admin.index().await.unwrap().app_passwords_authorization,
        None
    );
    let err = admin.me().await.unwrap_err();
    assert!(
        matches!(
            err.kind(),
            WpErrorKind::Auth | WpErrorKind::AppPasswordsUnavailable
        ),
        "{err}"
    );

    let report = doctor(&wp.url, Some(creds(&wp.admin)), ClientOptions::default()).await;
    assert!(!report.healthy());
    assert_eq!(
        report.check("rest_reachable").unwrap().outcome,
        CheckOutcome::Pass
    );
    assert_eq!(
        report.check("app_passwords").unwrap().outcome,
        CheckOutcome::Fail
    );
    assert_eq!(
        report.check("login").unwrap().outcome,
        CheckOutcome::Skipped
    );
    assert_eq!(
        report.check("can_publish").unwrap().outcome,
        CheckOutcome::Skipped
    );
}
