//! The calendar's days: a month of whole weeks or one week, each day with its posts (coloured
//! by state) and its free slots. A scheduled post can be dragged onto a free slot of its site,
//! or clicked and then the slot clicked (the same move, for the keyboard and for anyone who
//! does not drag).

use super::state::{CalendarAction, CalendarState, View, Work};
use super::Handlers;
use chrono::{Datelike, NaiveDate, SecondsFormat};
use folio_model::{CalendarPost, CalendarState as PostState, FreeSlot};
use yew::prelude::*;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn state_class(state: PostState) -> &'static str {
    match state {
        PostState::Scheduled => "state-scheduled",
        PostState::Due => "state-due",
        PostState::Live => "state-live",
        PostState::Failed => "state-failed",
    }
}

fn state_label(state: PostState) -> &'static str {
    match state {
        PostState::Scheduled => "scheduled",
        PostState::Due => "due, not live yet",
        PostState::Live => "live",
        PostState::Failed => "failed",
    }
}

pub fn grid(s: &CalendarState, h: &Handlers) -> Html {
    let days = s.days();
    let month = s.anchor.month();
    let all_sites = s.site.is_none();
    html! {
        <div id="cal-grid" class={classes!("cal-grid", if s.view == View::Week { "cal-week" } else { "cal-month" }, s.loading.then_some("stale"))}
            aria-busy={s.loading.to_string()}>
            { for WEEKDAYS.iter().map(|d| html! { <div class="cal-weekday">{*d}</div> }) }
            { for days.iter().map(|day| day_cell(s, h, *day, s.view == View::Month && day.month() != month, all_sites)) }
        </div>
    }
}

fn day_cell(
    s: &CalendarState,
    h: &Handlers,
    day: NaiveDate,
    outside: bool,
    all_sites: bool,
) -> Html {
    html! {
        <div class={classes!("cal-day", outside.then_some("outside"))} data-day={day.to_string()}>
            <div class="cal-day-num">{ if day.day() == 1 { day.format("%-d %b").to_string() } else { day.day().to_string() } }</div>
            { for s.posts_on(day).map(|p| post_chip(s, h, p, all_sites)) }
            { for s.free_on(day).map(|f| free_chip(s, h, f, all_sites)) }
        </div>
    }
}

fn post_chip(s: &CalendarState, h: &Handlers, p: &CalendarPost, all_sites: bool) -> Html {
    let id = p.content;
    let picked = s.picked_id() == Some(id);
    let onclick = h.dispatch.reform(move |_| CalendarAction::Pick(id));
    let ondragstart = {
        let d = h.dispatch.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                // Some engines start a drag only with data in it.
                let _ = dt.set_data("text/plain", &id.to_string());
                dt.set_effect_allowed("move");
            }
            d.emit(CalendarAction::Grab(id));
        })
    };
    let title = format!(
        "{} \u{2014} {} at {}{}",
        p.title,
        state_label(p.state),
        p.at.format("%Y-%m-%d %H:%M UTC"),
        if p.movable { "" } else { " (cannot be moved)" }
    );
    html! {
        <button type="button" class={classes!("cal-post", state_class(p.state), picked.then_some("picked"))}
            data-content-id={id.to_string()} data-state={p.state.as_str()}
            data-at={p.at.to_rfc3339_opts(SecondsFormat::Secs, true)}
            draggable={p.movable.to_string()} aria-pressed={picked.to_string()}
            disabled={!p.movable || s.work != Work::Idle} {title} {onclick} {ondragstart}>
            <span class="cal-time">{ p.at.format("%H:%M").to_string() }</span>
            <span class="cal-post-title">{ &p.title }</span>
            if all_sites {
                <span class="cal-site-name">{ &p.site_name }</span>
            }
        </button>
    }
}

fn free_chip(s: &CalendarState, h: &Handlers, f: &FreeSlot, all_sites: bool) -> Html {
    let accepts = s.accepts(f);
    let target = s.picked_post().map(|p| p.content).filter(|_| accepts);
    let at = f.at;
    let onclick = {
        let move_to = h.move_to.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(content) = target {
                move_to.emit((content, at));
            }
        })
    };
    let ondragover = Callback::from(move |e: DragEvent| {
        // Letting the event through refuses the drop; only a slot of the post's site takes it.
        if accepts {
            e.prevent_default();
        }
    });
    let ondrop = {
        let move_to = h.move_to.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(content) = target {
                move_to.emit((content, at));
            }
        })
    };
    let moving_here = matches!(s.work, Work::Moving { to, .. } if to == at);
    let label = format!("{} free", f.at.format("%H:%M"));
    html! {
        <button type="button" class={classes!("cal-free", accepts.then_some("accepts"), moving_here.then_some("busy"))}
            data-site-id={f.site.to_string()} data-at={f.at.to_rfc3339_opts(SecondsFormat::Secs, true)}
            aria-disabled={(!accepts).to_string()}
            title={format!("A free slot of {} at {}", f.site_name, f.at.format("%Y-%m-%d %H:%M UTC"))}
            {onclick} {ondragover} {ondrop}>
            { if moving_here { "Moving\u{2026}".to_owned() } else { label } }
            if all_sites {
                <span class="cal-site-name">{ &f.site_name }</span>
            }
        </button>
    }
}
