//! Settings and prompt resolution, publishing settings and the automation config, against a real
//! SQLite store in a temporary data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::Folio;
use folio_model::{
    AutomationConfigUpdate, ConnectionStatus, ErrorKind, ImageStyle, IntegrationSync,
    IntegrationSyncStatus, NewAuthorProfile, NewCluster, NewSite, NewTask, PromptKind,
    PromptSource, PublishDay, PublishingSettingsUpdate, SettingKey, SettingSource, SettingValue,
    Site, SiteStructure,
};

async fn setup() -> (tempfile::TempDir, Folio, Site) {
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
    (dir, folio, site)
}

#[tokio::test]
async fn settings_resolve_site_then_account_then_system_then_built_in() {
    let (_dir, folio, site) = setup().await;
    let key = SettingKey::Temperature;
    let e = folio.effective_setting(key, Some(site.id)).await.unwrap();
    assert_eq!(
        (e.value, e.source),
        (SettingValue::Float(0.7), SettingSource::System)
    );

    folio.clear_system_setting(key).await.unwrap();
    let e = folio.effective_setting(key, None).await.unwrap();
    assert_eq!(
        (e.value, e.source),
        (SettingValue::Float(0.7), SettingSource::BuiltIn)
    );

    folio
        .set_system_setting(key, SettingValue::Float(0.5))
        .await
        .unwrap();
    folio
        .set_account_setting(key, SettingValue::Float(0.9))
        .await
        .unwrap();
    let e = folio.effective_setting(key, Some(site.id)).await.unwrap();
    assert_eq!(
        (e.value, e.source),
        (SettingValue::Float(0.9), SettingSource::Account)
    );

    // an integer is accepted for a float setting and stored canonically
    let stored = folio
        .set_site_setting(site.id, key, SettingValue::Int(1))
        .await
        .unwrap();
    assert_eq!(stored, SettingValue::Float(1.0));
    let e = folio.effective_setting(key, Some(site.id)).await.unwrap();
    assert_eq!(
        (e.value, e.source),
        (SettingValue::Float(1.0), SettingSource::Site)
    );
    // without the site, the account's value applies
    let e = folio.effective_setting(key, None).await.unwrap();
    assert_eq!(e.source, SettingSource::Account);

    folio.clear_site_setting(site.id, key).await.unwrap();
    folio.clear_account_setting(key).await.unwrap();
    let e = folio.effective_setting(key, Some(site.id)).await.unwrap();
    assert_eq!(
        (e.value, e.source),
        (SettingValue::Float(0.5), SettingSource::System)
    );
}

#[tokio::test]
async fn typed_ai_settings_carry_their_sources() {
    let (_dir, folio, site) = setup().await;
    let ai = folio.ai_settings(None).await.unwrap();
    assert_eq!(ai.temperature.value, 0.7);
    assert_eq!(ai.max_tokens.value, 8192);
    assert_eq!(ai.max_images.value, 4);
    assert_eq!(ai.image_style.value, ImageStyle::Photorealistic);
    assert_eq!(ai.image_size.value.as_str(), "1024x1024");
    assert_eq!(ai.image_quality.value.as_str(), "standard");

    folio
        .set_account_setting(
            SettingKey::ImageStyle,
            SettingValue::Text("Illustration".into()),
        )
        .await
        .unwrap();
    folio
        .set_site_setting(site.id, SettingKey::MaxImages, SettingValue::Int(6))
        .await
        .unwrap();
    let ai = folio.ai_settings(Some(site.id)).await.unwrap();
    assert_eq!(
        (ai.image_style.value, ai.image_style.source),
        (ImageStyle::Illustration, SettingSource::Account)
    );
    assert_eq!(
        (ai.max_images.value, ai.max_images.source),
        (6, SettingSource::Site)
    );
    assert_eq!(ai.max_tokens.source, SettingSource::System);
    let all = folio.effective_settings(Some(site.id)).await.unwrap();
    assert_eq!(all.len(), SettingKey::ALL.len());
}

