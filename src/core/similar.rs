//! Answers found again: the resolved tickets most like a given one, ranked
//! by BM25 (Robertson and Zaragoza's Okapi BM25, k1 = 1.2, b = 0.75) over
//! their title, description, replies and resolution notes, with English
//! stemming (`rust-stemmers`, the Snowball stemmer) so that "exporting" finds
//! "export". Pure: the caller reads the tickets.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use uuid::Uuid;

use super::ticket::{Event, Status, Ticket, View};

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;

/// Words too common to say what a ticket is about.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "for", "from", "has",
    "have", "hi", "hello", "i", "if", "in", "is", "it", "its", "me", "my", "not", "of", "on", "or",
    "our", "please", "so", "thanks", "that", "the", "this", "to", "was", "we", "when", "with",
    "you", "your",
];

/// Text as stemmed terms: lowercase words of letters and digits, stop words
/// left out.
pub fn terms(stemmer: &Stemmer, text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| stemmer.stem(&w).into_owned())
        .collect()
}

/// The resolution note of a ticket: the note on its latest change to
/// `resolved`, if it had one.
pub fn resolution_note(t: &Ticket) -> Option<&str> {
    t.events
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.view(),
                Ok(View::Status {
                    to: Status::Resolved,
                    ..
                })
            )
        })
        .and_then(|e| e.note.as_deref())
        .filter(|n| !n.trim().is_empty())
}

/// What a ticket says, as one text: title, description, the customer's
/// messages, the replies and the resolution notes.
fn text_of(t: &Ticket) -> String {
    let mut s = format!("{}\n{}\n", t.title, t.description);
    for e in &t.events {
        if let Some(part) = said(e) {
            s.push_str(part);
            s.push('\n');
        }
    }
    s
}

fn said(e: &Event) -> Option<&str> {
    match e.view().ok()? {
        View::Reply { text } | View::Customer { text } => Some(text),
        View::Status {
            to: Status::Resolved,
            ..
        } => e.note.as_deref(),
        _ => None,
    }
}

/// One resolved ticket ranked against the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub id: Uuid,
    pub title: String,
    pub score: f64,
    pub resolution: Option<String>,
}

/// The stemmer every ranking uses, English Snowball.
pub fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// What the ranking needs of one ticket: whether it is resolved (only those
/// are ranked), how many terms it says, and each term with its count,
/// sorted by term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub resolved: bool,
    pub len: u32,
    pub counts: Vec<(String, u32)>,
}

/// A ticket's [`Terms`], over title, description, messages, replies and
/// resolution notes.
pub fn terms_of(stemmer: &Stemmer, t: &Ticket) -> Terms {
    let words = terms(stemmer, &text_of(t));
    let mut tf: HashMap<String, u32> = HashMap::new();
    for w in &words {
        *tf.entry(w.clone()).or_default() += 1;
    }
    let mut counts: Vec<(String, u32)> = tf.into_iter().collect();
    counts.sort();
    Terms {
        resolved: !t.status.is_active(),
        len: words.len() as u32,
        counts,
    }
}

/// The terms a ticket is asked about with: its own, once each, sorted.
pub fn query_of(stemmer: &Stemmer, t: &Ticket) -> Vec<String> {
    let mut q = terms(stemmer, &text_of(t));
    q.sort();
    q.dedup();
    q
}

/// A resolved ticket as the ranking reads it: its terms as keys of some
/// vocabulary (the caller's), each with its count, sorted by key.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub id: Uuid,
    pub len: u32,
    pub tf: &'a [(u32, u32)],
}

impl Doc<'_> {
    fn count(&self, key: u32) -> Option<u32> {
        let at = self.tf.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        Some(self.tf[at].1)
    }
}

/// What BM25 needs of every resolved ticket, whether or not it shares a
/// term with the query: how many there are and their lengths' sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Corpus {
    pub docs: u64,
    pub len: u64,
}

impl Corpus {
    /// The corpus of `docs`.
    pub fn of(docs: &[Doc]) -> Corpus {
        Corpus {
            docs: docs.len() as u64,
            len: docs.iter().map(|d| u64::from(d.len)).sum(),
        }
    }
}

/// Ranks `docs` against a query given as keys of the same vocabulary, in
/// the order of the query's terms (so every caller sums the same
/// floating-point terms in the same order): the `n` best, never `asked`
/// itself, best first, ties by id. `corpus` is of every resolved ticket;
/// `docs` may leave out those sharing no term with the query (they count
/// in the corpus only), so a caller need not decode them. Documents
/// sharing no term are left out. Returns ids and scores.
pub fn rank(
    docs: &[Doc],
    corpus: Corpus,
    query: &[u32],
    asked: Uuid,
    n: usize,
) -> Vec<(Uuid, f64)> {
    let count = corpus.docs as f64;
    let total = corpus.len;
    let avg_len = if corpus.docs == 0 {
        0.0
    } else {
        total as f64 / count
    };
    let mut df = vec![0u32; query.len()];
    for d in docs {
        for (i, key) in query.iter().enumerate() {
            df[i] += u32::from(d.count(*key).is_some());
        }
    }
    let idf: Vec<(u32, f64)> = query
        .iter()
        .zip(&df)
        .filter(|(_, df)| **df > 0)
        .map(|(key, df)| {
            let df = f64::from(*df);
            (*key, ((count - df + 0.5) / (df + 0.5) + 1.0).ln())
        })
        .collect();
    let mut ranked: Vec<(Uuid, f64)> = docs
        .iter()
        .filter(|d| d.id != asked)
        .filter_map(|d| {
            let norm = K1 * (1.0 - B + B * f64::from(d.len) / avg_len.max(1.0));
            let score: f64 = idf
                .iter()
                .filter_map(|(key, idf)| {
                    let tf = f64::from(d.count(*key)?);
                    Some(idf * tf * (K1 + 1.0) / (tf + norm))
                })
                .sum();
            (score > 0.0).then_some((d.id, score))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(n);
    ranked
}

/// The ranking over tickets in memory, with a vocabulary of its own: what
/// the word index in the store must answer exactly.
pub struct Index<'t> {
    stemmer: Stemmer,
    vocabulary: HashMap<String, u32>,
    docs: Vec<Ranked<'t>>,
}

/// A resolved ticket of an [`Index`], its length and its keyed terms.
type Ranked<'t> = (&'t Ticket, u32, Vec<(u32, u32)>);

