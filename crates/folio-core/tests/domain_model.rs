//! The shipped defaults, the account scope and sector editing, against a real SQLite store in a
//! temporary data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use folio_core::Folio;
use folio_model::{
    AiOperation, ClusterStatus, ErrorKind, ModelType, Module, NewCluster, NewSite, NewUser,
    QualityTier, Role, SectorId, Site, SubscriptionStatus,
};
use rust_decimal::Decimal;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::Path;
use std::str::FromStr;

async fn site(folio: &Folio, name: &str, sectors: &[&str]) -> Site {
    folio
        .create_site(&NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase().replace(' ', "-")),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
        })
        .await
        .unwrap()
}

/// Row counts of every global table, read straight from the database file.
async fn global_counts(dir: &Path) -> Vec<(String, i64)> {
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.join("folio.db"))
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let mut out = Vec::new();
    for table in [
        "plans",
        "ai_models",
        "system_settings",
        "global_prompts",
        "global_author_profiles",
        "credit_costs",
        "industries",
        "industry_sectors",
        "seed_keywords",
        "users",
    ] {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        out.push((table.to_owned(), n));
    }
    conn.close().await.unwrap();
    out
}

#[tokio::test]
async fn the_shipped_defaults_are_present_after_open() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();

    let models = folio.ai_models().await.unwrap();
    let names: Vec<_> = models.iter().map(|m| m.model_name.as_str()).collect();
    for want in [
        "gpt-4o",
        "gpt-4o-mini",
        "dall-e-3",
        "runware:97@1",
        "bria:10@1",
        "google:4@2",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let text = folio.default_model(ModelType::Text).await.unwrap();
    assert_eq!(text.model_name, "gpt-4o-mini");
    assert_eq!(text.tokens_per_credit, Some(10_000));
    assert_eq!(
        text.cost_per_1k_input,
        Some(Decimal::from_str("0.00015").unwrap())
    );
    assert_eq!(
        text.cost_per_1k_output,
        Some(Decimal::from_str("0.0006").unwrap())
    );
    let image = folio.default_model(ModelType::Image).await.unwrap();
    assert_eq!(image.model_name, "runware:97@1");
    assert_eq!(
        (image.credits_per_image, image.quality_tier),
        (Some(1), Some(QualityTier::Basic))
    );
    let sizes: Vec<String> = image.sizes.iter().map(ToString::to_string).collect();
    assert_eq!(sizes, ["1024x1024", "1280x768"]);
    let premium = models
        .iter()
        .find(|m| m.model_name == "google:4@2")
        .unwrap();
    assert_eq!(
        (premium.credits_per_image, premium.quality_tier),
        (Some(15), Some(QualityTier::Premium))
    );
    let gpt4o = models.iter().find(|m| m.model_name == "gpt-4o").unwrap();
    assert_eq!(gpt4o.tokens_per_credit, Some(1_000));

    let plans = folio.plans().await.unwrap();
    let table: Vec<_> = plans
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.included_credits,
                p.max_sites,
                p.max_users,
                p.max_keywords,
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            ("Free", 100, 1, 1, 100),
            ("Starter", 1_000, 2, 2, 500),
            ("Growth", 2_000, 5, 3, 2_000),
            ("Scale", 5_000, 99, 5, 5_000),
        ]
    );

    let costs = folio.credit_costs().await.unwrap();
    let base: Vec<_> = costs
        .iter()
        .map(|c| (c.operation, c.base_credits))
        .collect();
    for want in [
        (AiOperation::Clustering, 2),
        (AiOperation::IdeaGeneration, 1),
        (AiOperation::ContentGeneration, 3),
        (AiOperation::ImagePromptExtraction, 1),
        (AiOperation::ImageGeneration, 1),
    ] {
        assert!(base.contains(&want), "{want:?} not in {base:?}");
    }

    let profiles = folio.author_profiles().await.unwrap();
    let tones: Vec<_> = profiles
        .iter()
        .map(|p| (p.tone.as_str(), p.language.as_str()))
        .collect();
    for tone in ["professional", "casual", "technical"] {
        assert!(tones.contains(&(tone, "en")), "{tones:?}");
    }

    let industries = folio.industries().await.unwrap();
    assert_eq!(industries.len(), 3);
    let garden = industries
        .iter()
        .find(|i| i.name == "Home & Garden")
        .unwrap();
    let gardening = garden
        .sectors
        .iter()
        .find(|s| s.name == "Gardening")
        .unwrap();
    assert_eq!(gardening.id, "home-garden/gardening");
    let seeds = folio.seed_keywords(&gardening.id).await.unwrap();
    assert_eq!(seeds.len(), 10);
    assert_eq!(
        seeds[0].keyword, "raised garden bed ideas",
        "highest volume first"
    );
    assert_eq!(
        (seeds[0].volume, seeds[0].country.as_str()),
        (Some(22_200), "US")
    );
}

