//! The credit ledger against a real store: what a call is charged, which pool pays, refusals
//! with the numbers, a local account's monthly budget, many concurrent spends on a small
//! balance, and the usage reports. Syncing entries between devices is in
//! `credit_ledger_sync.rs` (it needs a keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use folio_core::credits::balance::month_bounds;
use folio_core::{CoreError, Folio};
use folio_model::{
    AiOperation, CallOutcome, ContentId, ErrorKind, EstimateInput, LedgerEntry, NewContent,
    NewSite, SiteId, SubscriptionStatus, UsageFilter, UsageGroup, UsageRecord,
};
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn text(op: AiOperation, model: &str, tokens_in: u64, tokens_out: u64) -> UsageRecord {
    UsageRecord {
        operation: op,
        site: None,
        content: None,
        provider: "openai".into(),
        model: model.into(),
        tokens_in,
        tokens_out,
        images: 0,
        provider_cost_usd: None,
        outcome: CallOutcome::Ok,
        at: None,
    }
}

fn images(model: &str, produced: u32) -> UsageRecord {
    UsageRecord {
        images: produced,
        provider: "runware".into(),
        ..text(AiOperation::ImageGeneration, model, 0, 0)
    }
}

fn failed(mut r: UsageRecord, kind: &str) -> UsageRecord {
    r.outcome = CallOutcome::Failed {
        error_kind: kind.into(),
    };
    r
}

fn at(r: UsageRecord, t: DateTime<Utc>) -> UsageRecord {
    UsageRecord { at: Some(t), ..r }
}

/// gpt-4o buys 1,000 tokens per credit, so this many tokens cost exactly `credits`.
fn costing(credits: u64) -> UsageRecord {
    text(
        AiOperation::ContentGeneration,
        "gpt-4o",
        credits * 600,
        credits * 400,
    )
}

async fn on_plan(folio: &Folio, plan: &str) {
    let start = Utc::now() - Duration::days(1);
    folio
        .apply_subscription(
            plan,
            SubscriptionStatus::Active,
            start,
            start + Duration::days(30),
        )
        .await
        .unwrap();
}

async fn all_entries(folio: &Folio) -> Vec<LedgerEntry> {
    folio
        .ledger_entries(&UsageFilter::default(), 10_000)
        .await
        .unwrap()
}

fn ledger_sum(entries: &[LedgerEntry]) -> u64 {
    entries.iter().map(|e| e.credits).sum()
}

#[tokio::test]
async fn text_calls_cost_the_larger_of_base_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();

    // content generation's base is 3 credits; 900 tokens would be 1
    let small = folio
        .record_usage(text(AiOperation::ContentGeneration, "gpt-4o", 500, 400))
        .await
        .unwrap();
    assert_eq!(small.credits, 3);
    // 4,100 tokens at 1,000 per credit: 5 (rounded up), above the base
    let big = folio
        .record_usage(text(AiOperation::ContentGeneration, "gpt-4o", 2500, 1600))
        .await
        .unwrap();
    assert_eq!(big.credits, 5);
    // 2.5k in × $0.0025 + 1.6k out × $0.01
    assert_eq!(big.cost_usd, dec("0.02225"));
    assert_eq!(
        (big.tokens_in, big.tokens_out, big.outcome.as_str()),
        (2500, 1600, "ok")
    );

    // gpt-4o-mini buys 10,000 tokens per credit; clustering's base of 2 wins
    let mini = folio
        .record_usage(text(AiOperation::Clustering, "gpt-4o-mini", 4000, 1000))
        .await
        .unwrap();
    assert_eq!(mini.credits, 2);
    assert_eq!(mini.cost_usd, dec("0.0012"));

    // a failed call that used no tokens is not billed; one that did is
    let nothing = folio
        .record_usage(failed(
            text(AiOperation::ContentGeneration, "gpt-4o", 0, 0),
            "rate_limited",
        ))
        .await
        .unwrap();
    assert_eq!((nothing.credits, nothing.cost_usd), (0, Decimal::ZERO));
    assert_eq!(nothing.outcome, "failed");
    assert_eq!(nothing.error_kind.as_deref(), Some("rate_limited"));
    let truncated = folio
        .record_usage(failed(
            text(AiOperation::ContentGeneration, "gpt-4o", 3000, 1001),
            "truncated",
        ))
        .await
        .unwrap();
    assert_eq!(truncated.credits, 5);

    // the estimate is the upper bound: prompt plus the longest answer
    let estimate = folio
        .estimate_credits(
            AiOperation::ContentGeneration,
            "gpt-4o",
            EstimateInput::Text {
                input_tokens: 2000,
                max_output_tokens: 8192,
            },
        )
        .await
        .unwrap();
    assert_eq!(estimate, 11);
    let entries = all_entries(&folio).await;
    assert_eq!(entries.len(), 5);
    assert_eq!(ledger_sum(&entries), 3 + 5 + 2 + 5);
}

