//! The optional file watcher: when watchman runs, baton asks it which files
//! in the store changed since baton last looked, and stamps only those,
//! instead of stamping every ticket file on every command. The stamps of the
//! rest are the ones baton took then, kept in `.local/cache/watch` with the
//! watcher's clock of that moment.
//!
//! Nothing here is needed for a right answer: with watchman missing, not
//! running, lagging past its sync timeout, restarted (a "fresh instance"),
//! or answering anything unexpected, every file is stamped as before. Its
//! answers are trusted only as far as watchman promises them: a query
//! waits until watchman has seen every change made before it (its cookie
//! sync), so a file it does not name is unchanged since the clock.
//!
//! baton never starts watchman itself: a cron job should not leave a daemon
//! behind. `watchman watch-project tickets` starts it and the watch.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use super::cache::{self, STAMP, Stamp};
use super::mapped::Mapped;

/// The watch file's name in the cache folder.
pub const FILE: &str = "watch";
const MAGIC: &[u8; 8] = b"baton\0w\n";
/// How long a query may wait for watchman to catch up before baton stamps
/// every file instead.
const SYNC: Duration = Duration::from_secs(2);
/// Past this many changed files the stamps are written again at the new
/// clock, so the list of changes asked for stays short.
const REWRITE_AFTER: usize = 256;

/// What watchman said for this command.
#[derive(Debug)]
pub struct Watch {
    /// The stamps baton kept at the watch file's clock, by id, sorted.
    known: Rows,
    /// The ticket files watchman names as changed since that clock, sorted
    /// (walked beside the ids, never hashed).
    changed: Vec<Uuid>,
    /// The clock the stamps are good for once this command has taken its own:
    /// the one watchman gave before any of them.
    clock: String,
    /// The watched root and this store's path inside it.
    root: String,
    relative: String,
    /// No usable stamps were kept: every file is stamped, and the stamps are
    /// kept for the next command.
    pub whole: bool,
}

/// Why watchman is not used this time, for the trace.
pub type NotUsed = String;

/// How to reach watchman, as the environment says (`ctx.rs` reads it).
#[derive(Debug, Clone, Default)]
pub enum Finder {
    /// `BATON_WATCHMAN=off`, or no environment given: never ask.
    #[default]
    Off,
    /// `WATCHMAN_SOCK`: its socket.
    Socket(PathBuf),
    /// Ask the `watchman` found on this `PATH` (the variable as it was)
    /// where its socket is.
    Path(Option<std::ffi::OsString>),
}

impl Finder {
    /// The finder for these variables: `BATON_WATCHMAN`, `WATCHMAN_SOCK`
    /// and `PATH`.
    pub fn from_env(
        baton_watchman: Option<&std::ffi::OsStr>,
        sock: Option<PathBuf>,
        path: Option<std::ffi::OsString>,
    ) -> Finder {
        match (baton_watchman, sock) {
            (Some(v), _) if v == "off" => Finder::Off,
            (_, Some(sock)) => Finder::Socket(sock),
            _ => Finder::Path(path),
        }
    }
}

/// The watchman socket: `WATCHMAN_SOCK`, else what an installed watchman
/// names (without starting its server).
fn socket(finder: &Finder) -> Result<PathBuf, NotUsed> {
    let path = match finder {
        Finder::Off => return Err("turned off".into()),
        Finder::Socket(sock) => return Ok(sock.clone()),
        Finder::Path(path) => path.clone(),
    };
    let watchman = path
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("watchman"))
        .find(|p| p.is_file())
        .ok_or("watchman is not installed")?;
    let out = std::process::Command::new(watchman)
        .args(["--no-spawn", "--no-pretty", "get-sockname"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("watchman did not run: {e}"))?;
    let answer: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("watchman said: {e}"))?;
    answer["sockname"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "watchman named no socket".into())
}

/// One connection to the watchman server, speaking its JSON protocol: a
/// command per line, an answer per line.
#[cfg(unix)]
struct Client {
    out: std::os::unix::net::UnixStream,
    answers: BufReader<std::os::unix::net::UnixStream>,
}

#[cfg(unix)]
impl Client {
    fn connect(sock: &Path) -> Result<Client, NotUsed> {
        let out = std::os::unix::net::UnixStream::connect(sock)
            .map_err(|e| format!("watchman is not running ({e})"))?;
        // Never hang a command on a stuck watcher.
        let limit = Some(SYNC + Duration::from_secs(1));
        out.set_read_timeout(limit)
            .and_then(|_| out.set_write_timeout(limit))
            .map_err(|e| e.to_string())?;
        let answers = BufReader::new(out.try_clone().map_err(|e| e.to_string())?);
        Ok(Client { out, answers })
    }

