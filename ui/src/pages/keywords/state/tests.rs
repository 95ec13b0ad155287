//! The Keywords reducer's rules, without a browser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use folio_model::{JobPhase, KeywordFormat, KeywordRow, RejectedRow, Sector};
use std::str::FromStr;
use KeywordsAction as A;

fn id<T: FromStr>(n: u64) -> T
where
    T::Err: std::fmt::Debug,
{
    T::from_str(&format!("00000000-0000-7000-8000-{n:012}")).unwrap()
}

fn site(n: u64, sectors: &[u64]) -> Site {
    Site {
        id: id(n),
        account_id: id(999),
        name: format!("Site {n}"),
        domain: format!("s{n}.example"),
        is_active: true,
        created_at: Default::default(),
        sectors: sectors
            .iter()
            .map(|&k| Sector {
                id: id(k),
                name: format!("Sector {k}"),
            })
            .collect(),
    }
}

fn row(n: u64) -> KeywordRow {
    KeywordRow {
        id: id(n),
        keyword: format!("keyword {n}"),
        volume: Some(n as i64),
        difficulty: None,
        cpc: None,
        intent: None,
        status: KeywordStatus::New,
        cluster_id: None,
        sector_id: id(11),
    }
}

fn page(total: u64, rows: std::ops::Range<u64>) -> KeywordPage {
    KeywordPage {
        total,
        items: rows.map(row).collect(),
    }
}

fn step(mut s: KeywordsState, a: KeywordsAction) -> KeywordsState {
    s.apply(a);
    s
}

/// A page with one site (two sectors) loaded and its first page of `total` rows shown.
fn loaded(total: u64) -> KeywordsState {
    let s = step(
        KeywordsState::new(None),
        A::SitesLoaded(Ok(SiteList {
            items: vec![site(1, &[11, 12]), site(2, &[21])],
        })),
    );
    let request = s.request;
    step(
        s,
        A::PageLoaded {
            request,
            result: Ok(page(total, 0..total.min(u64::from(PAGE_SIZE)))),
        },
    )
}

#[test]
fn the_first_site_is_chosen_unless_a_remembered_one_still_exists() {
    let list = || {
        Ok(SiteList {
            items: vec![site(1, &[11]), site(2, &[21, 22])],
        })
    };
    let s = step(KeywordsState::new(None), A::SitesLoaded(list()));
    assert_eq!((s.site, s.sector), (Some(id(1)), None));
    assert!(s.loading && s.request > 0, "the list loads at once");

    let remembered = PlannerChoice {
        site: id(2),
        sector: Some(id(22)),
    };
    let s = step(KeywordsState::new(Some(remembered)), A::SitesLoaded(list()));
    assert_eq!(s.choice(), Some(remembered));

    let gone = PlannerChoice {
        site: id(3),
        sector: Some(id(22)),
    };
    let s = step(KeywordsState::new(Some(gone)), A::SitesLoaded(list()));
    assert_eq!((s.site, s.sector), (Some(id(1)), None));
}

#[test]
fn a_stale_reply_never_overwrites_a_newer_one() {
    let s = loaded(100);
    let old = s.request;
    let s = step(s, A::SortClicked(KeywordSortField::Keyword));
    let new = s.request;
    assert_ne!(old, new);
    // The newer reply arrives first, then the old one.
    let s = step(
        s,
        A::PageLoaded {
            request: new,
            result: Ok(page(100, 0..50)),
        },
    );
    let s = step(
        s,
        A::PageLoaded {
            request: old,
            result: Ok(page(7, 0..7)),
        },
    );
    assert_eq!(s.total(), Some(100));
    assert!(!s.loading);
}

#[test]
fn typing_applies_only_after_the_last_pause() {
    let s = loaded(100);
    let before = s.request;
    let s = step(s, A::SearchTyped("gar".into()));
    let first = s.settle_ticket;
    let s = step(s, A::SearchTyped("garden  hoe ".into()));
    let s = step(s, A::InputsSettled(first));
    assert_eq!(s.request, before, "an earlier pause does not query");
    assert_eq!(s.criteria.search, None);
    let ticket = s.settle_ticket;
    let s = step(s, A::InputsSettled(ticket));
    assert_eq!(s.request, before + 1);
    assert_eq!(
        s.query().unwrap().filter.search.as_deref(),
        Some("garden hoe")
    );
    // Settling again with nothing new typed sends nothing.
    let s = step(s, A::InputsSettled(ticket));
    assert_eq!(s.request, before + 1);
}

