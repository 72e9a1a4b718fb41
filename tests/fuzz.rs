//! Fuzzing the four readers of outside input: the ticket reader, the config
//! reader, the mail reader and the merge driver. Each target starts from a
//! corpus of real inputs (the demo store, the mail fixtures, and the hostile
//! cases kept in `tests/fuzz/<target>/`), applies a stack of random
//! mutations (byte flips, inserts, deletions, truncation, lines spliced in
//! from other inputs), and checks that the reader never panics and that what
//! it accepts behaves: a ticket reads back the same after a write, a config
//! computes deadlines, a mail becomes a ticket that reads back, a merge is
//! the same whichever side is ours.
//!
//! CI runs a few hundred cases per target. By hand, run longer:
//! `PROPTEST_CASES=200000 cargo test --test cli fuzz::`. A failure is kept
//! by proptest in `proptest-regressions/fuzz.txt` (committed, so it is
//! replayed first from then on); add the input that caused it to the
//! target's corpus folder too.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use baton::core::clock;
use baton::core::config::Config;
use baton::core::merge::merge;
use baton::core::summary::Summary;
use baton::core::ticket::Ticket;
use baton::core::{action, check, intake};
use baton::io::mail;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file in `dir` whose name holds `part` and ends with `suffix`,
/// sorted by name.
fn files(dir: &Path, part: &str, suffix: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        name.contains(part) && name.ends_with(suffix)
    });
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The inputs mutations start from: the real ones and the kept hostile cases.
struct Corpus {
    tickets: Vec<Vec<u8>>,
    configs: Vec<Vec<u8>>,
    mails: Vec<Vec<u8>>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let fuzz = repo().join("tests/fuzz");
        // The demo store's ticket files (its config is `baton.toml`, no
        // ticket id).
        let mut tickets = files(&repo().join("tickets"), "-", ".toml");
        tickets.extend(files(&fuzz.join("ticket"), "", ".toml"));
        let mut configs = vec![std::fs::read(repo().join("tickets/baton.toml")).unwrap()];
        configs.extend(files(&fuzz.join("config"), "", ".toml"));
        let mut mails = files(&repo().join("tests/fixtures/mail"), "", ".eml");
        mails.extend(files(&fuzz.join("mail"), "", ".eml"));
        assert!(tickets.len() > 10 && configs.len() > 1 && mails.len() > 10);
        Corpus {
            tickets,
            configs,
            mails,
        }
    })
}

/// One mutation: what to do, where, with which byte, and which other input
/// a splice takes its lines from.
#[derive(Debug, Clone)]
struct Mutation {
    kind: u8,
    at: usize,
    byte: u8,
    len: usize,
    other: usize,
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(
        (
            any::<u8>(),
            any::<usize>(),
            any::<u8>(),
            0usize..64,
            any::<usize>(),
        )
            .prop_map(|(kind, at, byte, len, other)| Mutation {
                kind,
                at,
                byte,
                len,
                other,
            }),
        0..6,
    )
}

/// Bytes that readers treat specially: quotes, brackets, escapes, line
/// ends, multi-byte starts, header separators.
const INTERESTING: &[u8] = b"\"'[]{}=\\\n\r\t:;<>#@\0\x1b\xc3\xe2\xff0-9.Zz";

