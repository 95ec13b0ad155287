//! The first-run path's core: a site made from an industry of the keyword library (its sectors,
//! their seed keywords through the import path, duplicates skipped when added again, the
//! library's rules), seed keywords added to an existing sector, and which steps are done
//! (`first_run_state`) with the device-local dismissal.
//! Runs under `scripts/headless.sh` (whether Folio can write reads the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::Folio;
use folio_model::{
    ErrorKind, Industry, KeywordFilter, KeywordQuery, NewContent, NewSite, NewSiteFromIndustry,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/private_store.rs"]
mod private_store;
use private_store::open;

fn by_name<'a>(industries: &'a [Industry], name: &str) -> &'a Industry {
    industries.iter().find(|i| i.name == name).unwrap()
}

async fn keywords_of(
    folio: &Folio,
    site: folio_model::SiteId,
    sector: folio_model::SectorId,
) -> Vec<String> {
    let page = folio
        .list_keywords(&KeywordQuery {
            filter: KeywordFilter {
                sector: Some(sector),
                ..KeywordFilter::site(site)
            },
            sort: Default::default(),
            limit: 1000,
            offset: 0,
        })
        .await
        .unwrap();
    page.items.into_iter().map(|r| r.keyword).collect()
}

#[tokio::test]
async fn a_site_from_an_industry_gets_its_sectors_and_their_seed_keywords() {
    let (_dir, folio) = open().await;
    let industries = folio.industries().await.unwrap();
    let garden = by_name(&industries, "Home & Garden");
    let sector_ids: Vec<String> = garden.sectors.iter().map(|s| s.id.clone()).collect();
    let made = folio
        .create_site_from_industry(&NewSiteFromIndustry {
            name: "Green Fingers".into(),
            domain: "greenfingers.example".into(),
            industry: garden.id.clone(),
            sectors: sector_ids.clone(),
        })
        .await
        .unwrap();
    let names: Vec<&str> = made.site.sectors.iter().map(|s| s.name.as_str()).collect();
    let library: Vec<&str> = garden.sectors.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names, library,
        "the site's sectors are the chosen ones, in order"
    );
    assert_eq!(made.imports.len(), 2);
    for (report, seed) in made.imports.iter().zip(&sector_ids) {
        let seeds = folio.seed_keywords(seed).await.unwrap();
        assert!(!seeds.is_empty());
        assert_eq!(report.imported, seeds.len() as u64);
        assert_eq!(report.duplicates, 0);
    }
    // The keywords are the site's, in the sector they were seeded into.
    let gardening = made.site.sectors[0].id;
    let listed = keywords_of(&folio, made.site.id, gardening).await;
    let mut expected: Vec<String> = folio
        .seed_keywords(&sector_ids[0])
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.keyword)
        .collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    expected.sort();
    assert_eq!(listed_sorted, expected);

    // Adding the same seed keywords again only counts duplicates.
    let again = folio
        .add_seed_keywords(made.site.id, Some(gardening), &sector_ids[0])
        .await
        .unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.duplicates, expected.len() as u64);
    assert_eq!(
        keywords_of(&folio, made.site.id, gardening).await.len(),
        expected.len()
    );
}

