//! `baton new`: open a ticket.

use std::path::PathBuf;

use clap_complete::engine::ArgValueCandidates;

use super::Txn;
use super::completions;
use crate::core::action::{self, Draft};
use crate::core::clock;
use crate::core::form::{self, Fields};
use crate::core::id;
use crate::core::notice;
use crate::core::ticket::{ParseError, Priority};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::filed::{self, Created};
use crate::render::{ask, commit};
use crate::term::editor;

/// Open a new ticket and print its id
///
/// At a terminal, `baton new` without a title asks for the title, the customer,
/// the priority and a description (in your editor); with --edit, every field
/// opens in your editor ($VISUAL or $EDITOR) instead, filled in from the flags
/// given. Without a terminal, or with --yes or --json, nothing is asked: the
/// title must be on the command line.
///
/// With --from-mail, one e-mail on standard input becomes a ticket (the sender
/// is the customer, the subject the title, the text the description), or a
/// message on the ticket it answers (by a [#id] tag in the subject, or its
/// In-Reply-To and References). Automatic mail (bounces, auto-replies, list
/// mail) opens no ticket: it is kept in tickets/.local/automatic/, or a bounce
/// of a ticket's mail is recorded on it. A message that cannot be used is kept
/// in tickets/.local/rejected/ (exit 0); exit 75 means it could not be kept
/// now and the mail system should retry. See docs/mail.md.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton new                                      asks for each field
  baton new \"Refund not received\" --customer jan@example.com --priority high
  baton new \"Login fails\" --body-file report.txt --owner ben --tag auth
  baton new \"Printer on fire\" --edit              the rest in your editor
  baton new \"Web form message\" --body-file - < message.txt
  baton new --from-mail < message.eml             file an e-mail (procmail, .forward)
  baton new \"Refund\" --customer jan@example.com --ack | sendmail -t")]
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
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub body_file: Option<PathBuf>,
    /// Who owns it first (default: you)
    #[arg(long, short, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// How urgent it is: low, normal (the default), high or urgent
    #[arg(long, short, value_parser = crate::core::typed::priority,
          add = ArgValueCandidates::new(completions::priorities))]
    pub priority: Option<Priority>,
    /// A tag (repeat for more)
    #[arg(long = "tag", short, value_name = "TAG")]
    pub tags: Vec<String>,
    /// Write the ticket in your editor, starting from the other flags
    #[arg(long, short)]
    pub edit: bool,
    /// Read one e-mail on standard input and file it (a new ticket, or a
    /// message on the ticket it answers)
    #[arg(long, conflicts_with_all = ["title", "customer", "body", "body_file", "edit"])]
    pub from_mail: bool,
    /// Print the acknowledgement for the customer ([templates] ack in
    /// baton.toml) as a mail ready for 'sendmail -t', instead of the id
    #[arg(long)]
    pub ack: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.from_mail {
        return super::intake::run(ctx, args);
    }
    if args.edit && !ctx.can_prompt() {
        return Err(Error::usage("--edit opens your editor, which needs a terminal")
            .hint("give the fields as flags: baton new TITLE [--customer C] [--priority P] [--body TEXT]"));
    }
    // A person at a terminal who gave no title is guided through every field.
    let guided = args.title.is_none() && !args.edit && ctx.can_prompt();
    if args.title.is_none() && !args.edit && !guided {
        return Err(Error::usage("a new ticket needs a title").hint(
            "baton new \"Refund not received\" [--customer C]; at a terminal, 'baton new' asks for it",
        ));
    }
    let print_ack = args.ack;
    let description = match &args.body_file {
        Some(path) => Some(ctx.read_arg_file(path)?),
        None => args.body.clone(),
    };
    let (store, config, actor) = super::open(ctx)?;
    let cx = action::Ctx {
        actor: &actor,
        now: ctx.now,
        config: &config,
        label: "the new ticket",
    };
    if let Some(owner) = &args.owner {
        // Before any question, so nobody answers them in vain.
        config.member(owner)?;
    }
    let id = ctx.new_id();
    let draft = if args.edit {
        let fields = Fields {
            title: args.title.unwrap_or_default(),
            customer: args.customer.unwrap_or_default(),
            priority: args.priority.unwrap_or_default(),
            tags: args.tags,
            description: description.unwrap_or_default(),
        };
        let doc = form::render(ask::NEW_HEADING, &fields);
        let session = editor::Session {
            command: ctx.editor(),
            suffix: ".toml",
            is_blank: &form::is_blank,
        };
        let owner = args.owner;
        let drafted = session.edit(&doc, |text| {
            let draft = form::parse(text)?.into_draft(owner.clone());
            action::create(&cx, id, draft.clone()).map_err(ParseError::from)?;
            Ok(draft)
        })?;
        match drafted {
            Some(draft) => draft,
            None => {
                ctx.out
                    .info("cancelled: the text was left unchanged or empty; no ticket was created");
                return Ok(());
            }
        }
    } else if guided {
        guide(ctx, &cx, id, args, description)?
    } else {
        let draft = Draft {
            title: args.title.unwrap_or_default(),
            customer: args.customer.unwrap_or_default(),
            description: description.unwrap_or_default(),
            priority: args.priority.unwrap_or_default(),
            tags: args.tags,
            owner: args.owner,
        };
        action::create(&cx, id, draft.clone())?;
        draft
    };
    let mut txn = Txn::begin(ctx, &store)?;
    // Drafted and checked before the lock (questions, the editor), made
    // under it: dated by the clock read then, checked against the config then.
    let ticket = action::create(
        &action::Ctx {
            now: txn.now(),
            config: txn.config()?,
            ..cx
        },
        id,
        draft,
    )?;
    let short = id::short_in(&store.list()?.ids, ticket.id);
    txn.create(&ticket, &short)?;
    txn.finish(&commit::ticket(&short, &ticket, &ticket.events));
    let due = clock::deadline(&ticket, &config, ctx.now);
    let ack = notice::for_event(
        &ticket,
        &ticket.events[0],
        &short,
        &config,
        due.as_ref().map(|d| d.at),
    );
    let shown = Created {
        ticket: &ticket,
        short: &short,
        due: due.as_ref(),
        ack: ack.as_ref(),
        print_ack,
        guided,
    };
    filed::created(&ctx.out, &shown)
}

