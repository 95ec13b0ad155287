//! One section of a written article written again by AI: the estimate first, the new text in
//! place of the old with every other section kept (sanitised like any answer), its cost charged
//! to the article, and undone by restoring the version before. Against the HTTP fakes of the
//! pipeline tests; runs under `scripts/headless.sh` (provider keys live in the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_model.rs"]
mod fake_model;
#[path = "support/pipeline_world.rs"]
mod pipeline_world;
#[path = "support/sync_server.rs"]
mod sync_server;

use fake_model::{Fault, Kind};
use folio_core::writer::sections::sections;
use folio_core::CoreError;
use folio_model::{NewContent, Stage, StageTarget};
use pipeline_world::{ledger_calls, world};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_section_is_written_again_in_place_and_undone_by_restoring() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    let target = StageTarget::site(site.id);
    folio
        .run_stage(Stage::Clustering, target.clone())
        .await
        .unwrap();
    folio.run_stage(Stage::Ideas, target.clone()).await.unwrap();
    let ideas = folio.list_ideas(site.id, None, None).await.unwrap();
    let mut one = target.clone();
    one.ideas = vec![ideas[0].id];
    folio.run_stage(Stage::Queue, one).await.unwrap();
    folio
        .run_stage(Stage::Writing, target.clone())
        .await
        .unwrap();
    let article = folio.list_content(site.id).await.unwrap()[0].id;
    let before = folio.get_content(article).await.unwrap();
    let old_sections = sections(&before.body_html);
    assert!(old_sections.len() >= 3, "{}", before.body_html);

    let estimate = folio.estimate_section(article, 1).await.unwrap();
    assert_eq!((estimate.calls, estimate.stage), (1, Stage::Writing));
    assert!(
        estimate.credits > 0 && estimate.affordable(),
        "{estimate:?}"
    );

    let cost_before = folio.content_cost(article).await.unwrap().credits;
    let calls_before = ledger_calls(folio).await;
    // The new answer carries markup only the sanitiser stops, so it differs from the old text.
    w.model.fail(Kind::Section, vec![Fault::Script]);
    let done = folio.regenerate_section(article, 1).await.unwrap();
    assert_eq!(ledger_calls(folio).await - calls_before, 1);
    assert!(done.credits > 0);
    assert_eq!(
        folio.content_cost(article).await.unwrap().credits,
        cost_before + done.credits
    );
    let new_sections = sections(&done.content.body_html);
    assert_eq!(new_sections.len(), old_sections.len());
    for (i, (new, old)) in new_sections.iter().zip(&old_sections).enumerate() {
        assert_eq!(new.heading, old.heading);
        if i == 1 {
            assert_ne!(new.body_html, old.body_html);
            assert!(new.body_html.contains("Click"), "{}", new.body_html);
        } else {
            assert_eq!(new.body_html, old.body_html, "section {i} was kept");
        }
    }
    for bad in ["onclick", "javascript:", "<iframe", "<style"] {
        assert!(!done.content.body_html.contains(bad), "{bad} survived");
    }
    // The regenerated text is a version of its own; undo restores the one before.
    let versions = folio.content_revisions(article).await.unwrap();
    assert!(versions.len() >= 2, "{versions:#?}");
    let undo = done.undo_revision.expect("a version to go back to");
    let undone = folio.restore_revision(article, &undo).await.unwrap();
    assert_eq!(sections(&undone.body_html), old_sections);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_written_article_is_refused_before_any_call() {
    let w = world().await;
    let (folio, site) = (&w.folio, &w.site);
    let c = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "By hand".into(),
            body_html: Some("<h2>One</h2><p>Text.</p>".into()),
        })
        .await
        .unwrap();
    let calls = ledger_calls(folio).await;
    let e = folio.regenerate_section(c.id, 0).await.unwrap_err();
    assert!(
        matches!(
            e,
            CoreError::Validation {
                field: "content",
                ..
            }
        ),
        "{e}"
    );
    let e = folio.estimate_section(c.id, 0).await.unwrap_err();
    assert!(matches!(e, CoreError::Validation { .. }), "{e}");
    assert_eq!(ledger_calls(folio).await, calls);
}
