//! `folio credits …`: what the account can still spend, and a local account's monthly budget.

use crate::output::{print_json, Failure};
use clap::{Args, Subcommand};
use folio_core::Folio;

#[derive(Args)]
pub struct CreditsArgs {
    #[command(subcommand)]
    command: Option<CreditsCommand>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
enum CreditsCommand {
    /// A local account's monthly budget in credits (no budget: no limit).
    #[command(subcommand)]
    Budget(BudgetCommand),
}

#[derive(Subcommand)]
enum BudgetCommand {
    /// Allow at most N credits per calendar month (UTC).
    Set { credits: u32 },
    /// Remove the budget: no limit.
    Clear,
}

pub async fn run(folio: &Folio, args: CreditsArgs) -> Result<(), Failure> {
    match args.command {
        Some(CreditsCommand::Budget(BudgetCommand::Set { credits })) => {
            folio.set_monthly_budget(Some(credits)).await?;
        }
        Some(CreditsCommand::Budget(BudgetCommand::Clear)) => {
            folio.set_monthly_budget(None).await?;
        }
        None => {}
    }
    let balance = folio.credit_balance().await?;
    if args.json {
        return print_json(&balance);
    }
    if balance.unlimited {
        println!("No monthly budget: AI calls are not limited.");
        println!("  spent this month: {} credits", balance.spent_this_period);
        println!("Set one with: folio credits budget set N");
    } else if let Some(budget) = balance.monthly_budget {
        println!("Monthly budget: {budget} credits");
        println!("  spent this month: {}", balance.spent_this_period);
        if let Some(left) = balance.available() {
            println!("  left:             {left}");
        }
    } else {
        println!(
            "Plan credits left:  {} of {}",
            balance.plan_credits, balance.plan_allowance
        );
        println!("Bonus credits left: {}", balance.bonus_credits);
        if let Some(end) = balance.period_end {
            println!("  the plan's credits renew on {}", end.format("%Y-%m-%d"));
        }
    }
    if !balance.held.is_zero() {
        println!("  held by calls in progress: {}", balance.held);
    }
    Ok(())
}
