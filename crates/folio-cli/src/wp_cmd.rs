//! `folio wp …`: a site's WordPress connection (the application password goes to the OS
//! keychain), the site doctor, the cached structure, and publishing articles.

use crate::jobs_cmd::with_progress;
use crate::output::{print_json, print_table, read_stdin_secret, Failure};
use crate::JsonFlag;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{
    CheckOutcome, ContentId, DoctorReport, PostStatus, PublishOutcome, PublishRequest, SiteId,
    SiteIntegration, TaxonomyType, WpConnect,
};

/// Where WordPress sends the person back after approving the one-click connection; the app
/// registers the scheme, the CLI takes the address as pasted.
const DEFAULT_SUCCESS_URL: &str = "folio://wordpress/authorized";

#[derive(Subcommand)]
pub enum WpCommand {
    /// Connect a site with an application password (read from stdin, stored in the OS keychain).
    /// Create one in WordPress under Users → Profile → Application Passwords.
    Connect(ConnectArgs),
    /// The one-click connection: prints the address to open; approve there, then run again with
    /// --returned-url and the address WordPress sent you to.
    Authorize(AuthorizeArgs),
    /// Check the site: REST API, Application Passwords, the login, the user's rights, SEO meta.
    /// Exits 1 when a check fails.
    Doctor(DoctorArgs),
    /// Fetch the site's categories, tags, authors and post types again.
    Sync(SiteArgs),
    /// Forget the site's application password on this computer.
    Disconnect(SiteArgs),
    /// Publish an article (or update its post): images, categories, tags, SEO meta. Prints the
    /// post id and URL.
    Publish(PublishArgs),
    /// Take a published article off the site: its post goes back to draft.
    Unpublish(ContentArgs),
    /// Move the article's post to WordPress's trash.
    Trash(ContentArgs),
    /// Every publishing attempt of an article, newest first.
    Records(RecordsArgs),
}

