//! `folio schedule …`: a site's publishing slots and the scheduler that fills them.

use crate::output::{print_json, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{PublishingSettings, PublishingSettingsUpdate, SiteId, SlotState};

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
}

impl ScheduleCommand {
    pub fn json(&self) -> bool {
        match self {
            ScheduleCommand::Settings(a) => a.json.json,
            ScheduleCommand::Plan(a) => a.json.json,
            ScheduleCommand::List(a) => a.json.json,
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
    }
}
