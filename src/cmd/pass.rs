//! `baton pass`: hand a ticket you own to someone else.

use crate::core::action;
use crate::ctx::Ctx;
use crate::error::{Error, Result};

/// Pass a ticket you own to another team member
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  baton pass 0b7c ben --note \"needs a refund approval\"")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    pub id: String,
    /// Who takes it over
    pub to: Option<String>,
    /// What the next owner should know
    #[arg(long, short)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let Some(to) = args.to else {
        return Err(
            Error::usage("pass needs the person who takes the ticket over").hint(format!(
                "baton pass {} NAME; 'baton people' lists the team",
                args.id
            )),
        );
    };
    let o = super::change(ctx, &args.id, |t, cx| action::pass(t, cx, &to, args.note))?;
    super::report(ctx, &o, &format!("passed {} to {to}", o.short), "")
}
