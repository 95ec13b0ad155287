//! The article editor in the real window: an article with one attached image written through
//! core before the app starts. On its page the test types text, makes an H2, a bulleted list and
//! a link, inserts the article's image from the editor's picker, sees the autosave say *Saved*
//! and core hold it all (the image as a `folio-image:` reference); after a restart the editor
//! shows it intact (h2, ul/li, a[href], the picture with its alt text). Messy HTML pasted
//! through a synthetic paste event (Google Docs' wrapper, styles, spans, a font tag, a script,
//! an H1 and an H6) is cleaned in the editor and in core's stored body; a `<script>` typed in
//! the HTML source view is removed by core and the editor shows core's result. Screenshot
//! `target/e2e/editor.png`.
//!
//! And typing the moment before the window closes — well inside the autosave's pause — is in
//! core afterwards: the shell holds the close until the page has saved it.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::Locator;
use folio_core::Folio;
use folio_e2e::{
    click, display_available, screenshot, send_keys, texts, type_into, wait_for_attr,
    wait_for_props, wait_for_text, wait_for_texts, Driver, PNG_1X1, UI_TIMEOUT,
};
use folio_model::{AttachImage, ContentId, ImageId, NewContent, NewSite};
use std::path::Path;

const ALT: &str = "A red garden hoe";

async fn seed(data_dir: &Path) -> Result<(ContentId, ImageId)> {
    let folio = Folio::open(data_dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Garden Blog".into(),
            domain: "garden.example".into(),
            sectors: vec![],
        })
        .await?;
    let article = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "Choosing a Garden Hoe".into(),
            body_html: Some("<h2>Why</h2><p>Weeds.</p>".into()),
        })
        .await?;
    let image = folio
        .attach_image(AttachImage {
            content: article.id,
            file_name: "hoe.png".into(),
            bytes: PNG_1X1.to_vec(),
            featured: false,
            alt_text: ALT.into(),
            caption: String::new(),
        })
        .await?;
    folio.close().await;
    Ok((article.id, image.id))
}

/// The article's body as core stores it (the app keeps running; SQLite lets both read).
async fn stored_body(data_dir: &Path, article: ContentId) -> Result<String> {
    let folio = Folio::open(data_dir).await?;
    let body = folio.get_content(article).await?.body_html;
    folio.close().await;
    Ok(body)
}

async fn open_article(app: &fantoccini::Client, article: ContentId) -> Result<()> {
    app.execute(
        "location.hash = arguments[0]",
        vec![serde_json::json!(format!("#content/{article}"))],
    )
    .await?;
    wait_for_text(app, "#page-title", "the article's page", |t| {
        t == "Choosing a Garden Hoe"
    })
    .await?;
    wait_for_texts(app, "#article-body h2", "the editor", |t| !t.is_empty()).await?;
    Ok(())
}

/// The autosave (or Ctrl-S) has stored everything.
async fn saved(app: &fantoccini::Client) -> Result<()> {
    wait_for_attr(app, "#editor-save-status", "data-state", "saved").await?;
    let text = texts(app, "#editor-save-status").await?;
    ensure!(text == ["Saved"], "status line: {text:?}");
    Ok(())
}

async fn count(app: &fantoccini::Client, css: &str) -> Result<usize> {
    Ok(app.find_all(Locator::Css(css)).await?.len())
}

