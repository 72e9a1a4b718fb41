//! The store's promises, checked in every state the cache can be in: turned
//! off, cold (nothing cached yet), warm (everything cached and valid) and
//! damaged (its files corrupt, truncated, stale, or not files at all). The
//! cache may only ever save work, so each promise asserts exact answers and
//! must get them in every mode. As in taskchampion's `storage/test.rs`, one
//! body of tests runs against every variant through a macro.
//!
//! Every promise runs on the same desk: readable tickets (two sharing a
//! prefix, one reached through a link inside the store), damaged ones (not
//! UTF-8, not TOML, an id that is not the file name), strays, a temp file,
//! files readers ignore, and on Unix the files the store refuses to read: a
//! named pipe, a link out of the store, a folder and a file over the cap.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use tempfile::TempDir;
use uuid::Uuid;

use super::{MAX_FILE_SIZE, Store, Summaries, cache};
use crate::core::id;
use crate::core::summary::{Scope, Summary};
use crate::core::ticket::Ticket;

/// How the cache stands when a promise is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// [`Store::without_cache`]: never read, never written.
    Off,
    /// A desk just made: nothing is cached, and nothing settles in time to be.
    Cold,
    /// The whole desk cached, and every file unchanged since.
    Warm,
    /// The desk cached, then the cache damaged.
    Damaged(Damage),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Damage {
    /// A byte flipped in the middle of each cache file.
    Corrupt,
    /// Each cache file cut in half.
    Truncated,
    /// Whole, valid cache files of another desk (same ids, other titles,
    /// one ticket fewer), as a copy of a store with its `.local/` would have.
    Stale,
    /// The listing a named pipe, the summaries a link to `/dev/zero`.
    #[cfg(unix)]
    NotFiles,
}

// The desk's tickets, by file name.
const A: &str = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84";
/// Shares the prefix `0b7c` with `A`.
const A2: &str = "0b7c0000-0000-4000-8000-000000000000";
const B: &str = "9a1f2c3d-1111-4222-8333-444455556666";
/// A link to `shelf/kept.toml`, inside the store.
#[cfg(unix)]
const LINKED: &str = "2b2b0000-0000-4000-8000-000000000000";
const NOT_UTF8: &str = "c0c00000-0000-4000-8000-000000000000";
const NOT_TOML: &str = "d0d00000-0000-4000-8000-000000000000";
/// Holds the ticket `INSIDE_MISMATCH`.
const MISMATCH: &str = "e0e00000-0000-4000-8000-000000000000";
const INSIDE_MISMATCH: &str = "e0e0ffff-0000-4000-8000-000000000000";
#[cfg(unix)]
const PIPE: &str = "f0f00000-0000-4000-8000-000000000000";
/// A link to a good ticket file outside the store.
#[cfg(unix)]
const OUTSIDE: &str = "1a1a0000-0000-4000-8000-000000000000";
#[cfg(unix)]
const FOLDER: &str = "3c3c0000-0000-4000-8000-000000000000";
#[cfg(unix)]
const HUGE: &str = "4d4d0000-0000-4000-8000-000000000000";
/// A ticket the promises add.
const NEW: &str = "7e7e0000-0000-4000-8000-000000000000";

/// `*.toml` files not named by an id (an id in capitals is not one).
const STRAYS: [&str; 2] = ["ABCD0000-0000-4000-8000-000000000000.toml", "notes.toml"];
const TEMP: &str = ".baton-left.tmp";
const CONFIG: &str = "[[people]]\nname = \"ana\"\nlevel = 1\n";
/// Text that fails to parse on its second line.
const NOT_TOML_TEXT: &str =
    "id = \"d0d00000-0000-4000-8000-000000000000\"\ntitle = \"unterminated\nstatus = \"open\"\n";

/// The readable tickets and their titles, in id order.
fn readable() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![
        (A2, "Login fails"),
        (A, "Refund not received"),
        (B, "Printer on fire"),
    ];
    #[cfg(unix)]
    all.push((LINKED, "Kept on the shelf"));
    all.sort();
    all
}

/// Every file named by an id, in id order.
fn all_ids() -> Vec<Uuid> {
    let mut ids: Vec<&str> = readable().iter().map(|(id, _)| *id).collect();
    ids.extend([NOT_UTF8, NOT_TOML, MISMATCH]);
    #[cfg(unix)]
    ids.extend([PIPE, OUTSIDE, FOLDER, HUGE]);
    let mut ids: Vec<Uuid> = ids.into_iter().map(uuid).collect();
    ids.sort();
    ids
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap()
}

