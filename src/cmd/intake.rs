//! Mail intake. `baton new --from-mail`: one e-mail on stdin, as procmail, a
//! `.forward` pipe or fetchmail's `--mda` hands it over; `baton intake
//! --maildir DIR`: every message waiting in a Maildir's `new/`, moved to
//! `cur/` once it is filed or kept. Each is filed as a new ticket, as
//! a `customer` message on the ticket it answers (a `stranger` one when
//! someone else wrote it), as a `delivery-failed` event when it is a bounce
//! of a ticket's mail, or kept in `tickets/.local/automatic/` when it is
//! other automatic mail. Nothing is asked and no mail is ever dropped: what
//! cannot be filed is kept in `tickets/.local/rejected/` (exit 0: it is
//! safe), and what cannot be kept now exits 75 so the mail system retries
//! (or, from a Maildir, the message stays in `new/` for the next run).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use clap_complete::engine::ArgValueCandidates;

use super::Txn;
use super::completions;
use crate::core::action::Draft;
use crate::core::attachment;
use crate::core::automatic::{self, Automatic};
use crate::core::clock;
use crate::core::config::Config;
use crate::core::id;
use crate::core::intake::{self, Incoming, Route};
use crate::core::notice::{self, Notice};
use crate::core::query;
use crate::core::summary::Scope;
use crate::core::ticket::{Priority, Status, Ticket};
use crate::ctx::Ctx;
use crate::error::{EXIT_TEMPFAIL, Error, Result};
use crate::io::mail;
use crate::io::maildir::{self, Maildir};
use crate::render::commit;
use crate::render::filed::{self, Batch, Filed, Filing};
use crate::store::Store;

/// A message filed, and what to report about it.
struct Intake {
    ticket: Ticket,
    short: String,
    config: Config,
    filing: Filing,
    message_id: Option<String>,
    /// Why no acknowledgement went out for a new ticket.
    ack_refused: Option<String>,
}

/// What became of one message: filed on a ticket, or kept aside as the
/// automatic mail it is.
enum Delivered {
    Filed(Box<Intake>),
    Kept(KeptMail),
    /// Unusable: kept in `rejected/` with the reason.
    Rejected {
        reason: String,
        path: PathBuf,
    },
}

/// Automatic mail kept in `.local/automatic/`.
struct KeptMail {
    automatic: Automatic,
    path: PathBuf,
    /// The short id of the ticket it was about, if any.
    about: Option<String>,
    message_id: Option<String>,
}

/// File the mail waiting in a Maildir
///
/// Every message in DIR/new/ (where fetchmail, getmail, mbsync and
/// offlineimap deliver) is filed as `baton new --from-mail` files one: a new
/// ticket, a message on the ticket it answers, a bounce recorded on its
/// ticket, automatic mail kept in tickets/.local/automatic/, or unusable mail
/// kept in tickets/.local/rejected/. Only then is it moved to DIR/cur/ (marked
/// seen), so a run that is killed, or a message that cannot be kept now,
/// leaves the message in new/ for the next run; a message filed but not yet
/// moved is recognised and only moved. DIR/tmp/ is never read.
///
/// Prints one line per message, and nothing when nothing is new, so it can
/// run from cron. Exit 75 means the store could not be locked or written
/// now: what is left stays in new/. See docs/mail.md.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton intake --maildir ~/Maildir                 file what fetchmail or mbsync delivered
  baton --store ~/support/tickets intake --maildir ~/Maildir/support
  */5 * * * * baton --store ~/support/tickets intake --maildir ~/Maildir   (crontab)")]
pub struct Args {
    /// The Maildir to file from: the folder that holds new/, cur/ and tmp/
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub maildir: PathBuf,
    /// Who owns the new tickets (default: [intake] owner, else the least
    /// loaded person on the front line)
    #[arg(long, short, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// How urgent new tickets are: low, normal (the default), high or urgent
    #[arg(long, short, value_parser = crate::core::typed::priority,
          add = ArgValueCandidates::new(completions::priorities))]
    pub priority: Option<Priority>,
    /// A tag for new tickets (repeat for more)
    #[arg(long = "tag", short, value_name = "TAG")]
    pub tags: Vec<String>,
}

/// How new tickets are filed, as the command line says.
struct Options {
    owner: Option<String>,
    priority: Option<Priority>,
    tags: Vec<String>,
    /// With `--ack`: print the acknowledgement (one message on stdin only).
    ack: bool,
    /// The name a message that cannot be filed is kept under in
    /// `rejected/`; one that is the same on every run keeps a message
    /// filed again after a crash only once. `None`: a new name.
    reject_as: Option<String>,
}