impl<'t> Index<'t> {
    /// Indexes the resolved and closed tickets of `tickets`.
    pub fn new(tickets: impl IntoIterator<Item = &'t Ticket>) -> Index<'t> {
        let stemmer = stemmer();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut docs = Vec::new();
        for t in tickets {
            let terms = terms_of(&stemmer, t);
            if !terms.resolved {
                continue;
            }
            let mut tf: Vec<(u32, u32)> = terms
                .counts
                .into_iter()
                .map(|(w, c)| {
                    let next = vocabulary.len() as u32;
                    (*vocabulary.entry(w).or_insert(next), c)
                })
                .collect();
            tf.sort_unstable();
            docs.push((t, terms.len, tf));
        }
        Index {
            stemmer,
            vocabulary,
            docs,
        }
    }

    /// The `n` best matches for `ticket` (never itself), best first; ties go
    /// by id so the order never depends on reading order. Tickets sharing no
    /// term are left out.
    pub fn similar(&self, ticket: &Ticket, n: usize) -> Vec<Match> {
        let query: Vec<u32> = query_of(&self.stemmer, ticket)
            .iter()
            .filter_map(|w| self.vocabulary.get(w).copied())
            .collect();
        let docs: Vec<Doc> = self
            .docs
            .iter()
            .map(|(t, len, tf)| Doc {
                id: t.id,
                len: *len,
                tf,
            })
            .collect();
        rank(&docs, Corpus::of(&docs), &query, ticket.id, n)
            .into_iter()
            .filter_map(|(id, score)| {
                let (t, ..) = self.docs.iter().find(|(t, ..)| t.id == id)?;
                Some(found(t, score))
            })
            .collect()
    }
}

/// A ranked ticket as shown: its title and resolution note.
pub fn found(t: &Ticket, score: f64) -> Match {
    Match {
        id: t.id,
        title: t.title.clone(),
        score,
        resolution: resolution_note(t).map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{EventKind, Priority};
    use chrono::{TimeZone, Utc};

    fn ticket(n: u128, title: &str, description: &str, note: Option<&str>) -> Ticket {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let mut events = vec![Event::new(at, "ana", EventKind::Created).to("ana")];
        if let Some(note) = note {
            let mut e = Event::new(at, "ana", EventKind::Status)
                .from("open")
                .to("resolved");
            e.note = Some(note.into());
            events.push(e);
        }
        let mut t = Ticket {
            id: Uuid::from_u128(n),
            title: title.into(),
            status: Status::Open,
            owner: "ana".into(),
            customer: String::new(),
            priority: Priority::Normal,
            tags: vec![],
            created: at,
            updated: at,
            escalated: 0,
            description: description.into(),
            extra: Default::default(),
            events,
        };
        t.sync_state();
        t
    }

    #[test]
    fn stemming_finds_other_forms_of_a_word() {
        let s = Stemmer::create(Algorithm::English);
        assert_eq!(terms(&s, "Exporting the exports"), ["export", "export"]);
        assert_eq!(terms(&s, "Payments failed"), ["payment", "fail"]);
    }

    #[test]
    fn the_closest_resolved_ticket_comes_first_with_its_note() {
        let desk = [
            ticket(
                1,
                "CSV export is empty",
                "the export has no rows",
                Some("reindex the export job"),
            ),
            ticket(
                2,
                "Password reset mail never arrives",
                "",
                Some("whitelist our sender"),
            ),
            ticket(3, "Exported file has no rows", "", Some("")),
            ticket(4, "Still open: exports empty", "", None).tap_open(),
        ];
        let index = Index::new(&desk);
        let asked = ticket(
            9,
            "Export empty again",
            "exporting gives an empty file",
            None,
        );
        let found = index.similar(&asked, 3);
        let mut ids: Vec<u128> = found.iter().map(|m| m.id.as_u128()).collect();
        ids.sort();
        assert_eq!(ids, [1, 3], "open tickets and unrelated ones are left out");
        let note = |n: u128| {
            found
                .iter()
                .find(|m| m.id.as_u128() == n)
                .unwrap()
                .resolution
                .clone()
        };
        assert_eq!(note(1).as_deref(), Some("reindex the export job"));
        assert_eq!(note(3), None, "an empty note is no note");
        assert!(found[0].score >= found[1].score);
    }

    #[test]
    fn a_ticket_is_never_similar_to_itself() {
        let desk = [ticket(1, "export empty", "", Some("x"))];
        assert!(Index::new(&desk).similar(&desk[0], 3).is_empty());
    }

    trait Open {
        fn tap_open(self) -> Self;
    }
    impl Open for Ticket {
        fn tap_open(mut self) -> Self {
            self.events.truncate(1);
            self.sync_state();
            self
        }
    }
}
