//! Attachments of mail intake: which ones are kept (up to `[intake]
//! max_attachment`, content-addressed by their SHA-256 in `tickets/files/`),
//! how a mail event records each one (`attachments`, among its extra keys),
//! and the checks that a kept file is what the event says. Pure: the bytes
//! come from the mail reader, the files are written by the store.

use super::ticket::{Event, Extra};

/// The key of a mail event listing its message's attachments.
pub const KEY: &str = "attachments";

/// The largest attachment kept when `[intake] max_attachment` is not set.
pub const DEFAULT_MAX: u64 = 10_000_000;

/// One attachment of a message, as the mail reader found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// The file name the sender gave, or `unnamed`.
    pub name: String,
    /// The MIME type, such as `application/pdf`.
    pub content_type: String,
    /// The decoded content.
    pub bytes: Vec<u8>,
}

/// What a mail event records of one attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its content (64 lowercase hex digits) when it is kept
    /// in `tickets/files/`, else `None`.
    pub sha256: Option<String>,
    /// Why it was not kept (too big), when it was not.
    pub not_kept: Option<String>,
}

/// Decides which parts are kept: those of at most `max` bytes, each named
/// by its SHA-256; bigger ones are recorded with their name, type and size.
pub fn decide(parts: &[Part], max: u64) -> Vec<Attachment> {
    parts
        .iter()
        .map(|p| {
            let size = p.bytes.len() as u64;
            let kept = size <= max;
            Attachment {
                name: p.name.clone(),
                content_type: p.content_type.clone(),
                size,
                sha256: kept.then(|| sha256_hex(&p.bytes)),
                not_kept: (!kept)
                    .then(|| format!("larger than [intake] max_attachment ({})", shown_size(max))),
            }
        })
        .collect()
}

/// Records a message's attachments on its event (nothing when it had none).
pub fn record(mut event: Event, attachments: &[Attachment]) -> Event {
    if attachments.is_empty() {
        return event;
    }
    let list = attachments
        .iter()
        .map(|a| {
            let mut t = toml::Table::new();
            t.insert("name".into(), toml::Value::String(a.name.clone()));
            t.insert("type".into(), toml::Value::String(a.content_type.clone()));
            t.insert(
                "size".into(),
                toml::Value::Integer(i64::try_from(a.size).unwrap_or(i64::MAX)),
            );
            if let Some(sha) = &a.sha256 {
                t.insert("sha256".into(), toml::Value::String(sha.clone()));
            }
            if let Some(why) = &a.not_kept {
                t.insert("not_kept".into(), toml::Value::String(why.clone()));
            }
            toml::Value::Table(t)
        })
        .collect();
    event.extra.insert(KEY.into(), toml::Value::Array(list));
    event
}

/// The attachments an event records, in their order. An entry a hand edit
/// left without a usable hash reads as not kept, saying so, so that no
/// path is ever built from it.
pub fn recorded(extra: &Extra) -> Vec<Attachment> {
    let Some(list) = extra.get(KEY).and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|v| {
            let field = |k: &str| v.get(k).and_then(toml::Value::as_str).map(str::to_string);
            let sha = field("sha256");
            let (sha256, not_kept) = match sha {
                Some(s) if is_sha256(&s) => (Some(s), field("not_kept")),
                Some(s) => (
                    None,
                    Some(format!(
                        "its sha256 '{}' is not 64 hex digits",
                        s.escape_debug()
                    )),
                ),
                None => (
                    None,
                    Some(field("not_kept").unwrap_or_else(|| "not kept".into())),
                ),
            };
            Attachment {
                name: field("name").unwrap_or_else(|| "unnamed".into()),
                content_type: field("type").unwrap_or_else(|| "application/octet-stream".into()),
                size: v
                    .get("size")
                    .and_then(toml::Value::as_integer)
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                sha256,
                not_kept,
            }
        })
        .collect()
}

/// Every attachment of a ticket's events, numbered from 1 in the order of
/// the events (the number `show` prints and `baton attachment ID N` takes).
pub fn numbered(events: &[Event]) -> Vec<Attachment> {
    events.iter().flat_map(|e| recorded(&e.extra)).collect()
}

/// Whether `s` is a SHA-256 as files are named by: 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether a kept file's content is what its name says, or what is wrong.
pub fn verify(sha: &str, bytes: &[u8]) -> Result<(), String> {
    let actual = sha256_hex(bytes);
    if actual == sha {
        Ok(())
    } else {
        Err(format!(
            "its content does not match its name: the file's SHA-256 is {actual} (it was changed after it was kept)"
        ))
    }
}