#[tokio::test]
async fn defaults_are_written_once_however_often_the_store_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    folio.ensure_defaults().await.unwrap();
    folio.ensure_defaults().await.unwrap();
    let first = global_counts(dir.path()).await;
    assert!(first.iter().all(|(_, n)| *n > 0), "{first:?}");
    assert_eq!(
        first.iter().find(|(t, _)| t == "seed_keywords").unwrap().1,
        60
    );
    assert_eq!(first.iter().find(|(t, _)| t == "users").unwrap().1, 1);
    folio.close().await;

    for _ in 0..2 {
        let again = Folio::open(dir.path()).await.unwrap();
        again.ensure_defaults().await.unwrap();
        again.users().await.unwrap();
        again.close().await;
        assert_eq!(global_counts(dir.path()).await, first);
    }

    // two processes seeding a fresh directory at once still write one set
    let fresh = tempfile::tempdir().unwrap();
    let (a, b) = tokio::join!(Folio::open(fresh.path()), Folio::open(fresh.path()));
    let (a, b) = (a.unwrap(), b.unwrap());
    let (x, y) = tokio::join!(a.ensure_defaults(), b.ensure_defaults());
    x.unwrap();
    y.unwrap();
    assert_eq!(global_counts(fresh.path()).await, first);
}

#[tokio::test]
async fn a_local_account_has_an_owner_and_no_plan() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    assert_eq!(folio.plan_limits().await.unwrap(), None);
    assert_eq!(folio.subscription().await.unwrap(), None);
    assert_eq!(folio.account().await.unwrap().plan_id, None);
    let users = folio.users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].role, users[0].email.as_str()),
        (Role::Owner, "you@folio.local")
    );
    assert_eq!(folio.credit_balance().await.unwrap().total(), Decimal::ZERO);

    // without a plan there is no user limit
    for i in 0..3 {
        folio
            .add_user(NewUser {
                email: format!("Writer{i}@Example.com"),
                name: format!("Writer {i}"),
                role: Role::Editor,
            })
            .await
            .unwrap();
    }
    let err = folio
        .add_user(NewUser {
            email: "writer0@example.com".into(),
            name: String::new(),
            role: Role::Viewer,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Conflict, Some("email"))
    );

    let owner = folio.users().await.unwrap()[0].clone();
    let err = folio
        .set_user_role(owner.id, Role::Admin)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("only owner"), "{err}");
}

#[tokio::test]
async fn a_server_plan_sets_limits_and_credits() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let start = Utc::now();
    let sub = folio
        .apply_subscription(
            "starter",
            SubscriptionStatus::Active,
            start,
            start + Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(sub.plan_id, "starter");
    let limits = folio.plan_limits().await.unwrap().unwrap();
    assert_eq!(
        (
            limits.max_sites,
            limits.max_users,
            limits.max_keywords,
            limits.included_credits
        ),
        (2, 2, 500, 1_000)
    );
    let balance = folio.credit_balance().await.unwrap();
    assert_eq!(
        (balance.plan_credits, balance.bonus_credits),
        (Decimal::from(1_000), Decimal::ZERO)
    );

    // the owner plus one more person fill the Starter plan
    folio
        .add_user(NewUser {
            email: "ed@example.com".into(),
            name: "Ed".into(),
            role: Role::Editor,
        })
        .await
        .unwrap();
    let err = folio
        .add_user(NewUser {
            email: "vi@example.com".into(),
            name: "Vi".into(),
            role: Role::Viewer,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.to_string().contains("Starter plan allows 2 people"),
        "{err}"
    );

    let err = folio
        .apply_subscription(
            "platinum",
            SubscriptionStatus::Active,
            start,
            start + Duration::days(30),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn modules_start_with_linker_and_optimizer_off() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let m = folio.module_settings().await.unwrap();
    assert!(m.planner && m.writer && m.automation && m.integration && m.publisher);
    assert!(!m.linker && !m.optimizer);
    let m = folio
        .set_module_enabled(Module::Linker, true)
        .await
        .unwrap();
    assert!(m.linker);
    assert!(folio.module_settings().await.unwrap().linker);
}

#[tokio::test]
async fn sectors_can_be_added_up_to_five_with_unique_names() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let s = site(&folio, "Garden", &["Tools", "Seeds"]).await;
    let soil = folio.add_sector(s.id, "  Soil ").await.unwrap();
    assert_eq!(soil.name, "Soil");
    let err = folio.add_sector(s.id, "TOOLS").await.unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Conflict, Some("name"))
    );
    let err = folio.add_sector(s.id, "   ").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    folio.add_sector(s.id, "Pots").await.unwrap();
    folio.add_sector(s.id, "Sheds").await.unwrap();
    let err = folio.add_sector(s.id, "Fences").await.unwrap_err();
    assert_eq!(err.field(), Some("sectors"));
    assert!(err.to_string().contains("at most 5 sectors"), "{err}");
    let names: Vec<_> = folio
        .get_site(s.id)
        .await
        .unwrap()
        .sectors
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Tools", "Seeds", "Soil", "Pots", "Sheds"]);
}