#[tokio::test]
async fn images_cost_per_image_produced_without_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();

    let basic = folio.record_usage(images("runware:97@1", 3)).await.unwrap();
    assert_eq!(basic.credits, 3, "1 credit per basic image");
    assert_eq!(
        basic.cost_usd,
        dec("0.027"),
        "3 × $0.009 from the model's price"
    );

    // premium: 15 per image; image generation's base (1) does not come on top
    let premium = folio.record_usage(images("google:4@2", 2)).await.unwrap();
    assert_eq!(premium.credits, 30);

    // Runware reports its cost; that is what is recorded
    let reported = folio
        .record_usage(UsageRecord {
            provider_cost_usd: Some(dec("0.0123")),
            ..images("runware:97@1", 1)
        })
        .await
        .unwrap();
    assert_eq!(reported.cost_usd, dec("0.0123"));

    // asked for 4, none produced: nothing charged
    let none = folio
        .record_usage(failed(images("bria:10@1", 0), "provider_error"))
        .await
        .unwrap();
    assert_eq!((none.credits, none.images), (0, 0));

    assert_eq!(
        folio
            .estimate_credits(
                AiOperation::ImageGeneration,
                "dall-e-3",
                EstimateInput::Images { count: 4 }
            )
            .await
            .unwrap(),
        20
    );
    let mismatch = folio
        .estimate_credits(
            AiOperation::ImageGeneration,
            "dall-e-3",
            EstimateInput::Text {
                input_tokens: 1,
                max_output_tokens: 1,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(mismatch.kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn an_unknown_model_is_refused_by_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let err = folio
        .record_usage(text(AiOperation::Clustering, "gpt-9-ultra", 10, 10))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("model"));
    let message = err.to_string();
    assert!(message.contains("\"gpt-9-ultra\""), "{message}");
    assert!(
        message.contains("gpt-4o-mini"),
        "lists the known models: {message}"
    );
    assert!(all_entries(&folio).await.is_empty());
}

#[tokio::test]
async fn plan_credits_are_spent_before_bonus_credits() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    on_plan(&folio, "free").await; // 100 credits a period
    let balance = folio.apply_bonus_credits(50).await.unwrap();
    assert_eq!(
        (balance.plan_credits, balance.bonus_credits),
        (100.into(), 50.into())
    );

    let first = folio.record_usage(costing(90)).await.unwrap();
    assert_eq!((first.plan_credits, first.bonus_credits), (90, 0));
    let second = folio.record_usage(costing(30)).await.unwrap();
    assert_eq!(
        (second.credits, second.plan_credits, second.bonus_credits),
        (30, 10, 20),
        "the last 10 plan credits, then 20 bonus"
    );
    let balance = folio.credit_balance().await.unwrap();
    assert_eq!(
        (
            balance.plan_credits,
            balance.bonus_credits,
            balance.plan_allowance
        ),
        (0.into(), 30.into(), 100.into())
    );
    assert_eq!(balance.spent_this_period, 120.into());

    // a new period renews the plan credits; bonus spent stays spent
    let start = Utc::now();
    folio
        .apply_subscription(
            "free",
            SubscriptionStatus::Active,
            start,
            start + Duration::days(30),
        )
        .await
        .unwrap();
    let renewed = folio.credit_balance().await.unwrap();
    assert_eq!(
        (renewed.plan_credits, renewed.bonus_credits),
        (100.into(), 30.into())
    );

    // an unpaid renewal withholds the plan credits; bonus still pays
    folio
        .apply_subscription(
            "free",
            SubscriptionStatus::PastDue,
            start,
            start + Duration::days(30),
        )
        .await
        .unwrap();
    let third = folio.record_usage(costing(5)).await.unwrap();
    assert_eq!((third.plan_credits, third.bonus_credits), (0, 5));
}

