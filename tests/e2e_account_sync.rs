//! Settings → Account & sync in the real app window against a real sync server (in-process on
//! 127.0.0.1:0): create an account from the page, see the sidebar indicator reach "Synced", find
//! the device's documents on the server, watch a later edit arrive there without pressing
//! anything (background sync), Sync now, log out and back in (a wrong password explained), and
//! sync again after a restart. Then a second device logs in to the same account — its store is
//! re-opened in that account — and shows the first device's sites. Screenshots in `target/e2e/`.

use anyhow::{bail, Context, Result};
use automerge::ReadDoc;
use fantoccini::{Client, Locator};
use folio_e2e::{
    click, display_available, screenshot, texts, type_into, wait_for_attr, wait_for_text,
    wait_for_texts, Driver, UI_TIMEOUT,
};
use folio_server::{DatabaseUrl, PasswordHashing, RunningServer, ServerConfig};
use folio_sync::DocId;
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

const EMAIL: &str = "gardener@example.com";
/// Long enough for the server's rules.
const PASSWORD: &str = "Correct-Horse-7f3a9c-Battery";

/// A sync round waits for 1.5 s of quiet and a reconnect may back off: more than a UI step.
const SYNC_TIMEOUT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_creates_an_account_and_the_app_keeps_it_in_sync() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let server_dir = tempfile::tempdir()?;
    let mut config = ServerConfig::new(DatabaseUrl::in_data_dir(server_dir.path()));
    config.listen = "127.0.0.1:0".parse()?;
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    let server = folio_server::serve(config).await?;
    let base = server.url();

    let first_dir = tempfile::tempdir()?;
    let (site_a, site_b) = first_device(&server, &base, first_dir.path()).await?;

    let second_dir = tempfile::tempdir()?;
    second_device(&base, second_dir.path(), [site_a, site_b]).await?;

    server.shutdown().await?;
    Ok(())
}