#[tokio::test]
async fn seed_keywords_go_into_an_existing_sector_beside_its_own() {
    let (_dir, folio) = open().await;
    let site = folio
        .create_site(&NewSite {
            name: "Tech Notes".into(),
            domain: "technotes.example".into(),
            sectors: vec!["Hosting".into()],
        })
        .await
        .unwrap();
    let industries = folio.industries().await.unwrap();
    let tech = by_name(&industries, "Technology");
    let hosting = tech
        .sectors
        .iter()
        .find(|s| s.name == "Web Hosting")
        .unwrap();
    let report = folio
        .add_seed_keywords(site.id, None, &hosting.id)
        .await
        .unwrap();
    assert_eq!(report.sector_id, site.sectors[0].id);
    assert!(report.imported > 0);
    assert_eq!(
        keywords_of(&folio, site.id, site.sectors[0].id).await.len() as u64,
        report.imported
    );
    let e = folio
        .add_seed_keywords(site.id, None, "technology/no-such-sector")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn an_industry_site_follows_the_librarys_rules() {
    let (_dir, folio) = open().await;
    let industries = folio.industries().await.unwrap();
    let garden = by_name(&industries, "Home & Garden");
    let health = by_name(&industries, "Health & Wellness");
    let input = |industry: &str, sectors: Vec<String>| NewSiteFromIndustry {
        name: "Mixed".into(),
        domain: "mixed.example".into(),
        industry: industry.into(),
        sectors,
    };
    let field = |e: folio_core::CoreError| folio_model::ErrorDto::from(e).field;
    let e = folio
        .create_site_from_industry(&input("knitting", vec![]))
        .await
        .unwrap_err();
    assert_eq!(field(e).as_deref(), Some("industry"));
    let e = folio
        .create_site_from_industry(&input(&garden.id, vec![]))
        .await
        .unwrap_err();
    assert_eq!(field(e).as_deref(), Some("sectors"));
    let e = folio
        .create_site_from_industry(&input(&garden.id, vec![health.sectors[0].id.clone()]))
        .await
        .unwrap_err();
    assert_eq!(field(e).as_deref(), Some("sectors"));
    // The site's own rules still apply, under their field; nothing was created.
    let e = folio
        .create_site_from_industry(&NewSiteFromIndustry {
            domain: "not a domain".into(),
            ..input(&garden.id, vec![garden.sectors[0].id.clone()])
        })
        .await
        .unwrap_err();
    assert_eq!(field(e).as_deref(), Some("domain"));
    assert!(folio.list_sites().await.unwrap().items.is_empty());
}

#[tokio::test]
async fn the_first_run_shows_until_a_site_exists_or_it_is_dismissed() {
    let (_dir, folio) = open().await;
    let state = folio.first_run_state().await.unwrap();
    assert!(state.show);
    assert!(!state.site && !state.wordpress && !state.writer && !state.keywords);
    assert!(!state.article && !state.published && !state.dismissed);

    // Dismissed: it stays away on this data directory, also after reopening.
    let state = folio.dismiss_first_run().await.unwrap();
    assert!(state.dismissed && !state.show);
    let dir = _dir.path().to_path_buf();
    folio.close().await;
    let folio = Folio::open(&dir).await.unwrap();
    assert!(!folio.first_run_state().await.unwrap().show);

    // Another data directory: a site (with keywords) is enough to skip it.
    let (_other, fresh) = open().await;
    let industries = fresh.industries().await.unwrap();
    let tech = by_name(&industries, "Technology");
    let made = fresh
        .create_site_from_industry(&NewSiteFromIndustry {
            name: "Stack".into(),
            domain: "stack.example".into(),
            industry: tech.id.clone(),
            sectors: vec![tech.sectors[0].id.clone()],
        })
        .await
        .unwrap();
    let state = fresh.first_run_state().await.unwrap();
    assert!(state.site && state.keywords && !state.show && !state.dismissed);
    assert!(!state.article);
    fresh
        .add_content(NewContent {
            site: made.site.id,
            sector: None,
            title: "Choosing a host".into(),
            body_html: Some("<p>Fast and cheap.</p>".into()),
        })
        .await
        .unwrap();
    assert!(fresh.first_run_state().await.unwrap().article);
}

#[tokio::test]
async fn folio_can_write_with_a_stored_key_or_a_local_default_model() {
    let (_dir, folio) = open().await;
    assert!(!folio.first_run_state().await.unwrap().writer);
    folio
        .set_provider_key("anthropic", "sk-ant-folio-first-run-0a1b2c3d")
        .await
        .unwrap();
    assert!(folio.first_run_state().await.unwrap().writer);
    folio.remove_provider_key("anthropic").await.unwrap();
    assert!(!folio.first_run_state().await.unwrap().writer);

    // A local model as the default text model needs no key.
    let ollama = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"models": [{"name": "llama3.2:3b"}]})),
        )
        .mount(&ollama)
        .await;
    folio
        .use_local_model("ollama", &format!("{}/v1", ollama.uri()), "llama3.2:3b")
        .await
        .unwrap();
    assert!(folio.first_run_state().await.unwrap().writer);
}
