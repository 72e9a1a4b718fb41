//! `baton attachment ID N`: writes out an attachment mail intake kept, as
//! `show` numbers them, after checking it is still what was received.

use std::path::PathBuf;

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::attachment;
use crate::ctx::Ctx;
use crate::error::{Error, Kind, Result};
use crate::render;
use crate::store;

/// Write out an attachment of a ticket's mail
///
/// N is the number `baton show` prints beside the attachment. The content
/// goes to standard output (redirect it to a file), or with -o to FILE,
/// written whole or not at all. A terminal as standard output is refused,
/// since binary content would garble it, unless --force is given. The
/// attachment is checked against its SHA-256 first: one that is missing or
/// was changed is an error saying how to restore it from git.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton show 0b7c                            lists the attachments, numbered
  baton attachment 0b7c 1 > invoice.pdf
  baton attachment 0b7c 2 -o screenshot.png")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// Which attachment, as `baton show` numbers them (from 1)
    pub number: usize,
    /// Write it to this file instead of standard output
    #[arg(long, short, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Write to standard output even when it is a terminal
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.output.is_none() && ctx.out.json {
        return Err(Error::usage(
            "--json describes the file -o writes; the content itself is not JSON",
        )
        .hint(format!(
            "baton attachment {} {} -o FILE --json",
            args.id, args.number
        )));
    }
    if args.output.is_none() && ctx.out.stdout_tty && !args.force {
        return Err(Error::usage(
            "standard output is a terminal, and an attachment would garble it",
        )
        .hint(format!(
            "redirect it (baton attachment {0} {1} > FILE), use -o FILE, or --force",
            args.id, args.number
        )));
    }
    let store = ctx.store()?;
    let resolved = store.resolve(&args.id)?;
    let ticket = store.read(resolved.id)?;
    let all = attachment::numbered(&ticket.events);
    let short = &resolved.short;
    let Some(a) = args.number.checked_sub(1).and_then(|i| all.get(i)) else {
        let message = match all.len() {
            0 => format!("{short} has no attachments"),
            1 => format!(
                "{short} has 1 attachment; there is no number {}",
                args.number
            ),
            n => format!(
                "{short} has {n} attachments, numbered 1 to {n}; there is no number {}",
                args.number
            ),
        };
        return Err(Error::new(message)
            .kind(Kind::NotFound)
            .hint(format!("'baton show {short}' lists them")));
    };
    let Some(sha) = &a.sha256 else {
        return Err(Error::new(format!(
            "attachment {} of {short} ({}, {}) was not kept: {}",
            args.number,
            a.name,
            attachment::shown_size(a.size),
            a.not_kept.as_deref().unwrap_or("not kept")
        ))
        .kind(Kind::NotFound)
        .hint("ask the customer to send it another way, or raise [intake] max_attachment in baton.toml for later mail"));
    };
    let bytes = store.read_file(sha)?;
    match &args.output {
        None => ctx.out.raw(&bytes),
        Some(path) => {
            let path = ctx.cwd.join(path);
            store::write_out(&path, &bytes)?;
            render::attachment::written(&ctx.out, args.number, a, &path)
        }
    }
}