/// `baton intake --maildir DIR`: files each message waiting in `new/`, and
/// moves it to `cur/` once it is filed or kept.
pub fn maildir(ctx: &Ctx, args: Args) -> Result<()> {
    let maildir = Maildir::open(&args.maildir)?;
    // Without a store nothing can be filed: exit 75, the mail stays in new/.
    let store = ctx.store().map_err(try_later)?;
    let waiting = maildir.waiting()?;
    if waiting.is_empty() {
        return Batch::default().finish(&ctx.out);
    }
    // Checked once, before any message: a config that cannot be read (a
    // bad edit, a merge in progress) or a wrong --owner would otherwise send
    // every message to rejected/. The mail waits in new/ instead (exit 75).
    let config = store.config().map_err(try_later)?;
    if let Some(owner) = &args.owner {
        config.member(owner)?;
    }
    let mut batch = Batch::default();
    let mut stopped = None;
    for w in &waiting {
        let Some(raw) = maildir.read(w)? else {
            continue; // another run took it meanwhile
        };
        let opts = Options {
            owner: args.owner.clone(),
            priority: args.priority,
            tags: args.tags.clone(),
            ack: false,
            reject_as: Some(maildir::keep_name(w)),
        };
        // Each message looks at the store afresh, once.
        let store = store.clone().remembering_stamps();
        // A message that cannot be kept now stops the run: the next message
        // would meet the same locked store or full disk.
        let delivered = match deliver(ctx, &store, &raw, &opts) {
            Ok(d) => d,
            Err(e) => {
                stopped = Some(e);
                break;
            }
        };
        let moved = maildir.mark_seen(w);
        let file = w.name.as_str();
        match delivered {
            Delivered::Filed(done) => {
                offer_problems(ctx, &store, &done);
                with_filed(ctx, &done, false, |f| batch.filed(&ctx.out, f, file))?
            }
            Delivered::Kept(k) => batch.kept(&ctx.out, &kept_shown(&k, false), file)?,
            Delivered::Rejected { reason, path } => {
                batch.rejected(&ctx.out, &reason, &path, file)?
            }
        }
        if let Err(e) = moved {
            stopped = Some(e);
            break;
        }
    }
    batch.finish(&ctx.out)?;
    match stopped {
        None => Ok(()),
        Some(e) => {
            let left = maildir.waiting().map_or(0, |w| w.len());
            let hint = format!(
                "{left} message(s) stay in {} for the next run",
                maildir.new_dir().display()
            );
            let hint = match &e.hint {
                Some(h) => format!("{h}; {hint}"),
                None => hint,
            };
            Err(Error {
                hint: Some(hint),
                ..e
            })
        }
    }
}

/// `baton new --from-mail`: files the one message on stdin.
pub fn run(ctx: &Ctx, args: super::new::Args) -> Result<()> {
    if ctx.stdin_is_terminal() {
        return Err(
            Error::usage("--from-mail reads one e-mail on standard input")
                .hint("pipe a message in: baton new --from-mail < message.eml"),
        );
    }
    let raw = ctx.read_stdin_bytes()?;
    // Without a store there is nowhere to keep the mail: exit 75 tells the
    // mail system to keep the message and try again later.
    // Filing looks at every file's stamp in several passes (the mail
    // index, the owners' loads, the open problems): once is enough.
    let store = ctx.store().map_err(try_later)?.remembering_stamps();
    let opts = Options {
        owner: args.owner,
        priority: args.priority,
        tags: args.tags,
        ack: args.ack,
        reject_as: None,
    };
    match deliver(ctx, &store, &raw, &opts)? {
        Delivered::Filed(done) => {
            offer_problems(ctx, &store, &done);
            with_filed(ctx, &done, opts.ack, |f| filed::filed(&ctx.out, f))
        }
        Delivered::Kept(kept) => filed::kept(&ctx.out, &kept_shown(&kept, opts.ack)),
        Delivered::Rejected { reason, path } => filed::rejected(&ctx.out, &reason, &path),
    }
}

/// Automatic mail kept aside, as render shows it.
fn kept_shown(kept: &KeptMail, print_ack: bool) -> filed::Kept<'_> {
    filed::Kept {
        kind: kept.automatic.kind.as_str(),
        why: &kept.automatic.why,
        path: &kept.path,
        about: kept.about.as_deref(),
        message_id: kept.message_id.as_deref(),
        print_ack,
    }
}