#[tokio::test]
async fn a_call_the_balance_cannot_cover_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    on_plan(&folio, "free").await;
    folio.apply_bonus_credits(5).await.unwrap();
    folio.record_usage(costing(98)).await.unwrap(); // 2 plan + 5 bonus left

    let err = folio
        .reserve_credits(AiOperation::ContentGeneration, 12)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientCredits);
    assert!(matches!(
        err,
        CoreError::InsufficientCredits {
            needed: 12,
            available: 7,
            ..
        }
    ));
    let message = err.to_string();
    assert!(
        message.starts_with("This needs 12 credits but only 7 are left (2 plan, 5 bonus)"),
        "{message}"
    );
    assert!(message.contains("buy a credit package"), "{message}");
    assert_eq!(
        all_entries(&folio).await.len(),
        1,
        "no entry for the refused call"
    );
    assert_eq!(folio.credit_balance().await.unwrap().held, Decimal::ZERO);

    // a hold counts against later calls until it is settled or released
    let hold = folio
        .reserve_credits(AiOperation::ContentGeneration, 4)
        .await
        .unwrap();
    let err = folio
        .reserve_credits(AiOperation::Clustering, 4)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("only 3 are left"), "{err}");
    assert!(
        err.to_string().contains("4 held by calls in progress"),
        "{err}"
    );
    folio.release_credits(&hold).await.unwrap();
    assert!(folio
        .reserve_credits(AiOperation::Clustering, 4)
        .await
        .is_ok());

    // automation's 1.2× gate: 6 × 1.2 = 7.2 → 8 needed, 3 left after the hold above
    let gate = folio.can_afford(6, Decimal::new(12, 1)).await.unwrap();
    assert_eq!((gate.needed, gate.available, gate.ok), (8, Some(3), false));
    let gate = folio.can_afford(2, Decimal::new(12, 1)).await.unwrap();
    assert_eq!((gate.needed, gate.ok), (3, true));
}

#[tokio::test]
async fn a_local_account_spends_within_its_monthly_budget() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    assert_eq!(folio.monthly_budget().await.unwrap(), None);
    let unlimited = folio.credit_balance().await.unwrap();
    assert!(unlimited.unlimited);
    assert_eq!(unlimited.available(), None);
    // no budget: anything may be reserved, and entries are still written
    let hold = folio
        .reserve_credits(AiOperation::ContentGeneration, 1_000_000)
        .await
        .unwrap();
    folio.release_credits(&hold).await.unwrap();

    folio.set_monthly_budget(Some(10)).await.unwrap();
    assert_eq!(folio.monthly_budget().await.unwrap(), Some(10));
    let (month_start, _) = month_bounds(Utc::now());
    // the last microsecond of last month does not count against this month…
    folio
        .record_usage(at(costing(8), month_start - Duration::microseconds(1)))
        .await
        .unwrap();
    assert_eq!(
        folio.credit_balance().await.unwrap().available(),
        Some(10.into())
    );
    // …the first one of this month does
    folio
        .record_usage(at(costing(3), month_start))
        .await
        .unwrap();
    let balance = folio.credit_balance().await.unwrap();
    assert_eq!(balance.spent_this_period, 3.into());
    assert_eq!(balance.available(), Some(7.into()));
    assert_eq!(balance.period_start, Some(month_start));

    let err = folio
        .reserve_credits(AiOperation::ContentGeneration, 8)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(
            "This needs 8 credits but only 7 are left (of this month's budget of 10, 3 spent)"
        ),
        "{message}"
    );
    assert!(message.contains("folio credits budget set N"), "{message}");
    let hold = folio
        .reserve_credits(AiOperation::ContentGeneration, 7)
        .await
        .unwrap();
    let entry = folio.settle_credits(&hold, costing(7)).await.unwrap();
    assert_eq!(
        (entry.credits, entry.plan_credits, entry.bonus_credits),
        (7, 0, 0)
    );
    assert_eq!(
        folio.credit_balance().await.unwrap().available(),
        Some(0.into())
    );

    folio.set_monthly_budget(None).await.unwrap();
    assert!(folio.credit_balance().await.unwrap().unlimited);

    // a server account's credits come from its plan
    on_plan(&folio, "starter").await;
    let err = folio.set_monthly_budget(Some(10)).await.unwrap_err();
    assert_eq!(err.field(), Some("budget"));
    assert!(err.to_string().contains("starter plan"), "{err}");
}

