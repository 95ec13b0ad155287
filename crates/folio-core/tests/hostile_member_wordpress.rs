//! Issue 15, the WordPress side: a teammate with edit rights on a site is hostile, and every
//! synced thing they can set — the connection's REST root and site address, an article's slug —
//! reaches the owner's device. Against a real WordPress (scripts/wordpress/ through
//! folio-wp-harness) and a local listener standing in for the attacker's server.
//!
//! The synced change is written into the device's projection row (`site_integrations`) the way
//! applying a teammate's change to the site document leaves it; publishing reads nothing else.
//!
//! Needs an OS keychain: run under `scripts/headless.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

#[path = "support/sync_server.rs"]
mod sync_server;
#[path = "support/wordpress_site.rs"]
mod wordpress_site;

use folio_core::keychain::{wordpress_password_entry, Keychain};
use folio_core::{CoreError, Folio};
use folio_model::{
    ContentId, ContentUpdate, NewContent, NewSite, PostStatus, PublishRequest, Site, WpConnect,
};
use folio_wordpress::PostFields;
use folio_wp_harness::{Options, WordPress, WpUser};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, Once};
use wordpress_site::{client_as, write_as_synced};

/// One keychain service nobody else uses, for the whole test process: the tests run side by side
/// and the service is read from the environment on every keychain call.
fn private_keychain() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var(
            "FOLIO_KEYCHAIN_SERVICE",
            format!("folio-test-hostile-wp-{}", uuid::Uuid::now_v7()),
        );
    });
}

/// A server that records the head of every request it receives and answers 401.
struct Attacker {
    port: u16,
    seen: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Attacker {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let record = seen.clone();
        // Lives until the test process ends; it only ever blocks in accept.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body =
                    r#"{"code":"rest_not_logged_in","message":"log in","data":{"status":401}}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let (list, changed) = &*record;
                list.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                changed.notify_all();
            }
        });
        Self { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received before now. Connections are accepted in order, so once a marker
    /// request sent now has been recorded, any request Folio sent earlier has been too — no
    /// sleeping and hoping.
    fn requests(&self) -> Vec<String> {
        let marker = format!("GET /marker-{} HTTP/1.0", uuid::Uuid::now_v7());
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(s, "{marker}\r\n\r\n").unwrap();
        let (list, changed) = &*self.seen;
        let mut list = list.lock().unwrap();
        while !list.iter().any(|r| r.starts_with(&marker)) {
            list = changed.wait(list).unwrap();
        }
        list.iter()
            .filter(|r| !r.starts_with("GET /marker-"))
            .cloned()
            .collect()
    }
}

async fn wordpress() -> WordPress {
    tokio::task::spawn_blocking(|| WordPress::start(Options::default()))
        .await
        .unwrap()
        .unwrap()
}

/// The owner's device: a site connected to `wp` as its author.
async fn owner(dir: &Path, wp: &WordPress) -> (Folio, Site) {
    owner_as(dir, wp, &wp.author).await
}

async fn owner_as(dir: &Path, wp: &WordPress, user: &WpUser) -> (Folio, Site) {
    private_keychain();
    let folio = Folio::open(dir).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    connect_as(&folio, &site, wp, user).await;
    (folio, site)
}

async fn connect(folio: &Folio, site: &Site, wp: &WordPress) {
    connect_as(folio, site, wp, &wp.author).await;
}

async fn connect_as(folio: &Folio, site: &Site, wp: &WordPress, user: &WpUser) {
    folio
        .wp_connect(WpConnect {
            site: site.id,
            url: wp.url.clone(),
            user: user.login.clone(),
            app_password: user.app_password.clone(),
            allow_insecure: false,
        })
        .await
        .unwrap();
}

async fn article(folio: &Folio, site: &Site, title: &str) -> ContentId {
    folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: title.into(),
            body_html: Some(format!(
                "<h2>{title}</h2><p>Folio wrote this about {title}.</p>"
            )),
        })
        .await
        .unwrap()
        .id
}

