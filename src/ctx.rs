//! Everything that comes from outside, read once: the clock, the store's place,
//! who is acting, and what the terminal can do. Time, identity and randomness
//! enter baton only here.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::core::config::Config;
use crate::error::{Error, Result};
use crate::io::git;
use crate::render::Output;
use crate::store::Store;
use crate::term::prompt::Prompt;

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The global flags, as the command line gave them.
#[derive(Debug, Clone)]
pub struct Flags {
    pub store: Option<PathBuf>,
    pub actor: Option<String>,
    pub json: bool,
    pub yes: bool,
    pub color: ColorChoice,
}

/// The outside world as one command sees it.
pub struct Ctx {
    /// The command's "now" as it started (`BATON_NOW` when set). Writes take
    /// theirs again once they hold the store lock ([`Ctx::clock`]).
    pub now: DateTime<Utc>,
    /// `BATON_NOW` fixes the clock: every reading is `now`.
    fixed_clock: bool,
    /// `BATON_ID_SEED` (honoured only with `BATON_NOW`): new ids count up
    /// from it instead of being random, so tests can name their tickets.
    id_seed: Option<u128>,
    /// How many ids this command has made.
    ids_made: std::sync::atomic::AtomicU64,
    pub cwd: PathBuf,
    store_dir: Option<PathBuf>,
    actor: Option<String>,
    user_config: Option<PathBuf>,
    /// The user's own hook folder: `$XDG_CONFIG_HOME/baton/hooks`, else
    /// `~/.config/baton/hooks`.
    user_hooks: Option<PathBuf>,
    /// Standard input and standard error are terminals, so a person could
    /// answer a prompt.
    interactive: bool,
    /// `--yes`: never ask; confirmations count as answered yes.
    assume_yes: bool,
    /// The editor command: `$VISUAL`, else `$EDITOR`, else a default.
    editor: String,
    /// `BATON_TRACE`: say on stderr what the cache saved.
    trace: bool,
    pub out: Output,
}

/// Whether to colour a stream: `--color`, then `NO_COLOR` and a dumb or
/// missing terminal.
pub fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            is_terminal && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The editor a person has chosen, as git finds it: `$VISUAL`, else `$EDITOR`,
/// else `vi` (`notepad` on Windows).
fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| if cfg!(windows) { "notepad" } else { "vi" }.to_string())
}

/// The store a shell completion reads from: `BATON_STORE`, else the one found
/// above the current folder. Flags typed on the command line being completed
/// (such as `--store`) are not seen.
pub fn completion_store() -> Option<Store> {
    let cwd = std::env::current_dir().ok()?;
    match std::env::var_os("BATON_STORE") {
        Some(dir) => Store::open(Path::new(&dir), &cwd).ok(),
        None => Store::discover(&cwd).ok(),
    }
}

/// The user's config folder: `$XDG_CONFIG_HOME`, else `~/.config`.
fn config_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The user config file: `BATON_CONFIG`, else `$XDG_CONFIG_HOME/baton/config.toml`,
/// else `~/.config/baton/config.toml`.
fn user_config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BATON_CONFIG") {
        return Some(PathBuf::from(p));
    }
    Some(config_home()?.join("baton").join("config.toml"))
}

/// The system clock, to the second.
fn system_now() -> DateTime<Utc> {
    #[allow(clippy::disallowed_methods)] // the one place the system clock is read
    let now = Utc::now();
    now.trunc_subsecs(0)
}

/// `BATON_ID_SEED`: a ticket id (the first id made; the next ones count up
/// from it), honoured only where `BATON_NOW` fixes the clock, so that it can
/// never make ids predictable in real use.
fn parse_id_seed(value: Option<String>, fixed_clock: bool) -> Result<Option<u128>> {
    let Some(text) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    if !fixed_clock {
        return Ok(None);
    }
    Uuid::try_parse(text.trim())
        .map(|id| Some(id.as_u128()))
        .map_err(|e| {
            Error::usage(format!(
                "BATON_ID_SEED='{}' is not a ticket id ({e})",
                text.escape_debug()
            ))
            .hint("use a form such as BATON_ID_SEED=0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84, or unset it")
        })
}

fn parse_now(value: Option<String>) -> Result<DateTime<Utc>> {
    match value {
        None => Ok(system_now()),
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc).trunc_subsecs(0))
            .map_err(|e| {
                Error::usage(format!(
                    "BATON_NOW='{}' is not an RFC 3339 time ({e})",
                    text.escape_debug()
                ))
                .hint("use a form such as BATON_NOW=2026-11-20T09:14:00Z, or unset it")
            }),
    }
}