/// Files one message, given as its raw bytes: on a ticket, or kept aside as
/// automatic mail, or (when it cannot be used) kept in `rejected/`. A
/// Maildir or mbox reader calls this per message. An error means the
/// message could not be kept anywhere now (exit 75: the mail system keeps
/// it and retries), so no message is lost to an exit code.
fn deliver(ctx: &Ctx, store: &Store, raw: &[u8], opts: &Options) -> Result<Delivered> {
    match file(ctx, store, raw, opts) {
        Ok(done) => Ok(done),
        Err(err) => reject(ctx, store, raw, &err, opts.reject_as.as_deref()),
    }
}

/// The error of a message that could not be kept now, with exit 75
/// (`EX_TEMPFAIL`), which Postfix, Exim and procmail retry.
fn try_later(err: Error) -> Error {
    let hint = err
        .hint
        .clone()
        .unwrap_or_else(|| "the mail system keeps the message and delivers it again later".into());
    Error {
        code: EXIT_TEMPFAIL,
        ..err
    }
    .hint(hint)
}

/// Keeps a message that could not be filed in `rejected/`, with the
/// reason; an error when it could not be kept there either.
fn reject(
    ctx: &Ctx,
    store: &Store,
    raw: &[u8],
    err: &Error,
    name: Option<&str>,
) -> Result<Delivered> {
    // A store locked too long is not the message's fault, and keeping it
    // needs the same lock: the mail system tries again later.
    if err.code == EXIT_TEMPFAIL {
        return Err(err.clone());
    }
    let mut reason = err.message.clone();
    if let Some(hint) = &err.hint {
        reason.push_str(&format!(" ({hint})"));
    }
    let name = match name {
        Some(name) => name.to_string(),
        None => format!(
            "{}-{}",
            ctx.now.format("%Y%m%dT%H%M%SZ"),
            ctx.new_id().simple()
        ),
    };
    let kept = Txn::begin_raw(ctx, store).and_then(|mut txn| {
        let path = txn.reject(&name, raw, &reason);
        txn.finish("");
        path
    });
    match kept {
        Ok(path) => Ok(Delivered::Rejected {
            reason: err.message.clone(),
            path,
        }),
        Err(keep) => Err(try_later(Error::new(format!(
            "the message was not filed ({}) and could not be kept: {}",
            err.message, keep.message
        )))),
    }
}