/// 100 plan credits, 50 calls of 3 credits each at once from two handles on one data directory
/// (as the app and the CLI would be): exactly 33 run, the rest are refused before they start,
/// and the ledger accounts for every credit that left the balance.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_spends_never_overdraw_and_the_ledger_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let first = Folio::open(dir.path()).await.unwrap();
    on_plan(&first, "free").await;
    let second = Folio::open(dir.path()).await.unwrap();
    let initial = first.credit_balance().await.unwrap().total();
    assert_eq!(initial, 100.into());

    let mut tasks = Vec::new();
    for i in 0..50 {
        let folio = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            let hold = folio
                .reserve_credits(AiOperation::ContentGeneration, 3)
                .await?;
            tokio::task::yield_now().await;
            folio.settle_credits(&hold, costing(3)).await
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(entry) => {
                assert_eq!((entry.credits, entry.credits_uncovered), (3, 0));
                ok += 1;
            }
            Err(CoreError::InsufficientCredits { needed: 3, .. }) => refused += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((ok, refused), (33, 17));
    let balance = second.credit_balance().await.unwrap();
    assert_eq!((balance.total(), balance.held), (1.into(), Decimal::ZERO));
    let entries = all_entries(&first).await;
    assert_eq!(entries.len(), 33);
    assert_eq!(
        Decimal::from(ledger_sum(&entries)),
        initial - balance.total(),
        "Σ ledger credits = initial − remaining"
    );

    // a call that overruns its hold is charged only what is left; the rest is recorded
    let hold = first
        .reserve_credits(AiOperation::ContentGeneration, 1)
        .await
        .unwrap();
    let over = first.settle_credits(&hold, costing(5)).await.unwrap();
    assert_eq!((over.credits, over.credits_uncovered), (1, 4));
    let after = first.credit_balance().await.unwrap();
    assert_eq!(after.total(), Decimal::ZERO);
    assert_eq!(
        Decimal::from(ledger_sum(&all_entries(&first).await)),
        initial - after.total()
    );
    second.close().await;
}

async fn site_with_article(folio: &Folio, name: &str) -> (SiteId, ContentId) {
    let site = folio
        .create_site(&NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase()),
            sectors: vec![],
        })
        .await
        .unwrap();
    let content = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: format!("An article on {name}"),
            body_html: None,
        })
        .await
        .unwrap();
    (site.id, content.id)
}