impl WpCommand {
    pub fn json(&self) -> bool {
        match self {
            WpCommand::Connect(a) => a.json.json,
            WpCommand::Authorize(a) => a.json.json,
            WpCommand::Doctor(a) => a.json.json,
            WpCommand::Sync(a) | WpCommand::Disconnect(a) => a.json.json,
            WpCommand::Publish(a) => a.json.json,
            WpCommand::Unpublish(a) | WpCommand::Trash(a) => a.json.json,
            WpCommand::Records(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ConnectArgs {
    #[arg(long)]
    site: SiteId,
    /// Any address of the WordPress site: its home page, /wp-admin/ or /wp-json/.
    #[arg(long)]
    url: String,
    /// The WordPress user name the application password belongs to.
    #[arg(long)]
    user: String,
    /// Allow plain http:// to a site that is not this computer (a site on your own network).
    /// Off by default: the password would cross the network unencrypted. Remembered with the
    /// password on this computer only.
    #[arg(long)]
    allow_insecure: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct AuthorizeArgs {
    #[arg(long)]
    site: SiteId,
    /// The site's address (to start).
    #[arg(long, required_unless_present = "returned_url")]
    url: Option<String>,
    /// Where WordPress should send you back to.
    #[arg(long, default_value = DEFAULT_SUCCESS_URL)]
    success_url: String,
    /// The address WordPress sent you back to (to finish). Only the answer to the last
    /// authorization started on this computer for this site is accepted, once.
    #[arg(long, conflicts_with = "url")]
    returned_url: Option<String>,
    /// Allow plain http:// to a site that is not this computer (a site on your own network).
    #[arg(long, conflicts_with = "returned_url")]
    allow_insecure: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct DoctorArgs {
    #[arg(long)]
    site: SiteId,
    /// Check this address instead (before connecting; no login).
    #[arg(long)]
    url: Option<String>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct SiteArgs {
    #[arg(long)]
    site: SiteId,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct PublishArgs {
    #[arg(long)]
    content: ContentId,
    /// draft, pending or publish.
    #[arg(long, default_value = "publish")]
    status: PostStatus,
    /// Schedule: WordPress publishes the post at this time (RFC 3339, e.g.
    /// 2026-12-01T09:00:00+01:00), even when this computer is off.
    #[arg(long, value_name = "RFC3339")]
    at: Option<DateTime<Utc>>,
    /// Add the article to this category (repeatable; created on the site if needed).
    #[arg(long = "category", value_name = "NAME")]
    categories: Vec<String>,
    /// Tag the article (repeatable; created on the site if needed).
    #[arg(long = "tag", value_name = "NAME")]
    tags: Vec<String>,
    /// Overwrite the post even though it was edited in wp-admin since Folio last published it,
    /// or adopt a post with the article's slug that Folio did not publish for this article.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ContentArgs {
    #[arg(long)]
    content: ContentId,
    /// Go ahead even though the post was edited in wp-admin since Folio last published it.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct RecordsArgs {
    #[arg(long)]
    content: ContentId,
    #[command(flatten)]
    json: JsonFlag,
}

pub async fn run(folio: &Folio, command: WpCommand) -> Result<(), Failure> {
    match command {
        WpCommand::Connect(a) => {
            let app_password = read_stdin_secret(
                "application password",
                "printf %s \"$WP_APP_PASSWORD\" | folio wp connect --site ID --url URL --user USER",
            )?;
            let integration = folio
                .wp_connect(WpConnect {
                    site: a.site,
                    url: a.url,
                    user: a.user,
                    app_password,
                    allow_insecure: a.allow_insecure,
                })
                .await?;
            print_integration(&integration, a.json.json)
        }
        WpCommand::Authorize(a) => authorize(folio, a).await,
        WpCommand::Doctor(a) => {
            let report = folio.wp_doctor(a.site, a.url.as_deref()).await?;
            print_doctor(&report, a.json.json)?;
            if report.healthy() {
                Ok(())
            } else {
                Err(Failure::Reported(
                    "the site doctor found problems (see above)".into(),
                ))
            }
        }
        WpCommand::Sync(a) => print_integration(&folio.wp_sync(a.site).await?, a.json.json),
        WpCommand::Disconnect(a) => {
            print_integration(&folio.wp_disconnect(a.site).await?, a.json.json)
        }
        WpCommand::Publish(a) => publish(folio, a).await,
        WpCommand::Unpublish(a) => {
            let outcome =
                with_progress(folio, a.json.json, folio.wp_unpublish(a.content, a.force)).await?;
            print_outcome(&outcome, a.json.json)
        }
        WpCommand::Trash(a) => {
            let outcome =
                with_progress(folio, a.json.json, folio.wp_trash(a.content, a.force)).await?;
            print_outcome(&outcome, a.json.json)
        }
        WpCommand::Records(a) => {
            let records = folio.publishing_records(a.content).await?;
            if a.json.json {
                return print_json(&serde_json::json!({ "items": records }));
            }
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    vec![
                        r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        r.action.to_string(),
                        r.status.to_string(),
                        r.remote_status.clone().unwrap_or_default(),
                        r.external_id.clone().unwrap_or_default(),
                        r.error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print_table(
                &[
                    "started (UTC)",
                    "action",
                    "result",
                    "on site",
                    "post",
                    "error",
                ],
                &rows,
            );
            Ok(())
        }
    }
}

async fn authorize(folio: &Folio, a: AuthorizeArgs) -> Result<(), Failure> {
    if let Some(returned) = a.returned_url {
        let integration = folio.wp_authorize_complete(a.site, &returned).await?;
        return print_integration(&integration, a.json.json);
    }
    let url = a.url.unwrap_or_default();
    let auth = folio
        .wp_authorize_start(a.site, &url, &a.success_url, a.allow_insecure)
        .await?;
    if a.json.json {
        return print_json(&auth);
    }
    println!("Open this address, log in and approve Folio:");
    println!("  {}", auth.url);
    println!("Then finish with the address WordPress sends you to:");
    println!(
        "  folio wp authorize --site {} --returned-url 'ADDRESS'",
        a.site
    );
    Ok(())
}

async fn publish(folio: &Folio, a: PublishArgs) -> Result<(), Failure> {
    let names: Vec<(TaxonomyType, String)> = a
        .categories
        .iter()
        .map(|n| (TaxonomyType::Category, n.clone()))
        .chain(a.tags.iter().map(|n| (TaxonomyType::Tag, n.clone())))
        .collect();
    if !names.is_empty() {
        folio.add_content_terms(a.content, &names).await?;
    }
    if !a.json.json {
        eprintln!("Publishing…");
    }
    let request = PublishRequest {
        content: a.content,
        status: a.status,
        at: a.at,
        force: a.force,
    };
    let outcome = with_progress(folio, a.json.json, folio.wp_publish(request)).await?;
    print_outcome(&outcome, a.json.json)
}

fn print_outcome(o: &PublishOutcome, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(o);
    }
    println!("{}: \u{201c}{}\u{201d}", o.verb(), o.content.title);
    println!("  post:   {}", o.post_id);
    println!("  url:    {}", o.url);
    println!("  status: {}", o.remote_status);
    if let (Some(at), "future") = (o.date_gmt, o.remote_status.as_str()) {
        println!(
            "  goes live: {} UTC (WordPress publishes it then)",
            at.format("%Y-%m-%d %H:%M")
        );
    }
    if o.media_uploaded > 0 {
        println!("  images uploaded: {}", o.media_uploaded);
    }
    Ok(())
}

fn print_integration(i: &SiteIntegration, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(i);
    }
    println!("WordPress: {}", i.external_site_url);
    if let Some(user) = &i.username {
        println!("  user:       {user} (application password in the OS keychain)");
    }
    if let Some(root) = &i.api_root {
        println!("  REST API:   {root}");
    }
    println!("  connection: {}", i.connection_status);
    println!("  last sync:  {}", i.sync_status);
    if let Some(e) = &i.sync_error {
        println!("  error:      {e}");
    }
    let s = &i.structure;
    println!(
        "  structure:  {} categories, {} tags, {} authors, post types: {}",
        s.categories.len(),
        s.tags.len(),
        s.authors.len(),
        s.post_types.join(", ")
    );
    if !s.seo_meta_keys.is_empty() {
        println!("  SEO meta:   {}", s.seo_meta_keys.join(", "));
    }
    Ok(())
}

fn print_doctor(report: &DoctorReport, json: bool) -> Result<(), Failure> {
    if json {
        let mut value = serde_json::to_value(report).map_err(|e| Failure::Other(e.into()))?;
        value["healthy"] = serde_json::Value::Bool(report.healthy());
        return print_json(&value);
    }
    println!("Site doctor: {}", report.site_url);
    if let Some(root) = &report.api_root {
        println!("  REST API: {root}");
    }
    for c in &report.checks {
        let mark = match c.outcome {
            CheckOutcome::Pass => "ok  ",
            CheckOutcome::Warn => "warn",
            CheckOutcome::Fail => "FAIL",
            CheckOutcome::Skipped => "skip",
        };
        println!("[{mark}] {}: {}", c.title, c.explanation);
        if let Some(fix) = &c.fix {
            println!("       fix: {fix}");
        }
    }
    println!(
        "{}",
        if report.healthy() {
            "Healthy: Folio can publish to this site."
        } else {
            "Not ready: fix the failed checks above, then run the doctor again."
        }
    );
    Ok(())
}