    fn ask(&mut self, command: Value) -> Result<Value, NotUsed> {
        let mut line = command.to_string();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .map_err(|e| format!("watchman: {e}"))?;
        loop {
            let mut answer = String::new();
            self.answers
                .read_line(&mut answer)
                .map_err(|e| format!("watchman: {e}"))?;
            if answer.is_empty() {
                return Err("watchman closed the connection".into());
            }
            let v: Value =
                serde_json::from_str(&answer).map_err(|e| format!("watchman said: {e}"))?;
            // Unilateral messages (subscriptions, logs) are not answers.
            if v.get("unilateral").is_some() || v.get("log").is_some() {
                continue;
            }
            if let Some(e) = v.get("error") {
                return Err(format!("watchman: {}", e.as_str().unwrap_or("an error")));
            }
            return Ok(v);
        }
    }
}

/// The ticket id a changed path names, `Ok(None)` for a path that is not a
/// ticket file at the top of the store (the config, a temp file), and
/// `Err` for one inside a folder: a ticket file may be a link into it, whose
/// stamp then changed without its own name being reported.
fn ticket_of(name: &str) -> Result<Option<Uuid>, ()> {
    if name.contains('/') {
        return Err(());
    }
    Ok(name
        .strip_suffix(".toml")
        .and_then(|stem| Uuid::try_parse(stem).ok()))
}

impl Watch {
    /// Asks watchman what changed in the store at `dir` since the stamps
    /// kept in `path`. `Err` says why watchman is not used.
    #[cfg(unix)]
    pub fn ask(finder: &Finder, dir: &Path, path: &Path) -> Result<Watch, NotUsed> {
        let mut client = Client::connect(&socket(finder)?)?;
        let dir_text = dir.to_str().ok_or("the store's path is not UTF-8")?;
        let project = client.ask(json!(["watch-project", dir_text]))?;
        let root = project["watch"]
            .as_str()
            .ok_or("watchman named no root")?
            .to_string();
        let relative = project["relative_path"].as_str().unwrap_or("").to_string();
        let mut query = json!({
            "fields": ["name"],
            "sync_timeout": SYNC.as_millis() as u64,
            "expression": ["not", ["anyof", ["name", ".local"], ["dirname", ".local"]]],
        });
        if !relative.is_empty() {
            query["relative_root"] = json!(relative);
        }
        let kept = read(path).filter(|k| k.root == root && k.relative == relative);
        let Some(kept) = kept else {
            let clock =
                client.ask(json!(["clock", root, {"sync_timeout": SYNC.as_millis() as u64}]))?;
            return Ok(Watch {
                known: Rows::default(),
                changed: Vec::new(),
                clock: clock["clock"]
                    .as_str()
                    .ok_or("watchman gave no clock")?
                    .to_string(),
                root,
                relative,
                whole: true,
            });
        };
        query["since"] = json!(kept.clock);
        let answer = client.ask(json!(["query", root, query]))?;
        let clock = answer["clock"]
            .as_str()
            .ok_or("watchman gave no clock")?
            .to_string();
        let fresh = answer["is_fresh_instance"].as_bool().unwrap_or(true);
        let mut changed = Vec::new();
        let mut whole = fresh;
        for file in answer["files"]
            .as_array()
            .ok_or("watchman listed no files")?
        {
            match file.as_str().map(ticket_of) {
                Some(Ok(Some(id))) => changed.push(id),
                Some(Ok(None)) => {}
                _ => whole = true,
            }
        }
        changed.sort_unstable();
        changed.dedup();
        Ok(Watch {
            known: if whole { Rows::default() } else { kept.stamps },
            changed,
            clock,
            root,
            relative,
            whole,
        })
    }

    #[cfg(not(unix))]
    pub fn ask(_finder: &Finder, _dir: &Path, _path: &Path) -> Result<Watch, NotUsed> {
        Err("watchman is used on Unix only".into())
    }

    /// The stamp kept for `id`, when watchman says its file is unchanged
    /// since; `None` means it must be stamped.
    pub fn unchanged(&self, id: &Uuid) -> Option<Stamp> {
        if self.whole || self.changed.binary_search(id).is_ok() {
            return None;
        }
        let at = self.known.find(id).ok()?;
        Some(self.known.stamp(at))
    }

