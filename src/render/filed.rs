//! What `baton new`, `baton new --from-mail` and `baton intake` say about the
//! ticket they filed: its id (what scripts capture), a line saying what
//! happened, and with `--ack` the acknowledgement for the customer, ready for
//! `sendmail -t`, or why there is none; or the JSON document.

use std::path::Path;

use serde_json::json;

use super::{Output, json, outcome};
use crate::core::clock::Deadline;
use crate::core::notice::Notice;
use crate::core::ticket::{Status, Ticket};
use crate::error::Result;

/// A ticket `baton new` made.
pub struct Created<'a> {
    pub ticket: &'a Ticket,
    pub short: &'a str,
    pub due: Option<&'a Deadline>,
    /// The acknowledgement for the customer, when they have an address.
    pub ack: Option<&'a Notice>,
    /// `--ack`: the acknowledgement is the result, not the id.
    pub print_ack: bool,
    /// The person was asked for the fields: say what usually comes next.
    pub guided: bool,
}

/// Prints what `baton new` made: the line on stderr, then the id (or the
/// acknowledgement) on stdout, or the JSON document.
pub fn created(out: &Output, c: &Created) -> Result<()> {
    if !out.json {
        out.info(&outcome::created(c.short, &c.ticket.owner));
    }
    let human = match (c.ack, c.print_ack) {
        (_, false) => c.ticket.id.to_string(),
        // Without a message to print, stdout still says which ticket was
        // made, so `id=$(baton new … --ack)` never comes back empty.
        (None, true) => {
            out.info(&format!(
                "no acknowledgement: {} has no customer with an e-mail address",
                c.short
            ));
            c.ticket.id.to_string()
        }
        (ack, true) => ack_or_why(out, ack, ""),
    };
    if out.json || !human.is_empty() {
        out.result(&human, || json::created(c.ticket, c.short, c.due, c.ack))?;
    }
    if c.guided {
        out.info(&outcome::next_after_new(c.short));
    }
    Ok(())
}

/// What became of a message `new --from-mail` filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    /// A new ticket.
    Created,
    /// A `customer` message on the ticket it answers; the status that ticket
    /// had when the message reopened it.
    Added { reopened: Option<Status> },
    /// A `stranger` event: the sender does not speak for the customer.
    Stranger,
    /// A `delivery-failed` event: a bounce of the ticket's mail.
    DeliveryFailed,
    /// The ticket already held this message; nothing was written.
    Duplicate,
}

impl Filing {
    /// The name of it in the JSON document.
    pub fn as_str(self) -> &'static str {
        match self {
            Filing::Created => "created",
            Filing::Added { .. } => "added",
            Filing::Stranger => "stranger",
            Filing::DeliveryFailed => "delivery-failed",
            Filing::Duplicate => "duplicate",
        }
    }
}

/// A message `new --from-mail` filed.
pub struct Filed<'a> {
    pub ticket: &'a Ticket,
    pub short: &'a str,
    pub due: Option<&'a Deadline>,
    pub filing: Filing,
    /// The message's Message-ID.
    pub message_id: Option<&'a str>,
    /// The acknowledgement of a new ticket.
    pub ack: Option<&'a Notice>,
    /// Why a new ticket got no acknowledgement.
    pub ack_refused: Option<&'a str>,
    /// `--ack`: the acknowledgement is the result, and the line goes to
    /// stderr.
    pub print_ack: bool,
}

/// Prints what became of a message: one line on stdout (or the
/// acknowledgement with `--ack`), or the JSON document.
pub fn filed(out: &Output, f: &Filed) -> Result<()> {
    let line = filing_line(f);
    let human = if f.print_ack {
        out.info(&line);
        let why = f.ack_refused.unwrap_or("only a new ticket is acknowledged");
        ack_or_why(out, f.ack, why)
    } else {
        line
    };
    if !out.json && human.is_empty() {
        return Ok(());
    }
    out.result(&human, || json::filed(f))
}

/// `created 0b7c for jan@example.com, owned by ana`, and the like.
fn filing_line(f: &Filed) -> String {
    let short = f.short;
    match f.filing {
        Filing::Created => format!(
            "created {short} for {}, owned by {}",
            super::text::clean_line(&f.ticket.customer),
            f.ticket.owner
        ),
        Filing::Added { reopened: None } => format!("added the message to {short}"),
        Filing::Added {
            reopened: Some(was),
        } => format!("added the message to {short} and reopened it (it was {was})"),
        Filing::Stranger => format!(
            "added the message to {short} as from {}, who is not its customer; it reopened nothing",
            f.ticket
                .events
                .last()
                .and_then(|e| e.from.as_deref())
                .map_or_else(|| "?".into(), super::text::clean_line)
        ),
        Filing::DeliveryFailed => {
            format!("{short}: a message to the customer was not delivered (recorded on the ticket)")
        }
        Filing::Duplicate => format!("{short} already holds this message; nothing was added"),
    }
}

