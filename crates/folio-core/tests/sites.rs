//! The Sites operations against a real SQLite store in a temporary data directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::Folio;
use folio_model::{ErrorKind, NewSite};

fn new_site(name: &str, domain: &str, sectors: &[&str]) -> NewSite {
    NewSite {
        name: name.into(),
        domain: domain.into(),
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn created_sites_are_listed_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let a = folio
        .create_site(&new_site(
            "Garden Blog",
            "https://Garden.example/",
            &["Tools", "Seeds"],
        ))
        .await
        .unwrap();
    assert_eq!(a.domain, "https://garden.example");
    assert_eq!(a.id.as_uuid().get_version_num(), 7);
    let b = folio
        .create_site(&new_site("Kitchen", "kitchen.example", &[]))
        .await
        .unwrap();
    assert_eq!(b.sectors.len(), 1);
    assert_eq!(b.sectors[0].name, "General");
    let account = folio.account_id();
    folio.close().await;

    let reopened = Folio::open(dir.path()).await.unwrap();
    assert_eq!(
        reopened.account_id(),
        account,
        "the local account is stable across opens"
    );
    let list = reopened.list_sites().await.unwrap();
    assert_eq!(list.items, vec![a.clone(), b]);
    let names: Vec<_> = list.items[0]
        .sectors
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["Tools", "Seeds"]);
}

#[tokio::test]
async fn site_names_are_unique_per_account_ignoring_case_and_spacing() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    folio
        .create_site(&new_site("Garden Blog", "a.example", &[]))
        .await
        .unwrap();
    let err = folio
        .create_site(&new_site("  garden   BLOG ", "b.example", &[]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.field(), Some("name"));
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(
        folio.list_sites().await.unwrap().items.len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn invalid_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let err = folio
        .create_site(&new_site("Shop", "not a domain", &[]))
        .await
        .unwrap_err();
    let dto = err.to_dto();
    assert_eq!(dto.kind, ErrorKind::Validation);
    assert_eq!(dto.field.as_deref(), Some("domain"));
    assert!(folio.list_sites().await.unwrap().items.is_empty());
}

#[tokio::test]
async fn two_handles_on_one_directory_share_the_account_and_data() {
    // The desktop app and the CLI open the same directory at the same time.
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = tokio::join!(Folio::open(dir.path()), Folio::open(dir.path()));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.account_id(), two.account_id());
    one.create_site(&new_site("From app", "app.example", &[]))
        .await
        .unwrap();
    let seen = two.list_sites().await.unwrap();
    assert_eq!(seen.items.len(), 1);
    assert_eq!(seen.items[0].name, "From app");
}