#[tokio::test]
async fn out_of_range_settings_are_refused_with_the_range() {
    let (_dir, folio, site) = setup().await;
    for (key, value, message) in [
        (
            SettingKey::Temperature,
            SettingValue::Float(2.1),
            "ai.temperature must be between 0.0 and 2.0 (got 2.1)",
        ),
        (
            SettingKey::Temperature,
            SettingValue::Float(-0.1),
            "ai.temperature must be between 0.0 and 2.0 (got -0.1)",
        ),
        (
            SettingKey::MaxImages,
            SettingValue::Int(0),
            "ai.max_images must be between 1 and 8 (got 0)",
        ),
        (
            SettingKey::MaxImages,
            SettingValue::Int(9),
            "ai.max_images must be between 1 and 8 (got 9)",
        ),
        (
            SettingKey::MaxTokens,
            SettingValue::Int(0),
            "ai.max_tokens must be between 1 and 200000 (got 0)",
        ),
        (
            SettingKey::MaxImages,
            SettingValue::Float(2.5),
            "ai.max_images must be a whole number (got 2.5)",
        ),
    ] {
        let err = folio
            .set_account_setting(key, value.clone())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(err.field(), Some(key.as_str()));
        assert_eq!(err.to_string(), message);
        let err = folio
            .set_site_setting(site.id, key, value)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    let err = folio
        .set_account_setting(SettingKey::ImageSize, SettingValue::Text("800x600".into()))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("use one of: 1024x1024, 1792x1024, 1024x1792"),
        "{err}"
    );
    let err = folio
        .set_account_setting(SettingKey::ImageQualityTier, SettingValue::Int(3))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "ai.image_quality_tier must be text, not 3");
    // nothing was stored by the refused writes
    let e = folio
        .effective_setting(SettingKey::MaxImages, Some(site.id))
        .await
        .unwrap();
    assert_eq!(e.source, SettingSource::System);
}

