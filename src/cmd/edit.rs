//! `baton edit`: change a ticket's content fields.

use std::path::PathBuf;

use crate::core::action::{self, Edit};
use crate::core::ticket::Priority;
use crate::ctx::Ctx;
use crate::error::{Error, Result};

/// Change a ticket's title, customer, priority, tags or description
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  baton edit 0b7c --priority high --tag billing --untag misc")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    pub id: String,
    /// The new title
    #[arg(long)]
    pub title: Option<String>,
    /// The customer (usually an e-mail address)
    #[arg(long)]
    pub customer: Option<String>,
    /// The new priority
    #[arg(long, value_parser = parse_priority)]
    pub priority: Option<Priority>,
    /// Add a tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Remove a tag (repeat for more)
    #[arg(long = "untag", value_name = "TAG")]
    pub untags: Vec<String>,
    /// The new description
    #[arg(long, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the new description from a file ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
}

/// Parses a priority for clap, naming the choices.
pub fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse()
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let description = match &args.body_file {
        Some(path) => Some(ctx.read_arg_file(path)?),
        None => args.body,
    };
    let change = Edit {
        title: args.title,
        customer: args.customer,
        priority: args.priority,
        description,
        add_tags: args.tags,
        remove_tags: args.untags,
    };
    if change.is_empty() {
        return Err(Error::usage("nothing to change")
            .hint("pass --title, --customer, --priority, --tag, --untag, --body or --body-file"));
    }
    let mut fields = Vec::new();
    let o = super::change(ctx, &args.id, |t, cx| {
        fields = action::edit(t, cx, change)?;
        Ok(!fields.is_empty())
    })?;
    let done = format!("changed {} of {}", fields.join(", "), o.short);
    super::report(
        ctx,
        &o,
        &done,
        &format!("{} already is as asked; nothing changed", o.short),
    )
}