/// A ticket of ana's, as baton writes it: open, but `A2` resolved (so the
/// desk holds tickets in and out of [`Scope::Live`]).
fn ticket(id: &str, title: &str) -> Ticket {
    let (status, updated, resolve) = if id == A2 {
        (
            "resolved",
            RESOLVED_AT,
            format!(
                "\n[[events]]\nat = {RESOLVED_AT}\nby = \"ana\"\nkind = \"status\"\n\
                 from = \"open\"\nto = \"resolved\"\n"
            ),
        )
    } else {
        ("open", "2026-11-20T09:14:00Z", String::new())
    };
    Ticket::parse(&format!(
        "id = \"{id}\"\ntitle = \"{title}\"\nstatus = \"{status}\"\nowner = \"ana\"\n\
         created = 2026-11-20T09:14:00Z\nupdated = {updated}\n\n\
         [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n{resolve}"
    ))
    .unwrap()
}

/// When `A2` was resolved.
const RESOLVED_AT: &str = "2026-11-20T10:00:00Z";

/// Makes the desk in a new temp folder, as `root/tickets`. A twin has the
/// same ids with other titles, and no `B`.
fn desk(twin: bool) -> TempDir {
    let root = tempfile::Builder::new()
        .prefix("baton-store-")
        .tempdir()
        .unwrap();
    let dir = root.path().join("tickets");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("baton.toml"), CONFIG).unwrap();
    let write = |id: &str, title: &str| {
        let title = if twin {
            format!("Stale {title}")
        } else {
            title.to_string()
        };
        fs::write(dir.join(format!("{id}.toml")), ticket(id, &title).to_toml()).unwrap();
    };
    for (id, title) in readable() {
        if !(twin && id == B) {
            write(id, title);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        fs::create_dir(dir.join("shelf")).unwrap();
        fs::rename(path_in(&dir, LINKED), dir.join("shelf/kept.toml")).unwrap();
        symlink("shelf/kept.toml", path_in(&dir, LINKED)).unwrap();
        let outside = root.path().join("outside.toml");
        fs::write(&outside, ticket(OUTSIDE, "Kept outside").to_toml()).unwrap();
        symlink(&outside, path_in(&dir, OUTSIDE)).unwrap();
        super::folder::mkfifo(&path_in(&dir, PIPE));
        fs::create_dir(path_in(&dir, FOLDER)).unwrap();
        fs::File::create(path_in(&dir, HUGE))
            .unwrap()
            .set_len(MAX_FILE_SIZE + 1)
            .unwrap();
    }
    let mut not_utf8 = format!("id = \"{NOT_UTF8}\"\n").into_bytes();
    not_utf8.extend(b"\xff\xfe = 1\n");
    fs::write(path_in(&dir, NOT_UTF8), not_utf8).unwrap();
    fs::write(path_in(&dir, NOT_TOML), NOT_TOML_TEXT).unwrap();
    fs::write(
        path_in(&dir, MISMATCH),
        ticket(INSIDE_MISMATCH, "Misnamed").to_toml(),
    )
    .unwrap();
    for stray in STRAYS {
        fs::write(dir.join(stray), "x = 1\n").unwrap();
    }
    for ignored in ["README.md", ".hidden.toml", TEMP] {
        fs::write(dir.join(ignored), "not a ticket\n").unwrap();
    }
    // Made now, before the desk ages: making `.local` changes the folder's
    // stamp, and a listing is cached only once that has settled. (Made by
    // hand: `ensure_local` syncs to disk, which costs more than the rest.)
    fs::create_dir(dir.join(".local")).unwrap();
    root
}

fn path_in(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.toml"))
}

/// How many promises there are (set by `promises!`), and so how many aged
/// desks the suite needs.
const AGED_DESKS: usize = PROMISES * 5;

/// Desks whose files all changed more than the cache's settling time ago,
/// so that a read caches them: made together, aged by one shared sleep,
/// handed out one a test. (Twins for the stale cache in the second list.)
static AGED: LazyLock<Mutex<(Vec<TempDir>, Vec<TempDir>)>> = LazyLock::new(|| {
    let pool = (desks(AGED_DESKS, false), desks(PROMISES, true));
    age();
    Mutex::new(pool)
});

