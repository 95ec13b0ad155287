//! Images attached by hand: checked by their bytes, stored once per content in the data
//! directory (`images/ab/ab12….png`), recorded as generated images of the article.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::Folio;
use folio_model::{AttachImage, Content, ErrorKind, ImageStatus, ImageType, NewContent, NewSite};
use std::path::Path;

/// A valid 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Enough of a JPEG for the signature check.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

async fn setup() -> (tempfile::TempDir, Folio, Content) {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await
        .unwrap();
    let content = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "Pruning roses".into(),
            body_html: Some("<h2>When</h2><p>Spring.</p><h2>How</h2><p>Carefully.</p>".into()),
        })
        .await
        .unwrap();
    (dir, folio, content)
}

fn attach(content: &Content, name: &str, bytes: &[u8], featured: bool) -> AttachImage {
    AttachImage {
        content: content.id,
        file_name: name.into(),
        bytes: bytes.to_vec(),
        featured,
        alt_text: String::new(),
        caption: String::new(),
    }
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn featured_and_in_article_images_are_stored_by_hash() {
    let (dir, folio, content) = setup().await;
    let featured = folio
        .attach_image(AttachImage {
            alt_text: "  A pruned   rose ".into(),
            caption: " In March ".into(),
            ..attach(&content, "rose.png", PNG, true)
        })
        .await
        .unwrap();
    assert_eq!(featured.image_type, ImageType::Featured);
    assert_eq!(featured.status, ImageStatus::Generated);
    assert_eq!(featured.provider.as_deref(), Some("upload"));
    assert_eq!(featured.prompt, "");
    assert_eq!(featured.url, None);
    assert_eq!(featured.alt_text, "A pruned rose");
    assert_eq!(featured.caption, "In March");
    let local = featured.local_path.clone().unwrap();
    assert!(local.starts_with("images/"), "{local}");
    assert!(local.ends_with(".png"), "{local}");
    let hash = local.rsplit('/').next().unwrap().trim_end_matches(".png");
    assert_eq!(hash.len(), 64);
    assert_eq!(local, format!("images/{}/{hash}.png", &hash[..2]));

    let first = folio
        .attach_image(attach(&content, "shears.jpg", JPEG, false))
        .await
        .unwrap();
    let second = folio
        .attach_image(attach(&content, "again.png", PNG, false))
        .await
        .unwrap();
    assert_eq!(
        (first.image_type, first.position),
        (ImageType::InArticle, 0)
    );
    assert_eq!(
        (second.image_type, second.position),
        (ImageType::InArticle, 1)
    );
    assert_eq!(
        first.alt_text, "Pruning roses",
        "alt text defaults to the title"
    );
    assert!(first.local_path.as_deref().unwrap().ends_with(".jpg"));

    let listed = folio.list_images(content.id).await.unwrap();
    assert_eq!(listed, vec![featured.clone(), first, second.clone()]);

    // the same bytes twice are one file
    assert_eq!(second.local_path, featured.local_path);
    let files = files_under(&dir.path().join("images"));
    assert_eq!(files.len(), 2, "{files:?}");

    // the relative path resolves in the data directory, and the bytes come back with their type
    let path = folio.image_file(&featured).unwrap();
    assert_eq!(path, dir.path().join(&local));
    assert_eq!(std::fs::read(&path).unwrap(), PNG);
    let (bytes, mime) = folio.image_bytes(featured.id).await.unwrap();
    assert_eq!((bytes.as_slice(), mime), (PNG, "image/png"));
}

#[tokio::test]
async fn a_new_featured_image_replaces_the_old_one() {
    let (dir, folio, content) = setup().await;
    let old = folio
        .attach_image(attach(&content, "a.png", PNG, true))
        .await
        .unwrap();
    let new = folio
        .attach_image(attach(&content, "b.jpg", JPEG, true))
        .await
        .unwrap();
    let listed = folio.list_images(content.id).await.unwrap();
    assert_eq!(listed, vec![new]);
    assert_eq!(
        folio.image_bytes(old.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // files are shared by hash, so the old one stays
    assert!(dir.path().join(old.local_path.unwrap()).is_file());
}

#[tokio::test]
async fn only_images_are_accepted() {
    let (dir, folio, content) = setup().await;
    let text = folio
        .attach_image(attach(&content, "notes.png", b"just some text", false))
        .await
        .unwrap_err();
    assert_eq!(text.kind(), ErrorKind::Validation);
    assert_eq!(text.field(), Some("file"));
    let message = text.to_string();
    assert!(message.contains("notes.png"), "{message}");
    assert!(message.contains("PNG, JPEG, GIF, WebP"), "{message}");

    let empty = folio
        .attach_image(attach(&content, "empty.png", b"", false))
        .await
        .unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::Validation);
    assert!(empty.to_string().contains("is empty"), "{empty}");

    let mut huge = PNG.to_vec();
    huge.resize(folio_core::writer::image_files::MAX_IMAGE_BYTES + 1, 0);
    let too_big = folio
        .attach_image(attach(&content, "huge.png", &huge, false))
        .await
        .unwrap_err();
    assert_eq!(too_big.kind(), ErrorKind::Validation);
    assert!(
        too_big.to_string().contains("larger than 20 MB"),
        "{too_big}"
    );

    assert!(folio.list_images(content.id).await.unwrap().is_empty());
    assert!(files_under(&dir.path().join("images")).is_empty());
}

#[tokio::test]
async fn an_unknown_article_stores_nothing() {
    let (dir, folio, content) = setup().await;
    let mut input = attach(&content, "a.png", PNG, false);
    input.content = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".parse().unwrap();
    let err = folio.attach_image(input).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(files_under(&dir.path().join("images")).is_empty());
}

#[tokio::test]
async fn removing_an_image_keeps_the_shared_file() {
    let (dir, folio, content) = setup().await;
    let a = folio
        .attach_image(attach(&content, "a.png", PNG, false))
        .await
        .unwrap();
    let b = folio
        .attach_image(attach(&content, "b.png", PNG, false))
        .await
        .unwrap();
    folio.remove_image(a.id).await.unwrap();
    assert_eq!(
        folio.list_images(content.id).await.unwrap(),
        vec![b.clone()]
    );
    assert!(folio.image_file(&b).is_some());
    assert_eq!(
        folio.remove_image(a.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // the next in-article image still goes last
    let c = folio
        .attach_image(attach(&content, "c.jpg", JPEG, false))
        .await
        .unwrap();
    assert_eq!(c.position, 2);
    assert_eq!(files_under(&dir.path().join("images")).len(), 2);
}

#[tokio::test]
async fn a_moved_data_directory_still_finds_its_images() {
    let (dir, folio, content) = setup().await;
    let image = folio
        .attach_image(attach(&content, "a.png", PNG, true))
        .await
        .unwrap();
    folio.close().await;
    let moved = tempfile::tempdir().unwrap();
    let target = moved.path().join("folio");
    std::fs::rename(dir.path(), &target)
        .or_else(|_| copy_dir(dir.path(), &target))
        .unwrap();
    let folio = Folio::open(&target).await.unwrap();
    let listed = folio.list_images(content.id).await.unwrap();
    assert_eq!(listed, vec![image.clone()]);
    assert_eq!(
        folio.image_file(&image).unwrap(),
        target.join(image.local_path.as_deref().unwrap())
    );
    assert_eq!(folio.image_bytes(image.id).await.unwrap().0, PNG);
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Another device sees the rows (rebuilt from the synced documents alone), but not the files.
#[tokio::test]
async fn image_rows_come_back_from_the_documents() {
    let (dir, folio, content) = setup().await;
    let featured = folio
        .attach_image(attach(&content, "a.png", PNG, true))
        .await
        .unwrap();
    folio
        .attach_image(attach(&content, "b.jpg", JPEG, false))
        .await
        .unwrap();
    folio
        .attach_image(attach(&content, "c.png", PNG, false))
        .await
        .unwrap();
    let before = folio.list_images(content.id).await.unwrap();
    folio.rebuild_projections().await.unwrap();
    assert_eq!(folio.list_images(content.id).await.unwrap(), before);

    // without the files (a device they never reached), the rows are there, the bytes are not
    std::fs::remove_dir_all(dir.path().join("images")).unwrap();
    assert_eq!(folio.image_file(&featured), None);
    let err = folio.image_bytes(featured.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("do not sync"), "{err}");
}
