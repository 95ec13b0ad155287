//! Two devices edit one article: the app's editor on one (a paragraph typed in the window) and
//! another device (core on its own data directory, as the CLI drives it: `folio content edit
//! --base-file`, then `folio sync`) on the other paragraph. Both sync through a real sync server
//! (in-process on 127.0.0.1:0): the open editor takes the other device's paragraph without
//! losing its own and says who changed the article; the other device ends with both edits.
//! Screenshot `target/e2e/editor-two-devices.png`.

use anyhow::{bail, Result};
use folio_core::Folio;
use folio_e2e::{
    display_available, screenshot, send_keys, texts, wait_for_attr, wait_for_text, wait_for_texts,
    Driver,
};
use folio_model::{ContentId, ContentUpdate, NewContent, NewSite};
use folio_server::{DatabaseUrl, PasswordHashing, ServerConfig};
use std::ffi::OsStr;
use std::time::{Duration, Instant};

const EMAIL: &str = "writer@example.com";
const PASSWORD: &str = "Correct-Horse-7f3a9c-Battery";
/// A sync round waits for 1.5 s of quiet and a reconnect may back off: more than a UI step.
const SYNC_TIMEOUT: Duration = Duration::from_secs(90);

fn paragraphs() -> String {
    (0..4)
        .map(|i| format!("<p>Paragraph {i} of the article.</p>"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_edit_different_paragraphs_and_both_keep_both() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    // Both devices' sessions in one private keychain service (their entries are per device).
    let keychain = folio_e2e::keychain_service("editor-devices");
    std::env::set_var("FOLIO_KEYCHAIN_SERVICE", &keychain);
    let server_dir = tempfile::tempdir()?;
    let mut config = ServerConfig::new(DatabaseUrl::in_data_dir(server_dir.path()));
    config.listen = "127.0.0.1:0".parse()?;
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    let server = folio_server::serve(config).await?;
    let url = server.url();

    // Device A: an article, an account, synced; the app opens on it later.
    let dir_a = tempfile::tempdir()?;
    let article: ContentId = {
        let a = Folio::open(dir_a.path()).await?;
        let site = a
            .create_site(&NewSite {
                name: "Garden Blog".into(),
                domain: "garden.example".into(),
                sectors: vec![],
            })
            .await?;
        let c = a
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: "Choosing a Trowel".into(),
                body_html: Some(paragraphs()),
            })
            .await?;
        a.account_register(&url, EMAIL, PASSWORD).await?;
        a.sync_once().await?;
        a.close().await;
        c.id
    };
    // Device B logs in to the same account and gets the article.
    let dir_b = tempfile::tempdir()?;
    {
        let b = Folio::open(dir_b.path()).await?;
        b.account_login(&url, EMAIL, PASSWORD).await?;
        b.close().await;
    }
    let b = Folio::open(dir_b.path()).await?;
    b.sync_once().await?;
    let base = b.get_content(article).await?.body_html;
    assert!(base.contains("Paragraph 3 of the article."), "{base}");

    let driver = Driver::start_with_env(
        dir_a.path(),
        &[("FOLIO_KEYCHAIN_SERVICE", OsStr::new(&keychain))],
    )
    .await?;
    let app = driver.launch_app().await?;
    wait_for_text(&app, "#page-title", "the first page", |t| !t.is_empty()).await?;
    app.execute(
        "location.hash = arguments[0]",
        vec![serde_json::json!(format!("#content/{article}"))],
    )
    .await?;
    wait_for_texts(&app, "#article-body p", "the editor", |t| t.len() == 4).await?;

    // In the app: the end of the first paragraph.
    app.execute(
        "const el = document.querySelector('#article-body'); el.focus();
         const r = document.createRange(); r.selectNodeContents(el.querySelector('p'));
         r.collapse(false); const s = getSelection(); s.removeAllRanges(); s.addRange(r);",
        vec![],
    )
    .await?;
    send_keys(&app, "#article-body", " Edited in the app.").await?;
    wait_for_attr(&app, "#editor-save-status", "data-state", "saved").await?;
    ensure_paragraph(&app, 0, "Paragraph 0 of the article. Edited in the app.").await?;

    // On device B, as `folio content edit --body-file new.html --base-file old.html` does: the
    // last paragraph, from the body it read; then it syncs.
    let edited = base.replace("Paragraph 3 of the article.", "Closing words from B.");
    b.update_content(
        article,
        ContentUpdate {
            body_html: Some(edited),
            base_html: Some(base.clone()),
            ..ContentUpdate::default()
        },
    )
    .await?;
    b.sync_once().await?;

    // The app's background sync brings B's paragraph; the open editor takes it and keeps its own.
    let deadline = Instant::now() + SYNC_TIMEOUT;
    loop {
        let ps = texts(&app, "#article-body p").await?;
        if ps.iter().any(|p| p == "Closing words from B.") {
            if ps.first().map(String::as_str)
                != Some("Paragraph 0 of the article. Edited in the app.")
            {
                bail!("the app's own edit was lost: {ps:?}");
            }
            break;
        }
        if Instant::now() > deadline {
            bail!("device B's paragraph never reached the open editor: {ps:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let said = texts(&app, "#editor-remote").await?;
    if !said.first().is_some_and(|s| s.starts_with("Updated from ")) {
        bail!("the editor does not say who changed the article: {said:?}");
    }
    screenshot(&app, "editor-two-devices").await?;

    // And B, syncing again, has both.
    let deadline = Instant::now() + SYNC_TIMEOUT;
    loop {
        b.sync_once().await?;
        let body = b.get_content(article).await?.body_html;
        if body.contains("Edited in the app.") && body.contains("Closing words from B.") {
            break;
        }
        if Instant::now() > deadline {
            bail!("the app's edit never reached device B: {body}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.close().await?;
    b.close().await;
    server.shutdown().await?;
    Ok(())
}

async fn ensure_paragraph(app: &fantoccini::Client, i: usize, want: &str) -> Result<()> {
    let ps = texts(app, "#article-body p").await?;
    if ps.get(i).map(String::as_str) != Some(want) {
        bail!("paragraph {i} is not {want:?}: {ps:?}");
    }
    Ok(())
}