/// `n` desks, made on a few threads: making one waits on the disk, not the
/// processor.
fn desks(n: usize, twin: bool) -> Vec<TempDir> {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|w| s.spawn(move || (w..n).step_by(8).map(|_| desk(twin)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    })
}

/// Longer than the cache's settling time (2 s).
fn age() {
    std::thread::sleep(Duration::from_millis(2100));
}

/// An aged desk (or twin); made and aged on the spot if the pool ran dry.
fn aged(twin: bool) -> TempDir {
    let mut pool = AGED.lock().unwrap_or_else(|e| e.into_inner());
    let list = if twin { &mut pool.1 } else { &mut pool.0 };
    list.pop().unwrap_or_else(|| {
        let dir = desk(twin);
        age();
        dir
    })
}

/// One desk in one mode, for one promise.
struct Fixture {
    root: TempDir,
    store: Store,
    mode: Mode,
}

/// The store in `root` as a command opens it: knowing when the run began,
/// so the cache may keep what settled before.
fn opened(root: &Path) -> Store {
    #[allow(clippy::disallowed_methods)] // the test stands in for ctx
    let now = std::time::SystemTime::now();
    Store::at(&root.join("tickets"), root).started(now)
}

impl Fixture {
    fn new(mode: Mode) -> Fixture {
        let root = match mode {
            Mode::Off | Mode::Cold => desk(false),
            Mode::Warm | Mode::Damaged(_) => aged(false),
        };
        let store = opened(root.path());
        let store = match mode {
            Mode::Off => store.without_cache(),
            _ => store,
        };
        let fixture = Fixture { root, store, mode };
        match mode {
            Mode::Off | Mode::Cold => assert!(!fixture.cache_file(cache::LISTING).exists()),
            Mode::Warm => fill(&fixture.store),
            Mode::Damaged(how) => {
                fill(&fixture.store);
                fixture.damage(how);
            }
        }
        fixture
    }

    fn cache_file(&self, name: &str) -> PathBuf {
        cache::dir(&self.store.local_dir()).join(name)
    }

    fn damage(&self, how: Damage) {
        let files =
            [cache::LISTING, cache::SUMMARIES, super::words::FILE].map(|n| self.cache_file(n));
        match how {
            Damage::Corrupt => {
                for f in &files {
                    let mut bytes = fs::read(f).unwrap();
                    let mid = bytes.len() / 2;
                    bytes[mid] ^= 0xff;
                    fs::write(f, bytes).unwrap();
                }
            }
            Damage::Truncated => {
                for f in &files {
                    let bytes = fs::read(f).unwrap();
                    fs::write(f, &bytes[..bytes.len() / 2]).unwrap();
                }
            }
            Damage::Stale => {
                let twin = aged(true);
                let other = opened(twin.path());
                fill(&other);
                for f in &files {
                    let from = cache::dir(&other.local_dir()).join(f.file_name().unwrap());
                    fs::copy(from, f).unwrap();
                }
            }
            #[cfg(unix)]
            Damage::NotFiles => {
                for f in &files {
                    fs::remove_file(f).unwrap();
                }
                super::folder::mkfifo(&files[0]);
                for f in &files[1..] {
                    std::os::unix::fs::symlink("/dev/zero", f).unwrap();
                }
            }
        }
    }

    /// What holds after any promise, by mode.
    fn finish(self) {
        if self.mode == Mode::Off {
            assert!(
                !cache::dir(&self.store.local_dir()).exists(),
                "the cache stays off"
            );
        }
    }

    fn dir(&self) -> &Path {
        self.store.dir()
    }

    fn path(&self, id: &str) -> PathBuf {
        path_in(self.dir(), id)
    }

    /// A path as messages show it: `tickets/…`.
    fn shown(&self, id: &str) -> String {
        format!("tickets/{id}.toml")
    }