/// Reads a size as `[intake] max_attachment` takes it: a number with an
/// optional unit, `B`, `KB`, `MB`, `GB` (powers of 1000) or `KiB`, `MiB`,
/// `GiB` (powers of 1024), in any case, a space allowed between
/// (`10MB`, `512 KiB`, `1.5 MB`, `0`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let s = text.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = (&s[..split], s[split..].trim());
    let unit_factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => Some(1u64),
        "kb" | "k" => Some(1000),
        "mb" | "m" => Some(1000 * 1000),
        "gb" | "g" => Some(1000 * 1000 * 1000),
        "kib" => Some(1024),
        "mib" => Some(1024 * 1024),
        "gib" => Some(1024 * 1024 * 1024),
        _ => None,
    };
    let bad = || {
        format!(
            "'{}' is not a size; expected a number and a unit such as \"10MB\", \"512KB\" or \"1GiB\"",
            text.escape_debug()
        )
    };
    let factor = unit_factor.ok_or_else(bad)?;
    let value: f64 = number.parse().map_err(|_| bad())?;
    let bytes = value * factor as f64;
    if !bytes.is_finite() || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes.round() as u64)
}

/// A size as people read it: `820 bytes`, `14 KB`, `2.1 MB`.
pub fn shown_size(bytes: u64) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{} KB", bytes / 1000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits (FIPS 180-4). Written
/// here rather than taken from a crate: it is the only hash baton needs,
/// and the unit tests hold it to the standard's test vectors.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha256(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let bit_len = (bytes.len() as u64).wrapping_mul(8);
    // The message, a 1 bit, zeros to 56 bytes mod 64, then the length.
    let mut tail = Vec::with_capacity(128);
    let whole = bytes.len() - bytes.len() % 64;
    tail.extend_from_slice(&bytes[whole..]);
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    tail.extend_from_slice(&bit_len.to_be_bytes());
    for block in bytes[..whole].chunks_exact(64).chain(tail.chunks_exact(64)) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::EventKind;
    use chrono::TimeZone;

    #[test]
    fn sha256_meets_the_standard_s_test_vectors() {
        let cases: [(&[u8], &str); 4] = [
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                sha256_hex(input),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert_eq!(
            sha256_hex(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
        // Lengths around the padding boundary.
        for n in [55, 56, 63, 64, 65, 119, 120] {
            assert_eq!(sha256_hex(&vec![0u8; n]).len(), 64);
        }
        assert_eq!(
            sha256_hex(&[0u8; 64]),
            "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"
        );
    }

    #[test]
    fn sizes_are_read_with_their_unit() {
        let cases = [
            ("10MB", Some(10_000_000)),
            ("10 mb", Some(10_000_000)),
            ("512KB", Some(512_000)),
            ("1.5MB", Some(1_500_000)),
            ("1GiB", Some(1 << 30)),
            ("64 KiB", Some(65_536)),
            ("0", Some(0)),
            ("900", Some(900)),
            ("900 B", Some(900)),
            ("", None),
            ("MB", None),
            ("10 parsecs", None),
            ("-1MB", None),
            ("1.2.3MB", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_size(text).ok(), want, "{text:?}");
        }
        assert!(parse_size("ten").unwrap_err().contains("\"10MB\""));
    }

    fn part(name: &str, size: usize) -> Part {
        Part {
            name: name.into(),
            content_type: "application/pdf".into(),
            bytes: vec![b'x'; size],
        }
    }

    #[test]
    fn parts_up_to_the_limit_are_kept_by_hash_and_bigger_ones_listed() {
        let decided = decide(&[part("a.pdf", 10), part("big.zip", 11)], 10);
        assert_eq!(decided[0].sha256, Some(sha256_hex(&[b'x'; 10])));
        assert_eq!(decided[0].not_kept, None);
        assert_eq!(decided[1].sha256, None);
        assert_eq!(
            decided[1].not_kept.as_deref(),
            Some("larger than [intake] max_attachment (10 bytes)")
        );
        assert_eq!(decided[1].size, 11);
    }

    #[test]
    fn an_event_records_its_attachments_and_reads_them_back() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        let decided = decide(&[part("a.pdf", 3), part("big.zip", 20)], 10);
        let e = record(Event::new(at, "baton", EventKind::Customer), &decided);
        assert_eq!(recorded(&e.extra), decided);
        let text = toml::to_string(&e).unwrap();
        let back: Event = toml::from_str(&text).unwrap();
        assert_eq!(numbered(&[back]), decided, "survives the file:\n{text}");
        let plain = record(Event::new(at, "baton", EventKind::Customer), &[]);
        assert!(!plain.extra.contains_key(KEY), "no attachments, no key");
    }

    #[test]
    fn a_hand_edited_hash_is_never_a_path() {
        let mut extra = Extra::new();
        let entry = |sha: &str| {
            let mut t = toml::Table::new();
            t.insert("name".into(), toml::Value::String("x".into()));
            t.insert("sha256".into(), toml::Value::String(sha.into()));
            toml::Value::Table(t)
        };
        extra.insert(
            KEY.into(),
            toml::Value::Array(vec![entry("../../etc/passwd"), entry(&"A".repeat(64))]),
        );
        for a in recorded(&extra) {
            assert_eq!(a.sha256, None);
            assert!(a.not_kept.unwrap().contains("not 64 hex digits"));
        }
    }

    #[test]
    fn a_kept_file_is_verified_against_its_name() {
        let sha = sha256_hex(b"invoice");
        assert_eq!(verify(&sha, b"invoice"), Ok(()));
        assert!(
            verify(&sha, b"tampered")
                .unwrap_err()
                .contains("does not match")
        );
    }
}
