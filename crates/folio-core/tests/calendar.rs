//! The publishing calendar and moving a post to another slot, against a real WordPress
//! (scripts/wordpress/ through folio-wp-harness): the calendar shows the scheduled posts and the
//! site's free slots; a move sends the same post a new `date_gmt` (read back from WordPress);
//! a move to a time that is not a free slot, to a taken slot, to the past, or of a live post is
//! refused with the free slots to choose from. The free-slot arithmetic itself:
//! `src/publishing/slots.rs`; where each article is placed: `src/publishing/calendar.rs`.
//!
//! Needs an OS keychain: run under `scripts/headless.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

#[path = "support/wordpress_site.rs"]
mod wordpress_site;

use chrono::{DateTime, Duration, Timelike, Utc};
use folio_core::{CoreError, Folio};
use folio_model::{
    CalendarQuery, CalendarState, ContentId, ContentStatus, NewContent, NewSite, PostStatus,
    PublishRequest, Site, SiteStatus,
};
use wordpress_site::{
    client_as, garden_on_wordpress, new_york_times_ahead, one_a_day_in_new_york, write_as_synced,
};

async fn article(folio: &Folio, site: &Site, title: &str, approve: bool) -> ContentId {
    let id = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: title.into(),
            body_html: Some(format!("<h2>{title}</h2><p>On the calendar.</p>")),
        })
        .await
        .unwrap()
        .id;
    if approve {
        for to in [ContentStatus::Review, ContentStatus::Approved] {
            folio.set_content_status(id, to).await.unwrap();
        }
    }
    id
}

