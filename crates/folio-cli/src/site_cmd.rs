//! `folio site …`

use crate::output::{self, print_json, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::NewSite;

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Add a site with up to five sectors.
    Add(SiteAdd),
    /// List the sites of this account.
    List(JsonFlag),
    /// Let a member without admin rights see and edit a site (on the sync server).
    Grant(SiteGrant),
}

impl SiteCommand {
    pub fn json(&self) -> bool {
        match self {
            SiteCommand::Add(a) => a.json.json,
            SiteCommand::List(j) => j.json,
            SiteCommand::Grant(g) => g.json.json,
        }
    }
}

#[derive(Args)]
pub struct SiteAdd {
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

pub async fn run(folio: &Folio, command: SiteCommand) -> Result<(), Failure> {
    match command {
        SiteCommand::Add(args) => add(folio, args).await,
        SiteCommand::List(flag) => list(folio, flag.json).await,
        SiteCommand::Grant(args) => {
            let grant = folio.site_grant(args.site, &args.user).await?;
            if args.json.json {
                return print_json(&grant);
            }
            println!("{} may now see and edit site {}", args.user, args.site);
            Ok(())
        }
    }
}

#[derive(Args)]
pub struct SiteGrant {
    /// The site's id.
    #[arg(long)]
    site: uuid::Uuid,
    /// The member's email.
    #[arg(long)]
    user: String,
    #[command(flatten)]
    json: JsonFlag,
}

async fn add(folio: &Folio, args: SiteAdd) -> Result<(), Failure> {
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

async fn list(folio: &Folio, json: bool) -> Result<(), Failure> {
    let list = folio.list_sites().await?;
    if json {
        return print_json(&list);
    }
    if list.items.is_empty() {
        println!("No sites yet. Add one with: folio site add --name NAME --domain DOMAIN");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.domain.clone(),
                output::sector_names(s),
            ]
        })
        .collect();
    output::print_table(&["ID", "NAME", "DOMAIN", "SECTORS"], &rows);
    Ok(())
}