    /// The error every reader gives for each file named by an id that
    /// cannot be used, in id order.
    fn damaged(&self) -> Vec<(&'static str, String)> {
        let utf8 = format!("{}:2:1: the file is not valid UTF-8", self.shown(NOT_UTF8));
        let toml = Ticket::parse(NOT_TOML_TEXT).unwrap_err();
        let toml = format!(
            "{}:{}:{}: {}",
            self.shown(NOT_TOML),
            toml.line.unwrap(),
            toml.column.unwrap(),
            toml.message
        );
        let mismatch = format!(
            "{}: the id inside ({INSIDE_MISMATCH}) does not match the file name",
            self.shown(MISMATCH)
        );
        let mut all = vec![(NOT_UTF8, utf8), (NOT_TOML, toml), (MISMATCH, mismatch)];
        #[cfg(unix)]
        {
            let outside = fs::canonicalize(self.root.path().join("outside.toml")).unwrap();
            all.extend([
                (
                    PIPE,
                    format!("{}: it is a named pipe, not a plain file", self.shown(PIPE)),
                ),
                (
                    OUTSIDE,
                    format!(
                        "{}: it is a link to {}, outside the store",
                        self.shown(OUTSIDE),
                        outside.display()
                    ),
                ),
                (
                    FOLDER,
                    format!("{}: it is a folder, not a plain file", self.shown(FOLDER)),
                ),
                (
                    HUGE,
                    format!(
                        "{}: it is larger than the 64 MiB a file in the store may hold ({} bytes)",
                        self.shown(HUGE),
                        MAX_FILE_SIZE + 1
                    ),
                ),
            ]);
        }
        all.sort_by_key(|(id, _)| uuid(id));
        all
    }

    fn stray_paths(&self) -> Vec<PathBuf> {
        STRAYS.iter().map(|s| self.dir().join(s)).collect()
    }

    fn stray_messages(&self) -> Vec<String> {
        STRAYS
            .iter()
            .map(|s| format!("tickets/{s}: not named by a ticket id, so it was skipped"))
            .collect()
    }

    fn summaries_of(&self, tickets: &[(&str, &str)]) -> Vec<Summary> {
        let mut out: Vec<Summary> = tickets
            .iter()
            .map(|(id, title)| Summary::of(&ticket(id, title)))
            .collect();
        out.sort_by_key(|s| s.id);
        out
    }
}

/// Fills the cache the way any read does, and checks it holds the desk.
fn fill(store: &Store) {
    store.summaries().unwrap();
    let dir = cache::dir(&store.local_dir());
    let listing: cache::Listing =
        cache::read_listing(&dir.join(cache::LISTING)).expect("the listing was cached");
    assert_eq!(
        listing.ids,
        store.clone().without_cache().list().unwrap().ids
    );
    let mut file = super::summary_file::Reader::open(&dir.join(cache::SUMMARIES), cache::FORMAT)
        .expect("the summaries were cached");
    let readable = store.summaries().unwrap().tickets.len();
    assert_eq!(
        file.rows().count(),
        readable,
        "every readable ticket is cached"
    );
    store.words().unwrap();
    assert!(
        dir.join(super::words::FILE).is_file(),
        "the word index was kept"
    );
}

/// Holds one promise in one mode.
fn check(promise: fn(&Fixture), mode: Mode) {
    let fixture = Fixture::new(mode);
    promise(&fixture);
    fixture.finish();
}

macro_rules! promises {
    ($($promise:ident),* $(,)?) => {
        const PROMISES: usize = [$(stringify!($promise)),*].len();
        $(
            mod $promise {
                use super::{Damage, Mode, check};

                #[test]
                fn cache_off() {
                    check(super::$promise, Mode::Off);
                }

                #[test]
                fn cold() {
                    check(super::$promise, Mode::Cold);
                }

                #[test]
                fn warm() {
                    check(super::$promise, Mode::Warm);
                }

                #[test]
                fn damaged_corrupt() {
                    check(super::$promise, Mode::Damaged(Damage::Corrupt));
                }

                #[test]
                fn damaged_truncated() {
                    check(super::$promise, Mode::Damaged(Damage::Truncated));
                }

                #[test]
                fn damaged_stale() {
                    check(super::$promise, Mode::Damaged(Damage::Stale));
                }

                #[cfg(unix)]
                #[test]
                fn damaged_not_files() {
                    check(super::$promise, Mode::Damaged(Damage::NotFiles));
                }
            }
        )*
    };
}

promises!(
    lists_every_ticket_file_by_name,
    reads_every_readable_ticket_as_written,
    damaged_files_are_errors_that_name_their_place,
    summaries_hold_every_readable_ticket_and_name_every_other_file,
    prefixes_resolve_by_file_names_alone,
    temp_files_are_found_for_doctor_only,
    a_save_under_the_lock_is_what_every_reader_sees,
    create_adds_a_ticket_and_never_replaces_one,
    changes_behind_the_stores_back_are_seen,
    the_config_is_read_and_replaced_under_the_lock,
    local_files_stay_inside_the_store,
    the_word_index_gives_the_answers_of_the_files,
    a_scope_holds_exactly_the_summaries_in_it,
    a_command_that_keeps_stamps_sees_its_own_writes,
);

