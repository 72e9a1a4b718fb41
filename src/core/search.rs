//! `search`: which tickets mention every word of a query, and where. A file
//! whose bytes cannot hold a match is ruled out without parsing it; every
//! other file is parsed and the words are looked for in its text fields, so
//! a word in a field name, an owner's name or a timestamp never counts.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, bytes};

use super::clock::Deadline;
use super::ticket::{EventKind, Ticket};

/// How much text a match snippet shows around the word.
const SNIPPET: usize = 60;

/// Whether a string reads the same in a ticket file's bytes as in its parsed
/// text: TOML writes a quote, a backslash or a control character escaped.
fn literal_in_files(s: &str) -> bool {
    !s.chars().any(|c| c == '"' || c == '\\' || c.is_control())
}

/// Whether a file's bytes say nothing certain about its text: \u, \U and \x
/// escapes can spell any character, and a backslash at the end of a line
/// joins the lines around it.
fn has_escapes(bytes: &[u8]) -> bool {
    static ESCAPES: LazyLock<bytes::Regex> =
        LazyLock::new(|| bytes::Regex::new(r"\\(?:[uUx]|[ \t]*\r?\n)").expect("a valid pattern"));
    ESCAPES.is_match(bytes)
}

/// A test on ticket files' bytes that keeps every file whose text may hold
/// one of some strings: for finding the few tickets that matter to a
/// question without parsing them all.
pub struct Needles {
    /// Any of the strings; `None` when there are none.
    any: Option<bytes::Regex>,
    /// Whether the bytes cannot rule a file out: a string TOML would write
    /// escaped, or a pattern too long to build.
    keep_all: bool,
}

impl Needles {
    /// Strings to find as they are (`exact`) and ignoring case (`any_case`);
    /// empty ones are left out.
    pub fn new(exact: &[&str], any_case: &[&str]) -> Needles {
        let exact: Vec<&str> = exact.iter().copied().filter(|s| !s.is_empty()).collect();
        let any_case: Vec<&str> = any_case.iter().copied().filter(|s| !s.is_empty()).collect();
        let pattern: Vec<String> = exact
            .iter()
            .map(|s| regex::escape(s))
            .chain(
                any_case
                    .iter()
                    .map(|s| format!("(?i:{})", regex::escape(s))),
            )
            .collect();
        if pattern.is_empty() {
            return Needles {
                any: None,
                keep_all: false,
            };
        }
        let any = bytes::Regex::new(&pattern.join("|")).ok();
        let literal = exact.iter().chain(&any_case).all(|s| literal_in_files(s));
        Needles {
            keep_all: any.is_none() || !literal,
            any,
        }
    }

    /// Whether a ticket file's bytes may hold one of the strings; `false` is
    /// certain. With no strings at all, no file can.
    pub fn may_hold(&self, bytes: &[u8]) -> bool {
        match &self.any {
            _ if self.keep_all => true,
            None => false,
            Some(any) => has_escapes(bytes) || any.is_match(bytes),
        }
    }
}

/// A search for tickets that mention every word, ignoring case.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<Regex>,
    raw: Vec<bytes::Regex>,
    /// Whether every word reads the same in a file's bytes as in the parsed
    /// text; when not, every file is parsed.
    raw_ok: bool,
    /// What the word index can rule files out by ([`Query::pieces`]).
    pieces: Vec<Vec<String>>,
}

/// Where a ticket mentions the query: the field and a line of text around
/// the first word found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub field: String,
    pub snippet: String,
}

/// A ticket that matched, the prefix that names it, and where it matched.
pub struct Found {
    /// The ticket without its history.
    pub ticket: Ticket,
    pub due: Option<Deadline>,
    pub short: String,
    pub hit: Hit,
}

