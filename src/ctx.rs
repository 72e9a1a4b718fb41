//! Everything that comes from outside, read once: the clock, the store's place,
//! who is acting, and what the terminal can do. Time, identity and randomness
//! enter baton only here, and so do the environment, the current folder, the
//! command line, the running binary's path, the wall clock of file times and
//! the local time zone: `clippy.toml` forbids reading them anywhere else, and
//! each is read at one call site below. The rest of the program gets them as
//! values ([`Ctx`], [`LocalZone`], [`Store::started`]).

use std::ffi::{OsStr, OsString};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{
    DateTime, Datelike, FixedOffset, MappedLocalTime, NaiveDateTime, Offset, SubsecRound, TimeZone,
    Utc,
};
// The system's time zone; see `LocalZone`.
#[allow(clippy::disallowed_types)] // the one place the system's time zone is named
use chrono::Local;
use uuid::Uuid;

use crate::core::config::Config;
use crate::core::view;
use crate::error::{Error, Kind, Result};
use crate::io::git;
use crate::render::Output;
use crate::render::pager::Pager;
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
    /// `--jsonl`: JSON one object per line (`json` is set too).
    pub jsonl: bool,
    pub yes: bool,
    pub color: ColorChoice,
    /// `--no-pager`.
    pub no_pager: bool,
}

/// Where baton learnt who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--as NAME`.
    Flag,
    /// `BATON_USER`.
    Env,
    /// The `name` in a settings file: this clone's `tickets/.local/config.toml`
    /// or the user config.
    File(PathBuf),
    /// The team member whose e-mail is git's `user.email`.
    GitEmail(String),
    /// The only person on the team.
    OnlyPerson,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => write!(f, "--as"),
            Source::Env => write!(f, "BATON_USER"),
            Source::File(path) => write!(f, "name in {}", path.display()),
            Source::GitEmail(email) => write!(f, "git's user.email {email}"),
            Source::OnlyPerson => write!(f, "the only person on the team"),
        }
    }
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
    /// Whether this command said already that the name it acts under was
    /// renamed (said once, however often the actor is read).
    rename_told: std::sync::atomic::AtomicBool,
    pub cwd: PathBuf,
    store_dir: Option<PathBuf>,
    actor: Option<String>,
    /// Where `actor` came from: `--as` or `BATON_USER`.
    actor_source: Source,
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
    /// `PATH`, as it was (an empty entry in it means the current folder).
    path_var: Option<OsString>,
    /// How to reach watchman: `BATON_WATCHMAN`, `WATCHMAN_SOCK`, `PATH`.
    watchman: crate::store::watch::Finder,
    /// This binary's own path, when the system can tell.
    current_exe: Option<PathBuf>,
    /// The first word of the command line: how baton was invoked.
    invoked_as: OsString,
    pub out: Output,
}

/// An environment variable, read as it is. Only `PATH` is read this way:
/// everything else goes through [`var`].
fn raw_var(key: &str) -> Option<OsString> {
    #[allow(clippy::disallowed_methods)] // the one place the environment is read
    std::env::var_os(key)
}

/// An environment variable, `None` when unset or empty: an empty variable
/// counts as unset everywhere in baton, so `BATON_STORE=` is no store and
/// `VISUAL=` defers to `EDITOR`.
fn var(key: &str) -> Option<OsString> {
    raw_var(key).filter(|v| !v.is_empty())
}

/// [`var`] as text; a value that is not UTF-8 counts as unset.
fn text_var(key: &str) -> Option<String> {
    var(key).and_then(|v| v.into_string().ok())
}

/// Whether a variable is one of baton's own (`BATON_*`), which count as
/// unset when empty even for the readers outside [`var`] (see
/// [`unset_empty_variables`]).
fn is_batons(key: &OsStr) -> bool {
    key.to_str().is_some_and(|k| k.starts_with("BATON_"))
}

