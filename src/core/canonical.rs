//! A fast reader for ticket files in the form baton writes them. Parsing
//! with the general TOML reader costs most of the time a cold listing of
//! 100,000 tickets takes; files baton wrote use a small part of TOML, which
//! this reads directly. Anything else (comments, unknown keys, inline
//! tables, escapes it does not know, odd spacing of values) makes it give up,
//! and [`Ticket::parse`] falls back to the general reader, which also gives
//! the errors. So it may only ever return what that reader would return.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::ticket::{Event, EventKind, Extra, Ticket};

/// Reads `text` if it is in the plain form baton writes; `None` when the
/// general reader must decide.
pub fn parse(text: &str) -> Option<Ticket> {
    let mut r = Reader {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let mut head = Head::default();
    let mut events: Vec<Body> = Vec::new();
    loop {
        r.skip_blank_lines();
        if r.i >= r.s.len() {
            break;
        }
        if r.eat(b"[[events]]") {
            r.end_of_line()?;
            events.push(Body::default());
            continue;
        }
        let key = r.key()?;
        r.spaces();
        if !r.eat(b"=") {
            return None;
        }
        r.spaces();
        let value = r.value()?;
        r.end_of_line()?;
        match events.last_mut() {
            Some(e) => e.set(key, value)?,
            None => head.set(key, value)?,
        }
    }
    let events = events
        .into_iter()
        .map(Body::finish)
        .collect::<Option<Vec<_>>>()?;
    head.finish(events)
}

/// A value as the file spells it.
enum Value {
    Str(String),
    Int(u64),
    Time(DateTime<Utc>),
    List(Vec<String>),
}

impl Value {
    fn string(self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    fn time(self) -> Option<DateTime<Utc>> {
        match self {
            Value::Time(t) => Some(t),
            _ => None,
        }
    }

    fn int<T: TryFrom<u64>>(self) -> Option<T> {
        match self {
            Value::Int(n) => T::try_from(n).ok(),
            _ => None,
        }
    }
}

/// Sets a field once; a key given twice is the general reader's error.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

#[derive(Default)]
struct Head {
    id: Option<Uuid>,
    title: Option<String>,
    status: Option<super::ticket::Status>,
    owner: Option<String>,
    customer: Option<String>,
    priority: Option<super::ticket::Priority>,
    tags: Option<Vec<String>>,
    created: Option<DateTime<Utc>>,
    updated: Option<DateTime<Utc>>,
    escalated: Option<u32>,
    description: Option<String>,
}

impl Head {
    fn set(&mut self, key: &str, v: Value) -> Option<()> {
        match key {
            "id" => once(&mut self.id, v.string().and_then(|s| s.parse().ok())),
            "title" => once(&mut self.title, v.string()),
            "status" => once(&mut self.status, v.string().and_then(|s| s.parse().ok())),
            "owner" => once(&mut self.owner, v.string()),
            "customer" => once(&mut self.customer, v.string()),
            "priority" => once(&mut self.priority, v.string().and_then(|s| s.parse().ok())),
            "tags" => once(
                &mut self.tags,
                match v {
                    Value::List(l) => Some(l),
                    _ => None,
                },
            ),
            "created" => once(&mut self.created, v.time()),
            "updated" => once(&mut self.updated, v.time()),
            "escalated" => once(&mut self.escalated, v.int()),
            "description" => once(&mut self.description, v.string()),
            _ => None,
        }
    }

    fn finish(self, events: Vec<Event>) -> Option<Ticket> {
        Some(Ticket {
            id: self.id?,
            title: self.title?,
            status: self.status?,
            owner: self.owner?,
            customer: self.customer.unwrap_or_default(),
            priority: self.priority.unwrap_or_default(),
            tags: self.tags.unwrap_or_default(),
            created: self.created?,
            updated: self.updated?,
            escalated: self.escalated.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            extra: Extra::new(),
            events,
        })
    }
}

#[derive(Default)]
struct Body {
    at: Option<DateTime<Utc>>,
    by: Option<String>,
    kind: Option<EventKind>,
    field: Option<String>,
    from: Option<String>,
    to: Option<String>,
    deadline: Option<DateTime<Utc>>,
    score: Option<u8>,
    minutes: Option<u32>,
    text: Option<String>,
    note: Option<String>,
    comment: Option<String>,
    message_id: Option<String>,
    ack: Option<String>,
}

impl Body {
    fn set(&mut self, key: &str, v: Value) -> Option<()> {
        match key {
            "at" => once(&mut self.at, v.time()),
            "by" => once(&mut self.by, v.string()),
            "kind" => once(
                &mut self.kind,
                v.string().map(|s| EventKind::from(s.as_str())),
            ),
            "field" => once(&mut self.field, v.string()),
            "from" => once(&mut self.from, v.string()),
            "to" => once(&mut self.to, v.string()),
            "deadline" => once(&mut self.deadline, v.time()),
            "score" => once(&mut self.score, v.int()),
            "minutes" => once(&mut self.minutes, v.int()),
            "text" => once(&mut self.text, v.string()),
            "note" => once(&mut self.note, v.string()),
            "comment" => once(&mut self.comment, v.string()),
            "message_id" => once(&mut self.message_id, v.string()),
            "ack" => once(&mut self.ack, v.string()),
            _ => None,
        }
    }

    fn finish(self) -> Option<Event> {
        Some(Event {
            at: self.at?,
            by: self.by?,
            kind: self.kind?,
            field: self.field,
            from: self.from,
            to: self.to,
            deadline: self.deadline,
            score: self.score,
            minutes: self.minutes,
            text: self.text,
            note: self.note,
            comment: self.comment,
            message_id: self.message_id,
            ack: self.ack,
            extra: Extra::new(),
        })
    }
}

struct Reader<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, lit: &[u8]) -> bool {
        let found = self.s[self.i..].starts_with(lit);
        if found {
            self.i += lit.len();
        }
        found
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Skips lines holding nothing but spaces.
    fn skip_blank_lines(&mut self) {
        loop {
            let start = self.i;
            self.spaces();
            if self.peek() == Some(b'\n') {
                self.i += 1;
            } else {
                self.i = start;
                return;
            }
        }
    }

    /// The end of a line: a newline, or the end of the text. A comment or
    /// anything else after a value is for the general reader.
    fn end_of_line(&mut self) -> Option<()> {
        self.spaces();
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }

    fn key(&mut self) -> Option<&'a str> {
        self.spaces();
        let start = self.i;
        while matches!(self.peek(), Some(b'a'..=b'z' | b'_')) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.text[start..self.i])
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' | b'\'' => self.string().map(Value::Str),
            b'[' => self.list().map(Value::List),
            b'0'..=b'9' => {
                // a date-time starts with four digits and a dash
                if self.s.get(self.i + 4) == Some(&b'-') {
                    self.time().map(Value::Time)
                } else {
                    self.int().map(Value::Int)
                }
            }
            _ => None,
        }
    }

    fn list(&mut self) -> Option<Vec<String>> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            self.spaces();
            if self.eat(b"]") {
                return Some(out);
            }
            if !matches!(self.peek(), Some(b'"' | b'\'')) {
                return None;
            }
            out.push(self.string()?);
            self.spaces();
            if !self.eat(b",") && self.peek() != Some(b']') {
                return None;
            }
        }
    }

    fn int(&mut self) -> Option<u64> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let digits = &self.text[start..self.i];
        // TOML forbids leading zeros; "0" alone is fine
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        digits.parse().ok()
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the only form baton writes.
    fn time(&mut self) -> Option<DateTime<Utc>> {
        let b = self.s.get(self.i..self.i + 20)?;
        let n = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if b[19] != b'Z' {
            return None;
        }
        let t = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)?
            .and_hms_opt(n(11..13)?, n(14..16)?, n(17..19)?)?
            .and_utc();
        self.i += 20;
        Some(t)
    }

    fn string(&mut self) -> Option<String> {
        if self.eat(b"\"\"\"") {
            self.multi_line(b'"')
        } else if self.eat(b"'''") {
            self.multi_line(b'\'')
        } else if self.eat(b"\"") {
            self.basic()
        } else if self.eat(b"'") {
            let start = self.i;
            loop {
                match self.peek()? {
                    b'\'' => break,
                    c if is_control(c) && c != b'\t' => return None,
                    _ => self.i += 1,
                }
            }
            let out = self.text[start..self.i].to_string();
            self.i += 1;
            Some(out)
        } else {
            None
        }
    }

    /// A `"..."` string after its opening quote.
    fn basic(&mut self) -> Option<String> {
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || (is_control(c) && c != b'\t') {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => out.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// A `"""` or `'''` string after its opening quotes.
    fn multi_line(&mut self, quote: u8) -> Option<String> {
        // a newline right after the opening quotes is not part of the text
        self.eat(b"\n");
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == quote
                    || (quote == b'"' && c == b'\\')
                    || (is_control(c) && c != b'\t' && c != b'\n')
                {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[start..self.i]);
            match self.peek()? {
                c if c == quote => {
                    let run = self.s[self.i..].iter().take_while(|&&b| b == quote).count();
                    if run < 3 {
                        out.extend(std::iter::repeat_n(char::from(quote), run));
                        self.i += run;
                        continue;
                    }
                    // up to two quotes may sit just before the closing three
                    if run > 5 {
                        return None;
                    }
                    out.extend(std::iter::repeat_n(char::from(quote), run - 3));
                    self.i += run;
                    return Some(out);
                }
                b'\\' => {
                    // a backslash ending a line joins lines: for the general reader
                    out.push(self.escape()?);
                }
                _ => return None,
            }
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self) -> Option<char> {
        self.i += 1;
        let c = self.peek()?;
        self.i += 1;
        Some(match c {
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'"' => '"',
            b'\\' => '\\',
            b'u' => self.hex(4)?,
            b'U' => self.hex(8)?,
            _ => return None,
        })
    }

    fn hex(&mut self, len: usize) -> Option<char> {
        let digits = self.text.get(self.i..self.i + len)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += len;
        char::from_u32(u32::from_str_radix(digits, 16).ok()?)
    }
}

/// The control characters TOML does not allow raw in strings (it allows
/// tabs everywhere and newlines in multi-line strings; callers check those).
fn is_control(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{Priority, Status};
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// Text with everything the TOML writer has to quote or escape.
    fn awkward() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-zé€😀 \"'\\\\\n\t\u{1}\u{7f}\u{8}\u{c}\r#=\\[\\]]{0,24}")
            .unwrap()
    }

    prop_compose! {
        fn event()(
            secs in 0i64..4_000_000_000,
            by in "[a-z]{1,6}",
            kind in prop::sample::select(vec!["created", "handoff", "reply", "note", "status", "rated", "time", "edited", "custom-kind"]),
            from in prop::option::of(awkward()),
            to in prop::option::of(awkward()),
            text in prop::option::of(awkward()),
            note in prop::option::of(awkward()),
            score in prop::option::of(0u8..=255),
            minutes in prop::option::of(any::<u32>()),
            deadline in prop::option::of(0i64..4_000_000_000),
            message_id in prop::option::of(awkward()),
        ) -> Event {
            let mut e = Event::new(Utc.timestamp_opt(secs, 0).unwrap(), &by, EventKind::from(kind));
            e.from = from;
            e.to = to;
            e.text = text;
            e.note = note;
            e.score = score;
            e.minutes = minutes;
            e.deadline = deadline.map(|d| Utc.timestamp_opt(d, 0).unwrap());
            e.message_id = message_id;
            e
        }
    }

    prop_compose! {
        fn ticket()(
            n in any::<u128>(),
            title in awkward(),
            status in prop::sample::select(Status::ALL.to_vec()),
            priority in prop::sample::select(Priority::ALL.to_vec()),
            owner in awkward(),
            customer in awkward(),
            tags in prop::collection::vec(awkward(), 0..3),
            escalated in any::<u32>(),
            description in awkward(),
            events in prop::collection::vec(event(), 1..5),
        ) -> Ticket {
            Ticket {
                id: Uuid::from_u128(n),
                title,
                status,
                owner,
                customer,
                priority,
                tags,
                created: events[0].at,
                updated: events[events.len() - 1].at,
                escalated,
                description,
                extra: Extra::new(),
                events,
            }
        }
    }

    fn general(text: &str) -> Option<Ticket> {
        toml::from_str(text).ok()
    }

    proptest! {
        /// Whatever baton writes, the fast reader reads, and reads the same.
        #[test]
        fn reads_every_ticket_baton_writes(t in ticket()) {
            let text = t.to_toml();
            prop_assert_eq!(parse(&text), Some(t), "{}", text);
        }

        /// On any damage to such a file the fast reader either gives up or
        /// agrees with the general reader.
        #[test]
        fn never_disagrees_with_the_general_reader(
            t in ticket(),
            at in any::<prop::sample::Index>(),
            cut in 0usize..4,
            insert in "[ \"'\\\\\n\t#=\\[\\],.0-9a-zA-Z]{0,3}",
        ) {
            let text = t.to_toml();
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut end = (i + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let damaged = format!("{}{}{}", &text[..i], insert, &text[end..]);
            if let Some(fast) = parse(&damaged) {
                prop_assert_eq!(Some(fast), general(&damaged), "{}", damaged);
            }
        }
    }

    #[test]
    fn gives_up_on_what_baton_does_not_write() {
        let base = "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\ntitle = \"T\"\nstatus = \"open\"\nowner = \"ana\"\ncreated = 2026-11-20T09:14:00Z\nupdated = 2026-11-20T09:14:00Z\n\n[[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\n";
        assert!(parse(base).is_some());
        let (first, rest) = base.split_once('\n').unwrap();
        for odd in [
            "# a comment",
            "future_key = \"kept\"",
            "customer = \"a\" # trailing",
            "description = \"\"\"a \\\n  b\"\"\"",
            "escalated = 1_000",
            "escalated = 01",
            "customer = \"\\e\"",
            "tags = [\n\"a\"]",
            "\"customer\" = \"a\"",
        ] {
            let text = format!("{first}\n{odd}\n{rest}");
            assert!(parse(&text).is_none(), "{text}");
        }
        assert!(parse(&base.replace("09:14:00Z", "09:14:00+01:00")).is_none());
        assert!(
            parse(&base.replace("title = \"T\"\n", "title = \"T\"\ntitle = \"U\"\n")).is_none()
        );
    }
}
