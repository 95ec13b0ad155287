//! `folio settings …`: the AI settings of the account or one site, and where each value comes
//! from (built-in, system, account, site).

use crate::output::{print_json, print_table, Failure};
use crate::JsonFlag;
use clap::{Args, Subcommand};
use folio_core::Folio;
use folio_model::{ErrorDto, ErrorKind, SettingKey, SettingSource, SettingValue, SiteId};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Every setting's effective value and the layer it comes from.
    List(ListArgs),
    /// Override a setting for the account, or for one site with --site.
    Set(SetArgs),
    /// Remove the override, so the next layer's value applies again.
    Clear(ClearArgs),
}

impl SettingsCommand {
    pub fn json(&self) -> bool {
        match self {
            SettingsCommand::List(a) => a.json.json,
            SettingsCommand::Set(a) => a.json.json,
            SettingsCommand::Clear(a) => a.json.json,
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    /// A site's view (its overrides on top of the account's).
    #[arg(long)]
    site: Option<SiteId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct SetArgs {
    /// ai.temperature, ai.max_tokens, ai.image_style, ai.image_quality, ai.image_size,
    /// ai.max_images or ai.image_quality_tier.
    key: String,
    value: String,
    #[arg(long)]
    site: Option<SiteId>,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Args)]
pub struct ClearArgs {
    key: String,
    #[arg(long)]
    site: Option<SiteId>,
    #[command(flatten)]
    json: JsonFlag,
}

fn key(raw: &str) -> Result<SettingKey, Failure> {
    raw.parse::<SettingKey>()
        .map_err(|e| Failure::Core(ErrorDto::new(ErrorKind::Validation, e).with_field("key")))
}

/// The layer as `--json` spells it (`built_in`, `system`, `account`, `site`).
fn source_name(source: SettingSource) -> String {
    serde_json::to_value(source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn shown(v: &SettingValue) -> String {
    match v {
        SettingValue::Int(i) => i.to_string(),
        SettingValue::Float(f) => f.to_string(),
        SettingValue::Text(t) => t.clone(),
    }
}

pub async fn run(folio: &Folio, command: SettingsCommand) -> Result<(), Failure> {
    match command {
        SettingsCommand::List(a) => {
            let settings = folio.effective_settings(a.site).await?;
            if a.json.json {
                return print_json(&settings);
            }
            let rows: Vec<Vec<String>> = settings
                .iter()
                .map(|s| {
                    vec![
                        s.key.as_str().to_string(),
                        shown(&s.value),
                        source_name(s.source),
                    ]
                })
                .collect();
            print_table(&["SETTING", "VALUE", "FROM"], &rows);
            Ok(())
        }
        SettingsCommand::Set(a) => {
            let k = key(&a.key)?;
            let value = SettingValue::Text(a.value);
            let stored = match a.site {
                Some(site) => folio.set_site_setting(site, k, value).await?,
                None => folio.set_account_setting(k, value).await?,
            };
            if a.json.json {
                return print_json(&serde_json::json!({ "key": k, "value": stored }));
            }
            println!("{} = {}", k.as_str(), shown(&stored));
            Ok(())
        }
        SettingsCommand::Clear(a) => {
            let k = key(&a.key)?;
            match a.site {
                Some(site) => folio.clear_site_setting(site, k).await?,
                None => folio.clear_account_setting(k).await?,
            }
            let now = folio.effective_setting(k, a.site).await?;
            if a.json.json {
                return print_json(&now);
            }
            println!(
                "{} = {} (from {})",
                k.as_str(),
                shown(&now.value),
                source_name(now.source)
            );
            Ok(())
        }
    }
}
