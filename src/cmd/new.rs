//! `baton new`: open a ticket.

use std::path::PathBuf;

use crate::core::action::{self, Draft};
use crate::core::clock;
use crate::core::ticket::Priority;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{commit, json, prompt};

/// Open a new ticket and print its id
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  baton new \"Refund not received\" --customer jan@example.com --priority high\n  \
                        baton new \"Login fails\" --body-file report.txt --owner ben --tag auth"
)]
pub struct Args {
    /// A one-line summary of the problem
    pub title: Option<String>,
    /// Who reported it (usually an e-mail address)
    #[arg(long, short)]
    pub customer: Option<String>,
    /// The full description
    #[arg(long, short, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the description from a file ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Who owns it first (default: you)
    #[arg(long, short)]
    pub owner: Option<String>,
    /// How urgent it is: low, normal, high or urgent
    #[arg(long, short, value_parser = super::edit::parse_priority, default_value = "normal")]
    pub priority: Priority,
    /// A tag (repeat for more)
    #[arg(long = "tag", short, value_name = "TAG")]
    pub tags: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let title = match args.title {
        Some(title) => title,
        None if ctx.can_prompt() => prompt::text("Title")?,
        None => {
            return Err(Error::usage("a new ticket needs a title")
                .hint("baton new \"Refund not received\" [--customer C]"));
        }
    };
    let description = match &args.body_file {
        Some(path) => ctx.read_arg_file(path)?,
        None => args.body.unwrap_or_default(),
    };
    let (store, config, actor) = super::open(ctx)?;
    let cx = action::Ctx {
        actor: &actor,
        now: ctx.now,
        config: &config,
        label: "the new ticket",
    };
    let draft = Draft {
        title,
        customer: args.customer.unwrap_or_default(),
        description,
        priority: args.priority,
        tags: args.tags,
        owner: args.owner,
    };
    let ticket = action::create(&cx, ctx.new_id(), draft)?;
    // Under the lock, so that the commit does not race another baton's.
    let lock = store.lock()?;
    store.create(&ticket)?;
    let short = store.resolve(&ticket.id.to_string())?.short;
    let message = commit::ticket(&short, &ticket, &ticket.events);
    super::commit(ctx, &store, &config, &[store.path_of(ticket.id)], &message);
    drop(lock);
    if !ctx.out.json {
        ctx.out
            .info(&format!("created {short}, owned by {}", ticket.owner));
    }
    ctx.out.result(&ticket.id.to_string(), || {
        let due = clock::deadline(&ticket, &config, ctx.now);
        json::ticket(&ticket, &short, due.as_ref(), true)
    })
}