#[tokio::test]
async fn prompts_resolve_task_then_account_then_global_then_built_in() {
    let (dir, folio, site) = setup().await;
    let sector = site.sectors[0].id;
    let cluster = folio
        .create_cluster(NewCluster::new(site.id, sector, "Hoes"))
        .await
        .unwrap();
    let task = folio
        .create_task(NewTask::new(site.id, sector, cluster.id, "Best hoes"))
        .await
        .unwrap();
    let kind = PromptKind::ContentGeneration;

    let p = folio.resolve_prompt(kind, Some(task.id)).await.unwrap();
    assert_eq!(p.source, PromptSource::Global);
    assert!(p.text.contains("[IGNY8_TITLE]") && p.text.contains("[IGNY8_OUTLINE]"));
    assert!(p.variables.contains(&"IGNY8_PRIMARY_KEYWORD".to_string()));

    folio
        .set_account_prompt(kind, "Write about [IGNY8_TITLE] for [IGNY8_SITE_NAME].")
        .await
        .unwrap();
    let p = folio.resolve_prompt(kind, Some(task.id)).await.unwrap();
    assert_eq!(
        (p.source, p.text.as_str()),
        (
            PromptSource::Account,
            "Write about [IGNY8_TITLE] for [IGNY8_SITE_NAME]."
        )
    );

    folio
        .set_task_prompt(task.id, kind, Some("Only for this task: [IGNY8_TITLE]"))
        .await
        .unwrap();
    let p = folio.resolve_prompt(kind, Some(task.id)).await.unwrap();
    assert_eq!(p.source, PromptSource::Task);
    // other kinds and other callers are not affected by the task's override
    assert_eq!(
        folio.resolve_prompt(kind, None).await.unwrap().source,
        PromptSource::Account
    );
    assert_eq!(
        folio
            .resolve_prompt(PromptKind::Ideas, Some(task.id))
            .await
            .unwrap()
            .source,
        PromptSource::Global
    );

    folio.set_task_prompt(task.id, kind, None).await.unwrap();
    folio.reset_account_prompt(kind).await.unwrap();
    assert_eq!(
        folio
            .resolve_prompt(kind, Some(task.id))
            .await
            .unwrap()
            .source,
        PromptSource::Global
    );

    // without the global prompt the built-in text applies
    let mut conn = {
        use sqlx::ConnectOptions;
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("folio.db"))
            .connect()
            .await
            .unwrap()
    };
    sqlx::query("UPDATE global_prompts SET is_active = 0 WHERE prompt_type = 'content_generation'")
        .execute(&mut conn)
        .await
        .unwrap();
    let p = folio.resolve_prompt(kind, None).await.unwrap();
    assert_eq!(p.source, PromptSource::BuiltIn);
    assert_eq!(p.text, folio_core::ai::prompts::builtin(kind).trim());

    let err = folio
        .set_account_prompt(kind, "Use [IGNY8_CLUSTERS]")
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::Validation, Some("prompt"))
    );
    assert!(
        err.to_string()
            .starts_with("[IGNY8_CLUSTERS] is not a variable of the content_generation prompt"),
        "{err}"
    );
    let ghost = folio_model::TaskId(uuid::Uuid::now_v7());
    assert_eq!(
        folio
            .resolve_prompt(kind, Some(ghost))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn account_author_profiles_sit_beside_the_global_ones() {
    let (_dir, folio, _site) = setup().await;
    let p = folio
        .add_author_profile(NewAuthorProfile {
            name: "Garden nerd".into(),
            tone: "enthusiastic".into(),
            language: "en-GB".into(),
            description: "Loves soil".into(),
            point_of_view: "first person".into(),
            audience: "allotment holders".into(),
            samples: vec!["  Dig once, mulch forever.  ".into(), " ".into()],
        })
        .await
        .unwrap();
    assert_eq!(p.samples, vec!["Dig once, mulch forever."]);
    let all = folio.author_profiles().await.unwrap();
    assert_eq!(all.len(), 4);
    let stored = all.iter().find(|a| a.id == p.id).unwrap();
    assert_eq!(
        (
            stored.point_of_view.as_str(),
            stored.audience.as_str(),
            stored.samples.len()
        ),
        ("first person", "allotment holders", 1)
    );
    let too_many = folio
        .add_author_profile(NewAuthorProfile {
            name: "Chatty".into(),
            tone: "calm".into(),
            language: "en".into(),
            description: String::new(),
            point_of_view: String::new(),
            audience: String::new(),
            samples: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        })
        .await
        .unwrap_err();
    assert!(too_many.to_string().contains("at most 3"), "{too_many}");
    let err = folio
        .add_author_profile(NewAuthorProfile {
            name: "GARDEN  NERD".into(),
            tone: "calm".into(),
            language: "en".into(),
            description: String::new(),
            point_of_view: String::new(),
            audience: String::new(),
            samples: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let global = all.iter().find(|a| a.name == "Professional").unwrap();
    assert_eq!(
        folio
            .remove_author_profile(global.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
    folio.remove_author_profile(p.id).await.unwrap();
    assert_eq!(folio.author_profiles().await.unwrap().len(), 3);
}

#[tokio::test]
async fn publishing_settings_start_with_the_seed_defaults() {
    let (dir, folio, site) = setup().await;
    let s = folio.site_publishing_settings(site.id).await.unwrap();
    assert!(s.auto_approval_enabled && s.auto_publish_enabled);
    assert_eq!(
        (
            s.daily_publish_limit,
            s.weekly_publish_limit,
            s.monthly_publish_limit
        ),
        (3, 15, 50)
    );
    assert_eq!(
        s.publish_days,
        [
            PublishDay::Mon,
            PublishDay::Tue,
            PublishDay::Wed,
            PublishDay::Thu,
            PublishDay::Fri
        ]
    );
    assert_eq!(s.publish_time_slots, ["09:00", "14:00", "18:00"]);
    assert_eq!(s.timezone, "UTC");
    // the first read stored them
    folio.close().await;
    let folio = Folio::open(dir.path()).await.unwrap();
    assert_eq!(folio.site_publishing_settings(site.id).await.unwrap(), s);
}

#[tokio::test]
async fn publishing_settings_are_validated_as_a_whole() {
    let (_dir, folio, site) = setup().await;
    let s = folio
        .update_publishing_settings(
            site.id,
            PublishingSettingsUpdate {
                daily_publish_limit: Some(5),
                publish_days: Some(vec!["sat".into(), "Mon".into()]),
                publish_time_slots: Some(vec!["17:30".into(), "8:15".into()]),
                timezone: Some("Europe/Lisbon".into()),
                auto_publish_enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(s.daily_publish_limit, 5);
    assert_eq!(s.publish_days, [PublishDay::Mon, PublishDay::Sat]);
    assert_eq!(s.publish_time_slots, ["08:15", "17:30"]);
    assert_eq!(s.timezone, "Europe/Lisbon");
    assert!(!s.auto_publish_enabled);

    for (update, field, message) in [
        (
            PublishingSettingsUpdate { weekly_publish_limit: Some(4), ..Default::default() },
            "daily_publish_limit",
            "The daily limit (5) cannot be more than the weekly limit (4)",
        ),
        (
            PublishingSettingsUpdate { monthly_publish_limit: Some(10), ..Default::default() },
            "weekly_publish_limit",
            "The weekly limit (15) cannot be more than the monthly limit (10)",
        ),
        (
            PublishingSettingsUpdate { daily_publish_limit: Some(-1), ..Default::default() },
            "daily_publish_limit",
            "daily publish limit must be 0 or more (got -1)",
        ),
        (
            PublishingSettingsUpdate { publish_days: Some(vec!["mon".into(), "mon".into()]), ..Default::default() },
            "publish_days",
            "mon is listed twice",
        ),
        (
            PublishingSettingsUpdate { publish_time_slots: Some(vec!["14:00".into(), "14:00".into()]), ..Default::default() },
            "publish_time_slots",
            "14:00 is listed twice",
        ),
        (
            PublishingSettingsUpdate { publish_time_slots: Some(vec!["25:00".into()]), ..Default::default() },
            "publish_time_slots",
            "\u{201c}25:00\u{201d} is not a time; write slots as HH:MM, e.g. 09:00 or 18:30",
        ),
        (
            PublishingSettingsUpdate { timezone: Some("CEST".into()), ..Default::default() },
            "timezone",
            "\u{201c}CEST\u{201d} is not an IANA timezone name; use one like UTC, Europe/Lisbon or America/New_York",
        ),
    ] {
        let err = folio.update_publishing_settings(site.id, update).await.unwrap_err();
        assert_eq!((err.kind(), err.field()), (ErrorKind::Validation, Some(field)));
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(
        folio.site_publishing_settings(site.id).await.unwrap(),
        s,
        "refused updates changed nothing"
    );
}

#[tokio::test]
async fn automation_config_defaults_and_updates() {
    let (_dir, folio, site) = setup().await;
    let c = folio.automation_config(site.id).await.unwrap();
    assert_eq!(
        (
            c.clustering_limit,
            c.ideas_limit,
            c.content_limit,
            c.image_limit,
            c.publish_limit
        ),
        (10, 10, 5, 10, 5)
    );
    assert_eq!(
        (c.delay_between_operations_secs, c.max_runtime_secs),
        (5, 3600)
    );
    assert!(!c.auto_approve && !c.auto_publish && c.stop_on_error);
    let c = folio
        .update_automation_config(
            site.id,
            AutomationConfigUpdate {
                content_limit: Some(2),
                auto_publish: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(folio.automation_config(site.id).await.unwrap(), c);
    assert_eq!((c.content_limit, c.auto_publish), (2, true));
    let err = folio
        .update_automation_config(
            site.id,
            AutomationConfigUpdate {
                delay_between_operations_secs: Some(-1),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("delay_between_operations_secs"));
}

#[tokio::test]
async fn the_wordpress_connection_keeps_no_secret() {
    let (_dir, folio, site) = setup().await;
    assert_eq!(folio.site_integration(site.id).await.unwrap(), None);
    let err = folio
        .connect_site_integration(site.id, "https://admin:hunter2@garden.example")
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("external_site_url"));
    let i = folio
        .connect_site_integration(site.id, "Garden.example/")
        .await
        .unwrap();
    assert_eq!(i.external_site_url, "https://garden.example");
    assert_eq!(
        (i.connection_status, i.sync_status),
        (ConnectionStatus::Configured, IntegrationSyncStatus::Pending)
    );

    let err = folio
        .record_integration_sync(
            site.id,
            IntegrationSync {
                sync_status: IntegrationSyncStatus::Error,
                connection_status: None,
                sync_error: None,
                structure: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("sync_error"));
    let structure = SiteStructure {
        post_types: vec!["post".into(), "page".into()],
        ..Default::default()
    };
    let i = folio
        .record_integration_sync(
            site.id,
            IntegrationSync {
                sync_status: IntegrationSyncStatus::Completed,
                connection_status: Some(ConnectionStatus::Connected),
                sync_error: None,
                structure: Some(structure.clone()),
            },
        )
        .await
        .unwrap();
    assert_eq!(i.structure, structure);
    assert!(i.last_sync_at.is_some() && i.structure_updated_at.is_some());
    assert_eq!(folio.site_integration(site.id).await.unwrap(), Some(i));
}

#[tokio::test]
async fn site_access_is_granted_to_people_of_the_account() {
    let (_dir, folio, site) = setup().await;
    let editor = folio
        .add_user(folio_model::NewUser {
            email: "ed@example.com".into(),
            name: "Ed".into(),
            role: folio_model::Role::Editor,
        })
        .await
        .unwrap();
    let grant = folio.grant_site_access(site.id, editor.id).await.unwrap();
    // granting twice keeps the first grant
    assert_eq!(
        folio.grant_site_access(site.id, editor.id).await.unwrap(),
        grant
    );
    assert_eq!(folio.site_access(site.id).await.unwrap(), [grant]);
    folio.revoke_site_access(site.id, editor.id).await.unwrap();
    assert!(folio.site_access(site.id).await.unwrap().is_empty());
    let stranger = folio_model::UserId(uuid::Uuid::now_v7());
    assert_eq!(
        folio
            .grant_site_access(site.id, stranger)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}