/// With `--ack`: the acknowledgement as a mail, to print as the result; or,
/// when there is none, nothing to print and `why` said on stderr.
fn ack_or_why(out: &Output, ack: Option<&Notice>, why: &str) -> String {
    match ack {
        Some(ack) => ack.mail(),
        None => {
            out.info(&format!("no acknowledgement: {why}"));
            String::new()
        }
    }
}

/// Automatic mail `new --from-mail` kept aside instead of filing it.
pub struct Kept<'a> {
    /// What kind of automatic mail it is (`auto-reply`, `delivery-report`...).
    pub kind: &'a str,
    /// The sign that gave it away.
    pub why: &'a str,
    /// Where it is kept.
    pub path: &'a Path,
    /// The short id of the ticket it was about, if any.
    pub about: Option<&'a str>,
    pub message_id: Option<&'a str>,
    /// `--ack`: the line goes to stderr, with why there is no
    /// acknowledgement, and nothing to stdout.
    pub print_ack: bool,
}

/// Prints what became of automatic mail: one line, or the JSON document.
pub fn kept(out: &Output, k: &Kept) -> Result<()> {
    let about = k.about.map(|s| format!(" about {s}")).unwrap_or_default();
    let human = format!(
        "kept {}{about} in {}, filed nowhere: {}",
        k.kind,
        super::text::clean_line(&k.path.display().to_string()),
        k.why
    );
    if k.print_ack && !out.json {
        out.info(&human);
        out.info(&format!("no acknowledgement: {}", k.why));
        return Ok(());
    }
    out.result(&human, || kept_doc(k))
}

/// The JSON document of automatic mail kept aside.
fn kept_doc(k: &Kept) -> serde_json::Value {
    json!({
        "intake": {
            "action": "kept",
            "automatic": k.kind,
            "reason": k.why,
            "kept_in": k.path.display().to_string(),
            "about": k.about,
            "message_id": k.message_id,
            "reopened_from": null,
            "ack_refused": k.why,
        },
        "ack": null,
    })
}

/// Prints what became of a message that could not be filed but is kept in
/// `rejected/`: the reason and where it is, on stderr (stdout stays empty
/// for scripts that read the id), or the JSON document.
pub fn rejected(out: &Output, reason: &str, path: &Path) -> Result<()> {
    let shown = super::text::clean_line(&path.display().to_string()).into_owned();
    if out.json {
        return out.result("", || rejected_doc(reason, &shown));
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.info(&format!(
        "not filed: {reason}; the message is kept in {shown}\n\
         hint: the reason is also in {name}.reason beside it; to try again: baton new --from-mail < {shown}"
    ));
    Ok(())
}

/// The JSON document of a message kept in `rejected/`.
fn rejected_doc(reason: &str, shown: &str) -> serde_json::Value {
    json!({
        "intake": {
            "action": "rejected",
            "reason": reason,
            "kept_in": shown,
            "message_id": null,
            "reopened_from": null,
            "ack_refused": null,
        },
        "ack": null,
    })
}

/// What `baton intake --maildir` says, message by message: each line as
/// `new --from-mail` says it, printed as soon as the message is filed (so
/// cron mails what was done even when a later message stops the run);
/// under `--json` one array of the same documents, each with the Maildir
/// file it came from as `intake.file`, printed by [`Batch::finish`].
#[derive(Default)]
pub struct Batch {
    docs: Vec<serde_json::Value>,
}

impl Batch {
    /// A message filed on a ticket.
    pub fn filed(&mut self, out: &Output, f: &Filed, file: &str) -> Result<()> {
        if out.json {
            self.gather(json::filed(f), file);
            return Ok(());
        }
        filed(out, f)
    }

    /// Automatic mail kept aside.
    pub fn kept(&mut self, out: &Output, k: &Kept, file: &str) -> Result<()> {
        if out.json {
            self.gather(kept_doc(k), file);
            return Ok(());
        }
        kept(out, k)
    }

    /// A message kept in `rejected/`.
    pub fn rejected(&mut self, out: &Output, reason: &str, path: &Path, file: &str) -> Result<()> {
        if out.json {
            let shown = super::text::clean_line(&path.display().to_string()).into_owned();
            self.gather(rejected_doc(reason, &shown), file);
            return Ok(());
        }
        rejected(out, reason, path)
    }

    fn gather(&mut self, mut doc: serde_json::Value, file: &str) {
        if let Some(intake) = doc.get_mut("intake").and_then(|i| i.as_object_mut()) {
            intake.insert("file".into(), json!(file));
        }
        self.docs.push(doc);
    }

    /// Ends the run: under `--json`, the array of every message's document
    /// (empty when nothing was new); the lines are out already.
    pub fn finish(self, out: &Output) -> Result<()> {
        if out.json {
            return out.json_array(self.docs.into_iter());
        }
        Ok(())
    }
}
