//! `folio`: Folio from the command line, on the same data directory as the desktop app.
//!
//! Each subcommand parses its arguments, calls one folio-core operation and prints the result,
//! as text for people or as JSON with `--json`.

mod output;

use clap::{Args, Parser, Subcommand};
use folio_core::{logging, paths, CoreError, Folio};
use folio_model::NewSite;
use output::{fail, print_json, Failure};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Folio: keyword research to published WordPress articles"
)]
struct Cli {
    /// The data directory (default: FOLIO_DATA_DIR, else the OS app-data directory, shared with the desktop app).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sites: the WordPress sites you write for.
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Add a site with up to five sectors.
    Add(SiteAdd),
    /// List the sites of this account.
    List(JsonFlag),
}

#[derive(Args)]
struct SiteAdd {
    /// The site's name, unique in the account.
    #[arg(long)]
    name: String,
    /// Its domain (example.com) or home URL (https://example.com/blog).
    #[arg(long)]
    domain: String,
    /// A sector (topic area); repeat for more, up to 5. Without any, the site gets "General".
    #[arg(long = "sector", value_name = "NAME")]
    sectors: Vec<String>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = match paths::resolve_data_dir(cli.data_dir.clone()) {
        Ok(d) => d,
        Err(e) => return fail(&e.into(), false),
    };
    let _log = match logging::init(&data_dir, "warn") {
        Ok(g) => Some(g),
        Err(e) => {
            // Logging is a convenience; the command itself can still run.
            eprintln!("warning: {e}");
            None
        }
    };
    let json = match &cli.command {
        Command::Site(SiteCommand::Add(a)) => a.json.json,
        Command::Site(SiteCommand::List(j)) => j.json,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&Failure::Other(e.into()), json),
    };
    match runtime.block_on(run(cli.command, data_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(&f, json),
    }
}

async fn run(command: Command, data_dir: PathBuf) -> Result<(), Failure> {
    let folio = Folio::open(&data_dir).await?;
    let result = match command {
        Command::Site(SiteCommand::Add(args)) => site_add(&folio, args).await,
        Command::Site(SiteCommand::List(flag)) => site_list(&folio, flag.json).await,
    };
    folio.close().await;
    result
}

async fn site_add(folio: &Folio, args: SiteAdd) -> Result<(), Failure> {
    let site = folio
        .create_site(&NewSite {
            name: args.name,
            domain: args.domain,
            sectors: args.sectors,
        })
        .await?;
    if args.json.json {
        return print_json(&site);
    }
    println!("Created site \u{201c}{}\u{201d}", site.name);
    println!("  id:      {}", site.id);
    println!("  domain:  {}", site.domain);
    println!("  sectors: {}", output::sector_names(&site));
    Ok(())
}

async fn site_list(folio: &Folio, json: bool) -> Result<(), Failure> {
    let list = folio.list_sites().await?;
    if json {
        return print_json(&list);
    }
    if list.items.is_empty() {
        println!("No sites yet. Add one with: folio site add --name NAME --domain DOMAIN");
        return Ok(());
    }
    output::print_site_table(&list.items);
    Ok(())
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e.to_dto())
    }
}