    /// [`Watch::unchanged`] of each of `ids`, which are sorted: one walk
    /// along the kept stamps instead of a search for each.
    pub fn unchanged_all(&self, ids: &[Uuid]) -> Vec<Option<Stamp>> {
        if self.whole {
            return vec![None; ids.len()];
        }
        let Some(first) = ids.first() else {
            return Vec::new();
        };
        let known = &self.known;
        let mut at = known.find(first).unwrap_or_else(|at| at);
        let from = at;
        let mut changed = self.changed.partition_point(|c| c < first);
        let out = ids
            .iter()
            .map(|id| {
                let wanted = id.as_bytes().as_slice();
                while at < known.len() && known.id(at) < wanted {
                    at += 1;
                }
                while self.changed.get(changed).is_some_and(|c| c < id) {
                    changed += 1;
                }
                (at < known.len()
                    && known.id(at) == wanted
                    && self.changed.get(changed) != Some(id))
                .then(|| known.stamp(at))
            })
            .collect();
        // A pass comes a slice of ids at a time, in order: the rows walked
        // are not needed again soon.
        known.release(from, at);
        out
    }

    /// Notes that this command wrote `id`'s file: its kept stamp no longer
    /// holds, so a later pass of the same command stamps it again.
    pub fn wrote(&mut self, id: Uuid) {
        if !self.whole
            && let Err(at) = self.changed.binary_search(&id)
        {
            self.changed.insert(at, id);
        }
    }

    /// How many files watchman named as changed.
    pub fn changes(&self) -> usize {
        self.changed.len()
    }

    /// Whether the stamps should be kept again after this command: none were
    /// usable, or the changes named since have grown long.
    pub fn stale(&self) -> bool {
        self.whole || self.changed.len() > REWRITE_AFTER
    }

    /// Keeps `stamps` (of every ticket file, by id, sorted: the ones kept
    /// and the ones this command took) at this command's clock.
    pub fn keep(&self, path: &Path, stamps: &[(Uuid, Stamp)]) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(64 + stamps.len() * (16 + STAMP));
        bytes.extend_from_slice(&cache::head(MAGIC));
        for text in [&self.root, &self.relative, &self.clock] {
            bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
            bytes.extend_from_slice(text.as_bytes());
        }
        bytes.extend_from_slice(&(stamps.len() as u64).to_le_bytes());
        for (id, stamp) in stamps {
            bytes.extend_from_slice(id.as_bytes());
            bytes.extend_from_slice(&stamp.encode());
        }
        cache::seal(&mut bytes);
        cache::replace(path, &bytes)
    }

    /// The stamps kept, as `keep` takes them, with `taken` (sorted) over them.
    pub fn merged(&self, ids: &[Uuid], taken: &[(Uuid, Option<Stamp>)]) -> Vec<(Uuid, Stamp)> {
        ids.iter()
            .filter_map(|id| {
                let stamp = match taken.binary_search_by_key(id, |(k, _)| *k) {
                    Ok(at) => taken[at].1,
                    Err(_) => self.unchanged(id),
                };
                Some((*id, stamp?))
            })
            .collect()
    }
}

/// What the watch file holds.
struct Kept {
    root: String,
    relative: String,
    clock: String,
    stamps: Rows,
}

/// The kept stamps, read in place from the watch file: rows of an id and
/// its stamp, sorted by id, from `start`. Neither copied nor decoded whole:
/// a command looks up the few it needs, or walks them beside its ids.
#[derive(Default)]
struct Rows {
    bytes: Option<Mapped>,
    start: usize,
    count: usize,
}

const ROW: usize = 16 + STAMP;

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} kept stamps", self.count)
    }
}

impl Rows {
    fn len(&self) -> usize {
        self.count
    }

    fn row(&self, at: usize) -> &[u8] {
        let bytes = self.bytes.as_deref().unwrap_or_default();
        &bytes[self.start + at * ROW..self.start + (at + 1) * ROW]
    }

    /// The id of row `at`, as its bytes (which sort as the ids do).
    fn id(&self, at: usize) -> &[u8] {
        &self.row(at)[..16]
    }

    fn stamp(&self, at: usize) -> Stamp {
        Stamp::decode(self.row(at)[16..].try_into().unwrap_or(&[0; STAMP]))
    }

    /// Gives back the pages of rows `from..to` (`Mapped::release`).
    fn release(&self, from: usize, to: usize) {
        if let Some(bytes) = &self.bytes {
            bytes.release(self.start + from * ROW, self.start + to * ROW);
        }
    }

