//! The word index in `.local/cache/words` may only ever save work, as the
//! rest of the cache (tests/cache.rs): `similar` and `search` answer with it
//! exactly as a copy of the store without `.local/` does, whatever happened
//! to the index (damaged, stale, unwritable) or behind its back (files
//! edited in place, replaced, added, removed). Each case first proves the
//! index is in use (the `BATON_TRACE` lines), then changes something and
//! compares every answer with the copy's.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::cache::{
    copy_tree, delete, directory, empty, flip_middle, set_mtime, set_read_only, symlink, truncate,
};
use crate::common::TestEnv;

/// Long enough for a file to settle (the index keeps nothing read from a
/// file that changed less than 2 s before the run began).
const SETTLE: Duration = Duration::from_millis(2200);

/// The desk's vocabulary: a few words ASCII and one not.
const WORDS: &str = "invoice export exporting login password reset browser cookie session \
                     timeout refund printer upload mobile app crash crashes screen order \
                     delivery label payment card receipt safari crème";

fn words() -> Vec<&'static str> {
    WORDS.split_whitespace().collect()
}

/// The id of ticket `i` of the desk.
fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-000000000000")
}

const TICKETS: usize = 30;

/// Thirty tickets written as baton writes them, most resolved with a note,
/// their words drawn from a small vocabulary, so that `similar` has work
/// and `search` something to narrow.
fn desk() -> TestEnv {
    let env = TestEnv::solo();
    let mut seed: u64 = 17;
    let mut roll = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % n as u64) as usize
    };
    for i in 0..TICKETS {
        let mut text = |n: usize| {
            (0..n)
                .map(|_| words()[roll(words().len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (title, description, note) = (text(4), text(10), text(5));
        let resolved = i % 4 != 0;
        let mut toml = format!(
            "id = \"{}\"\ntitle = \"{title}\"\nstatus = \"{}\"\nowner = \"ana\"\n\
             created = 2026-11-20T09:00:00Z\nupdated = 2026-11-20T11:00:00Z\n\
             description = \"{description}\"\n\n\
             [[events]]\nat = 2026-11-20T09:00:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n",
            id(i),
            if resolved { "resolved" } else { "open" },
        );
        if resolved {
            toml.push_str(&format!(
                "\n[[events]]\nat = 2026-11-20T11:00:00Z\nby = \"ana\"\nkind = \"status\"\n\
                 from = \"open\"\nto = \"resolved\"\nnote = \"{note}\"\n"
            ));
        }
        fs::write(env.ticket_path(&id(i)), toml).unwrap();
    }
    env.set_now("2026-11-21T09:00:00Z");
    env
}

/// The commands the word index answers: `similar` of a resolved and an
/// open ticket, searches it narrows, and one it cannot narrow.
fn commands() -> Vec<Vec<String>> {
    let (open, resolved) = (id(0), id(1));
    [
        vec!["similar", &resolved[..8], "--json"],
        vec!["similar", &open[..8], "--limit", "10"],
        vec!["search", "printer", "--json"],
        vec!["search", "PORT", "crash"],
        vec!["search", "crème"],
        vec!["search", "è"],
        vec!["search", "nowhere"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(String::from).collect())
    .collect()
}

/// What a run showed, and its trace lines about the word index.
struct Traced {
    shown: String,
    words: Vec<String>,
}

fn traced(env: &TestEnv, args: &[String], cwd: Option<&Path>) -> Traced {
    let run = crate::cache::traced(env, args, cwd);
    Traced {
        shown: run.shown,
        words: run
            .trace
            .into_iter()
            .filter(|t| t.starts_with("words: "))
            .collect(),
    }
}

/// What every command shows in a copy of the store without `.local/`: no
/// index to start from, so `similar` reads every file and `search` scans.
fn cold(env: &TestEnv) -> Vec<String> {
    let root = env.root().join("cold");
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    let local = env.store().join(".local");
    copy_tree(&env.store(), &root.join("tickets"), &|p| p == local);
    let n = env.ticket_ids().len();
    commands()
        .iter()
        .map(|args| {
            let run = traced(env, args, Some(&root));
            let want = if args[0] == "similar" {
                vec![read(0, n)]
            } else if args[1] == "è" {
                vec!["words: the query cannot be narrowed".to_string()]
            } else {
                vec!["words: no index kept".to_string()]
            };
            assert_eq!(run.words, want, "cold baton {}", args.join(" "));
            run.shown
        })
        .collect()
}

fn read(hits: usize, read: usize) -> String {
    format!("words: {hits} from the index, {read} read from files")
}

fn index(env: &TestEnv) -> std::path::PathBuf {
    env.store().join(".local/cache/words")
}

fn journal(env: &TestEnv) -> std::path::PathBuf {
    env.store().join(".local/cache/words.journal")
}

/// Makes sure the index holds the whole store (every file has settled).
fn prime(env: &TestEnv) {
    env.baton(&["similar", &id(1)[..8]]).success();
    assert!(index(env).is_file(), "the index was kept");
}

/// Runs every command, asserting each took every ticket from the index and
/// what it showed equals `want`.
#[track_caller]
fn assert_warm(env: &TestEnv, want: &[String], case: &str) {
    prime(env);
    let n = env.ticket_ids().len();
    for (args, want) in commands().iter().zip(want) {
        let run = traced(env, args, None);
        if args[1] != "è" {
            assert_eq!(run.words[0], read(n, 0), "{case}: baton {}", args.join(" "));
        }
        assert_eq!(&run.shown, want, "{case}: baton {}", args.join(" "));
    }
}

/// Runs every command once after a change: the first shows `trace`, every
/// one shows what the copy without an index shows.
#[track_caller]
fn assert_seen(env: &TestEnv, case: &str, trace: &str) -> Vec<String> {
    let want = cold(env);
    commands()
        .iter()
        .zip(&want)
        .enumerate()
        .map(|(i, (args, want))| {
            let run = traced(env, args, None);
            if i == 0 {
                assert_eq!(run.words, [trace], "{case}: baton {}", args.join(" "));
            }
            assert_eq!(
                &run.shown,
                want,
                "{case}: baton {} with the index and without",
                args.join(" ")
            );
            run.shown
        })
        .collect()
}

/// Damages the index file in place.
type Damage = fn(&Path);

#[test]
fn the_word_index_answers_as_the_files_do_whatever_happens_to_it() {
    let env = desk();
    std::thread::sleep(SETTLE);
    let want = cold(&env);
    assert!(
        want[0].contains("\"score\""),
        "similar found some: {}",
        want[0]
    );
    assert!(
        want[2].contains("printer"),
        "the search found some: {}",
        want[2]
    );
    assert_warm(&env, &want, "warm");
    // A search the index narrows reads only the files that may match.
    let narrowed = traced(&env, &commands()[2], None);
    let line = &narrowed.words[1];
    let (k, n) = line
        .strip_prefix("words: ")
        .and_then(|l| l.strip_suffix(" files may match"))
        .and_then(|l| l.split_once(" of "))
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(n, TICKETS.to_string());
    assert!(k.parse::<usize>().unwrap() < TICKETS, "{line}");

    // After a write the next command reads that one file again; once it
    // has settled, its words go to the index's journal, and no file is read.
    let old = fs::read(index(&env)).unwrap();
    env.baton_as("ana", &["note", &id(3)[..8], "printer refund export"])
        .success();
    let after = assert_seen(&env, "one write", &read(TICKETS - 1, 1));
    assert_ne!(after, want, "the note shows");
    std::thread::sleep(SETTLE);
    let want = cold(&env);
    assert_warm(&env, &want, "after the write");
    assert!(journal(&env).is_file(), "the settled file was appended");
    // An older index, from before the ticket changed: with the journal the
    // record still answers; without it that one file is read again.
    fs::write(index(&env), &old).unwrap();
    assert_seen(&env, "stale, with the journal", &read(TICKETS, 0));
    fs::remove_file(journal(&env)).unwrap();
    assert_seen(&env, "stale", &read(TICKETS - 1, 1));
    // A journal of garbage is no journal: that file is read again.
    fs::write(index(&env), &old).unwrap();
    fs::write(journal(&env), b"\x05\x00\x00\x00garbage").unwrap();
    assert_seen(&env, "a damaged journal", &read(TICKETS - 1, 1));

    let damages: [(&str, Damage); 6] = [
        ("flipped", flip_middle),
        ("truncated", truncate),
        ("empty", empty),
        ("deleted", delete),
        ("a directory", directory),
        ("a link", |p| {
            fs::remove_file(p).unwrap();
            symlink(Path::new("/dev/zero"), p);
        }),
    ];
    for (case, damage) in damages {
        assert_warm(&env, &want, case);
        damage(&index(&env));
        // `similar` reads every file again; the searches find no index.
        assert_seen(&env, case, &read(0, TICKETS));
        if index(&env).is_dir() {
            fs::remove_dir_all(index(&env)).unwrap();
        }
        if index(&env).is_symlink() {
            fs::remove_file(index(&env)).unwrap();
        }
    }
}

#[test]
fn changes_behind_the_index_are_seen_and_an_index_that_cannot_be_written_is_harmless() {
    let env = desk();
    std::thread::sleep(SETTLE);
    let want = cold(&env);
    assert_warm(&env, &want, "warm");

    // Edited in place: same size, same inode, modification time set back.
    let path = env.ticket_path(&id(5));
    let before = fs::metadata(&path).unwrap();
    let text = env.ticket_text(&id(5));
    let word = words().into_iter().find(|w| text.contains(w)).unwrap();
    let other = "X".repeat(word.len());
    fs::write(&path, text.replacen(word, &other, 1)).unwrap();
    set_mtime(&path, before.modified().unwrap());
    assert_eq!(fs::metadata(&path).unwrap().len(), before.len());
    assert_seen(&env, "edited in place", &read(TICKETS - 1, 1));

    // Replaced by another file renamed over it, as git checkout does.
    std::thread::sleep(SETTLE);
    let want = cold(&env);
    assert_warm(&env, &want, "before the checkout");
    let path = env.ticket_path(&id(6));
    let replacement = env.root().join("replacement.toml");
    fs::write(
        &replacement,
        env.ticket_text(&id(6))
            .replacen("title = \"", "title = \"printer ", 1),
    )
    .unwrap();
    fs::rename(&replacement, &path).unwrap();
    let after = assert_seen(&env, "replaced", &read(TICKETS - 1, 1));
    assert!(
        after[2].contains(&id(6)),
        "the search finds the new word: {}",
        after[2]
    );

    // Added and removed behind baton's back, and one no longer a ticket.
    std::thread::sleep(SETTLE);
    prime(&env);
    fs::copy(env.ticket_path(&id(7)), env.root().join("kept.toml")).unwrap();
    env.copy_ticket(&id(7), &id(40));
    fs::remove_file(env.ticket_path(&id(7))).unwrap();
    fs::write(env.ticket_path(&id(8)), "title = \"unterminated\n").unwrap();
    let after = assert_seen(&env, "added, removed, broken", &read(TICKETS - 2, 2));
    for shown in &after[..2] {
        assert!(
            shown.contains(&format!("tickets/{}.toml", id(8))),
            "the broken file is named: {shown}"
        );
    }

    // A read-only cache folder: nothing can be kept, every answer is the same.
    std::thread::sleep(SETTLE);
    let want = cold(&env);
    let dir = env.store().join(".local/cache");
    set_read_only(&dir, true);
    for (args, want) in commands().iter().zip(&want) {
        let run = traced(&env, args, None);
        assert_eq!(&run.shown, want, "read-only: baton {}", args.join(" "));
    }
    set_read_only(&dir, false);

    // `.local` a file, not a folder: nothing can be kept, every answer is the same.
    let local = env.store().join(".local");
    fs::remove_dir_all(&local).unwrap();
    fs::write(&local, "not a folder\n").unwrap();
    assert_seen(&env, ".local a file", &read(0, TICKETS));
}