#[test]
fn number_filters_apply_when_valid_and_explain_when_not() {
    let s = loaded(100);
    let s = step(s, A::NumberTyped(NumberFilter::MinVolume, "1000".into()));
    let s = step(s, A::NumberTyped(NumberFilter::MaxDifficulty, "300".into()));
    let t = s.settle_ticket;
    let s = step(s, A::InputsSettled(t));
    let f = s.query().unwrap().filter;
    assert_eq!((f.min_volume, f.max_difficulty), (Some(1000), None));
    assert!(number_error(NumberFilter::MaxDifficulty, &s.drafts.max_difficulty).is_some());
    assert!(number_error(NumberFilter::MinVolume, "1.5").is_some());
    assert!(number_error(NumberFilter::MinVolume, " ").is_none());
    // Core's range error is shown by the range, not above the table.
    let r = s.request;
    let s = step(
        s,
        A::PageLoaded {
            request: r,
            result: Err(ErrorDto::new(ErrorKind::Validation, "min above max").with_field("volume")),
        },
    );
    assert_eq!(s.range_error("volume"), Some("min above max"));
    assert!(s.general_list_error().is_none());
}

#[test]
fn sorting_toggles_direction_and_returns_to_the_first_page() {
    let s = loaded(120);
    assert_eq!(s.sort, KeywordSort::default());
    let s = step(s, A::PageNext);
    assert_eq!(s.offset, 50);
    let s = step(s, A::SortClicked(KeywordSortField::Volume));
    assert_eq!(
        (s.sort.field, s.sort.descending, s.offset),
        (KeywordSortField::Volume, false, 0)
    );
    let s = step(s, A::SortClicked(KeywordSortField::Keyword));
    assert!(!s.sort.descending, "words start A to Z");
    let s = step(s, A::SortClicked(KeywordSortField::Keyword));
    assert!(s.sort.descending);
    let s = step(s, A::SortClicked(KeywordSortField::Cpc));
    assert!(s.sort.descending, "numbers start biggest first");
}

#[test]
fn paging_stays_within_the_total() {
    let s = loaded(120);
    assert_eq!(s.range(), Some((1, 50, 120)));
    let s = step(s, A::PagePrev);
    assert_eq!(s.offset, 0);
    let s = step(s, A::PageNext);
    let s = step(s, A::PageNext);
    assert_eq!(s.offset, 100);
    let r = s.request;
    let s = step(
        s,
        A::PageLoaded {
            request: r,
            result: Ok(page(120, 100..120)),
        },
    );
    assert_eq!(s.range(), Some((101, 120, 120)));
    let s = step(s, A::PageNext);
    assert_eq!(s.offset, 100, "no page after the last");
}

#[test]
fn an_emptied_last_page_falls_back_to_the_one_before() {
    let s = step(loaded(120), A::PageNext);
    let s = step(s, A::PageNext);
    let r = s.request;
    let s = step(
        s,
        A::PageLoaded {
            request: r,
            result: Ok(page(100, 0..0)),
        },
    );
    assert_eq!(s.offset, 50);
    assert_eq!(s.request, r + 1, "and asks for it");
    assert!(s.loading);
}