#[tokio::test]
async fn sectors_are_renamed_within_their_site_only() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let a = site(&folio, "Garden", &["Tools", "Seeds"]).await;
    let b = site(&folio, "Kitchen", &["Knives"]).await;
    let tools = a.sectors[0].id;
    let renamed = folio
        .rename_sector(a.id, tools, "Garden tools")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Garden tools");
    // changing only the case of its own name is fine
    folio
        .rename_sector(a.id, tools, "Garden Tools")
        .await
        .unwrap();
    let err = folio.rename_sector(a.id, tools, "seeds").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // the same name in another site is no clash
    folio
        .rename_sector(b.id, b.sectors[0].id, "Seeds")
        .await
        .unwrap();
    let err = folio
        .rename_sector(b.id, tools, "Blades")
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("sector"))
    );
    assert_eq!(
        err.to_string(),
        format!(
            "sector {tools} belongs to another site, not to site {}",
            b.id
        )
    );
    assert_eq!(
        folio.get_site(a.id).await.unwrap().sectors[0].name,
        "Garden Tools"
    );
}

#[tokio::test]
async fn a_sector_in_use_or_the_last_one_is_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let s = site(&folio, "Garden", &["Tools", "Seeds", "Soil"]).await;
    let (tools, seeds, soil) = (s.sectors[0].id, s.sectors[1].id, s.sectors[2].id);
    folio
        .create_cluster(NewCluster::new(s.id, tools, "Hoes"))
        .await
        .unwrap();
    folio
        .add_content(folio_model::NewContent {
            site: s.id,
            sector: Some(seeds),
            title: "Saving tomato seeds".into(),
            body_html: None,
        })
        .await
        .unwrap();

    let err = folio.remove_sector(s.id, tools).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(
        err.to_string(),
        "The sector \u{201c}Tools\u{201d} still has 1 cluster(s) and 0 article(s); delete or move them before removing it"
    );
    let err = folio.remove_sector(s.id, seeds).await.unwrap_err();
    assert!(
        err.to_string().contains("0 cluster(s) and 1 article(s)"),
        "{err}"
    );

    assert_eq!(folio.remove_sector(s.id, soil).await.unwrap(), 0);
    let left: Vec<SectorId> = folio
        .get_site(s.id)
        .await
        .unwrap()
        .sectors
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, [tools, seeds]);

    let lone = site(&folio, "Kitchen", &[]).await;
    let err = folio
        .remove_sector(lone.id, lone.sectors[0].id)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("needs at least one"), "{err}");
}

#[tokio::test]
async fn unknown_sites_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let ghost = folio_model::SiteId(uuid::Uuid::now_v7());
    let err = folio.get_site(ghost).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.to_string(), format!("site {ghost} not found"));
    assert_eq!(
        folio.list_content(ghost).await.unwrap_err().to_string(),
        format!("site {ghost} not found")
    );
    assert_eq!(
        folio
            .site_publishing_settings(ghost)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        folio.add_sector(ghost, "x").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let err = folio
        .list_clusters(ghost, None, Some(ClusterStatus::New))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn seed_keyword_files_are_validated_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let bad = "keyword,industry,sector,volume,difficulty,country,is_active\n\
               garden kneeler,Home & Garden,Gardening,1000,20,US,True\n\
               ,Home & Garden,Gardening,10,1,US,True\n\
               crypto wallet,Finance,Crypto,10,1,US,True\n\
               hedge trimmer,Home & Garden,Gardening,lots,1,US,True\n";
    let err = folio.load_seed_keywords(bad).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("file"))
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with("The seed keyword file has 3 problem(s); nothing was loaded"),
        "{msg}"
    );
    assert!(msg.contains("line 3: the keyword is missing"), "{msg}");
    assert!(
        msg.contains("line 4: the industry \u{201c}Finance\u{201d} does not exist"),
        "{msg}"
    );
    assert!(msg.contains("line 5: volume \"lots\""), "{msg}");
    let gardening = folio.seed_keywords("home-garden/gardening").await.unwrap();
    assert!(
        !gardening.iter().any(|k| k.keyword == "garden kneeler"),
        "nothing loaded"
    );

    let good = "keyword,sector,industry,volume,difficulty,country,is_active\n\
                garden kneeler,gardening,home & garden,1000,20,us,true\n\
                raised garden bed ideas,Gardening,Home & Garden,25000,40,US,True\n";
    assert_eq!(folio.load_seed_keywords(good).await.unwrap(), 2);
    let gardening = folio.seed_keywords("home-garden/gardening").await.unwrap();
    assert_eq!(gardening.len(), 11, "one new keyword, one updated");
    assert_eq!(gardening[0].volume, Some(25_000));
    assert_eq!(
        folio.seed_keywords("nope/none").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}
