//! `folio account …`, `folio sync` and `folio site grant`: this device and a sync server.

use crate::output::{print_json, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::SyncStatus;

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Create an account on a sync server; this device's data goes into it. The password is
    /// read from stdin.
    Register(Login),
    /// Log in to an account on a sync server (password from stdin). A device that worked in
    /// another account so far moves its sites into this one.
    Login(Login),
    /// Forget the session; the data stays on this device.
    Logout(JsonFlag),
    /// Show the account this device syncs with and the last sync.
    Status(JsonFlag),
    /// Invite someone into the account (owners and admins).
    Invite(Invite),
}

impl AccountCommand {
    pub fn json(&self) -> bool {
        match self {
            AccountCommand::Register(l) | AccountCommand::Login(l) => l.json.json,
            AccountCommand::Logout(j) | AccountCommand::Status(j) => j.json,
            AccountCommand::Invite(i) => i.json.json,
        }
    }
}

#[derive(Args)]
pub struct Login {
    /// The sync server, e.g. https://sync.example.com (plain http:// only to this machine, or
    /// with --allow-insecure).
    #[arg(long)]
    server: String,
    #[arg(long)]
    email: String,
    /// Allow this plain-HTTP server on this device: for a server on a network you trust.
    /// Passwords, tokens and data cross that network unencrypted.
    #[arg(long)]
    allow_insecure: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct Invite {
    #[arg(long)]
    email: String,
    /// owner, admin, editor or viewer.
    #[arg(long, default_value = "editor")]
    role: String,
    /// Print the invitation link instead of having the server email it (for a server without
    /// mail); pass it on privately — whoever has it can join.
    #[arg(long)]
    link: bool,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct SyncArgs {
    /// Keep syncing (live changes both ways, reconnecting when the server comes back) until
    /// Ctrl-C.
    #[arg(long)]
    watch: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// The password, from stdin only (never argv, where other users and shell history see it).
fn read_password() -> Result<String, Failure> {
    crate::output::read_stdin_secret(
        "password",
        "printf %s \"$PASSWORD\" | folio account login …",
    )
}

async fn allow_insecure(folio: &Folio, args: &Login) -> Result<(), Failure> {
    if args.allow_insecure {
        folio.allow_insecure_sync_server(Some(&args.server)).await?;
    }
    Ok(())
}

pub async fn run(folio: &Folio, command: AccountCommand) -> Result<(), Failure> {
    match command {
        AccountCommand::Register(args) => {
            let password = read_password()?;
            allow_insecure(folio, &args).await?;
            let session = folio
                .account_register(&args.server, &args.email, &password)
                .await?;
            if args.json.json {
                return print_json(&session);
            }
            println!("Registered {} on {}", session.email, session.server);
            println!("  account: {}", session.account_id);
            println!("Run `folio sync` to upload this device's data.");
            Ok(())
        }
        AccountCommand::Login(args) => {
            let password = read_password()?;
            allow_insecure(folio, &args).await?;
            let session = folio
                .account_login(&args.server, &args.email, &password)
                .await?;
            if args.json.json {
                return print_json(&session);
            }
            println!(
                "Logged in as {} ({}) on {}",
                session.email, session.role, session.server
            );
            println!("  account: {}", session.account_id);
            println!("Run `folio sync` to bring this device up to date.");
            Ok(())
        }
        AccountCommand::Logout(flag) => {
            folio.account_logout().await?;
            if flag.json {
                return print_json(&serde_json::json!({"logged_out": true}));
            }
            println!("Logged out; the data stays on this device.");
            Ok(())
        }
        AccountCommand::Status(flag) => {
            let session = folio.account_session().await?;
            let status = folio.sync_status().await?;
            if flag.json {
                return print_json(&serde_json::json!({"session": session, "status": status}));
            }
            match session {
                Some(s) => println!(
                    "Account {} as {} ({}) on {}",
                    s.account_id, s.email, s.role, s.server
                ),
                None => {
                    println!("Not logged in to a sync server; everything stays on this device.")
                }
            }
            println!("Sync: {}", describe(&status));
            Ok(())
        }
        AccountCommand::Invite(args) => {
            let invite = folio
                .account_invite(&args.email, &args.role, args.link)
                .await?;
            if args.json.json {
                return print_json(&invite);
            }
            match invite["link"].as_str() {
                Some(link) => println!(
                    "Invited {} as {}. Send them this link privately (whoever has it can join):\n{link}",
                    args.email, args.role
                ),
                None => println!(
                    "Invited {} as {}; the invitation goes by email.",
                    args.email, args.role
                ),
            }
            Ok(())
        }
    }
}

pub fn describe(status: &SyncStatus) -> String {
    match status {
        SyncStatus::LocalOnly => "local only".into(),
        SyncStatus::Offline { reason, .. } => format!("offline ({reason})"),
        SyncStatus::Syncing => "syncing".into(),
        SyncStatus::Synced { at } => format!("synced at {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
        SyncStatus::Error { reason, .. } => format!("error: {reason}"),
    }
}

pub async fn sync(folio: &Folio, args: SyncArgs) -> Result<(), Failure> {
    if !args.watch {
        let report = folio.sync_once().await?;
        if args.json.json {
            return print_json(&report);
        }
        println!(
            "In sync: {} documents ({} changed here, {} messages sent) in {} ms",
            report.documents, report.received, report.sent, report.millis
        );
        for (doc, reason) in &report.refused {
            println!("  not synced: {doc} ({reason})");
        }
        return Ok(());
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = stop_tx.send(true);
        }
    });
    let json = args.json.json;
    folio
        .sync_watch(stop_rx, move |status| {
            if json {
                println!("{}", serde_json::json!({ "status": status }));
            } else {
                eprintln!("sync: {}", describe(status));
            }
        })
        .await?;
    Ok(())
}