fn publish(content: ContentId, force: bool) -> PublishRequest {
    PublishRequest {
        content,
        status: PostStatus::Publish,
        at: None,
        force,
    }
}

/// What a teammate's synced change to the connection leaves in the owner's projection: the row
/// rewritten with the mirror paused, as core's projection of a remote change does (so it is not
/// taken for a local edit to send back).
async fn teammate_repoints(dir: &Path, site: &Site, address: &str) {
    write_as_synced(
        dir,
        "UPDATE site_integrations SET api_root = ?, external_site_url = ? WHERE site_id = ?",
        &[
            &format!("{address}/wp-json/"),
            &format!("{address}/"),
            &site.id.to_string(),
        ],
    )
    .await;
}

fn code(e: &CoreError) -> String {
    e.to_dto().code.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repointed_rest_root_never_gets_the_owners_password() {
    let wp = wordpress().await;
    let dir = tempfile::tempdir().unwrap();
    let (folio, site) = owner(dir.path(), &wp).await;
    let content = article(&folio, &site, "Spring planting").await;
    let attacker = Attacker::start();

    teammate_repoints(dir.path(), &site, &attacker.url()).await;

    let err = folio.wp_publish(publish(content, false)).await.unwrap_err();
    assert_eq!(code(&err), "origin_changed", "{err}");
    let text = err.to_string();
    assert!(text.contains(&attacker.url()), "{text}");
    assert!(
        text.contains("reconnect WordPress on this device"),
        "{text}"
    );
    assert!(!text.contains(&wp.author.app_password), "{text}");
    // Forcing changes nothing about where the password may go.
    let err = folio.wp_publish(publish(content, true)).await.unwrap_err();
    assert_eq!(code(&err), "origin_changed", "{err}");
    // Structure sync (and with it scheduling, media, terms: the same client) refuses too.
    let err = folio.wp_sync(site.id).await.unwrap_err();
    assert_eq!(code(&err), "origin_changed", "{err}");
    assert!(
        attacker.requests().is_empty(),
        "nothing may reach the address a teammate set: {:?}",
        attacker.requests()
    );

    // The doctor looks at the (synced) address anonymously, but never logged in.
    let report = folio.wp_doctor(site.id, None).await.unwrap();
    assert!(!report.healthy());
    for request in attacker.requests() {
        assert!(
            !request.to_ascii_lowercase().contains("authorization:"),
            "the doctor sent the password to the attacker: {request}"
        );
    }

    // Reconnecting on this device (to the real site) is what trusts an address again.
    connect(&folio, &site, &wp).await;
    let outcome = folio.wp_publish(publish(content, false)).await.unwrap();
    assert!(outcome.created);
    folio.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_stored_without_its_origin_asks_for_a_reconnect() {
    let wp = wordpress().await;
    let dir = tempfile::tempdir().unwrap();
    let (folio, site) = owner(dir.path(), &wp).await;
    let content = article(&folio, &site, "Old entry").await;
    // How Folio stored it before passwords were bound to their origin: the bare password.
    Keychain::new()
        .set(
            &wordpress_password_entry(&site.id, &wp.author.login),
            &wp.author.app_password,
        )
        .await
        .unwrap();
    let err = folio.wp_publish(publish(content, false)).await.unwrap_err();
    assert_eq!(code(&err), "reconnect_required", "{err}");
    assert!(err.to_string().contains("folio wp connect"), "{err}");
    assert!(!err.to_string().contains(&wp.author.app_password));
    connect(&folio, &site, &wp).await;
    assert!(folio.wp_publish(publish(content, false)).await.is_ok());
    folio.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slug_aimed_at_a_human_written_post_is_a_conflict_until_forced() {
    let wp = wordpress().await;
    let dir = tempfile::tempdir().unwrap();
    // The owner connects as the site's administrator, who can see and edit every post (an
    // Author's lookup only ever sees their own posts).
    let (folio, site) = owner_as(dir.path(), &wp, &wp.admin).await;
    let admin = client_as(&wp, &wp.admin);
    // A person on the site wrote this post by hand.
    let person = client_as(&wp, &wp.author);
    let human = person
        .create_post(&PostFields {
            title: "Our history".into(),
            content:
                "<!-- wp:paragraph -->\n<p>Founded in 1987 by hand.</p>\n<!-- /wp:paragraph -->"
                    .into(),
            slug: "our-history".into(),
            status: "publish".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let before = admin.get_post(human.id).await.unwrap().unwrap();

    // The teammate aims an article's (synced) slug at it.
    let content = article(&folio, &site, "Spring planting").await;
    folio
        .update_content(
            content,
            ContentUpdate {
                slug: Some("our-history".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let err = folio.wp_publish(publish(content, false)).await.unwrap_err();
    assert_eq!(code(&err), "foreign_post", "{err}");
    assert!(err.to_string().contains("our-history"), "{err}");
    let after = admin.get_post(human.id).await.unwrap().unwrap();
    assert_eq!(after, before, "the human-written post is untouched");
    assert_eq!(
        wp.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post' AND post_name LIKE 'our-history%'")
            .unwrap()
            .trim(),
        "1",
        "and no second post was made next to it"
    );

    // Aimed by post id instead (the article's stored post id and the time Folio last saw it
    // are synced too): the same conflict, the post untouched.
    let by_id = article(&folio, &site, "Autumn pruning").await;
    write_as_synced(
        dir.path(),
        "UPDATE content SET external_id = ?, external_modified_at = ? WHERE id = ?",
        &[
            &human.id.to_string(),
            &before
                .modified_gmt
                .unwrap()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            &by_id.to_string(),
        ],
    )
    .await;
    let err = folio.wp_publish(publish(by_id, false)).await.unwrap_err();
    assert_eq!(code(&err), "foreign_post", "{err}");
    assert_eq!(admin.get_post(human.id).await.unwrap().unwrap(), before);

    // The person says it really is this article: forced, it is adopted and updated in place.
    let outcome = folio.wp_publish(publish(content, true)).await.unwrap();
    assert_eq!(outcome.post_id, human.id);
    assert!(!outcome.created);
    let adopted = admin.get_post(human.id).await.unwrap().unwrap();
    assert!(adopted.content_raw.contains("Folio wrote this"));
    folio.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folios_own_post_is_marked_invisibly_and_adopted_by_slug_after_its_id_is_lost() {
    let wp = wordpress().await;
    let dir = tempfile::tempdir().unwrap();
    let (folio, site) = owner(dir.path(), &wp).await;
    let content = article(&folio, &site, "Mulch guide").await;
    let first = folio.wp_publish(publish(content, false)).await.unwrap();
    assert!(first.created);

    // WordPress's own parser: the mark sits on the first block (no Classic/freeform block, no
    // stray markup), and nothing of it is rendered.
    let blocks = php(
        &wp,
        &format!(
            "foreach (parse_blocks(get_post({})->post_content) as $b) {{
                 if ($b['blockName'] === null) {{ if (trim($b['innerHTML']) !== '') echo \"FREEFORM\\n\"; continue; }}
                 echo $b['blockName'], ' ', json_encode($b['attrs']), \"\\n\";
             }}
             echo 'RENDERED ', apply_filters('the_content', get_post({})->post_content);",
            first.post_id, first.post_id
        ),
    );
    assert!(!blocks.contains("FREEFORM"), "{blocks}");
    let first_block = blocks.lines().next().unwrap();
    assert_eq!(
        first_block,
        format!("core/heading {{\"folioContentId\":\"{content}\"}}"),
        "{blocks}"
    );
    let rendered = &blocks[blocks.find("RENDERED ").unwrap()..];
    assert!(!rendered.contains("folio"), "{rendered}");
    assert!(
        rendered.contains("Folio wrote this about Mulch guide"),
        "{rendered}"
    );

    // The stored post id is lost (a second device that has not synced it yet): found by slug
    // and adopted, because it carries this article's mark.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("folio.db").display()
    ))
    .await
    .unwrap();
    sqlx::query(
        "UPDATE content SET external_id = NULL, external_url = NULL, external_modified_at = NULL WHERE id = ?",
    )
    .bind(content.to_string())
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let again = folio.wp_publish(publish(content, false)).await.unwrap();
    assert_eq!(again.post_id, first.post_id);
    assert!(!again.created);

    folio.close().await;
}

/// Runs PHP with the harness's WordPress loaded and returns what it printed.
fn php(wp: &WordPress, code: &str) -> String {
    let www = wp.state_dir.join("www");
    let host = wp.url.trim_start_matches("http://").to_owned();
    let script = format!(
        "$_SERVER['HTTP_HOST'] = '{host}'; $_SERVER['REQUEST_URI'] = '/'; require '{}/wp-load.php'; {code}",
        www.display()
    );
    let out = std::process::Command::new("php")
        .args(["-d", "display_errors=stderr", "-r", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "php failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn plain_http_off_this_computer_needs_this_devices_opt_in() {
    private_keychain();
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Lan".into(),
            domain: "lan.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    // 192.0.2.0/24 is reserved for documentation: nothing is ever reached there, and the refusal
    // comes before any request.
    let err = folio
        .wp_connect(WpConnect {
            site: site.id,
            url: "http://192.0.2.10/".into(),
            user: "ana".into(),
            app_password: "abcd efgh ijkl mnop qrst uvwx".into(),
            allow_insecure: false,
        })
        .await
        .unwrap_err();
    assert_eq!(code(&err), "insecure_http", "{err}");
    assert!(err.to_string().contains("--allow-insecure"), "{err}");
    assert!(folio.site_integration(site.id).await.unwrap().is_none());
    let err = folio
        .wp_authorize_start(
            site.id,
            "http://192.0.2.10/",
            "folio://wordpress/authorized",
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "insecure_http", "{err}");
    folio.close().await;
}

/// After a whole run — connect, publish, sync to the server and to a second device — the
/// WordPress application password is in the OS keychain and nowhere else: not in either data
/// directory (databases, documents, logs) nor in the sync server's storage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_connect_publish_and_sync_the_application_password_is_only_in_the_keychain() {
    const PASSWORD: &str = "Scan-For-Secrets-Password-4";
    let wp = wordpress().await;
    let server_dir = tempfile::tempdir().unwrap();
    let server = sync_server::start(server_dir.path(), 0, folio_server::PlanId::Growth).await;
    let dir = tempfile::tempdir().unwrap();
    let (folio, site) = owner(dir.path(), &wp).await;
    let content = article(&folio, &site, "Spring planting").await;
    folio.wp_publish(publish(content, false)).await.unwrap();
    folio
        .account_register(&server.url(), "owner@example.com", PASSWORD)
        .await
        .unwrap();
    folio.sync_once().await.unwrap();

    let dir_b = tempfile::tempdir().unwrap();
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.account_login(&server.url(), "owner@example.com", PASSWORD)
        .await
        .unwrap();
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.sync_once().await.unwrap();
    // The connection and the published article arrived there — without the password.
    assert!(b.site_integration(site.id).await.unwrap().is_some());
    assert!(b.get_content(content).await.unwrap().external_id.is_some());

    let entry = Keychain::new()
        .get(&wordpress_password_entry(&site.id, &wp.author.login))
        .await
        .unwrap()
        .unwrap();
    assert!(
        entry.contains(&wp.author.app_password),
        "kept in the keychain"
    );
    folio.close().await;
    b.close().await;
    server.shutdown().await.unwrap();
    sync_server::assert_nowhere_in(
        &[server_dir.path(), dir.path(), dir_b.path()],
        &wp.author.app_password,
        "WordPress application password",
    );
}