/// Removes the `BATON_*` variables set to the empty string from this
/// process's environment. clap reads `BATON_STORE` and `BATON_USER` itself
/// (`env =` in `cli`), and would take an empty one for a value; afterwards
/// it, and every program baton starts, sees them unset.
///
/// # Safety
///
/// No other thread may exist while it runs (it changes the environment):
/// call it first thing in `main`.
pub unsafe fn unset_empty_variables() {
    #[allow(clippy::disallowed_methods)] // the one place the whole environment is listed
    let empty: Vec<OsString> = std::env::vars_os()
        .filter(|(k, v)| v.is_empty() && is_batons(k))
        .map(|(k, _)| k)
        .collect();
    for key in empty {
        // SAFETY: the caller promises there is no other thread to read the
        // environment meanwhile.
        #[allow(clippy::disallowed_methods)] // the one place the environment is changed
        unsafe {
            std::env::remove_var(key)
        };
    }
}

/// The command line as the process got it, program name first.
pub fn command_line() -> Vec<OsString> {
    #[allow(clippy::disallowed_methods)] // the one place the command line is read
    std::env::args_os().collect()
}

/// The folder baton was started in.
fn current_dir() -> Result<PathBuf> {
    #[allow(clippy::disallowed_methods)] // the one place the current folder is read
    std::env::current_dir().map_err(|e| Error::new(format!("cannot read the current folder: {e}")))
}

/// The wall clock that file times come from, unlike [`Ctx::clock`] never
/// fixed by `BATON_NOW`: the cache compares file times with it.
fn wall_clock() -> SystemTime {
    #[allow(clippy::disallowed_methods)] // the one place the wall clock is read
    SystemTime::now()
}

/// The reader's time zone, in which times are shown and report periods
/// cut into days. The system's zone (`TZ`, else the system setting) is
/// known only here, and [`Ctx`] hands it on as a value; other code and
/// tests can make a fixed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalZone(Zone);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// The system's own zone, as chrono reads it.
    System,
    /// One offset all year round.
    Fixed(FixedOffset),
}

impl LocalZone {
    /// The system's zone; only the context makes it.
    fn system() -> LocalZone {
        LocalZone(Zone::System)
    }

    /// A zone that keeps `offset` all year round.
    pub fn fixed(offset: FixedOffset) -> LocalZone {
        LocalZone(Zone::Fixed(offset))
    }

    /// UTC.
    pub fn utc() -> LocalZone {
        LocalZone::fixed(Utc.fix())
    }

    /// The time `t` on this zone's clocks.
    pub fn local(self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self.0 {
            Zone::System => t.with_timezone(&Local).fixed_offset(),
            Zone::Fixed(offset) => t.with_timezone(&offset),
        }
    }

    /// The instants at which this zone's clocks show `t`: none where a
    /// clock change skips it, two where one repeats it.
    pub fn from_local(self, t: &NaiveDateTime) -> MappedLocalTime<DateTime<FixedOffset>> {
        match self.0 {
            Zone::System => Local.from_local_datetime(t).map(|t| t.fixed_offset()),
            Zone::Fixed(offset) => offset.from_local_datetime(t),
        }
    }
}

/// The reader's zone as chrono's [`TimeZone`], for calendar arithmetic in
/// core (report periods) that is generic over zones.
impl TimeZone for LocalZone {
    type Offset = FixedOffset;

    fn from_offset(offset: &FixedOffset) -> LocalZone {
        LocalZone::fixed(*offset)
    }