impl Ctx {
    /// Reads the environment once.
    pub fn from_env(global: &Flags) -> Result<Ctx> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new(format!("cannot read the current folder: {e}")))?;
        let stdout_tty = std::io::stdout().is_terminal();
        let color = !global.json && color_enabled(global.color, stdout_tty);
        let err_color = color_enabled(global.color, std::io::stderr().is_terminal());
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w > 20);
        let fixed = std::env::var("BATON_NOW").ok().filter(|v| !v.is_empty());
        let fixed_clock = fixed.is_some();
        Ok(Ctx {
            now: parse_now(fixed)?,
            fixed_clock,
            id_seed: parse_id_seed(std::env::var("BATON_ID_SEED").ok(), fixed_clock)?,
            ids_made: std::sync::atomic::AtomicU64::new(0),
            cwd,
            store_dir: global.store.clone(),
            actor: global.actor.clone(),
            user_config: user_config_path(),
            user_hooks: config_home().map(|c| c.join("baton").join("hooks")),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            assume_yes: global.yes,
            editor: editor_command(),
            trace: std::env::var_os("BATON_TRACE").is_some_and(|v| !v.is_empty()),
            out: Output::new(global.json, color, stdout_tty, width).err_color(err_color),
        })
    }

    /// Whether a person can be asked: terminals on both ends, and neither
    /// `--json` nor `--yes`.
    pub fn can_prompt(&self) -> bool {
        self.interactive && !self.out.json && !self.assume_yes
    }

    /// Questions for the person at the terminal, coloured as stderr allows.
    pub fn prompt(&self) -> Prompt {
        Prompt::new(self.out.err_color)
    }

    /// `--yes` was given: a confirmation counts as answered.
    pub fn assume_yes(&self) -> bool {
        self.assume_yes
    }

    /// The command that opens the person's editor (it may carry arguments,
    /// such as `code --wait`).
    pub fn editor(&self) -> &str {
        &self.editor
    }

    /// The store named by `--store`/`BATON_STORE`, else found by walking up.
    pub fn store(&self) -> Result<Store> {
        match &self.store_dir {
            Some(dir) => Store::open(dir, &self.cwd),
            None => Store::discover(&self.cwd),
        }
        .map(|s| s.traced(self.trace))
    }

    /// Where `baton init` creates the store: `--store`, else `./tickets`.
    pub fn init_dir(&self) -> PathBuf {
        self.store_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(crate::store::STORE_DIR))
    }

    /// Where hooks are looked for, in order: the store's untracked
    /// `.local/hooks/`, then the user's own hook folder. Never a tracked folder.
    pub fn hook_dirs(&self, store: &Store) -> Vec<PathBuf> {
        std::iter::once(store.hooks_dir())
            .chain(self.user_hooks.clone())
            .collect()
    }

    /// Standard input is a terminal (nothing was piped in).
    pub fn stdin_is_terminal(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    /// Reads all of standard input as bytes (a message piped in).
    pub fn read_stdin_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| Error::new(format!("cannot read standard input: {e}")))?;
        Ok(bytes)
    }

    /// The clock read now: the time a write gives its events once it holds
    /// the store lock. With `BATON_NOW`, always that time.
    pub fn clock(&self) -> DateTime<Utc> {
        if self.fixed_clock {
            self.now
        } else {
            system_now()
        }
    }

    /// A fresh ticket id: random, or the next one from `BATON_ID_SEED`.
    pub fn new_id(&self) -> Uuid {
        let n = self
            .ids_made
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match self.id_seed {
            Some(seed) => Uuid::from_u128(seed.wrapping_add(u128::from(n))),
            None => {
                #[allow(clippy::disallowed_methods)] // the one place randomness enters
                Uuid::new_v4()
            }
        }
    }

    /// The name `user.name`-style sources suggest for a new store's first person.
    pub fn suggested_name(&self) -> Option<String> {
        self.actor
            .clone()
            .or_else(|| self.user_config_name())
            .or_else(|| git::config_value(&self.cwd, "user.name").map(|n| handle_from(&n)))
            .or_else(|| std::env::var("USER").ok())
            .filter(|n| !n.is_empty())
    }

    /// The e-mail git knows for the current user.
    pub fn git_email(&self) -> Option<String> {
        git::config_value(&self.cwd, "user.email")
    }

    fn user_config_name(&self) -> Option<String> {
        name_in(self.user_config.as_ref()?)
    }

    /// Who is acting: `--as`, `BATON_USER`, the store's local settings
    /// (`tickets/.local/config.toml`, written by `baton init` for whoever made
    /// the store), the user config's `name`, the team member whose e-mail is
    /// git's `user.email`, or the only person on a team of one. The name must be
    /// on the team.
    pub fn actor(&self, store: &Store, config: &Config) -> Result<String> {
        let name = self
            .actor
            .clone()
            .or_else(|| name_in(&store.local_config_path()))
            .or_else(|| self.user_config_name())
            .or_else(|| {
                let email = self.git_email()?;
                let p = config.people.iter().find(|p| {
                    p.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&email))
                })?;
                Some(p.name.clone())
            })
            .or_else(|| (config.people.len() == 1).then(|| config.people[0].name.clone()));
        match name {
            Some(name) => config.member(&name).map(|p| p.name.clone()).map_err(|e| {
                let hint = match config.closest(&name) {
                    Some(near) => format!("did you mean '{near}'? pass --as {near} or set BATON_USER={near}"),
                    None => "pass --as NAME or set BATON_USER to a name on the team".to_string(),
                };
                Error::new(format!("{} (you are acting as '{}')", e.message, name.escape_debug()))
                    .hint(hint)
            }),
            None => Err(Error::new(format!("cannot tell who you are (the team: {})", config.names())).hint(
                "pass --as NAME, set BATON_USER, or put name = \"NAME\" in tickets/.local/config.toml",
            )),
        }
    }

    /// Reads a file named on the command line, as text.
    pub fn read_arg_file(&self, path: &Path) -> Result<String> {
        if path == Path::new("-") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| Error::new(format!("cannot read standard input: {e}")))?;
            return Ok(text);
        }
        std::fs::read_to_string(self.cwd.join(path)).map_err(|e| Error::io(path, "read", e))
    }
}

/// The `name` in a small TOML settings file, if the file is there and says one.
fn name_in(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.get("name")?.as_str().map(str::to_string)
}

/// Turns a full name into a handle: "Ana Lima" → "ana".
fn handle_from(full: &str) -> String {
    full.split_whitespace()
        .next()
        .unwrap_or(full)
        .to_lowercase()
}