/// A store that remembers its stamps answers a second pass from the first,
/// and sees what it wrote itself in between: a saved ticket and a new one.
fn a_command_that_keeps_stamps_sees_its_own_writes(fx: &Fixture) {
    let store = fx.store.clone().remembering_stamps();
    assert_eq!(
        store.summaries().unwrap().tickets,
        fx.summaries_of(&readable())
    );
    let mut saved = ticket(B, "Printer on fire");
    saved.title = "Printer put out".into();
    {
        let lock = store.lock(std::time::Duration::from_secs(30)).unwrap();
        store.save(&lock, &saved).unwrap();
        store.create(&lock, &ticket(NEW, "Brand new")).unwrap();
    }
    let mut now = readable();
    for t in &mut now {
        if t.0 == B {
            t.1 = "Printer put out";
        }
    }
    now.push((NEW, "Brand new"));
    now.sort();
    for _ in 0..2 {
        assert_eq!(store.summaries().unwrap().tickets, fx.summaries_of(&now));
        let mut ids = all_ids();
        ids.push(uuid(NEW));
        ids.sort();
        assert_eq!(store.words().unwrap().ids, ids, "the new file is listed");
    }
}

fn a_scope_holds_exactly_the_summaries_in_it(fx: &Fixture) {
    let all = fx.summaries_of(&readable());
    assert!(
        all.iter().any(|s| s.live()) && all.iter().any(|s| !s.live()),
        "the desk has tickets in and out of the live scope"
    );
    let resolved: chrono::DateTime<chrono::Utc> = RESOLVED_AT.parse().unwrap();
    let scopes = [
        Scope::All,
        Scope::Live,
        Scope::LiveOrSince(resolved),
        Scope::LiveOrSince(resolved + chrono::Duration::nanoseconds(1)),
    ];
    let problems =
        |s: &Summaries| -> Vec<String> { s.problems.iter().map(|e| e.message.clone()).collect() };
    let want_problems = problems(&fx.store.summaries().unwrap());
    // Twice: what the first reads fills the cache the second reads from.
    for _ in 0..2 {
        for scope in scopes {
            let s = fx.store.summaries_in(scope).unwrap();
            let want: Vec<Summary> = all.iter().filter(|t| scope.holds(t)).cloned().collect();
            assert_eq!(s.tickets, want, "{scope:?}");
            assert_eq!(s.ids, all_ids(), "{scope:?}: every file's id");
            assert_eq!(problems(&s), want_problems, "{scope:?}: every problem");
        }
    }
}

fn lists_every_ticket_file_by_name(fx: &Fixture) {
    for _ in 0..2 {
        let listing = fx.store.list().unwrap();
        assert_eq!(listing.ids, all_ids());
        assert_eq!(listing.strays, fx.stray_paths());
    }
}

fn reads_every_readable_ticket_as_written(fx: &Fixture) {
    let ids: Vec<Uuid> = readable().iter().map(|(id, _)| uuid(id)).collect();
    for (id, title) in readable() {
        let want = ticket(id, title);
        assert_eq!(fx.store.read(uuid(id)).unwrap(), want);
        let (read, text) = fx.store.read_with_text(uuid(id)).unwrap();
        assert_eq!((read, text), (want.clone(), want.to_toml()));
    }
    let many: Vec<Ticket> = fx
        .store
        .read_many(&ids)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let want: Vec<Ticket> = readable().iter().map(|(i, t)| ticket(i, t)).collect();
    assert_eq!(many, want);
    // A scan sees every file; what it skips is left out, what fails is an error.
    let scanned = fx.store.scan(&all_ids(), |raw| {
        if raw.id == uuid(B) {
            return Ok(None);
        }
        raw.ticket().map(|t| Some(t.title))
    });
    let mut titles = Vec::new();
    let mut errors = Vec::new();
    for r in scanned {
        match r {
            Ok(title) => titles.push(title),
            Err(e) => errors.push(e.message),
        }
    }
    let want: Vec<&str> = readable()
        .iter()
        .filter(|(id, _)| *id != B)
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(titles, want);
    let damaged: Vec<String> = fx.damaged().into_iter().map(|(_, m)| m).collect();
    assert_eq!(errors, damaged);
}