/// Register from the page, sync, edit, sync now, log out and in, restart. Returns the ids of the
/// two sites it made.
async fn first_device(
    server: &RunningServer,
    base: &str,
    data_dir: &Path,
) -> Result<(String, String)> {
    let keychain = folio_e2e::keychain_service("sync-a");
    let driver = Driver::start_with_env(
        data_dir,
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;

    // A fresh device works alone, and every page says so.
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    wait_for_attr(&app, "#sync-status", "data-state", "local_only").await?;
    wait_for_texts(&app, "#sync-status-text", "the indicator", |t| {
        t == ["Local only"]
    })
    .await?;
    let site_a = add_site(&app, "Garden Blog", "garden.example").await?;

    click(&app, "#nav-settings").await?;
    wait_for_text(&app, "#page-title", "the Settings page", |t| {
        t == "Settings"
    })
    .await?;
    wait_for_text(&app, "#account-sync-title", "the section", |t| {
        t == "Account & sync"
    })
    .await?;

    // Core's validation appears under the field it names.
    type_into(&app, "#account-server", "ftp://sync.example").await?;
    type_into(&app, "#account-email", EMAIL).await?;
    type_into(&app, "#account-password", PASSWORD).await?;
    click(&app, "#account-register").await?;
    let shown = wait_for_text(&app, "#account-server-error", "the server URL error", |t| {
        !t.is_empty()
    })
    .await?;
    assert!(shown.contains("http://"), "{shown}");
    screenshot(&app, "account-server-error").await?;

    type_into(&app, "#account-server", base).await?;
    click(&app, "#account-register").await?;
    wait_for_text(&app, "#account-email-value", "the session", |t| t == EMAIL).await?;
    assert_eq!(texts(&app, "#account-server-value").await?, [base]);
    assert_eq!(texts(&app, "#account-role").await?, ["owner"]);
    assert!(
        texts(&app, "#account-password").await?.is_empty(),
        "the form (and its password) is gone once logged in"
    );
    wait_synced(&app).await?;
    let account_id = texts(&app, "#account-id").await?.concat();
    screenshot(&app, "account-synced").await?;

    // On the server: the device's account and site documents, with the site's name in it.
    let token = server_login(base, EMAIL, PASSWORD).await?;
    let docs = server_docs(base, &token).await?;
    for expected in [format!("account/{account_id}"), format!("site/{site_a}")] {
        assert!(docs.contains(&expected), "{expected} not in {docs:?}");
    }
    wait_for_site_on_server(server, &site_a, "Garden Blog").await?;

    // Background sync: a site added now reaches the server with nothing pressed.
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    let site_b = add_site(&app, "Kitchen Notes", "kitchen.example").await?;
    wait_for_site_on_server(server, &site_b, "Kitchen Notes").await?;
    assert!(server_docs(base, &token)
        .await?
        .contains(&format!("site/{site_b}")));

    // Sync now reports the round.
    click(&app, "#nav-settings").await?;
    click_when_ready(&app, "#sync-now").await?;
    let report = wait_for_text(&app, "#sync-now-result", "the sync report", |t| {
        t.starts_with("In sync:")
    })
    .await?;
    assert!(report.contains("documents"), "{report}");

    // Log out: local only again, and the form is back.
    click(&app, "#account-logout").await?;
    wait_for_attr(&app, "#sync-status", "data-state", "local_only").await?;
    wait_for_texts(&app, "#sync-status-text", "the indicator", |t| {
        t == ["Local only"]
    })
    .await?;
    wait_for_text(&app, "#account-login", "the login form", |t| t == "Log in").await?;
    let kept = folio_e2e::props(&app, "#account-server", "value").await?;
    assert_eq!(kept, [base], "the form starts from the last server");

    // A wrong password is explained above the form; the right one logs in.
    type_into(&app, "#account-email", EMAIL).await?;
    type_into(&app, "#account-password", "Not-The-Password-123").await?;
    click(&app, "#account-login").await?;
    let shown = wait_for_text(&app, "#account-form-error", "the login error", |t| {
        !t.is_empty()
    })
    .await?;
    assert!(!shown.contains("Not-The-Password"), "{shown}");
    screenshot(&app, "account-login-error").await?;
    type_into(&app, "#account-password", PASSWORD).await?;
    click(&app, "#account-login").await?;
    wait_for_text(&app, "#account-email-value", "the session", |t| t == EMAIL).await?;
    wait_synced(&app).await?;

    // A restart syncs again on its own.
    app.close().await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    wait_synced(&app).await?;
    app.close().await?;
    Ok((site_a, site_b))
}

/// Another device logs in to the account: its own (empty) account is left, the store re-opened,
/// and the first device's sites arrive.
async fn second_device(base: &str, data_dir: &Path, sites: [String; 2]) -> Result<()> {
    let keychain = folio_e2e::keychain_service("sync-b");
    let driver = Driver::start_with_env(
        data_dir,
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;
    wait_for_attr(&app, "#sync-status", "data-state", "local_only").await?;
    click(&app, "#nav-settings").await?;
    wait_for_text(&app, "#account-login", "the login form", |t| t == "Log in").await?;
    type_into(&app, "#account-server", base).await?;
    type_into(&app, "#account-email", EMAIL).await?;
    type_into(&app, "#account-password", PASSWORD).await?;
    click(&app, "#account-login").await?;
    wait_for_text(&app, "#account-email-value", "the session", |t| t == EMAIL).await?;
    wait_synced(&app).await?;

    click(&app, "#nav-sites").await?;
    let names = wait_for_texts(&app, ".site-row .site-name", "the synced sites", |t| {
        t.len() == 2
    })
    .await?;
    assert_eq!(names, ["Garden Blog", "Kitchen Notes"]);
    for site in &sites {
        let row = format!(".site-row[data-site-id=\"{site}\"]");
        app.find(Locator::Css(&row))
            .await
            .with_context(|| format!("site {site} on the second device"))?;
    }
    screenshot(&app, "account-second-device").await?;
    app.close().await?;
    Ok(())
}

/// Add a site on the Sites page; its id.
async fn add_site(app: &Client, name: &str, domain: &str) -> Result<String> {
    type_into(app, "#site-name", name).await?;
    type_into(app, "#site-domain", domain).await?;
    click(app, "#site-submit").await?;
    wait_for_texts(app, ".site-row .site-name", "the new site", |t| {
        t.iter().any(|n| n == name)
    })
    .await?;
    for row in app.find_all(Locator::Css(".site-row")).await? {
        let text = row.prop("textContent").await?.unwrap_or_default();
        if text.contains(name) {
            return row.attr("data-site-id").await?.context("a row without id");
        }
    }
    bail!("site {name} is not listed")
}

/// The indicator reaches "Synced at HH:MM", on the page and in the sidebar.
async fn wait_synced(app: &Client) -> Result<()> {
    let deadline = Instant::now() + SYNC_TIMEOUT;
    loop {
        let state = match app.find(Locator::Css("#sync-status")).await {
            Ok(el) => el.attr("data-state").await?.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if state == "synced" {
            break;
        }
        if Instant::now() > deadline {
            let text = texts(app, "#sync-status-text").await?;
            bail!("the indicator did not reach synced: {state} {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let text = texts(app, "#sync-status-text").await?.concat();
    let time = text.strip_prefix("Synced at ").unwrap_or_default();
    assert!(
        time.len() == 5 && time.as_bytes()[2] == b':',
        "indicator reads {text:?}"
    );
    Ok(())
}

async fn click_when_ready(app: &Client, css: &str) -> Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        if let Ok(el) = app.find(Locator::Css(css)).await {
            if el.prop("disabled").await?.as_deref() == Some("false") {
                el.click().await?;
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("{css} never became clickable");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn server_login(base: &str, email: &str, password: &str) -> Result<String> {
    let reply: Value = reqwest::Client::new()
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    reply["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token in the login reply")
}

/// The ids of every document the server lists for the account.
async fn server_docs(base: &str, token: &str) -> Result<Vec<String>> {
    let reply: Value = reqwest::Client::new()
        .get(format!("{base}/v1/docs"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(reply["items"]
        .as_array()
        .context("no items in /v1/docs")?
        .iter()
        .filter_map(|d| d["doc_id"].as_str().map(str::to_owned))
        .collect())
}

/// Wait until the server's stored `site/{id}` document holds the site's record with `name`.
async fn wait_for_site_on_server(server: &RunningServer, site: &str, name: &str) -> Result<()> {
    let doc_id = DocId::from_str(&format!("site/{site}"))?;
    let key = format!("sites:{site}");
    let deadline = Instant::now() + SYNC_TIMEOUT;
    loop {
        if let Some(loaded) = server.store().load_doc(&doc_id).await? {
            let stored_name = loaded
                .doc
                .get(automerge::ROOT, key.as_str())?
                .and_then(|(_, record)| loaded.doc.get(&record, "name").ok().flatten())
                .and_then(|(value, _)| value.as_str().map(str::to_owned));
            if stored_name.as_deref() == Some(name) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("{doc_id} never reached the server with the name {name:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