#[tokio::test]
async fn usage_reports_group_and_filter_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let (garden, trowel) = site_with_article(&folio, "Garden").await;
    let (kitchen, _) = site_with_article(&folio, "Kitchen").await;
    let day = |m: u32, d: u32, h: u32| Utc.with_ymd_and_hms(2025, m, d, h, 0, 0).unwrap();
    let record = |r: UsageRecord, site: Option<SiteId>, content: Option<ContentId>, t| {
        at(UsageRecord { site, content, ..r }, t)
    };
    let calls = [
        // March: clustering for Garden, the trowel article (last second of the month)
        record(
            text(AiOperation::Clustering, "gpt-4o-mini", 4000, 1000),
            Some(garden),
            None,
            day(3, 10, 9),
        ),
        record(
            text(AiOperation::ContentGeneration, "gpt-4o", 2500, 1600),
            Some(garden),
            Some(trowel),
            Utc.with_ymd_and_hms(2025, 3, 31, 23, 59, 59).unwrap(),
        ),
        // April: images for the trowel article, Kitchen ideas, and a call for no site
        record(
            images("runware:97@1", 2),
            Some(garden),
            Some(trowel),
            day(4, 1, 0),
        ),
        record(
            text(AiOperation::IdeaGeneration, "gpt-4o", 1000, 1000),
            Some(kitchen),
            None,
            day(4, 1, 12),
        ),
        record(
            text(AiOperation::Optimization, "gpt-4o-mini", 100, 100),
            None,
            None,
            day(4, 2, 8),
        ),
    ];
    for c in calls {
        folio.record_usage(c).await.unwrap();
    }
    let all = UsageFilter::default();

    let by_op = folio
        .usage_report(&all, UsageGroup::Operation)
        .await
        .unwrap();
    let ops: Vec<(&str, u64, u64)> = by_op
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.calls, r.credits))
        .collect();
    assert_eq!(
        ops,
        [
            ("content_generation", 1, 5),
            ("image_generation", 1, 2),
            ("idea_generation", 1, 2),
            ("clustering", 1, 2),
            ("optimization", 1, 1),
        ],
        "most expensive first"
    );
    assert_eq!(
        (
            by_op.totals.calls,
            by_op.totals.credits,
            by_op.totals.images
        ),
        (5, 12, 2)
    );
    // 0.0012 + 0.02225 + 0.018 + 0.0125 + 0.000075
    assert_eq!(by_op.totals.cost_usd, dec("0.054025"));

    let by_model = folio.usage_report(&all, UsageGroup::Model).await.unwrap();
    let mini = by_model
        .rows
        .iter()
        .find(|r| r.key == "gpt-4o-mini")
        .unwrap();
    assert_eq!(
        (mini.calls, mini.tokens_in, mini.tokens_out),
        (2, 4100, 1100)
    );

    let by_site = folio.usage_report(&all, UsageGroup::Site).await.unwrap();
    let sites: Vec<(&str, u64)> = by_site
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.credits))
        .collect();
    assert_eq!(sites, [("Garden", 9), ("Kitchen", 2), ("(no site)", 1)]);

    let by_month = folio.usage_report(&all, UsageGroup::Month).await.unwrap();
    let months: Vec<(&str, u64)> = by_month
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.calls))
        .collect();
    assert_eq!(months, [("2025-03", 2), ("2025-04", 3)]);

    // one whole UTC day: from its first instant up to (not including) the next day's
    let april_first = UsageFilter {
        from: Some(day(4, 1, 0)),
        until: Some(day(4, 2, 0)),
        ..Default::default()
    };
    let by_day = folio
        .usage_report(&april_first, UsageGroup::Day)
        .await
        .unwrap();
    assert_eq!(by_day.rows.len(), 1);
    assert_eq!(
        (by_day.rows[0].key.as_str(), by_day.rows[0].calls),
        ("2025-04-01", 2)
    );

    let garden_march = UsageFilter {
        site: Some(garden),
        until: Some(day(4, 1, 0)),
        ..Default::default()
    };
    let report = folio
        .usage_report(&garden_march, UsageGroup::Site)
        .await
        .unwrap();
    assert_eq!((report.totals.calls, report.totals.credits), (2, 7));

    let backwards = UsageFilter {
        from: Some(day(4, 2, 0)),
        until: Some(day(4, 1, 0)),
        ..Default::default()
    };
    let err = folio
        .usage_report(&backwards, UsageGroup::Day)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);

    // what the trowel article cost: its text and its images
    let cost = folio.content_cost(trowel).await.unwrap();
    assert_eq!((cost.calls, cost.credits, cost.images), (2, 7, 2));
    assert_eq!(cost.cost_usd, dec("0.04025"));

    // the most expensive articles: only the trowel article had calls
    let top = folio.usage_by_content(&all, 10).await.unwrap();
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].content_id, trowel);
    assert_eq!(top[0].site_id, Some(garden));
    assert_eq!(top[0].usage.credits, cost.credits);
    assert!(top[0].title.is_some() && top[0].usage.label == top[0].title.clone().unwrap());
    let march = UsageFilter {
        until: Some(Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap()),
        ..all.clone()
    };
    let top = folio.usage_by_content(&march, 10).await.unwrap();
    assert_eq!((top[0].usage.calls, top[0].usage.images), (1, 0));
    assert!(folio.usage_by_content(&all, 0).await.unwrap().is_empty());

    let chart = folio.usage_by_day_and_site(&all).await.unwrap();
    let cells: Vec<(&str, &str, u64)> = chart
        .iter()
        .map(|c| (c.day.as_str(), c.site_label.as_str(), c.credits))
        .collect();
    assert_eq!(
        cells,
        [
            ("2025-03-10", "Garden", 2),
            ("2025-03-31", "Garden", 5),
            ("2025-04-01", "Garden", 2),
            ("2025-04-01", "Kitchen", 2),
            ("2025-04-02", "(no site)", 1),
        ]
    );
    let newest = folio.ledger_entries(&all, 2).await.unwrap();
    assert_eq!(newest.len(), 2);
    assert_eq!(newest[0].operation, AiOperation::Optimization);
    assert_eq!(newest[1].site_name.as_deref(), Some("Kitchen"));
}