impl Query {
    /// A query for `words`, each matched as plain text (no patterns).
    pub fn new(words: &[String]) -> Result<Query, String> {
        let words: Vec<&str> = words.iter().flat_map(|w| w.split_whitespace()).collect();
        if words.is_empty() {
            return Err("nothing to search for".into());
        }
        let build = |w: &str| {
            RegexBuilder::new(&regex::escape(w))
                .case_insensitive(true)
                .build()
                .map_err(|e| e.to_string())
        };
        let build_raw = |w: &str| {
            bytes::RegexBuilder::new(&regex::escape(w))
                .case_insensitive(true)
                .build()
                .map_err(|e| e.to_string())
        };
        Ok(Query {
            pieces: words.iter().map(|w| pieces_of(w)).collect(),
            raw_ok: words.iter().all(|w| literal_in_files(w)),
            words: words.iter().map(|w| build(w)).collect::<Result<_, _>>()?,
            raw: words
                .iter()
                .map(|w| build_raw(w))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Whether a ticket file's bytes may hold a match. `false` is certain:
    /// the parsed ticket would not match either.
    pub fn may_match(&self, bytes: &[u8]) -> bool {
        if !self.raw_ok || has_escapes(bytes) {
            return true;
        }
        self.raw.iter().all(|r| r.is_match(bytes))
    }

    /// What the word index can narrow by: for each query word, the runs of
    /// ASCII letters and digits in it, lowercased. A ticket that matches
    /// holds each run inside one of its [`words`] (as a substring: search
    /// matches inside words, so "port" finds "export"). A word with no such
    /// run (only other scripts or signs) says nothing and is left out: the
    /// index narrows by the rest, and by nothing when none is left.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().flatten().map(String::as_str)
    }

    /// Where `t` mentions every word, or `None`. The hit is the first field,
    /// in the order a reader meets them, that holds any of the words.
    pub fn find(&self, t: &Ticket) -> Option<Hit> {
        let fields = fields(t);
        let all = self
            .words
            .iter()
            .all(|w| fields.iter().any(|(_, text)| w.is_match(text)));
        if !all {
            return None;
        }
        fields.iter().find_map(|(field, text)| {
            let found = self
                .words
                .iter()
                .filter_map(|w| w.find(text))
                .min_by_key(|m| m.start())?;
            Some(Hit {
                field: field.label(),
                snippet: snippet(text, found.start(), found.end()),
            })
        })
    }
}

/// The runs of ASCII letters and digits in one query word, lowercased; a
/// run beside a letter of another script is part of a longer word and still
/// a run of it.
fn pieces_of(word: &str) -> Vec<String> {
    let mut out: Vec<String> = word
        .split(|c: char| !c.is_alphanumeric())
        .flat_map(|run| run.split(|c: char| !c.is_ascii()))
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The words of every text a search looks in, folded, sorted and once each:
/// what the word index keeps of a ticket for search. A word is a run of
/// letters and digits (Unicode's); folding lowercases ASCII and maps the two
/// other letters that match an ASCII letter ignoring case (the Kelvin sign
/// matches k, the long s matches s), so any run of ASCII letters and digits
/// a search matches in a text is a substring of one of these words.
pub fn words(t: &Ticket) -> Vec<String> {
    let mut out: Vec<String> = fields(t)
        .iter()
        .flat_map(|(_, text)| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '\u{212A}' => 'k',
            '\u{17F}' => 's',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Where in a ticket a text is, as a hit names it.
#[derive(Clone, Copy)]
enum Field<'a> {
    Named(&'static str),
    /// An event's message, named after its kind.
    Message(&'a str),
    /// An event's note.
    Note(&'a str),
}

impl Field<'_> {
    fn label(self) -> String {
        match self {
            Field::Named(name) => name.to_string(),
            Field::Message(kind) => kind.to_string(),
            Field::Note(kind) => format!("{kind} note"),
        }
    }
}

/// The text a search looks in, in the order a reader meets it.
fn fields(t: &Ticket) -> Vec<(Field<'_>, &str)> {
    let mut out = vec![
        (Field::Named("title"), t.title.as_str()),
        (Field::Named("customer"), t.customer.as_str()),
    ];
    if let Some(name) = super::intake::customer_name(t) {
        out.push((Field::Named("customer"), name));
    }
    out.extend(t.tags.iter().map(|tag| (Field::Named("tag"), tag.as_str())));
    out.push((Field::Named("description"), t.description.as_str()));
    // Undone events are not searched: a note undone was never written.
    let undone = super::undo::cancelled(&t.events);
    for (e, _) in t.events.iter().zip(undone).filter(|(_, by)| by.is_none()) {
        let kind = e.kind.as_str();
        if let Some(text) = &e.text {
            out.push((Field::Message(kind), text));
        }
        if let Some(note) = &e.note {
            out.push((Field::Note(kind), note));
        }
        if let Some(comment) = &e.comment {
            out.push((Field::Named("rating comment"), comment));
        }
        // An edit keeps the old and new wording of a title or description.
        if e.kind == EventKind::Edited {
            for text in [&e.from, &e.to].into_iter().flatten() {
                out.push((Field::Named("edit"), text));
            }
        }
    }
    out.retain(|(_, text)| !text.is_empty());
    out
}

/// About `SNIPPET` characters of `text` around the match at `start..end`,
/// on one line, with an ellipsis where text was left out.
fn snippet(text: &str, start: usize, end: usize) -> String {
    if text.chars().count() <= SNIPPET {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let before: Vec<char> = text[..start].chars().collect();
    let matched = &text[start..end];
    let room = SNIPPET.saturating_sub(matched.chars().count());
    let lead = (room / 3).min(before.len());
    let head: String = before[before.len() - lead..].iter().collect();
    let tail: String = text[end..].chars().take(room - lead).collect();
    let cut_head = lead < before.len();
    let cut_tail = text[end..].chars().nth(room - lead).is_some();
    let line = format!("{head}{matched}{tail}");
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{}{line}{}",
        if cut_head { "…" } else { "" },
        if cut_tail { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{Event, Priority, Status};
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn query(words: &[&str]) -> Query {
        Query::new(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn ticket() -> Ticket {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let mut reply = Event::new(at, "ana", EventKind::Reply);
        reply.text = Some("Could you try the CSV export from Firefox?".into());
        Ticket {
            id: uuid::Uuid::from_u128(7),
            title: "Export fails in Safari".into(),
            status: Status::Open,
            owner: "ana".into(),
            customer: "jo@example.com".into(),
            priority: Priority::Normal,
            tags: vec!["browser".into()],
            created: at,
            updated: at,
            escalated: 0,
            description: String::new(),
            extra: Default::default(),
            events: vec![Event::new(at, "ana", EventKind::Created), reply],
        }
    }

    #[test]
    fn every_word_must_appear_somewhere_ignoring_case() {
        let t = ticket();
        let hit = query(&["SAFARI", "firefox"]).find(&t).unwrap();
        assert_eq!(hit.field, "title");
        assert_eq!(hit.snippet, "Export fails in Safari");
        assert_eq!(query(&["safari", "chrome"]).find(&t), None);
        let hit = query(&["firefox"]).find(&t).unwrap();
        assert_eq!(hit.field, "reply");
        assert_eq!(hit.snippet, "Could you try the CSV export from Firefox?");
    }

    #[test]
    fn field_names_owners_and_times_are_not_text() {
        let t = ticket();
        for word in ["status", "ana", "2026", "kind"] {
            assert_eq!(query(&[word]).find(&t), None, "{word}");
        }
    }

    #[test]
    fn a_long_text_is_cut_around_the_match() {
        let long = format!("{} needle {}", "a ".repeat(80), "b ".repeat(80));
        let m = long.find("needle").unwrap();
        let s = snippet(&long, m, m + 6);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("needle"));
        assert!(s.chars().count() <= SNIPPET + 2, "{s}");
    }

    #[test]
    fn escapes_make_the_bytes_inconclusive() {
        let q = query(&["café"]);
        assert!(!q.may_match(b"title = \"cafe\"\n"));
        assert!(q.may_match(b"title = \"caf\\u00e9\"\n"));
        assert!(q.may_match("title = \"CAFÉ\"\n".as_bytes()));
        // a backslash at a line's end joins "ca" and "fé"
        assert!(q.may_match("description = \"\"\"ca\\\n  fé\"\"\"\n".as_bytes()));
        assert!(query(&["say \"hi\""]).may_match(b"nothing"));
    }

    #[test]
    fn needles_keep_the_files_that_may_hold_a_string() {
        let n = Needles::new(&["CAF=3k@mail"], &["Jan@Example.com"]);
        assert!(n.may_hold(b"message_id = \"CAF=3k@mail\""));
        assert!(!n.may_hold(b"message_id = \"caf=3k@mail\""));
        assert!(n.may_hold(b"ack = \"jan@example.COM\""));
        assert!(!n.may_hold(b"ack = \"eva@example.com\""));
        assert!(n.may_hold(b"ack = \"jan\\u0040example.com\""));
        assert!(!Needles::new(&[], &[""]).may_hold(b"anything"));
        assert!(Needles::new(&["a\"b"], &[]).may_hold(b"anything"));
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c if c.is_control() || (!c.is_ascii() && (c as u32).is_multiple_of(3)) => {
                    out.push_str(&format!("\\u{:04X}", c as u32))
                }
                c => out.push(c),
            }
        }
        out
    }

    /// Whether the word index's test lets `t` through for `q`: each piece
    /// inside one of its words.
    fn index_keeps(q: &Query, t: &Ticket) -> bool {
        let words = words(t);
        q.pieces().all(|p| words.iter().any(|w| w.contains(p)))
    }

    #[test]
    fn the_index_narrows_by_ascii_runs_inside_words() {
        let mut t = ticket();
        t.description = "Der \u{212A}unde sagt: ſafari-Export über E-Mail".into();
        assert_eq!(
            words(&t),
            [
                "browser", "could", "csv", "der", "example", "export", "fails", "firefox", "from",
                "in", "jo", "kunde", "mail", "safari", "sagt", "the", "try", "you", "e", "com",
                "über"
            ]
            .iter()
            .map(|w| w.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        for (query, pieces) in [
            (&["Export"][..], &["export"][..]),
            (&["e-mail", "PORT"], &["e", "mail", "port"]),
            (&["über"], &["ber"]),
            (&["éß"], &[]),
            (&["Überweisung2"], &["berweisung2"]),
            (&["jo@example"], &["example", "jo"]),
        ] {
            let q = query_of(query);
            assert_eq!(q.pieces().collect::<Vec<_>>(), pieces, "{query:?}");
        }
        // The Kelvin sign and the long s match k and s, and so does the index.
        for word in ["KUNDE", "kunde", "safari", "SAFARI"] {
            let q = query_of(&[word]);
            assert!(q.find(&t).is_some(), "{word}");
            assert!(index_keeps(&q, &t), "{word}");
        }
        assert!(!index_keeps(&query_of(&["chrome"]), &t));
    }

    fn query_of(words: &[&str]) -> Query {
        query(words)
    }

    proptest! {
        /// The word index never rules out a ticket that matches: every
        /// piece of the query lies inside one of the ticket's words,
        /// whatever the letters, case and signs.
        #[test]
        fn the_word_index_never_hides_a_match(
            text in "[a-zA-Z0-9é\u{212A}\u{17F}\u{130}\u{131}\u{3b1}\u{391}ß@. -]{0,40}",
            word in "[a-zA-Z0-9éÉ\u{212A}\u{17F}\u{3b1}ß@.-]{1,6}",
        ) {
            let mut t = ticket();
            t.description = text;
            let q = query(&[word.as_str()]);
            if q.find(&t).is_some() {
                prop_assert!(index_keeps(&q, &t), "{:?} in {:?}", word, t.description);
            }
        }

        /// The byte test never rules out a ticket that matches, however
        /// its text is written.
        #[test]
        fn the_byte_test_never_hides_a_match(
            title in "[a-zA-Zé\"\\\\ \n\t\u{e9}\u{3b1}\u{391}]{0,30}",
            word in "[a-zA-Zé\u{3b1}\u{391}\"\\\\]{1,4}",
        ) {
            let q = query(&[word.as_str()]);
            let text = format!(
                "id = \"00000000-0000-0000-0000-000000000007\"\ntitle = \"T {}\"\nstatus = \"open\"\nowner = \"ana\"\ncreated = 2026-11-02T09:00:00Z\nupdated = 2026-11-02T09:00:00Z\n\n[[events]]\nat = 2026-11-02T09:00:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n",
                escaped(&title)
            );
            let t = Ticket::parse(&text).map_err(|e| format!("{e:?}\n{text}")).unwrap();
            if q.find(&t).is_some() {
                prop_assert!(q.may_match(text.as_bytes()));
            }
        }
    }
}