fn damaged_files_are_errors_that_name_their_place(fx: &Fixture) {
    let hint = |id: &str| match id {
        NOT_UTF8 | NOT_TOML => {
            "fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store"
        }
        MISMATCH => {
            "rename the file after its id, or correct the id; 'baton doctor' checks the store"
        }
        #[cfg(unix)]
        OUTSIDE => {
            "the store follows links only to files inside it: put the file itself in place of the link, or move it into the store and link to it there"
        }
        #[cfg(unix)]
        HUGE => {
            "no file baton writes is this large: look at it by hand, then trim it or move it out of the store"
        }
        _ => {
            "the store reads plain files only: move this one out of the store, or put the file it stands for in its place"
        }
    };
    let damaged = fx.damaged();
    let ids: Vec<Uuid> = damaged.iter().map(|(id, _)| uuid(id)).collect();
    let many = fx.store.read_many(&ids);
    for ((id, message), from_many) in damaged.iter().zip(many) {
        let err = fx.store.read(uuid(id)).unwrap_err();
        assert_eq!(&err.message, message);
        assert_eq!(err.hint.as_deref(), Some(hint(id)), "{id}");
        assert_eq!(from_many.unwrap_err(), err, "read_many reads as read does");
        // Doctor's view: content that cannot be used, with the same place.
        let bad = match fx.store.examine(uuid(id)) {
            Ok(Err(bad)) => bad,
            Ok(Ok(_)) => panic!("{id} was read"),
            Err(e) => panic!("{id} failed to be read at all: {e}"),
        };
        assert_eq!(fx.store.bad_file(&fx.path(id), bad), err);
    }
}

fn summaries_hold_every_readable_ticket_and_name_every_other_file(fx: &Fixture) {
    for _ in 0..2 {
        let s = fx.store.summaries().unwrap();
        assert_eq!(s.tickets, fx.summaries_of(&readable()));
        assert_eq!(s.ids, all_ids());
        let mut want: Vec<String> = fx.damaged().into_iter().map(|(_, m)| m).collect();
        want.extend(fx.stray_messages());
        let got: Vec<&str> = s.problems.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(got, want);
        // Prefixes are unique among every file, readable or not.
        assert_eq!(s.short(uuid(A)), "0b7c6");
        assert_eq!(s.short(uuid(B)), "9a1f");
        assert_eq!(s.short(uuid(A2)), id::short_in(&all_ids(), uuid(A2)));
    }
}

fn prefixes_resolve_by_file_names_alone(fx: &Fixture) {
    let resolved = |p: &str| fx.store.resolve(p).map(|r| (r.id, r.short));
    assert_eq!(resolved("0b7c6").unwrap(), (uuid(A), "0b7c6".into()));
    assert_eq!(resolved("0B7C0").unwrap(), (uuid(A2), "0b7c0".into()));
    assert_eq!(resolved(B).unwrap(), (uuid(B), "9a1f".into()));
    // An unreadable file still has a name, and so a prefix.
    assert_eq!(resolved("d0d0").unwrap(), (uuid(NOT_TOML), "d0d0".into()));
    let refused = |p: &str| fx.store.resolve(p).err().unwrap().message;
    // Only a refusal reads files: the candidates' titles tell them apart.
    let ambiguous = refused("0b7c");
    assert!(
        ambiguous.starts_with("'0b7c' matches 2 tickets:\n  0b7c0  ")
            && ambiguous.contains("\n  0b7c6  "),
        "{ambiguous}"
    );
    assert_eq!(refused("ffff"), "no ticket matches 'ffff'");
    assert_eq!(refused("../x"), "'../x' is not a ticket id");
    assert_eq!(
        refused("abcd"),
        "no ticket matches 'abcd'",
        "a stray has no id"
    );
}

fn temp_files_are_found_for_doctor_only(fx: &Fixture) {
    assert_eq!(fx.store.temp_files().unwrap(), [fx.dir().join(TEMP)]);
    assert!(
        !fx.store
            .list()
            .unwrap()
            .strays
            .contains(&fx.dir().join(TEMP))
    );
}

