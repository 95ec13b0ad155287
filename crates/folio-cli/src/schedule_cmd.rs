//! `folio schedule …`: a site's publishing slots and the scheduler that fills them.

use crate::output::{print_json, Failure};
use crate::JsonFlag;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{
    CalendarQuery, ContentId, PublishingSettings, PublishingSettingsUpdate, SiteId, SlotState,
};

#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Show or change the site's publishing settings (days, time slots, timezone, limits).
    Settings(SettingsArgs),
    /// Give every approved article that is not on the site yet its slot and upload it to
    /// WordPress as a scheduled post (WordPress publishes it then, with this computer off).
    Plan(PlanArgs),
    /// The site's scheduled and published posts with their slots; a passed slot is checked with
    /// WordPress (live, or due but not published yet).
    List(ListArgs),
    /// Move one article to another free slot of its site (the same WordPress post gets the new
    /// date); an approved article without a slot is scheduled there.
    Move(MoveArgs),
    /// The posts of every site (or one) in a span — scheduled, due, live, failed — and the
    /// free slots, from this computer's data (no WordPress call).
    Calendar(CalendarArgs),
}

impl ScheduleCommand {
    pub fn json(&self) -> bool {
        match self {
            ScheduleCommand::Settings(a) => a.json.json,
            ScheduleCommand::Plan(a) => a.json.json,
            ScheduleCommand::List(a) => a.json.json,
            ScheduleCommand::Move(a) => a.json.json,
            ScheduleCommand::Calendar(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct SettingsArgs {
    #[arg(long)]
    site: SiteId,
    /// Publish days, e.g. mon,wed,fri.
    #[arg(long, value_delimiter = ',')]
    days: Option<Vec<String>>,
    /// Time slots, e.g. 09:00,18:00 (in the site's timezone).
    #[arg(long, value_delimiter = ',')]
    slots: Option<Vec<String>>,
    /// An IANA timezone, e.g. Europe/Berlin or America/New_York.
    #[arg(long)]
    timezone: Option<String>,
    #[arg(long)]
    daily: Option<i64>,
    #[arg(long)]
    weekly: Option<i64>,
    #[arg(long)]
    monthly: Option<i64>,
    /// on or off: reviewed articles are approved without a person.
    #[arg(long, value_parser = on_off)]
    auto_approve: Option<bool>,
    /// on or off: approved articles are scheduled without a person.
    #[arg(long, value_parser = on_off)]
    auto_publish: Option<bool>,
    #[command(flatten)]
    json: JsonFlag,
}

fn on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(format!("{other:?}: use on or off")),
    }
}

#[derive(Args)]
pub struct PlanArgs {
    #[arg(long)]
    site: SiteId,
    /// Show the slots without uploading anything.
    #[arg(long)]
    dry_run: bool,
    /// Plan the posts already scheduled again too (after changing the settings): a post whose
    /// slot changes is moved on WordPress; one that is live or due within minutes stays.
    #[arg(long)]
    replan: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct MoveArgs {
    #[arg(long)]
    content: ContentId,
    /// The slot, as an RFC 3339 time (e.g. 2026-12-09T14:00:00Z); `folio schedule calendar`
    /// lists the free ones.
    #[arg(long, value_parser = instant)]
    to: DateTime<Utc>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct CalendarArgs {
    /// One site; every site without it.
    #[arg(long)]
    site: Option<SiteId>,
    /// Start: an RFC 3339 time or a date (YYYY-MM-DD, midnight UTC); today without it.
    #[arg(long, value_parser = instant)]
    from: Option<DateTime<Utc>>,
    /// End (not included), at most 62 days after the start; four weeks after it without it.
    #[arg(long, value_parser = instant)]
    to: Option<DateTime<Utc>>,
    #[command(flatten)]
    json: JsonFlag,
}

/// An RFC 3339 time, or a date read as midnight UTC.
fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .map_err(|_| {
            format!("{s:?}: write an RFC 3339 time (2026-12-09T14:00:00Z) or a date (2026-12-09)")
        })
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn show(s: &PublishingSettings) {
    let days: Vec<String> = s.publish_days.iter().map(|d| d.to_string()).collect();
    println!(
        "{} at {} ({})",
        days.join(","),
        s.publish_time_slots.join(","),
        s.timezone
    );
    println!(
        "limits: {} a day, {} a week, {} a month",
        s.daily_publish_limit, s.weekly_publish_limit, s.monthly_publish_limit
    );
    println!(
        "auto-approve {}, auto-publish {}",
        if s.auto_approval_enabled { "on" } else { "off" },
        if s.auto_publish_enabled { "on" } else { "off" }
    );
}

pub async fn run(folio: &Folio, command: ScheduleCommand) -> Result<(), Failure> {
    match command {
        ScheduleCommand::Settings(a) => {
            let update = PublishingSettingsUpdate {
                auto_approval_enabled: a.auto_approve,
                auto_publish_enabled: a.auto_publish,
                daily_publish_limit: a.daily,
                weekly_publish_limit: a.weekly,
                monthly_publish_limit: a.monthly,
                publish_days: a.days,
                publish_time_slots: a.slots,
                timezone: a.timezone,
            };
            let unchanged = update == PublishingSettingsUpdate::default();
            let settings = if unchanged {
                folio.site_publishing_settings(a.site).await?
            } else {
                folio.update_publishing_settings(a.site, update).await?
            };
            if a.json.json {
                return print_json(&settings);
            }
            show(&settings);
            Ok(())
        }
        ScheduleCommand::Plan(a) => {
            let planned = folio.schedule_plan(a.site, !a.dry_run, a.replan).await?;
            if a.json.json {
                return print_json(&planned);
            }
            if planned.is_empty() {
                println!("Nothing to schedule: no approved article is waiting for a slot (or the limits leave none).");
            }
            for p in &planned {
                let moved = match p.previous_slot {
                    Some(was) if was == p.slot => "  (unchanged)".to_owned(),
                    Some(was) => format!(
                        "  (moved from {})",
                        was.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ),
                    None => String::new(),
                };
                println!(
                    "{}  {}  {}{moved}{}",
                    p.slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    p.content,
                    p.title,
                    if p.scheduled { "" } else { "  (dry run)" }
                );
            }
            Ok(())
        }
        ScheduleCommand::List(a) => {
            let posts = folio.schedule_list(a.site).await?;
            if a.json.json {
                return print_json(&posts);
            }
            if posts.is_empty() {
                println!("No post has a slot yet.");
            }
            for p in &posts {
                println!(
                    "{}  {:<8}  {}  {}",
                    p.slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    match p.state {
                        SlotState::Upcoming => "upcoming",
                        SlotState::Due => "due, not live yet",
                        SlotState::Live => "live",
                    },
                    p.content,
                    p.title
                );
            }
            Ok(())
        }
        ScheduleCommand::Move(a) => {
            let moved = folio.schedule_move(a.content, a.to).await?;
            if a.json.json {
                return print_json(&moved);
            }
            match moved.previous_slot {
                Some(was) if was == moved.slot => {
                    println!("{} is already at {}", moved.title, rfc3339(moved.slot))
                }
                Some(was) => println!(
                    "Moved {} from {} to {}",
                    moved.title,
                    rfc3339(was),
                    rfc3339(moved.slot)
                ),
                None => println!("Scheduled {} at {}", moved.title, rfc3339(moved.slot)),
            }
            Ok(())
        }
        ScheduleCommand::Calendar(a) => {
            let from = a
                .from
                .unwrap_or_else(|| Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc());
            let to = a.to.unwrap_or(from + Duration::days(28));
            let calendar = folio
                .calendar(CalendarQuery {
                    from,
                    to,
                    site: a.site,
                })
                .await?;
            if a.json.json {
                return print_json(&calendar);
            }
            println!("{} to {}", rfc3339(from), rfc3339(to));
            if calendar.posts.is_empty() {
                println!("No post in this span.");
            }
            for p in &calendar.posts {
                println!(
                    "{}  {:<9}  {}  {}  {}",
                    rfc3339(p.at),
                    p.state.as_str(),
                    p.site_name,
                    p.content,
                    p.title
                );
            }
            if calendar.free.is_empty() {
                println!("No free slot in this span.");
            } else {
                println!("free slots:");
            }
            for f in &calendar.free {
                println!("{}  {}", rfc3339(f.at), f.site_name);
            }
            Ok(())
        }
    }
}