const MESSY: &str = "<meta charset=\"utf-8\"><b style=\"font-weight:normal;\" \
    id=\"docs-internal-guid-5e1f\"><h1 style=\"color:red\">Pasted title</h1>\
    <p class=\"MsoNormal\" style=\"margin:0\"><span style=\"font-family:Arial;color:#333\">Plain \
    <span style=\"font-weight:700\">strong</span> words</span><font color=\"red\"> in red</font>\
    </p><script>window.pastedScriptRan = true</script><h6 style=\"font-size:8px\">Small \
    heading</h6><style>p{color:red}</style></b>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_is_edited_saved_and_cleaned_in_the_window() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let (article, image) = seed(data_dir.path()).await?;
    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    wait_for_text(&app, "#page-title", "the Dashboard", |t| t == "Dashboard").await?;
    // The article is found with the command palette: Ctrl-K, a few words, Enter.
    app.execute(
        "window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }))",
        vec![],
    )
    .await?;
    type_into(&app, "#palette-input", "garden hoe").await?;
    wait_for_texts(
        &app,
        "#palette-results li",
        "the article in the palette",
        |t| {
            t.first()
                .is_some_and(|l| l.contains("Choosing a Garden Hoe"))
        },
    )
    .await?;
    send_keys(&app, "#palette-input", &char::from(Key::Enter).to_string()).await?;
    wait_for_text(&app, "#page-title", "the article's page", |t| {
        t == "Choosing a Garden Hoe"
    })
    .await?;
    wait_for_texts(&app, "#article-body h2", "the editor", |t| !t.is_empty()).await?;
    ensure!(count(&app, "#palette").await? == 0, "the palette closes");
    saved(&app).await?;

    // Type at the end: WebKit's driver leaves the caret at the start of an editable it
    // focuses, so the caret is put at the end first (the editor follows the DOM selection).
    let enter = char::from(Key::Enter);
    app.execute(
        "const el = document.querySelector('#article-body'); el.focus(); \
         const r = document.createRange(); r.selectNodeContents(el); r.collapse(false); \
         const s = getSelection(); s.removeAllRanges(); s.addRange(r);",
        vec![],
    )
    .await?;
    send_keys(
        &app,
        "#article-body",
        &format!(" More words.{enter}Tools we like"),
    )
    .await?;
    click(&app, "#editor-h2").await?;
    wait_for_texts(&app, "#article-body h2", "the new heading", |t| {
        t == ["Why", "Tools we like"]
    })
    .await?;
    send_keys(&app, "#article-body", &format!("{enter}Steel blade")).await?;
    click(&app, "#editor-bullet-list").await?;
    send_keys(
        &app,
        "#article-body",
        &format!("{enter}Long handle{enter}{enter}See "),
    )
    .await?;
    wait_for_texts(&app, "#article-body ul li", "the list", |t| {
        t == ["Steel blade", "Long handle"]
    })
    .await?;
    click(&app, "#editor-link").await?;
    type_into(&app, "#editor-link-url", "https://example.com/hoes").await?;
    click(&app, "#editor-link-apply").await?;
    wait_for_texts(
        &app,
        "#article-body a[href='https://example.com/hoes']",
        "the link",
        |t| t == ["https://example.com/hoes"],
    )
    .await?;
    click(&app, "#editor-image").await?;
    click(&app, &format!(".editor-image-choice[data-image='{image}']")).await?;
    wait_for_props(
        &app,
        "#article-body figure img",
        "alt",
        "the image in place",
        |a| a == [ALT],
    )
    .await?;
    wait_for_props(
        &app,
        "#article-body figure img",
        "src",
        "the picture",
        |s| s.len() == 1 && s[0].starts_with("data:image/png;base64,"),
    )
    .await?;
    saved(&app).await?;
    let body = stored_body(data_dir.path(), article).await?;
    for part in [
        "<h2>Why</h2><p>Weeds. More words.</p><h2>Tools we like</h2>",
        "<ul><li><p>Steel blade</p></li><li><p>Long handle</p></li></ul>",
        "<a href=\"https://example.com/hoes\">https://example.com/hoes</a>",
    ] {
        ensure!(body.contains(part), "core's body lacks {part}: {body}");
    }
    ensure!(
        body.contains(&format!(
            "<figure><img src=\"folio-image:{image}\" alt=\"{ALT}\"></figure>"
        )),
        "core's body has the image reference: {body}"
    );

    // A restart: everything is still there.
    app.close().await?;
    let app = driver.launch_app().await?;
    wait_for_text(&app, "#page-title", "the Dashboard", |t| t == "Dashboard").await?;
    open_article(&app, article).await?;
    wait_for_texts(
        &app,
        "#article-body h2",
        "the headings after a restart",
        |t| t == ["Why", "Tools we like"],
    )
    .await?;
    ensure!(texts(&app, "#article-body ul li").await? == ["Steel blade", "Long handle"]);
    ensure!(count(&app, "#article-body a[href='https://example.com/hoes']").await? == 1);
    wait_for_props(
        &app,
        "#article-body figure img",
        "src",
        "the picture after a restart",
        |s| s.len() == 1 && s[0].starts_with("data:image/png;base64,"),
    )
    .await?;
    ensure!(texts(&app, "#editor-save-status").await? == ["Saved"]);

    // Messy HTML pasted after "Weeds. More words.": the editor is focused and the caret put
    // there first (a focused editor reads the DOM selection when it changes), then a paste
    // event carries the clipboard.
    app.execute(
        "const p = document.querySelector('#article-body p');
         document.querySelector('#article-body').focus();
         const range = document.createRange();
         range.selectNodeContents(p);
         range.collapse(false);
         const sel = window.getSelection();
         sel.removeAllRanges();
         sel.addRange(range);",
        vec![],
    )
    .await?;
    app.execute(
        "const dt = new DataTransfer();
         dt.setData('text/html', arguments[0]);
         dt.setData('text/plain', 'Pasted title Plain strong words in red Small heading');
         document.querySelector('#article-body').dispatchEvent(
           new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));",
        vec![serde_json::json!(MESSY)],
    )
    .await?;
    wait_for_texts(&app, "#article-body p", "the pasted text", |t| {
        t.iter().any(|p| p.contains("Pasted title"))
    })
    .await?;
    for messy in [
        "#article-body [style]",
        "#article-body :is(p, h2, h3, h4, ul, ol, li, strong, em, a)[class]",
        "#article-body span",
        "#article-body font",
        "#article-body script",
        "#article-body h1",
        "#article-body h6",
        "#article-body b",
    ] {
        ensure!(count(&app, messy).await? == 0, "{messy} in the editor");
    }
    let ran: serde_json::Value = app
        .execute("return window.pastedScriptRan === true", vec![])
        .await?;
    ensure!(ran == serde_json::json!(false), "the pasted script ran");
    ensure!(
        texts(&app, "#article-body strong").await? == ["strong"],
        "a bold span stays bold"
    );
    let ps = texts(&app, "#article-body p").await?;
    ensure!(
        ps.iter().any(|p| p.contains("Plain strong words in red"))
            && ps.iter().any(|p| p.contains("Small heading")),
        "the text is kept: {ps:?}"
    );
    saved(&app).await?;
    let body = stored_body(data_dir.path(), article).await?;
    for gone in [
        "<span",
        "style=",
        "class=",
        "<script",
        "<font",
        "<h1",
        "<h6",
        "docs-internal",
        "<b>",
        "<meta",
    ] {
        ensure!(!body.contains(gone), "core's body holds {gone}: {body}");
    }
    ensure!(body.contains("Pasted title</p>"), "{body}");
    ensure!(body.contains("<strong>strong</strong>"), "{body}");

    // The HTML source view: a script typed there is removed by core.
    click(&app, "#editor-html").await?;
    let source = wait_for_props(&app, "#editor-source", "value", "the HTML source", |v| {
        v.len() == 1 && v[0].contains("<h2>Tools we like</h2>")
    })
    .await?;
    ensure!(
        source[0].contains(&format!("folio-image:{image}")),
        "{}",
        source[0]
    );
    app.execute(
        "const t = document.querySelector('#editor-source');
         t.value = t.value + '<p>From source</p><script>window.sourceScriptRan = true</script>';",
        vec![],
    )
    .await?;
    click(&app, "#editor-html").await?;
    wait_for_texts(&app, "#article-body p", "the source's paragraph", |t| {
        t.iter().any(|p| p == "From source")
    })
    .await?;
    saved(&app).await?;
    ensure!(count(&app, "#article-body script").await? == 0);
    let body = stored_body(data_dir.path(), article).await?;
    ensure!(body.ends_with("<p>From source</p>"), "{body}");
    ensure!(
        !body.contains("<script") && !body.contains("sourceScriptRan"),
        "{body}"
    );
    ensure!(texts(&app, "#article-body h2").await? == ["Why", "Tools we like"]);
    screenshot(&app, "editor")
        .await
        .context("the editor screenshot")?;

    // Beside the text: the meta title's counter follows the typing; saved through core.
    type_into(
        &app,
        "#details-meta-title",
        "Garden hoes: how to choose one",
    )
    .await?;
    wait_for_text(&app, "#meta-title-count", "the counter", |t| t == "30 / 60").await?;
    wait_for_attr(&app, "#meta-title-count", "data-fit", "good").await?;
    type_into(&app, "#details-meta-description", "Too short.").await?;
    wait_for_attr(&app, "#meta-description-count", "data-fit", "short").await?;
    click(&app, "#details-save").await?;
    wait_for_text(&app, "#details-save", "the details saved", |t| {
        t == "Save details"
    })
    .await?;
    let folio = Folio::open(data_dir.path()).await?;
    let stored = folio.get_content(article).await?;
    folio.close().await;
    ensure!(
        stored.meta_title == "Garden hoes: how to choose one",
        "{}",
        stored.meta_title
    );

    // The history: the first version (the seeded body) restored is a new edit the editor shows.
    wait_for_texts(&app, "#revisions .revision", "the versions", |t| {
        t.len() >= 2
    })
    .await?;
    let first = app
        .find_all(Locator::Css("#revisions .revision-restore"))
        .await?
        .pop()
        .context("no restore button")?;
    first.click().await?;
    wait_for_texts(&app, "#article-body h2", "the restored version", |t| {
        t == ["Why"]
    })
    .await?;
    wait_for_text(&app, "#editor-remote", "the editor saying so", |t| {
        t == "Updated from the version you restored"
    })
    .await?;
    ensure!(stored_body(data_dir.path(), article).await? == "<h2>Why</h2><p>Weeds.</p>");
    app.close().await?;
    Ok(())
}