#[test]
fn selection_targets_ids_and_all_matching_needs_a_narrowed_filter() {
    let s = loaded(120);
    assert_eq!(s.bulk_target(), None);
    let s = step(s, A::RowToggled(id(3)));
    let s = step(s, A::RowToggled(id(4)));
    let s = step(s, A::RowToggled(id(3)));
    let target = s.bulk_target().unwrap();
    assert_eq!(target.ids, Some(vec![id(4)]));
    assert!(target.search.is_none());

    let s = step(s, A::PageToggled);
    assert!(s.page_fully_selected());
    assert_eq!(s.selection_count(), 50);
    assert!(
        !s.can_select_all_matching(),
        "the filter names only the site"
    );
    let s = step(s, A::AllMatchingChosen);
    assert!(!s.all_matching);
    let s = step(s, A::PageToggled);
    assert_eq!(s.selection_count(), 0);

    // Narrowed by a status filter: "all matching" is offered and targets the filter.
    let s = step(
        s,
        A::FilterChanged(FilterChange::Status(Some(KeywordStatus::New))),
    );
    let r = s.request;
    let s = step(
        s,
        A::PageLoaded {
            request: r,
            result: Ok(page(120, 0..50)),
        },
    );
    let s = step(s, A::PageToggled);
    assert!(s.can_select_all_matching());
    let s = step(s, A::AllMatchingChosen);
    assert_eq!(s.selection_count(), 120);
    let target = s.bulk_target().unwrap();
    assert_eq!(
        (target.ids, target.status),
        (None, Some(KeywordStatus::New))
    );
    // Unticking one row goes back to this page's ids minus that row.
    let s = step(s, A::RowToggled(id(0)));
    assert!(!s.all_matching);
    assert_eq!(s.selection_count(), 49);
}

#[test]
fn the_selection_survives_paging_but_not_a_new_filter() {
    let s = step(loaded(120), A::RowToggled(id(1)));
    let s = step(s, A::PageNext);
    assert_eq!(s.selection_count(), 1);
    let s = step(s, A::SectorChosen(Some(id(12))));
    assert_eq!(s.selection_count(), 0);
    assert_eq!(s.offset, 0);
}

#[test]
fn delete_asks_first_then_reloads_and_reports() {
    let s = step(loaded(100), A::RowToggled(id(1)));
    let s = step(s, A::RowToggled(id(2)));
    let s = step(s, A::BulkRequested(BulkKind::Delete));
    assert_eq!(s.bulk.confirming, Some(BulkKind::Delete));
    assert!(!s.bulk.running);
    let s = step(s, A::BulkCancelled);
    assert_eq!(s.bulk.confirming, None);
    assert_eq!(s.selection_count(), 2, "cancel keeps the selection");
    let s = step(s, A::BulkRequested(BulkKind::Delete));
    let s = step(s, A::BulkConfirmed);
    assert!(s.bulk.running);
    let r = s.request;
    let s = step(
        s,
        A::BulkFinished {
            kind: BulkKind::Delete,
            result: Ok(2),
        },
    );
    assert_eq!(s.bulk.outcome, Some(Ok("Deleted 2 keywords.".into())));
    assert_eq!(s.selection_count(), 0);
    assert_eq!(s.request, r + 1, "the page reloads");
}

#[test]
fn other_bulk_actions_run_at_once_and_errors_keep_the_selection() {
    let s = step(loaded(100), A::RowToggled(id(1)));
    let s = step(
        s,
        A::BulkRequested(BulkKind::SetStatus(KeywordStatus::Used)),
    );
    assert!(s.bulk.running && s.bulk.confirming.is_none());
    assert_eq!(
        BulkKind::SetStatus(KeywordStatus::Used).action(),
        KeywordBulkAction::SetStatus {
            status: KeywordStatus::Used
        }
    );
    let err = ErrorDto::new(
        ErrorKind::Validation,
        "a keyword cannot go from new to used",
    );
    let s = step(
        s,
        A::BulkFinished {
            kind: BulkKind::SetStatus(KeywordStatus::Used),
            result: Err(err.clone()),
        },
    );
    assert_eq!(s.bulk.outcome, Some(Err(err)));
    assert_eq!(s.selection_count(), 1);
    assert_eq!(
        BulkKind::RemoveFromCluster.done_message(1),
        "Removed 1 keyword from their cluster."
    );
}

/// A writing step of job 900 of `kind` for a sector of site `site`.
fn job_step(site: u64, kind: JobKind, done: u64, total: u64) -> JobProgress {
    JobProgress {
        job_id: id(900),
        kind,
        scope: JobScope::Sector {
            site: id(site),
            sector: id(site * 10 + 1),
        },
        phase: JobPhase::Writing,
        done,
        total: Some(total),
        message: None,
    }
}