fn a_save_under_the_lock_is_what_every_reader_sees(fx: &Fixture) {
    let mut saved = ticket(B, "Printer on fire");
    saved.title = "Printer put out".into();
    {
        let lock = fx.store.lock(std::time::Duration::from_secs(30)).unwrap();
        fx.store.save(&lock, &saved).unwrap();
    }
    assert_eq!(fx.store.read(uuid(B)).unwrap(), saved);
    let mut now = readable();
    for t in &mut now {
        if t.0 == B {
            t.1 = "Printer put out";
        }
    }
    assert_eq!(fx.store.summaries().unwrap().tickets, fx.summaries_of(&now));
    assert_eq!(fx.store.list().unwrap().ids, all_ids());
    assert_eq!(
        fx.store.temp_files().unwrap(),
        [fx.dir().join(TEMP)],
        "the save left no temp file"
    );
}

fn create_adds_a_ticket_and_never_replaces_one(fx: &Fixture) {
    let new = ticket(NEW, "Brand new");
    {
        let lock = fx.store.lock(std::time::Duration::from_secs(30)).unwrap();
        fx.store.create(&lock, &new).unwrap();
        let again = fx
            .store
            .create(&lock, &ticket(A, "Overwritten"))
            .unwrap_err();
        assert!(
            again
                .message
                .starts_with(&format!("cannot create {}: ", fx.shown(A))),
            "{again}"
        );
    }
    let mut ids = all_ids();
    ids.push(uuid(NEW));
    ids.sort();
    assert_eq!(fx.store.list().unwrap().ids, ids);
    assert_eq!(fx.store.resolve("7e7e").unwrap().id, uuid(NEW));
    let mut now = readable();
    now.push((NEW, "Brand new"));
    let s = fx.store.summaries().unwrap();
    assert_eq!(s.tickets, fx.summaries_of(&now));
    assert_eq!(s.ids, ids);
    assert_eq!(fx.store.read(uuid(A)).unwrap().title, "Refund not received");
}

fn changes_behind_the_stores_back_are_seen(fx: &Fixture) {
    // One file rewritten in place, one removed, one added, as by hand.
    fs::write(fx.path(B), ticket(B, "Edited by hand").to_toml()).unwrap();
    fs::remove_file(fx.path(A2)).unwrap();
    fs::write(fx.path(NEW), ticket(NEW, "Dropped in").to_toml()).unwrap();
    let mut ids: Vec<Uuid> = all_ids().into_iter().filter(|i| *i != uuid(A2)).collect();
    ids.push(uuid(NEW));
    ids.sort();
    let now: Vec<(&str, &str)> = readable()
        .into_iter()
        .filter(|(id, _)| *id != A2)
        .map(|(id, t)| (id, if id == B { "Edited by hand" } else { t }))
        .chain([(NEW, "Dropped in")])
        .collect();
    for _ in 0..2 {
        assert_eq!(fx.store.list().unwrap().ids, ids);
        let s = fx.store.summaries().unwrap();
        assert_eq!(s.tickets, fx.summaries_of(&now));
        assert_eq!(s.short(uuid(A)), "0b7c");
        assert_eq!(fx.store.resolve("0b7c").unwrap().id, uuid(A));
        assert!(fx.store.resolve("0b7c0").is_err());
    }
}

fn the_config_is_read_and_replaced_under_the_lock(fx: &Fixture) {
    let names = |c: crate::core::config::Config| -> Vec<String> {
        c.people.into_iter().map(|p| p.name).collect()
    };
    assert_eq!(names(fx.store.config().unwrap()), ["ana"]);
    assert_eq!(fx.store.config_text().unwrap(), CONFIG);
    let grown = format!("{CONFIG}\n[[people]]\nname = \"ben\"\nlevel = 2\n");
    {
        let lock = fx.store.lock(std::time::Duration::from_secs(30)).unwrap();
        fx.store.write_config(&lock, &grown, true).unwrap();
        assert!(fx.store.write_config(&lock, CONFIG, false).is_err());
    }
    assert_eq!(names(fx.store.config().unwrap()), ["ana", "ben"]);
    assert!(matches!(fx.store.examine_config(), Ok(Ok(_))));
    assert_eq!(
        fx.store.list().unwrap().ids,
        all_ids(),
        "the config is no ticket"
    );
}