/// Type, then close the window in the same breath (one script, so the close comes long before
/// the autosave's pause is over): the words are in core once the app is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_just_before_the_window_closes_is_saved() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let (article, _) = seed(data_dir.path()).await?;
    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    open_article(&app, article).await?;
    saved(&app).await?;
    app.execute(
        r"
        const p = document.querySelector('#article-body p');
        p.closest('[contenteditable]').focus();
        const range = document.createRange();
        range.selectNodeContents(p);
        range.collapse(false);
        const selection = getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand('insertText', false, ' Mulch first.');
        window.__TAURI__.window.getCurrentWindow().close();",
        vec![],
    )
    .await?;
    // The window goes (WebDriver loses it), and the words are stored.
    let deadline = std::time::Instant::now() + UI_TIMEOUT;
    while app.title().await.is_ok() {
        ensure!(
            std::time::Instant::now() < deadline,
            "the window did not close"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let body = loop {
        let body = stored_body(data_dir.path(), article).await?;
        if body.contains("Mulch first.") || std::time::Instant::now() > deadline {
            break body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    ensure!(
        body == "<h2>Why</h2><p>Weeds. Mulch first.</p>",
        "the words typed before closing are lost: {body}"
    );
    // The page answered the shell itself (the shell's patience did not close it).
    let log = std::fs::read_to_string(
        data_dir
            .path()
            .join("logs")
            .join(folio_core::logging::LOG_FILE),
    )?;
    ensure!(
        !log.contains("did not answer the close request"),
        "the page never answered the close request"
    );
    Ok(())
}
