//! `baton edit`: change a ticket's content fields, from flags or in the
//! person's editor.

use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use super::completions;
use crate::core::action::{self, Edit};
use crate::core::form::{self, Fields};
use crate::core::ticket::{ParseError, Priority};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{ask, outcome};
use crate::term::editor;

/// Change a ticket's title, customer, priority, tags or description
///
/// With no field flags, at a terminal, the ticket's fields open in your editor
/// ($VISUAL or $EDITOR) as a small TOML document; a mistake reopens it with the
/// error on top, and saving it unchanged or empty cancels. Anyone may edit.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton edit 0b7c                            every field in your editor
  baton edit 0b7c --priority high --tag billing --untag misc
  baton edit 0b7c 9a1f 3f2a --tag outage     several tickets: all or none
  baton edit 0b7c --title \"Refund for a double charge\"
  baton edit 0b7c --body-file notes.txt")]
pub struct Args {
    /// The tickets (unique id prefixes, at least 4 characters each; several
    /// take only --priority, --tag and --untag, and change all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// The new title
    #[arg(long)]
    pub title: Option<String>,
    /// The customer (usually an e-mail address)
    #[arg(long)]
    pub customer: Option<String>,
    /// The new priority: low, normal, high or urgent
    #[arg(long, value_parser = crate::core::typed::priority, add = ArgValueCandidates::new(completions::priorities))]
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
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub body_file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let description = match &args.body_file {
        Some(path) => Some(ctx.read_arg_file(path)?),
        None => args.body,
    };
    let mut change = Edit {
        title: args.title,
        customer: args.customer,
        priority: args.priority,
        description,
        add_tags: args.tags,
        remove_tags: args.untags,
    };
    if let [_, _, ..] = args.ids.as_slice() {
        return edit_many(ctx, &args.ids, change);
    }
    let id = &args.ids[0];
    if change.is_empty() {
        if !ctx.can_prompt() {
            return Err(Error::usage("nothing to change").hint(
                "pass --title, --customer, --priority, --tag, --untag, --body or --body-file \
                 (at a terminal, 'baton edit ID' alone opens your editor)",
            ));
        }
        match in_editor(ctx, id)? {
            Some(edit) => change = edit,
            None => {
                ctx.out
                    .info("cancelled: the text was left unchanged or empty; nothing changed");
                return Ok(());
            }
        }
    }
    let mut fields = Vec::new();
    let o = super::change(ctx, id, |t, cx| {
        fields = action::edit(t, cx, change)?;
        Ok(!fields.is_empty())
    })?;
    let done = outcome::edited(&o.short, &fields);
    super::report(ctx, &o, &done, &outcome::edit_unchanged(&o.short))
}

/// The same tags or priority on several tickets, in one transaction: every
/// ticket is checked first, then all are written, or none. The fields that
/// belong to one ticket (title, customer, description) are refused.
fn edit_many(ctx: &Ctx, ids: &[String], change: Edit) -> Result<()> {
    if change.title.is_some() || change.customer.is_some() || change.description.is_some() {
        return Err(Error::usage(
            "with several tickets, edit changes only --priority, --tag and --untag",
        )
        .hint("give one ticket for --title, --customer, --body or --body-file"));
    }
    if change.is_empty() {
        return Err(Error::usage("nothing to change")
            .hint("pass --priority, --tag or --untag for several tickets"));
    }
    let mut fields = std::collections::HashMap::new();
    let outcomes = super::change_many(ctx, ids, |t, cx| {
        let changed = action::edit(t, cx, change.clone())?;
        let any = !changed.is_empty();
        fields.insert(t.id, changed);
        Ok(any)
    })?;
    super::report_many(ctx, &outcomes, |o| match fields.get(&o.ticket.id) {
        Some(f) if o.changed => outcome::edited(&o.short, f),
        _ => outcome::edit_unchanged(&o.short),
    })
}

/// The person's changes made in their editor, checked as the edit will be
/// applied; `None` when they cancelled. The ticket is read without the lock,
/// which `change` takes only afterwards (on the ticket as it is then), so
/// nobody waits while a person types.
fn in_editor(ctx: &Ctx, id: &str) -> Result<Option<Edit>> {
    let (store, config, actor) = super::open(ctx)?;
    let resolved = store.resolve(id)?;
    let before = store.read(resolved.id)?;
    let cx = action::Ctx {
        actor: &actor,
        now: ctx.now,
        config: &config,
        label: &resolved.short,
    };
    let heading = ask::edit_heading(&resolved.short, before.status, &before.owner);
    let doc = form::render(&heading, &Fields::of(&before));
    let session = editor::Session {
        command: ctx.editor(),
        suffix: ".toml",
        is_blank: &form::is_blank,
    };
    session.edit(&doc, |text| {
        let edit = form::parse(text)?.changes_from(&before);
        // The same rules the real edit applies, on a copy.
        action::edit(&mut before.clone(), &cx, edit.clone()).map_err(ParseError::from)?;
        Ok(edit)
    })
}