    fn offset_from_local_date(&self, local: &chrono::NaiveDate) -> MappedLocalTime<FixedOffset> {
        match self.0 {
            Zone::System => Local.offset_from_local_date(local).map(|o| o.fix()),
            Zone::Fixed(offset) => MappedLocalTime::Single(offset),
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
        match self.0 {
            Zone::System => Local.offset_from_local_datetime(local).map(|o| o.fix()),
            Zone::Fixed(offset) => MappedLocalTime::Single(offset),
        }
    }

    fn offset_from_utc_date(&self, utc: &chrono::NaiveDate) -> FixedOffset {
        match self.0 {
            Zone::System => Local.offset_from_utc_date(utc).fix(),
            Zone::Fixed(offset) => offset,
        }
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        match self.0 {
            Zone::System => Local.offset_from_utc_datetime(utc).fix(),
            Zone::Fixed(offset) => offset,
        }
    }
}

/// Whether to colour a stream: `--color`, then `NO_COLOR` and a dumb or
/// missing terminal.
pub fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = var("NO_COLOR").is_some();
            is_terminal && !no_color && text_var("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// The width tables are fitted to when none can be learnt.
const DEFAULT_WIDTH: u16 = 80;

/// The width of the terminal on stdout, as the terminal itself reports it
/// (`None` when stdout is no terminal, or one that reports no size).
fn stdout_tty_width() -> Option<u16> {
    stdout_tty_size().map(|(cols, _)| cols).filter(|w| *w > 0)
}

/// The height of the terminal on stdout, likewise.
fn stdout_tty_rows() -> Option<u16> {
    stdout_tty_size().map(|(_, rows)| rows).filter(|r| *r > 0)
}

/// The columns and rows of the terminal on stdout.
#[cfg(unix)]
fn stdout_tty_size() -> Option<(u16, u16)> {
    let size = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
    Some((size.ws_col, size.ws_row))
}

#[cfg(not(unix))]
fn stdout_tty_size() -> Option<(u16, u16)> {
    None
}

/// The width output is fitted to: the terminal's own (bash does not
/// export `COLUMNS`, and a window resized since the shell started knows
/// better), else `COLUMNS`, else 80. Widths under 20 are taken as
/// mistakes, not as a terminal to squeeze a table into.
fn terminal_width(stdout_tty: bool, columns: Option<String>) -> u16 {
    let asked = stdout_tty.then(stdout_tty_width).flatten();
    let given = || columns.and_then(|c| c.trim().parse::<u16>().ok());
    asked
        .or_else(given)
        .filter(|w| *w >= 20)
        .unwrap_or(DEFAULT_WIDTH)
}

/// The editor a person has chosen, as git finds it: `$VISUAL`, else `$EDITOR`,
/// else `vi` (`notepad` on Windows).
fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| text_var(k))
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| if cfg!(windows) { "notepad" } else { "vi" }.to_string())
}

/// The store a shell completion reads from: `BATON_STORE`, else the one found
/// above the current folder. Flags typed on the command line being completed
/// (such as `--store`) are not seen.
pub fn completion_store() -> Option<Store> {
    let cwd = current_dir().ok()?;
    match var("BATON_STORE") {
        Some(dir) => Store::open(Path::new(&dir), &cwd).ok(),
        None => Store::discover(&cwd).ok(),
    }
    .map(|s| s.started(wall_clock()))
}

/// The user's config folder: `$XDG_CONFIG_HOME`, else `~/.config`.
fn config_home() -> Option<PathBuf> {
    var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The user config file: `BATON_CONFIG`, else `$XDG_CONFIG_HOME/baton/config.toml`,
/// else `~/.config/baton/config.toml`.
fn user_config_path() -> Option<PathBuf> {
    if let Some(p) = var("BATON_CONFIG") {
        return Some(PathBuf::from(p));
    }
    Some(config_home()?.join("baton").join("config.toml"))
}

/// The saved views a command line may use (see [`crate::core::view`]): the
/// user config's, then the team's in the store the command would use (named
/// by `--store` among `args`, else `BATON_STORE`, else found above the
/// current folder). No store is no error: the user's views still apply.
pub fn saved_views(args: &[OsString]) -> Result<view::Views> {
    let mut views = view::Views::new();
    if let Some(path) = user_config_path()
        && let Ok(text) = std::fs::read_to_string(&path)
    {
        view::read_into(&mut views, &text, &path.display().to_string())?;
    }
    let named = args
        .iter()
        .position(|a| a == "--store")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| {
            args.iter()
                .find_map(|a| a.to_str()?.strip_prefix("--store=").map(PathBuf::from))
        })
        .or_else(|| var("BATON_STORE").map(PathBuf::from));
    let cwd = current_dir()?;
    let store = match named {
        Some(dir) => Some(Store::at(&dir, &cwd)),
        None => Store::discover(&cwd).ok(),
    };
    if let Some(store) = store {
        let path = store.config_path();
        if let Ok(text) = std::fs::read_to_string(&path) {
            let shown = store.shown(&path).display().to_string();
            view::read_into(&mut views, &text, &shown)?;
        }
    }
    Ok(views)
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

/// The years `BATON_NOW` may name (in UTC): ticket files carry times as
/// TOML datetimes, and readers such as Python's `tomllib` take no year 0 and
/// no year past 9999; before 1970 is no support desk's present.
const NOW_YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// `BATON_NOW` as the command's clock, else the system clock.
fn parse_now(value: Option<String>) -> Result<DateTime<Utc>> {
    let Some(text) = value else {
        return Ok(system_now());
    };
    let now = DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(0))
        .map_err(|e| {
            Error::usage(format!(
                "BATON_NOW='{}' is not an RFC 3339 time ({e})",
                text.escape_debug()
            ))
            .hint("use a form such as BATON_NOW=2026-11-20T09:14:00Z, or unset it")
        })?;
    if !NOW_YEARS.contains(&now.year()) {
        return Err(Error::usage(format!(
            "BATON_NOW='{}' is outside the years baton accepts ({} to {}, in UTC)",
            text.escape_debug(),
            NOW_YEARS.start(),
            NOW_YEARS.end()
        ))
        .hint("use a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, or unset it"));
    }
    Ok(now)
}

