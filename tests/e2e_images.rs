//! Images attached by hand in the real app window: a site and an article written through core
//! before the app starts; the site's page links to the article; on its page a PNG file is sent to
//! the file input (WebDriver types a path into `<input type=file>`), attached as the featured image
//! with alt text, its thumbnail appears and core lists it with the file in the data directory; a
//! text file is refused beside the file input; Remove takes the image away. Screenshots in
//! `target/e2e/`.

use anyhow::{Context, Result};
use folio_core::Folio;
use folio_e2e::{
    click, display_available, screenshot, send_keys, texts, type_into, wait_for_props,
    wait_for_text, wait_for_texts, wait_gone, Driver, PNG_1X1,
};
use folio_model::{ContentId, ImageType, NewContent, NewSite};
use std::path::Path;

async fn seed(data_dir: &Path) -> Result<ContentId> {
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
    folio.close().await;
    Ok(article.id)
}

/// The picked file is read (in wasm) and the Attach button enabled.
async fn attach_ready(app: &fantoccini::Client) -> Result<()> {
    wait_for_props(app, "#image-attach", "disabled", "the file read", |d| {
        d == ["false"]
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_attached_shown_and_removed_in_the_window() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let article = seed(data_dir.path()).await?;
    let png = files.path().join("hoe.png");
    std::fs::write(&png, PNG_1X1)?;
    let text = files.path().join("notes.png");
    std::fs::write(&text, "not an image")?;

    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    click(&app, ".site-link").await?;
    wait_for_text(&app, "#page-title", "the site's page", |t| {
        t == "Garden Blog"
    })
    .await?;
    wait_for_text(&app, ".article-link", "the article link", |t| {
        t == "Choosing a Garden Hoe"
    })
    .await?;
    click(&app, ".article-link").await?;
    wait_for_text(&app, "#page-title", "the article's page", |t| {
        t == "Choosing a Garden Hoe"
    })
    .await?;
    wait_for_text(&app, "#images-empty", "no images yet", |t| {
        t.starts_with("No images yet")
    })
    .await?;

    // A text file named .png: core refuses it, beside the file input.
    send_keys(&app, "#image-file", text.to_str().context("path")?).await?;
    attach_ready(&app).await?;
    click(&app, "#image-attach").await?;
    let error = wait_for_text(&app, "#image-file-error", "the format error", |t| {
        t.contains("notes.png")
    })
    .await?;
    assert!(error.contains("PNG, JPEG, GIF, WebP"), "{error}");

    // The real image, featured, with alt text.
    send_keys(&app, "#image-file", png.to_str().context("path")?).await?;
    wait_gone(&app, "#image-file-error", "the old error").await?;
    click(&app, "#image-featured").await?;
    type_into(&app, "#image-alt", "A stirrup hoe").await?;
    attach_ready(&app).await?;
    click(&app, "#image-attach").await?;
    wait_for_texts(&app, ".image-row .image-alt", "the attached image", |t| {
        t == ["A stirrup hoe"]
    })
    .await?;
    assert_eq!(
        texts(&app, ".image-row .image-featured").await?,
        ["Featured"]
    );
    // its thumbnail: the bytes came back from core as a data URL
    let deadline = std::time::Instant::now() + folio_e2e::UI_TIMEOUT;
    loop {
        let srcs = folio_e2e::props(&app, ".image-row img.image-thumb", "src").await?;
        if srcs.iter().any(|s| s.starts_with("data:image/png;base64,")) {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "no thumbnail: {srcs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    screenshot(&app, "images-attached").await?;

    // Core agrees, and the file is in the data directory.
    {
        let folio = Folio::open(data_dir.path()).await?;
        let images = folio.list_images(article).await?;
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].image_type, ImageType::Featured);
        assert_eq!(images[0].alt_text, "A stirrup hoe");
        let file = folio.image_file(&images[0]).context("the stored file")?;
        assert_eq!(std::fs::read(file)?, PNG_1X1);
    }

    click(&app, ".image-row .image-remove").await?;
    wait_for_text(&app, "#images-empty", "the image removed", |t| {
        t.starts_with("No images yet")
    })
    .await?;
    let folio = Folio::open(data_dir.path()).await?;
    assert!(folio.list_images(article).await?.is_empty());
    app.close().await?;
    Ok(())
}