/// Reads the message and files it under the store lock.
fn file(ctx: &Ctx, store: &Store, raw: &[u8], opts: &Options) -> Result<Delivered> {
    let mut mail = mail::parse(raw).map_err(Error::new)?;
    let mut txn = Txn::begin(ctx, store)?;
    let config = txn.config()?.clone();
    if let Some(owner) = &opts.owner {
        config.member(owner)?;
    }
    mail.attachments = attachment::decide(&mail.parts, config.intake.max_attachment());
    let now = txn.now();
    // Only the tickets whose files may hold one of the message's ids or the
    // sender's address matter: the mail index names them, and the rest are
    // not read, let alone parsed.
    let listing = store.list()?;
    let address = intake::address_of(&mail.from);
    let needles = intake::needles(&mail, address.as_deref());
    let keys = intake::lookup_keys(&mail, address.as_deref());
    let mut tickets = Vec::new();
    let named = intake::tagged(&mail, &listing.ids);
    for found in store.mail_tickets(&listing.ids, &keys, &named, |bytes| needles.may_hold(bytes)) {
        match found {
            Ok(t) => tickets.push(t),
            Err(e) => ctx.out.warn(&e),
        }
    }
    let auto = automatic::classify(&mail, config.intake.address.as_deref());
    let mut ack_refused = None;
    let route = intake::route(&mail, auto.as_ref(), &tickets, &listing.ids).follow_merges(|id| {
        store
            .read(id)
            .ok()
            .and_then(|t| crate::core::duplicate::merged_into(&t))
    });
    let (ticket, before, filing) = match route {
        Route::Kept(about) => {
            let automatic = auto.unwrap_or_else(|| Automatic {
                kind: automatic::Kind::Bulk,
                why: "the message is automatic".into(),
            });
            let about = about.map(|id| id::short_in(&listing.ids, id));
            let path = txn.keep_automatic(
                &mail.digest.replace(':', "-"),
                raw,
                &kept_reason(&automatic, about.as_deref(), &mail, now),
            )?;
            txn.finish("");
            return Ok(Delivered::Kept(KeptMail {
                automatic,
                path,
                about,
                message_id: mail.message_id.clone(),
            }));
        }
        Route::New => {
            let owner = match &opts.owner {
                Some(o) => o.clone(),
                None => intake::owner(
                    &config,
                    &query::open_load(&store.summaries_in(Scope::Live)?.tickets),
                ),
            };
            let target = intake::ack_target(&mail);
            let recent = target
                .as_deref()
                .map_or(0, |a| intake::recent_acks(&tickets, a, now));
            ack_refused = intake::ack_refusal(&mail, &config, recent);
            let base = Draft {
                owner: Some(owner),
                priority: opts.priority.unwrap_or_default(),
                tags: opts.tags.clone(),
                ..Draft::default()
            };
            // The acknowledgement goes where the sender asked answers to go.
            let ack = if ack_refused.is_none() { target } else { None };
            let ticket = intake::new_ticket(&config, now, ctx.new_id(), &mail, base, ack)?;
            (ticket, 0, Filing::Created)
        }
        Route::Customer(id) => {
            let mut ticket = store.read(id)?;
            let (before, was) = (ticket.events.len(), ticket.status);
            let at = txn.now_for(&ticket);
            // An answer to the ticket's survey is a rating, and reopens nothing.
            let reopened = if intake::add_answer(&mut ticket, at, &mail) {
                None
            } else {
                intake::add_message(&mut ticket, at, &mail);
                (was != Status::Open).then_some(was)
            };
            (ticket, before, Filing::Added { reopened })
        }
        Route::Stranger(id) | Route::DeliveryFailed(id) => {
            let mut ticket = store.read(id)?;
            let before = ticket.events.len();
            let at = txn.now_for(&ticket);
            if matches!(route, Route::Stranger(_)) {
                intake::add_stranger(&mut ticket, at, &mail);
                (ticket, before, Filing::Stranger)
            } else {
                intake::add_delivery_failure(&mut ticket, at, &mail);
                (ticket, before, Filing::DeliveryFailed)
            }
        }
        Route::Duplicate(id) => {
            let ticket = store.read(id)?;
            let before = ticket.events.len();
            (ticket, before, Filing::Duplicate)
        }
    };
    let short = id::short_in(&listing.ids, ticket.id);
    let mut message = String::new();
    // The files first: a ticket never names an attachment that is not there.
    if matches!(
        filing,
        Filing::Created | Filing::Added { .. } | Filing::Stranger
    ) {
        for (part, kept) in mail.parts.iter().zip(&mail.attachments) {
            if let Some(sha) = &kept.sha256 {
                txn.keep_file(sha, &part.bytes)?;
            }
        }
    }
    match filing {
        Filing::Created => txn.create(&ticket, &short)?,
        Filing::Duplicate => {}
        _ => txn.save(&ticket, &short, before)?,
    }
    if ticket.events.len() > before {
        message = commit::ticket(&short, &ticket, &ticket.events[before..]);
    }
    txn.finish(&message);
    Ok(Delivered::Filed(Box::new(Intake {
        ticket,
        short,
        config,
        filing,
        message_id: mail.message_id.clone(),
        ack_refused,
    })))
}

/// The `.reason` beside a kept automatic message: when it came, from whom,
/// what it is and why, and the ticket it was about.
fn kept_reason(
    auto: &Automatic,
    about: Option<&str>,
    mail: &Incoming,
    now: DateTime<Utc>,
) -> String {
    let mut reason = format!(
        "{} {} from {}: {}",
        now.format("%Y-%m-%dT%H:%M:%SZ"),
        auto.kind.as_str(),
        mail.from,
        auto.why
    );
    if let Some(short) = about {
        reason.push_str(&format!(" (about {short}; it reopened nothing)"));
    }
    reason
}

/// A new ticket's matching open problems, offered (issue 22 item 4).
fn offer_problems(ctx: &Ctx, store: &Store, m: &Intake) {
    if matches!(m.filing, Filing::Created) {
        super::link::offer_problems(ctx, store, &m.ticket, &m.short);
    }
}

/// What became of the message, as render shows it (see [`filed::filed`]),
/// handed to `show`.
fn with_filed<R>(ctx: &Ctx, m: &Intake, print_ack: bool, show: impl FnOnce(&Filed) -> R) -> R {
    let due = clock::deadline(&m.ticket, &m.config, ctx.now);
    let ack: Option<Notice> = match m.filing {
        Filing::Created => notice::for_event(
            &m.ticket,
            &m.ticket.events[0],
            &m.short,
            &m.config,
            due.as_ref().map(|d| d.at),
        ),
        _ => None,
    };
    let shown = Filed {
        ticket: &m.ticket,
        short: &m.short,
        due: due.as_ref(),
        filing: m.filing,
        message_id: m.message_id.as_deref(),
        ack: ack.as_ref(),
        ack_refused: m.ack_refused.as_deref(),
        print_ack,
    };
    show(&shown)
}