/// Asks a person for every field the flags left out: the title, the
/// customer, the priority (a choice) and the description (in their editor).
/// The draft is checked as the ticket would be.
fn guide(
    ctx: &Ctx,
    cx: &action::Ctx,
    id: uuid::Uuid,
    args: Args,
    description: Option<String>,
) -> Result<Draft> {
    let prompt = ctx.prompt();
    let title = prompt.text("Title (one line)")?;
    let customer = match args.customer {
        Some(c) => c,
        None => prompt.optional_text("Customer (usually an e-mail; Enter for none)")?,
    };
    let priority = match args.priority {
        Some(p) => p,
        None => {
            let names: Vec<String> = Priority::ALL.iter().map(|p| p.to_string()).collect();
            let normal = Priority::ALL
                .iter()
                .position(|p| *p == Priority::Normal)
                .unwrap_or(0);
            Priority::ALL[prompt.choose("Priority", &names, normal)?]
        }
    };
    let description = match description {
        Some(d) => d,
        None if prompt.confirm("Write a description in your editor?", true)? => {
            let guide = ask::description_guide(&title);
            editor::text(ctx.editor(), &guide, "")?.unwrap_or_default()
        }
        None => String::new(),
    };
    let draft = Draft {
        title,
        customer,
        description,
        priority,
        tags: args.tags,
        owner: args.owner,
    };
    action::create(cx, id, draft.clone())?;
    Ok(draft)
}
