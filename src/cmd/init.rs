//! `baton init`: create a store with a team of one.

use std::fs;

use crate::core::config::{Config, check_name};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::store::{CONFIG_FILE, Store, write_atomic};

/// Create a tickets/ folder here with a team config for you
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  baton init\n  baton init --name ana\n  baton init --store ~/support/tickets"
)]
pub struct Args {
    /// Your name on the team (default: --as, your user config, git's user.name or $USER)
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail (default: git's user.email)
    #[arg(long)]
    pub email: Option<String>,
}

/// The config a new store starts with: one person, the default rules spelled out.
fn starter_config(name: &str, email: Option<&str>) -> String {
    let email = email
        .map(|e| format!("email = {}\n", toml::Value::String(e.to_string())))
        .unwrap_or_default();
    format!(
        "# baton team config. Grow the team with: baton people add NAME --level N\n\
         # Level 1 is the front line; the highest level is the top of the pyramid.\n\
         \n\
         [[people]]\n\
         name = \"{name}\"\n\
         {email}\
         level = 1\n\
         \n\
         [escalation]\n\
         after = \"20h\"              # unsolved this long: escalate\n\
         to = \"top\"                 # \"top\", \"next\" (one level up) or a person's name\n\
         pause_when_waiting = true  # time waiting for the customer does not count\n\
         \n\
         [sla]\n\
         first_response = \"1h\"      # target for the first reply to the customer\n"
    )
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = Store::at(&ctx.init_dir(), &ctx.cwd);
    let shown = store.shown(store.dir()).display().to_string();
    if store.config_path().is_file() {
        store.ensure_local()?;
        return ctx.out.result(
            &format!("{shown} is already a baton store; nothing changed"),
            || serde_json::json!({"store": store.dir(), "created": false}),
        );
    }
    let Some(name) = args.name.or_else(|| ctx.suggested_name()) else {
        return Err(Error::usage("cannot tell your name for the team config")
            .hint("baton init --name YOUR_NAME"));
    };
    check_name(&name).map_err(|m| Error::usage(m).hint("baton init --name YOUR_NAME"))?;
    let email = args.email.or_else(|| ctx.git_email());
    let text = starter_config(&name, email.as_deref());
    // The starter config must itself pass the checks every command makes.
    Config::parse(&text).map_err(|e| Error::new(format!("the starter config is invalid: {e}")))?;
    fs::create_dir_all(store.dir()).map_err(|e| Error::io(store.dir(), "create", e))?;
    let path = store.config_path();
    write_atomic(&path, text.as_bytes(), false)
        .map_err(|e| Error::io(&store.shown(&path), "create", e))?;
    store.ensure_local()?;
    // Whoever made the store keeps acting as themselves once the team grows.
    let local = store.local_config_path();
    let settings = format!("# This copy of the store only; never committed.\nname = \"{name}\"\n");
    write_atomic(&local, settings.as_bytes(), true)
        .map_err(|e| Error::io(&store.shown(&local), "write", e))?;
    let human = format!(
        "created {shown}/ with {CONFIG_FILE} for a team of one: {name}\n\
         next: baton new \"First ticket\"   (and 'baton people add NAME --level N' to grow the team)"
    );
    ctx.out.result(
        &human,
        || serde_json::json!({"store": store.dir(), "created": true, "people": [name]}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_config_is_valid_and_names_its_person() {
        let c = Config::parse(&starter_config("ana", Some("ana@example.com"))).unwrap();
        assert_eq!(c.people[0].name, "ana");
        assert_eq!(c.people[0].email.as_deref(), Some("ana@example.com"));
        assert_eq!(c.escalation.after.as_secs(), 72_000);
    }
}