impl Ctx {
    /// Reads the environment once.
    pub fn from_env(global: &Flags) -> Result<Ctx> {
        let cwd = current_dir()?;
        let stdout_tty = std::io::stdout().is_terminal();
        let color = !global.json && color_enabled(global.color, stdout_tty);
        let err_color = color_enabled(global.color, std::io::stderr().is_terminal());
        let width = terminal_width(stdout_tty, text_var("COLUMNS"));
        let fixed = text_var("BATON_NOW");
        let fixed_clock = fixed.is_some();
        #[allow(clippy::disallowed_methods)] // the one place the binary's path is read
        let current_exe = std::env::current_exe().ok();
        Ok(Ctx {
            now: parse_now(fixed)?,
            fixed_clock,
            id_seed: parse_id_seed(text_var("BATON_ID_SEED"), fixed_clock)?,
            ids_made: std::sync::atomic::AtomicU64::new(0),
            rename_told: std::sync::atomic::AtomicBool::new(false),
            cwd,
            store_dir: global.store.clone(),
            actor: global.actor.clone(),
            actor_source: if command_line()
                .iter()
                .any(|a| a == "--as" || a.to_string_lossy().starts_with("--as="))
            {
                Source::Flag
            } else {
                Source::Env
            },
            user_config: user_config_path(),
            user_hooks: config_home().map(|c| c.join("baton").join("hooks")),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            assume_yes: global.yes,
            editor: editor_command(),
            trace: var("BATON_TRACE").is_some(),
            path_var: raw_var("PATH"),
            watchman: crate::store::watch::Finder::from_env(
                var("BATON_WATCHMAN").as_deref(),
                var("WATCHMAN_SOCK").map(PathBuf::from),
                raw_var("PATH"),
            ),
            current_exe,
            invoked_as: command_line()
                .into_iter()
                .next()
                .unwrap_or_else(|| "baton".into()),
            out: Output::new(global.json, color, stdout_tty, Some(width))
                .lines(global.jsonl)
                .err_color(err_color)
                .zone(LocalZone::system())
                .pager(Pager::choose(
                    stdout_tty,
                    global.no_pager || global.json,
                    text_var("BATON_PAGER"),
                    text_var("PAGER"),
                    stdout_tty_rows(),
                )),
        })
    }

    /// The wall clock now, which file times are compared with: the cache
    /// trusts only files last changed well before it (never `BATON_NOW`).
    pub fn wall_clock(&self) -> SystemTime {
        wall_clock()
    }

    /// A variable the team config names (`[mail] password_env`): read when
    /// asked, so that a secret is never held longer than needed.
    pub fn named_var(&self, key: &str) -> Option<String> {
        text_var(key)
    }

    /// `PATH`, as the environment gave it.
    pub fn path_var(&self) -> Option<&OsStr> {
        self.path_var.as_deref()
    }

    /// This binary's own path, when the system can tell.
    pub fn current_exe(&self) -> Option<&Path> {
        self.current_exe.as_deref()
    }