fn local_files_stay_inside_the_store(fx: &Fixture) {
    let local = fx.store.local_dir();
    let lock = fx.store.lock(std::time::Duration::from_secs(30)).unwrap();
    fx.store
        .write_local_config(&lock, "name = \"ana\"\n")
        .unwrap();
    assert_eq!(
        fs::read_to_string(fx.store.local_config_path()).unwrap(),
        "name = \"ana\"\n"
    );
    let kept = fx
        .store
        .reject(&lock, "m1", b"raw mail", "no sender")
        .unwrap();
    assert_eq!(kept, Path::new("tickets/.local/rejected/m1.eml"));
    assert_eq!(
        fs::read(local.join("rejected/m1.eml")).unwrap(),
        b"raw mail"
    );
    assert_eq!(
        fs::read_to_string(local.join("rejected/m1.reason")).unwrap(),
        "no sender\n"
    );
    let first = fx.store.backup_dir(&lock, "20261102T080000Z").unwrap();
    let second = fx.store.backup_dir(&lock, "20261102T080000Z").unwrap();
    assert_eq!(first, local.join("backup/20261102T080000Z"));
    assert_eq!(second, local.join("backup/20261102T080000Z-2"));
    fx.store.back_up(&lock, &fx.path(A), &first).unwrap();
    fx.store
        .move_to_backup(&lock, &fx.dir().join(TEMP), &first)
        .unwrap();
    drop(lock);
    assert_eq!(
        fs::read(first.join(format!("{A}.toml"))).unwrap(),
        fs::read(fx.path(A)).unwrap()
    );
    assert!(first.join(TEMP).is_file());
    assert!(fx.store.temp_files().unwrap().is_empty());
    assert_eq!(fx.store.list().unwrap().ids, all_ids());
    assert!(fx.store.boundary_problems(|_| false).is_empty());
}

fn the_word_index_gives_the_answers_of_the_files(fx: &Fixture) {
    use crate::core::search::Query;
    use crate::core::similar::Index;
    // B solved, saved under the lock: the index sees the save at once.
    let solved = Ticket::parse(&format!(
        "id = \"{B}\"\ntitle = \"Printer on fire\"\nstatus = \"resolved\"\nowner = \"ana\"\n\
         created = 2026-11-20T09:14:00Z\nupdated = 2026-11-20T10:00:00Z\n\n\
         [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n\n\
         [[events]]\nat = 2026-11-20T10:00:00Z\nby = \"ana\"\nkind = \"status\"\nfrom = \"open\"\n\
         to = \"resolved\"\nnote = \"Put the fire out; the login printer works\"\n"
    ))
    .unwrap();
    {
        let lock = fx.store.lock(std::time::Duration::from_secs(30)).unwrap();
        fx.store.save(&lock, &solved).unwrap();
    }
    let tickets: Vec<Ticket> = readable()
        .iter()
        .map(|(id, title)| {
            if *id == B {
                solved.clone()
            } else {
                ticket(id, title)
            }
        })
        .collect();
    for _ in 0..2 {
        let words = fx.store.words().unwrap();
        assert_eq!(words.ids, all_ids());
        let problems: Vec<&str> = words.problems.iter().map(|e| e.message.as_str()).collect();
        let damaged = fx.damaged();
        assert_eq!(
            problems,
            damaged.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>()
        );
        let unindexed: Vec<Uuid> = damaged.iter().map(|(id, _)| uuid(id)).collect();
        assert_eq!(words.unindexed, unindexed);
        for asked in &tickets {
            let want: Vec<(Uuid, u64)> = Index::new(&tickets)
                .similar(asked, 3)
                .iter()
                .map(|m| (m.id, m.score.to_bits()))
                .collect();
            let got: Vec<(Uuid, u64)> = words
                .similar(asked, 3)
                .iter()
                .map(|(id, s)| (*id, s.to_bits()))
                .collect();
            assert_eq!(got, want, "{}", asked.title);
        }
        let login = ticket(A2, "Login fails");
        assert_eq!(words.similar(&login, 3).first().map(|h| h.0), Some(uuid(B)));
        // A search reads the files that may match and every file the index
        // could not read; nothing else.
        let query = Query::new(&["PRINTER".to_string()]).unwrap();
        match fx.store.candidates(query.pieces()).unwrap() {
            Some(c) => {
                let mut want = unindexed.clone();
                want.push(uuid(B));
                want.sort();
                assert_eq!(c, want);
            }
            None => assert!(
                matches!(fx.mode, Mode::Off | Mode::Cold | Mode::Damaged(_)),
                "a warm store keeps its index"
            ),
        }
    }
}