/// The refusal's message, which must be a validation error of `field`.
fn refused<T: std::fmt::Debug>(r: Result<T, CoreError>, field: &str) -> String {
    match r {
        Err(CoreError::Validation { field: f, message }) if f == field => message,
        other => panic!("expected a refusal about {field}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_shows_posts_and_free_slots_and_a_move_reschedules_the_same_post() {
    let (wp, dir, folio, site) = garden_on_wordpress().await;
    // One a day, at two New York times at least six hours from now.
    let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let times = new_york_times_ahead();
    let (a, b): (u32, u32) = (
        times[0][..2].parse().unwrap(),
        times[1][..2].parse().unwrap(),
    );
    folio
        .update_publishing_settings(site.id, one_a_day_in_new_york(&times))
        .await
        .unwrap();
    // A second site, not connected, with the default settings: the calendar spans sites.
    let other = folio
        .create_site(&NewSite {
            name: "Kitchen".into(),
            domain: "kitchen.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();

    let first = article(&folio, &site, "Spring planting", true).await;
    let second = article(&folio, &site, "Summer watering", true).await;
    let planned = folio.schedule_plan(site.id, true, false).await.unwrap();
    assert_eq!(
        planned.iter().map(|p| p.content).collect::<Vec<_>>(),
        [first, second]
    );
    let (s1, s2) = (planned[0].slot, planned[1].slot);
    let day = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();

    let now = Utc::now();
    let span = |site| CalendarQuery {
        from: now,
        to: now + Duration::days(14),
        site,
    };
    let cal = folio.calendar(span(None)).await.unwrap();
    let shown: Vec<_> = cal
        .posts
        .iter()
        .map(|p| (p.content, p.at, p.state, p.movable, p.site_name.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (first, s1, CalendarState::Scheduled, true, "Garden"),
            (second, s2, CalendarState::Scheduled, true, "Garden"),
        ]
    );
    let garden_free: Vec<_> = cal
        .free
        .iter()
        .filter(|f| f.site == site.id)
        .map(|f| f.at)
        .collect();
    assert!(!garden_free.is_empty());
    for f in &garden_free {
        assert!(*f > now, "{f}");
        let local = f.with_timezone(&tz);
        assert!(
            [a, b].contains(&local.hour()) && local.minute() == 0,
            "{local}"
        );
        // one a day: the days holding a post have no free slot
        assert!(day(*f) != day(s1) && day(*f) != day(s2), "{local}");
    }
    assert!(
        cal.free.iter().any(|f| f.site == other.id),
        "the other site's free slots are shown too"
    );
    assert!(
        cal.free.windows(2).all(|w| w[0].at <= w[1].at),
        "in time order"
    );
    let kitchen = folio.calendar(span(Some(other.id))).await.unwrap();
    assert!(kitchen.posts.is_empty());
    assert!(kitchen.free.iter().all(|f| f.site == other.id));

    // Move the first post to a free day after the second's.
    let target = *garden_free.iter().find(|f| **f > s2).unwrap();
    let post_id = folio.get_content(first).await.unwrap().external_id.unwrap();
    let moved = folio.schedule_move(first, target).await.unwrap();
    assert_eq!(
        (
            moved.content,
            moved.slot,
            moved.previous_slot,
            moved.scheduled
        ),
        (first, target, Some(s1), true)
    );
    let c = folio.get_content(first).await.unwrap();
    assert_eq!(
        c.external_id.as_deref(),
        Some(post_id.as_str()),
        "the same post"
    );
    assert_eq!(
        (c.site_status, c.scheduled_publish_at),
        (SiteStatus::Scheduled, Some(target))
    );
    let admin = client_as(&wp, &wp.admin);
    let post = admin
        .get_post(post_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (post.status.as_str(), post.date_gmt),
        ("future", Some(target))
    );
    assert_eq!(
        wp.sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post' AND post_status = 'future'")
            .unwrap()
            .trim(),
        "2",
        "moved, not duplicated"
    );
    let cal = folio.calendar(span(Some(site.id))).await.unwrap();
    assert_eq!(
        cal.posts
            .iter()
            .map(|p| (p.content, p.at))
            .collect::<Vec<_>>(),
        [(second, s2), (first, target)]
    );
    assert!(
        cal.free.iter().any(|f| f.at == s1),
        "the slot it left is free again"
    );
    assert!(!cal
        .free
        .iter()
        .any(|f| f.at == target || day(f.at) == day(target)));

    // Refused, each with the free slots to choose from.
    let msg = refused(
        folio
            .schedule_move(second, target + Duration::minutes(7))
            .await,
        "slot",
    );
    assert!(
        msg.contains("not a free slot") && msg.contains("free slots:"),
        "{msg}"
    );
    let msg = refused(folio.schedule_move(second, target).await, "slot");
    assert!(msg.contains("not a free slot"), "taken: {msg}");
    let msg = refused(
        folio.schedule_move(second, now - Duration::hours(3)).await,
        "slot",
    );
    assert!(
        msg.contains("in the past") && msg.contains("free slots:"),
        "{msg}"
    );
    // The other time of the moved post's day: a slot, but the day is at its limit of one.
    let other_hour = if target.with_timezone(&tz).hour() == a {
        b
    } else {
        a
    };
    let sibling = day(target)
        .and_hms_opt(other_hour, 0, 0)
        .unwrap()
        .and_local_timezone(tz)
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(day(sibling), day(target));
    refused(folio.schedule_move(second, sibling).await, "slot");
    assert_eq!(
        folio
            .get_content(second)
            .await
            .unwrap()
            .scheduled_publish_at,
        Some(s2),
        "a refused move changes nothing"
    );

    // A draft is not scheduled; an approved article with no slot is.
    let draft = article(&folio, &site, "Not yet", false).await;
    let msg = refused(folio.schedule_move(draft, s1).await, "content");
    assert!(msg.contains("approve it in the review queue"), "{msg}");
    let third = article(&folio, &site, "Autumn pruning", true).await;
    let placed = folio.schedule_move(third, s1).await.unwrap();
    assert_eq!((placed.slot, placed.previous_slot), (s1, None));
    let c = folio.get_content(third).await.unwrap();
    assert_eq!(
        (c.site_status, c.scheduled_publish_at),
        (SiteStatus::Scheduled, Some(s1))
    );
    let post = admin
        .get_post(c.external_id.unwrap().parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((post.status.as_str(), post.date_gmt), ("future", Some(s1)));

    // A live post is never moved; the calendar shows it live when Folio published it.
    let live = article(&folio, &site, "Winter mulching", true).await;
    folio
        .wp_publish(PublishRequest {
            content: live,
            status: PostStatus::Publish,
            at: None,
            force: false,
        })
        .await
        .unwrap();
    let msg = refused(
        folio
            .schedule_move(live, *garden_free.last().unwrap())
            .await,
        "content",
    );
    assert!(msg.contains("never moved"), "{msg}");
    // A failed attempt (as another device's synced record of one) shows as failed.
    let failing = article(&folio, &site, "Hedge trimming", true).await;
    write_as_synced(
        dir.path(),
        "UPDATE content SET site_status = 'failed', site_status_updated_at = ? WHERE id = ?",
        &[&Utc::now().to_rfc3339(), &failing.to_string()],
    )
    .await;
    let cal = folio
        .calendar(CalendarQuery {
            from: now - Duration::hours(1),
            to: now + Duration::days(14),
            site: None,
        })
        .await
        .unwrap();
    let state = |id: ContentId| {
        cal.posts
            .iter()
            .find(|p| p.content == id)
            .map(|p| (p.state, p.movable))
    };
    assert_eq!(state(live), Some((CalendarState::Live, false)));
    assert_eq!(state(failing), Some((CalendarState::Failed, false)));
    assert_eq!(state(third), Some((CalendarState::Scheduled, true)));
    assert_eq!(state(draft), None);

    // A span is bounded.
    let msg = refused(
        folio
            .calendar(CalendarQuery {
                from: now,
                to: now + Duration::days(90),
                site: None,
            })
            .await,
        "to",
    );
    assert!(msg.contains("at most 62 days"), "{msg}");
    folio.close().await;
}