    /// Rows holding `pairs` (sorted), as the watch file would.
    #[cfg(test)]
    fn of(pairs: &[(Uuid, Stamp)]) -> Rows {
        let bytes: Vec<u8> = pairs
            .iter()
            .flat_map(|(id, stamp)| id.as_bytes().iter().copied().chain(stamp.encode()))
            .collect();
        Rows {
            bytes: Some(Mapped::Bytes(bytes)),
            start: 0,
            count: pairs.len(),
        }
    }

    /// Where `id` is, or where it would go.
    fn find(&self, id: &Uuid) -> Result<usize, usize> {
        let wanted = id.as_bytes().as_slice();
        super::mapped::search(self.count, |at| self.id(at).cmp(wanted))
    }
}

/// Reads the watch file; `None` unless it is whole and of this version.
fn read(path: &Path) -> Option<Kept> {
    let bytes = Mapped::open(path, 1 << 30).ok()?;
    if !cache::sealed(&bytes, MAGIC) {
        return None;
    }
    let mut at = cache::HEAD;
    let mut text = || -> Option<String> {
        let len = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let s = std::str::from_utf8(bytes.get(at + 4..at + 4 + len)?).ok()?;
        at += 4 + len;
        Some(s.to_string())
    };
    let (root, relative, clock) = (text()?, text()?, text()?);
    let count = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
    at += 8;
    let rows = bytes.get(at..)?;
    if rows.len() as u64 != count.checked_mul(ROW as u64)? {
        return None;
    }
    let sorted = rows
        .chunks_exact(ROW)
        .map(|r| &r[..16])
        .is_sorted_by(|a, b| a < b);
    // Checked whole; from here on only the rows walked are kept mapped.
    bytes.release(0, bytes.len());
    let stamps = Rows {
        count: usize::try_from(count).ok()?,
        start: at,
        bytes: Some(bytes),
    };
    sorted.then_some(Kept {
        root,
        relative,
        clock,
        stamps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_top_level_ticket_name_is_a_ticket_and_a_folder_is_everything() {
        let id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84";
        assert_eq!(
            ticket_of(&format!("{id}.toml")),
            Ok(Some(Uuid::parse_str(id).unwrap()))
        );
        assert_eq!(ticket_of("baton.toml"), Ok(None));
        assert_eq!(ticket_of(".baton-x.tmp"), Ok(None));
        assert_eq!(ticket_of("shelf/kept.toml"), Err(()));
    }

    #[test]
    fn kept_stamps_read_back_and_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let stamp = |n| Stamp {
            size: n,
            inode: n + 1,
            modified: (n as i64, 5),
            changed: (n as i64 + 1, 6),
        };
        let ids = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
        let watch = Watch {
            known: Rows::of(&[(ids[0], stamp(10)), (ids[1], stamp(20))]),
            changed: vec![ids[1]],
            clock: "c:1:2:3".into(),
            root: "/w".into(),
            relative: "tickets".into(),
            whole: false,
        };
        assert_eq!(watch.unchanged(&ids[0]), Some(stamp(10)));
        assert_eq!(watch.unchanged(&ids[1]), None, "named as changed");
        assert_eq!(watch.unchanged(&ids[2]), None, "never stamped");
        assert_eq!(
            watch.unchanged_all(&ids),
            ids.iter().map(|id| watch.unchanged(id)).collect::<Vec<_>>()
        );
        assert_eq!(watch.unchanged_all(&ids[1..]), vec![None, None]);
        let mut wrote = Watch {
            known: Rows::of(&[(ids[0], stamp(10))]),
            changed: Vec::new(),
            clock: "c:1:2:3".into(),
            root: "/w".into(),
            relative: "tickets".into(),
            whole: false,
        };
        wrote.wrote(ids[0]);
        assert_eq!(wrote.unchanged(&ids[0]), None, "written by this command");
        let merged = watch.merged(&ids, &[(ids[1], Some(stamp(21))), (ids[2], None)]);
        assert_eq!(merged, vec![(ids[0], stamp(10)), (ids[1], stamp(21))]);
        watch.keep(&path, &merged).unwrap();
        let kept = read(&path).unwrap();
        assert_eq!(
            (
                kept.root.as_str(),
                kept.relative.as_str(),
                kept.clock.as_str()
            ),
            ("/w", "tickets", "c:1:2:3")
        );
        let back: Vec<(Uuid, Stamp)> = (0..kept.stamps.len())
            .map(|at| {
                let id = Uuid::from_slice(kept.stamps.id(at)).unwrap();
                (id, kept.stamps.stamp(at))
            })
            .collect();
        assert_eq!(back, merged);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(read(&path).is_none(), "a flipped byte");
        std::fs::write(&path, &bytes[..40]).unwrap();
        assert!(read(&path).is_none(), "cut short");
    }
}
