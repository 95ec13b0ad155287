//! A site with a dozen rose-garden keywords, and OpenAI and Anthropic faked at the HTTP level by
//! [`super::fake_model`] (keys in the OS keychain): the world the pipeline and automation tests
//! run in.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::fake_model::{FakeImages, FakeModel, Wire};
use super::sync_server;
use folio_core::{Folio, ImportOptions};
use folio_model::{NewSite, SettingKey, SettingValue, Site, UsageFilter};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

static KEYCHAIN: std::sync::Once = std::sync::Once::new();

pub const CSV: &str = "Keyword,Volume,Keyword Difficulty\nprune roses,2400,31\nrose pruning,1900,28\nwhen to prune roses,1300,22\nrose pruning tools,480,18\nrose food,880,25\nbest rose fertilizer,1600,35\nfeeding roses,720,20\nhomemade rose fertilizer,390,12\nrose black spot,1000,30\nblack spot treatment,880,27\nrose aphids,590,19\nrose pests,720,24\n";

pub struct World {
    pub _dir: tempfile::TempDir,
    pub folio: Folio,
    pub site: Site,
    pub model: FakeModel,
    pub _openai: MockServer,
    pub _anthropic: MockServer,
}

pub async fn world() -> World {
    KEYCHAIN.call_once(sync_server::private_keychain);
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Rose Garden".into(),
            domain: "roses.example".into(),
            sectors: vec!["Care".into()],
        })
        .await
        .unwrap();
    folio
        .import_keywords(
            site.id,
            None,
            CSV.as_bytes().to_vec(),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let model = FakeModel::default();
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(model.responder(Wire::OpenAi))
        .mount(&openai)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/images/generations"))
        .respond_with(FakeImages)
        .mount(&openai)
        .await;
    let anthropic = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(model.responder(Wire::Anthropic))
        .mount(&anthropic)
        .await;
    folio
        .set_provider_base_url("openai", Some(&format!("{}/v1", openai.uri())))
        .await
        .unwrap();
    folio
        .set_provider_base_url("anthropic", Some(&format!("{}/v1", anthropic.uri())))
        .await
        .unwrap();
    folio
        .set_provider_key("openai", "sk-test-pipeline")
        .await
        .unwrap();
    folio
        .set_provider_key("anthropic", "sk-ant-test-pipeline")
        .await
        .unwrap();
    folio
        .set_site_setting(
            site.id,
            SettingKey::ImagesModel,
            SettingValue::Text("dall-e-3".into()),
        )
        .await
        .unwrap();
    World {
        _dir: dir,
        folio,
        site,
        model,
        _openai: openai,
        _anthropic: anthropic,
    }
}

pub async fn ledger_calls(folio: &Folio) -> u64 {
    folio
        .usage_report(&UsageFilter::default(), folio_model::UsageGroup::Operation)
        .await
        .unwrap()
        .totals
        .calls
}