    /// How baton was invoked: the first word of its command line, such as
    /// `baton` or `./target/debug/baton`.
    pub fn invoked_as(&self) -> &OsStr {
        &self.invoked_as
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
        let store = match &self.store_dir {
            Some(dir) => Store::open(dir, &self.cwd),
            None => Store::discover(&self.cwd),
        }
        .map(|s| {
            s.traced(self.trace)
                .started(self.wall_clock())
                .watched(self.watchman.clone())
        })?;
        self.warn_unknown_keys(&store);
        Ok(store)
    }

    /// Warns, once a command, of each key in the team config baton does not
    /// know (a typo would otherwise be a setting silently ignored), with its
    /// line and the key it looks like.
    fn warn_unknown_keys(&self, store: &Store) {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            let Ok(text) = store.config_text() else {
                return;
            };
            let path = store.shown(&store.config_path());
            for u in crate::core::config_keys::unknown(&text) {
                let near = u
                    .near
                    .map(|n| format!("did you mean '{n}'? "))
                    .unwrap_or_default();
                let place = match u.line {
                    Some(line) => format!("{}:{line}", path.display()),
                    None => path.display().to_string(),
                };
                let warning = Error::new(format!(
                    "{place}: unknown key '{}' in the team config; baton ignores it",
                    u.key
                ))
                .kind(Kind::BadFile)
                .hint(format!(
                    "{near}fix or remove it (docs/design.md lists the keys)"
                ))
                .at(&path, u.line);
                self.out.warn(&warning);
            }
        });
    }

    /// The store was named (`--store` or `BATON_STORE`), not looked for.
    pub fn store_named(&self) -> bool {
        self.store_dir.is_some()
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
            .or_else(|| text_var("USER"))
            .filter(|n| !n.is_empty())
    }

    /// The e-mail git knows for the current user.
    pub fn git_email(&self) -> Option<String> {
        git::config_value(&self.cwd, "user.email")
    }

    /// The command bare `baton` runs, as the user config's `default` says
    /// (`default = "list --mine"`), split into words as a shell would.
    /// `None` when no user config says one.
    pub fn default_command(&self) -> Result<Option<Vec<String>>> {
        let Some(path) = self.user_config.as_ref() else {
            return Ok(None);
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            Error::new(format!("{}: {}", path.display(), e.message()))
                .kind(Kind::BadFile)
                .hint("fix the user config, or set BATON_CONFIG to another file")
        })?;
        let Some(value) = table.get("default") else {
            return Ok(None);
        };
        let bad = |what: &str| {
            Error::new(format!(
                "{}: default must be a command line such as \"list --mine\" ({what})",
                path.display()
            ))
            .kind(Kind::BadFile)
            .hint("write it as default = \"list --mine\", or remove it for the queue")
        };
        let line = value.as_str().ok_or_else(|| bad("it is not a string"))?;
        let words = shell_words::split(line).map_err(|e| bad(&e.to_string()))?;
        if words.is_empty() {
            return Err(bad("it is empty"));
        }
        Ok(Some(words))
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
        self.identity(store, config).map(|(name, _)| name)
    }

    /// Who is acting (as [`Ctx::actor`] finds it) and where that was read.
    /// A name that was renamed (`[renamed]`) acts as the new one, with a
    /// note on stderr, once, saying how to stop using the old one.
    pub fn identity(&self, store: &Store, config: &Config) -> Result<(String, Source)> {
        let (name, source, given) = self.identity_as_given(store, config)?;
        if let Some(old) = given
            && !self
                .rename_told
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            let fix = match &source {
                Source::Flag => format!("pass --as {name}"),
                Source::Env => format!("set BATON_USER={name}"),
                Source::File(path) => format!("set name = \"{name}\" in {}", path.display()),
                Source::GitEmail(_) | Source::OnlyPerson => String::new(),
            };
            let fix = if fix.is_empty() {
                fix
            } else {
                format!("; {fix}")
            };
            self.out.info(&format!(
                "note: {old} was renamed to {name}: acting as {name}{fix}"
            ));
        }
        Ok((name, source))
    }

    /// [`Ctx::identity`] without the note, and the name as it was given
    /// when it is an old one that was renamed since (for `whoami`).
    pub fn identity_as_given(
        &self,
        store: &Store,
        config: &Config,
    ) -> Result<(String, Source, Option<String>)> {
        let found = self
            .actor
            .clone()
            .map(|n| (n, self.actor_source.clone()))
            .or_else(|| {
                let path = store.local_config_path();
                name_in(&path).map(|n| (n, Source::File(path)))
            })
            .or_else(|| {
                let path = self.user_config.clone()?;
                name_in(&path).map(|n| (n, Source::File(path)))
            })
            .or_else(|| {
                let email = self.git_email()?;
                let p = config.people.iter().find(|p| {
                    p.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&email))
                })?;
                Some((p.name.clone(), Source::GitEmail(email)))
            })
            .or_else(|| {
                (config.people.len() == 1)
                    .then(|| (config.people[0].name.clone(), Source::OnlyPerson))
            });
        match found {
            Some((name, source)) => config
                .member(&name)
                .map(|p| {
                    let given = (p.name != name).then(|| name.clone());
                    (p.name.clone(), source.clone(), given)
                })
                .map_err(|e| {
                    let hint = match (&source, config.closest(&name)) {
                        (Source::File(path), Some(near)) => format!(
                            "did you mean '{near}'? set name = \"{near}\" in {}",
                            path.display()
                        ),
                        (Source::File(path), None) => format!(
                            "set name to someone on the team in {}, or pass --as NAME",
                            path.display()
                        ),
                        (_, Some(near)) => format!(
                            "did you mean '{near}'? pass --as {near} or set BATON_USER={near}"
                        ),
                        (_, None) => {
                            "pass --as NAME or set BATON_USER to a name on the team".to_string()
                        }
                    };
                    Error::new(format!(
                        "{} (you are acting as '{}', from {})",
                        e.message,
                        name.escape_debug(),
                        source
                    ))
                    .kind(e.kind)
                    .hint(hint)
                }),
            None => Err(Error::new(format!(
                "cannot tell who you are (the team: {})",
                config.names()
            ))
            .kind(Kind::UnknownPerson)
            .hint("pass --as NAME, set BATON_USER, or run 'baton init --name NAME' once in this clone")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baton_now_takes_the_years_1970_to_9999_in_utc() {
        let cases = [
            ("1970-01-01T00:00:00Z", true),
            ("2026-11-02T08:00:00+01:00", true),
            ("9999-12-31T23:59:59Z", true),
            ("0000-01-01T00:00:00Z", false),
            ("1969-12-31T23:59:59Z", false),
            // Both are in range as written and out of it in UTC.
            ("1970-01-01T00:30:00+01:00", false),
            ("9999-12-31T23:30:00-01:00", false),
        ];
        for (text, ok) in cases {
            match parse_now(Some(text.to_string())) {
                Ok(now) => assert!(ok, "{text} was taken as {now}"),
                Err(e) => {
                    assert!(!ok, "{text} was refused: {}", e.message);
                    assert_eq!(e.code, 2, "{text}");
                    assert!(e.message.contains("1970 to 9999"), "{}", e.message);
                }
            }
        }
    }

    #[test]
    fn only_batons_own_variables_are_dropped_when_empty() {
        assert!(is_batons(OsStr::new("BATON_STORE")));
        assert!(is_batons(OsStr::new("BATON_USER")));
        assert!(!is_batons(OsStr::new("PATH")));
        assert!(!is_batons(OsStr::new("baton_store")));
    }

    #[test]
    fn a_fixed_zone_shows_and_reads_times_at_its_offset() {
        let east = FixedOffset::east_opt(2 * 3600).unwrap();
        let zone = LocalZone::fixed(east);
        let t: DateTime<Utc> = "2026-11-02T23:30:00Z".parse().unwrap();
        assert_eq!(zone.local(t).to_rfc3339(), "2026-11-03T01:30:00+02:00");
        let midnight = NaiveDateTime::parse_from_str("2026-11-03 00:00", "%Y-%m-%d %H:%M").unwrap();
        let start = zone.from_local(&midnight).earliest().unwrap();
        assert_eq!(
            start.with_timezone(&Utc).to_rfc3339(),
            "2026-11-02T22:00:00+00:00"
        );
        assert_eq!(
            LocalZone::utc().local(t).to_rfc3339(),
            "2026-11-02T23:30:00+00:00"
        );
    }
}
