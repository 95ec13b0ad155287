//! Usage in the real app window over a ledger written through core before the app starts: two
//! sites, an article, three calls (two in January, one now) and a monthly budget. The page shows
//! core's totals (calls, tokens, images, cost to 4 places, credits), the budget left, the
//! breakdown by operation and by site, one bar per day with cost, the article's cost, a date range
//! narrowing it all, and core's date error beside the field. Screenshots in `target/e2e/`.

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use folio_core::Folio;
use folio_e2e::{
    click, display_available, screenshot, texts, type_into, wait_for_text, wait_for_texts, Driver,
};
use folio_model::parse_usage_date;
use folio_model::{
    AiOperation, CallOutcome, NewContent, NewSite, UsageFilter, UsageGroup, UsageRecord, UsageRow,
};
use rust_decimal::{Decimal, RoundingStrategy};
use std::path::Path;

fn usd(cost: Decimal) -> String {
    let rounded = cost.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    format!("${rounded:.4}")
}

fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What core says the page should show.
struct Expected {
    all: UsageRow,
    january: UsageRow,
    article_cost: Decimal,
    available: Decimal,
}

async fn seed(data_dir: &Path) -> Result<Expected> {
    let folio = Folio::open(data_dir).await?;
    let site = |name: &str, domain: &str| NewSite {
        name: name.into(),
        domain: domain.into(),
        sectors: vec![],
    };
    let garden = folio
        .create_site(&site("Garden Blog", "garden.example"))
        .await?;
    let kitchen = folio
        .create_site(&site("Kitchen Notes", "kitchen.example"))
        .await?;
    let article = folio
        .add_content(NewContent {
            site: garden.id,
            sector: None,
            title: "How to prune roses".into(),
            body_html: None,
        })
        .await?;
    folio.set_monthly_budget(Some(500)).await?;
    let record = |operation, model: &str, tokens: (u64, u64), images| UsageRecord {
        operation,
        site: Some(garden.id),
        content: Some(article.id),
        provider: "openai".into(),
        model: model.into(),
        tokens_in: tokens.0,
        tokens_out: tokens.1,
        images,
        provider_cost_usd: None,
        outcome: CallOutcome::Ok,
        at: None,
    };
    folio
        .record_usage(UsageRecord {
            at: Some(
                Utc.with_ymd_and_hms(2026, 1, 5, 10, 0, 0)
                    .single()
                    .context("date")?,
            ),
            ..record(
                AiOperation::ContentGeneration,
                "gpt-4o-mini",
                (12_000, 3_000),
                0,
            )
        })
        .await?;
    folio
        .record_usage(UsageRecord {
            at: Some(
                Utc.with_ymd_and_hms(2026, 1, 6, 9, 30, 0)
                    .single()
                    .context("date")?,
            ),
            ..record(AiOperation::ImageGeneration, "dall-e-3", (0, 0), 2)
        })
        .await?;
    folio
        .record_usage(UsageRecord {
            site: Some(kitchen.id),
            content: None,
            ..record(AiOperation::Clustering, "gpt-4o-mini", (2_000, 500), 0)
        })
        .await?;

    let all = folio
        .usage_report(&UsageFilter::default(), UsageGroup::Operation)
        .await?
        .totals;
    let january = UsageFilter {
        from: Some(parse_usage_date("from", "2026-01-01", false)?),
        until: Some(parse_usage_date("to", "2026-01-31", true)?),
        ..UsageFilter::default()
    };
    let january = folio
        .usage_report(&january, UsageGroup::Operation)
        .await?
        .totals;
    let article_cost = folio.content_cost(article.id).await?.cost_usd;
    let available = folio
        .credit_balance()
        .await?
        .available()
        .context("a budget limits spending")?;
    folio.close().await;
    Ok(Expected {
        all,
        january,
        article_cost,
        available,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_shows_the_ledger_totals_breakdowns_chart_and_articles() -> Result<()> {
    if !display_available()? {
        return Ok(());
    }
    let data_dir = tempfile::tempdir()?;
    let expected = seed(data_dir.path()).await?;
    assert_eq!(expected.all.calls, 3);
    assert!(expected.all.cost_usd > Decimal::ZERO);

    let driver = Driver::start(data_dir.path()).await?;
    let app = driver.launch_app().await?;
    click(&app, "#nav-sites").await?;
    wait_for_text(&app, "#page-title", "the Sites page", |t| t == "Sites").await?;
    click(&app, "#nav-usage").await?;
    wait_for_text(&app, "#page-title", "the Usage page", |t| t == "Usage").await?;

    // Totals, as core computed them.
    wait_for_text(&app, "#usage-calls", "the calls", |t| t == "3").await?;
    assert_eq!(texts(&app, "#usage-tokens").await?, ["17,500"]);
    assert_eq!(texts(&app, "#usage-images").await?, ["2"]);
    assert_eq!(
        texts(&app, "#usage-cost").await?,
        [usd(expected.all.cost_usd)]
    );
    assert_eq!(
        texts(&app, "#usage-credits").await?,
        [count(expected.all.credits)]
    );

    // The budget: 500 a month, less this month's call.
    wait_for_text(&app, "#usage-budget", "the budget", |t| t == "500 credits").await?;
    let left = expected.available.round().to_string();
    assert_eq!(
        texts(&app, "#usage-available").await?,
        [count(left.parse()?)]
    );

    // By operation (most expensive first), then by site.
    let ops = wait_for_texts(&app, ".usage-row .usage-label", "the operations", |t| {
        t.len() == 3
    })
    .await?;
    for op in ["content_generation", "image_generation", "clustering"] {
        assert!(ops.iter().any(|o| o == op), "{op} not in {ops:?}");
    }
    assert_eq!(
        texts(&app, ".usage-total-row .usage-row-cost").await?,
        [usd(expected.all.cost_usd)]
    );
    click(&app, "#usage-group option[value=site]").await?;
    // Most expensive first: the garden's article (an image call) before the kitchen's clustering.
    wait_for_texts(&app, ".usage-row .usage-label", "the sites", |t| {
        t == ["Garden Blog", "Kitchen Notes"]
    })
    .await?;

    // The chart: one bar per day with cost (the span is too long to fill), a segment each.
    let bars = folio_e2e::props(&app, "#usage-chart .usage-bar", "textContent").await?;
    assert_eq!(bars.len(), 3, "{bars:?}");
    let segments = app
        .find_all(fantoccini::Locator::Css("#usage-chart rect.usage-seg"))
        .await?;
    assert_eq!(segments.len(), 3);
    let legend = texts(&app, "#usage-chart-legend li").await?;
    assert_eq!(legend.len(), 2, "{legend:?}");

    // The article and what its two calls cost.
    assert_eq!(
        texts(&app, ".content-cost-row .content-title").await?,
        ["How to prune roses"]
    );
    assert_eq!(
        texts(&app, ".content-cost-row .content-cost").await?,
        [usd(expected.article_cost)]
    );
    screenshot(&app, "usage-all").await?;

    // January only.
    type_into(&app, "#usage-from", "2026-01-01").await?;
    type_into(&app, "#usage-to", "2026-01-31").await?;
    click(&app, "#usage-apply").await?;
    wait_for_text(&app, "#usage-calls", "January's calls", |t| t == "2").await?;
    assert_eq!(
        texts(&app, "#usage-cost").await?,
        [usd(expected.january.cost_usd)]
    );
    assert_eq!(
        texts(&app, ".usage-row .usage-label").await?,
        ["Garden Blog"]
    );
    screenshot(&app, "usage-january").await?;

    // Core's date error, beside the field.
    type_into(&app, "#usage-from", "2026-13-01").await?;
    click(&app, "#usage-apply").await?;
    let why = wait_for_text(&app, "#usage-from-error", "the date error", |t| {
        !t.is_empty()
    })
    .await?;
    assert!(why.contains("YYYY-MM-DD"), "{why}");
    app.close().await?;
    Ok(())
}