/// Applies the mutations to `input`, splicing from `pool` where asked.
fn mutate(input: &[u8], muts: &[Mutation], pool: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for m in muts {
        let at = m.at % (bytes.len() + 1);
        let byte = if m.byte % 3 == 0 {
            INTERESTING[usize::from(m.byte) % INTERESTING.len()]
        } else {
            m.byte
        };
        match m.kind % 7 {
            0 if at < bytes.len() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 => {
                let end = (at + m.len).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => bytes.truncate(at),
            4 => {
                // A run of lines from another input, as a bad merge or a
                // paste would leave.
                let other = &pool[m.other % pool.len()];
                let lines: Vec<&[u8]> = other.split_inclusive(|&b| b == b'\n').collect();
                if !lines.is_empty() {
                    let from = m.at % lines.len();
                    let take: Vec<u8> =
                        lines[from..(from + 1 + m.len % 4).min(lines.len())].concat();
                    let at = line_start(&bytes, at);
                    bytes.splice(at..at, take);
                }
            }
            5 => {
                // A line repeated, as in a doubled event.
                let start = line_start(&bytes, at);
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| start + i + 1);
                let line = bytes[start..end].to_vec();
                bytes.splice(end..end, line);
            }
            _ => {
                // A long run of one byte: huge numbers, long names.
                let run = vec![byte; m.len * 16];
                bytes.splice(at..at, run);
            }
        }
    }
    bytes
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn now() -> DateTime<Utc> {
    "2026-11-20T17:00:00Z".parse().unwrap()
}

/// A ticket the reader accepted reads back the same after a write, and
/// everything computed from it works.
fn behaves(t: &Ticket, config: &Config) -> Result<(), TestCaseError> {
    let text = t.to_toml();
    let again = Ticket::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(again.to_toml(), text.clone());
    // The fast reader agrees with the general one on what baton wrote.
    if let Some(fast) = baton::core::canonical::parse(&text) {
        prop_assert_eq!(fast.to_toml(), text.clone());
    }
    let _ = Summary::of(t);
    let _ = check::ticket(t, &text, Some(config));
    // A repair never gives the ticket an owner off the team.
    if let Some(fixed) = check::repaired(t.clone(), Some(config)) {
        prop_assert!(
            config.person(&fixed.owner).is_some(),
            "repaired owner {}",
            fixed.owner
        );
    }
    let _ = clock::deadline(t, config, now());
    Ok(())
}

fn demo_config() -> Config {
    Config::parse(&String::from_utf8_lossy(&corpus().configs[0])).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: ProptestConfig::default().cases.max(256),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/fuzz.txt"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_ticket_reader_never_panics_and_what_it_accepts_behaves(
        seed in any::<usize>(), muts in mutations(),
    ) {
        let c = corpus();
        let bytes = mutate(&c.tickets[seed % c.tickets.len()], &muts, &c.tickets);
        if let Ok(text) = String::from_utf8(bytes)
            && let Ok(t) = Ticket::parse(&text)
        {
            behaves(&t, &demo_config())?;
        }
    }

    #[test]
    fn the_config_reader_never_panics_and_what_it_accepts_keeps_time(
        seed in any::<usize>(), muts in mutations(), ticket in any::<usize>(),
    ) {
        let c = corpus();
        let bytes = mutate(&c.configs[seed % c.configs.len()], &muts, &c.configs);
        if let Ok(config) = Config::parse(&String::from_utf8_lossy(&bytes)) {
            let text = String::from_utf8_lossy(&c.tickets[ticket % c.tickets.len()]).into_owned();
            if let Ok(t) = Ticket::parse(&text) {
                behaves(&t, &config)?;
                let _ = clock::owed(&t, &config, &mut Default::default(), now());
            }
        }
    }

    #[test]
    fn the_mail_reader_never_panics_and_a_mail_it_accepts_becomes_a_ticket(
        seed in any::<usize>(), muts in mutations(),
    ) {
        let c = corpus();
        let bytes = mutate(&c.mails[seed % c.mails.len()], &muts, &c.mails);
        if let Ok(m) = mail::parse(&bytes) {
            let config = demo_config();
            let _ = intake::ack_refusal(&m, &config, 0);
            let base = action::Draft {
                owner: Some(config.people[0].name.clone()),
                ..Default::default()
            };
            let id = uuid::Uuid::from_u128(seed as u128);
            // A mail intake refuses (an empty title, say) is kept, not filed.
            if let Ok(t) = intake::new_ticket(&config, now(), id, &m, base, None) {
                behaves(&t, &config)?;
                let mut answered = t.clone();
                intake::add_message(&mut answered, now(), &m);
                behaves(&answered, &config)?;
            }
        }
    }

    #[test]
    fn the_merge_driver_never_panics_and_is_the_same_from_either_side(
        base in any::<usize>(), ours_muts in mutations(), theirs_muts in mutations(),
    ) {
        let c = corpus();
        let seed = &c.tickets[base % c.tickets.len()];
        let read = |bytes: Vec<u8>| String::from_utf8(bytes).ok().and_then(|t| Ticket::parse(&t).ok());
        let Some(b) = read(seed.clone()) else { return Ok(()) };
        let (Some(o), Some(t)) = (
            read(mutate(seed, &ours_muts, &c.tickets)),
            read(mutate(seed, &theirs_muts, &c.tickets)),
        ) else {
            return Ok(());
        };
        let one = merge(Some(&b), &o, &t);
        let other = merge(Some(&b), &t, &o);
        match (&one, &other) {
            (Ok(x), Ok(y)) => {
                prop_assert_eq!(x.to_toml(), y.to_toml());
                behaves(x, &demo_config())?;
            }
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "one side merged and the other did not: {:?} / {:?}", one.is_ok(), other.is_ok()),
        }
    }
}

#[test]
fn the_corpus_starts_from_inputs_the_readers_accept() {
    // Mutations explore around real inputs only if the seeds themselves read.
    let c = corpus();
    for (i, t) in c.tickets.iter().enumerate() {
        let text = String::from_utf8(t.clone()).unwrap();
        Ticket::parse(&text).unwrap_or_else(|e| panic!("ticket seed {i}: {e}"));
    }
    for (i, t) in c.configs.iter().enumerate() {
        Config::parse(&String::from_utf8_lossy(t))
            .unwrap_or_else(|e| panic!("config seed {i}: {e}"));
    }
    let read = c.mails.iter().filter(|m| mail::parse(m).is_ok()).count();
    assert!(
        read + 2 >= c.mails.len(),
        "only {read} of {} mail seeds read",
        c.mails.len()
    );
}
