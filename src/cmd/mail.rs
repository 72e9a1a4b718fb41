//! `baton mail test ADDRESS`: sends one message through `[mail] send`,
//! straight (not through the outbox), and prints what the server said, so
//! that a set-up can be checked before a customer depends on it.

use super::outbox::password_for;
use crate::core::intake::address_of;
use crate::core::outgoing;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::transport::{self, Message};
use crate::render::outbox as shown;

/// Check the mail set-up: send a test message and show the server's answer
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton mail test me@example.com     send one test message through [mail] send")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// What to do with the mail set-up.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Send a test message to ADDRESS and print what the server said
    #[command(after_help = "Examples:
  baton mail test me@example.com     prints 'accepted: 250 ...' or the refusal")]
    Test {
        /// Where the test message goes
        address: String,
    },
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let Action::Test { address } = args.action;
    let store = ctx.store()?;
    let config = store.config()?;
    let Some(send) = &config.mail.send else {
        return Err(Error::usage("no [mail] send is configured, so there is nothing to test")
            .hint("set send = \"sendmail -t -oi\" or send = \"smtp://user@host:587\" under [mail] in baton.toml (see docs/mail.md)"));
    };
    let to = address_of(&address).ok_or_else(|| {
        Error::usage(format!(
            "'{}' is not a mail address",
            address.escape_debug()
        ))
        .hint("baton mail test you@example.com")
    })?;
    let test = outgoing::test_message(&config, &to, ctx.clock());
    let password = password_for(ctx, &config).map_err(Error::new)?;
    let from = test.from.as_deref().and_then(address_of);
    let mail = test.mail();
    let message = Message {
        from: from.as_deref(),
        to: &to,
        mail: &mail,
    };
    match transport::send(send, password.as_deref(), &message, config.mail.timeout) {
        Ok(a) => {
            let said = shown::server_said(a.code, &a.text, true);
            ctx.out.result(&said, || {
                serde_json::json!({"accepted": true, "code": a.code, "text": a.text})
            })
        }
        Err(r) => Err(Error::new(shown::server_said(r.code, &r.text, false))
            .hint("check [mail] send, the password and the server's log; docs/mail.md shows working set-ups")),
    }
}