#[test]
fn an_import_runs_through_its_phases_and_refreshes_the_table() {
    let s = step(loaded(0), A::RowToggled(id(1)));
    assert!(s.site_is_empty());
    let s = step(s, A::ImportRequested);
    assert_eq!(s.import, ImportPhase::Picking);
    let s = step(s, A::ImportPickCancelled);
    assert_eq!(s.import, ImportPhase::Idle);
    let s = step(s, A::ImportRequested);
    let s = step(s, A::ImportFileChosen("/tmp/x/garden.csv".into()));
    let s = step(s, A::ImportRequested);
    assert!(
        matches!(&s.import, ImportPhase::Running { file, .. } if file == "garden.csv"),
        "a second import cannot start: {:?}",
        s.import
    );
    // Another site's import (another window's job is never sent here, but a stale one could
    // be) and other kinds of job leave the panel alone.
    let s = step(
        s,
        A::JobProgressed(job_step(2, JobKind::KeywordImport, 1, 9)),
    );
    let s = step(s, A::JobProgressed(job_step(1, JobKind::Publish, 1, 9)));
    assert!(matches!(
        &s.import,
        ImportPhase::Running { progress: None, .. }
    ));
    let s = step(s, A::ImportCancelRequested);
    assert_eq!(s.import.job_to_cancel(), None, "its id is not known yet");
    let s = step(
        s,
        A::JobProgressed(job_step(1, JobKind::KeywordImport, 5, 9)),
    );
    assert!(matches!(
        &s.import,
        ImportPhase::Running {
            progress: Some(JobProgress {
                done: 5,
                total: Some(9),
                ..
            }),
            cancelling: true,
            ..
        }
    ));
    assert_eq!(
        s.import.job_to_cancel(),
        Some(id(900)),
        "sent as soon as it is known"
    );
    let s = step(s, A::ImportCancelSent);
    assert_eq!(s.import.job_to_cancel(), None, "sent once");
    let report = KeywordImportReport {
        import_id: id(50),
        site_id: id(1),
        sector_id: id(11),
        format: KeywordFormat::Semrush,
        imported: 9,
        duplicates: 1,
        rejected: vec![RejectedRow {
            line: 4,
            reason: "no keyword".into(),
        }],
    };
    let r = s.request;
    let s = step(s, A::ImportFinished(Ok(report.clone())));
    assert_eq!(s.request, r + 1, "the table refreshes");
    assert_eq!(s.selection_count(), 0);
    // A progress message that trails the result changes nothing.
    let s = step(
        s,
        A::JobProgressed(job_step(1, JobKind::KeywordImport, 9, 9)),
    );
    assert_eq!(s.import, ImportPhase::Finished(Ok(report)));
    let s = step(s, A::ImportDismissed);
    assert_eq!(s.import, ImportPhase::Idle);
}

#[test]
fn a_failed_or_cancelled_import_keeps_the_table() {
    let s = step(loaded(10), A::ImportRequested);
    let s = step(s, A::ImportFileChosen("a.xlsx".into()));
    let r = s.request;
    let err = ErrorDto::new(ErrorKind::Cancelled, "cancelled");
    let s = step(s, A::ImportFinished(Err(err.clone())));
    assert_eq!(s.request, r);
    assert!(was_cancelled(&err));
    assert_eq!(s.import, ImportPhase::Finished(Err(err)));
}

#[test]
fn clearing_filters_discards_a_pending_pause() {
    let s = step(loaded(100), A::SearchTyped("hoe".into()));
    let pending = s.settle_ticket;
    let s = step(
        s,
        A::FilterChanged(FilterChange::Intent(Some(Intent::Commercial))),
    );
    assert_eq!(s.criteria.intent, Some(Intent::Commercial));
    assert_eq!(
        s.criteria.search.as_deref(),
        Some("hoe"),
        "a select applies the drafts too"
    );
    let s = step(s, A::FiltersCleared);
    let s = step(s, A::InputsSettled(pending));
    assert!(s.criteria.is_empty());
    assert_eq!(s.drafts, Drafts::default());
}
