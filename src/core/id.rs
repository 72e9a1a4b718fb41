//! Ticket ids as people type them: unique prefixes of at least four characters.

use uuid::Uuid;

use crate::error::{Error, Kind};

/// The fewest characters a prefix may have.
pub const MIN_PREFIX: usize = 4;

/// Normalises what a person typed into a prefix of the hyphenated id, or says why
/// it cannot be one. The forms baton's own mail uses (`#b2bc`, the subject
/// tag `[#b2bc]`) name the ticket too. Anything else but hex digits and
/// hyphens is refused, so a prefix can never name a path outside the store.
pub fn normalise(input: &str) -> Result<String, Error> {
    let trimmed = input.trim();
    let bare = trimmed
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(trimmed)
        .trim();
    let bare = bare.strip_prefix('#').unwrap_or(bare);
    let prefix = bare.to_ascii_lowercase();
    let hex = prefix.chars().filter(|c| *c != '-').count();
    if prefix.is_empty()
        || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        || prefix.len() > 36
    {
        return Err(
            Error::new(format!("'{}' is not a ticket id", input.escape_debug()))
                .kind(Kind::BadId)
                .hint("a ticket id is hexadecimal, such as 0b7c; 'baton list' shows them"),
        );
    }
    if hex < MIN_PREFIX {
        return Err(Error::new(format!(
            "'{prefix}' is too short to name a ticket; use at least {MIN_PREFIX} characters"
        ))
        .kind(Kind::BadId)
        .hint("'baton list' shows each ticket's shortest unique id"));
    }
    Ok(prefix)
}

/// Finds the one id that starts with `prefix` among `ids`.
pub fn resolve<'a>(prefix: &str, ids: impl IntoIterator<Item = &'a Uuid>) -> Result<Uuid, Error> {
    let mut matches: Vec<Uuid> = ids
        .into_iter()
        .filter(|id| id.hyphenated().to_string().starts_with(prefix))
        .copied()
        .collect();
    matches.sort();
    match matches.len() {
        0 => Err(Error::new(format!("no ticket matches '{prefix}'"))
            .kind(Kind::NotFound)
            .hint("'baton list --all' shows every ticket")),
        1 => Ok(matches[0]),
        _ => Err(ambiguous(prefix, &matches, |_| None)),
    }
}

/// The error for a prefix that matches several tickets (`matches`, sorted):
/// each candidate (ten at most) by the shortest prefix that tells it from
/// the others, with its title when `title` knows it.
pub fn ambiguous(prefix: &str, matches: &[Uuid], title: impl Fn(Uuid) -> Option<String>) -> Error {
    let n = matches.len();
    let shorts = short_ids(matches);
    let lines: Vec<String> = matches
        .iter()
        .zip(&shorts)
        .take(10)
        .map(|(id, short)| match title(*id) {
            Some(t) => format!("  {short}  {t}"),
            None => format!("  {short}  ({id})"),
        })
        .collect();
    let more = if n > 10 {
        format!("\n  and {} more", n - 10)
    } else {
        String::new()
    };
    Error::new(format!(
        "'{prefix}' matches {n} tickets:\n{}{more}",
        lines.join("\n")
    ))
    .kind(Kind::Ambiguous)
    .hint(format!(
        "type more characters of the id, such as {}",
        shorts.first().map(String::as_str).unwrap_or(prefix)
    ))
}

/// The shortest unique prefix (at least `MIN_PREFIX` characters) of every id,
/// in the order given.
pub fn short_ids(ids: &[Uuid]) -> Vec<String> {
    let mut sorted: Vec<String> = ids.iter().map(|id| id.simple().to_string()).collect();
    sorted.sort();
    let common = |a: &str, b: &str| a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    ids.iter()
        .map(|id| {
            let s = id.simple().to_string();
            let i = sorted.binary_search(&s).unwrap_or(0);
            let mut need = MIN_PREFIX;
            if i > 0 {
                need = need.max(common(&s, &sorted[i - 1]) + 1);
            }
            if i + 1 < sorted.len() {
                need = need.max(common(&s, &sorted[i + 1]) + 1);
            }
            hyphenated_prefix(id, need.min(32))
        })
        .collect()
}

/// The shortest unique prefix of `id` among `sorted` (sorted ids, as a
/// folder listing gives them): only its two neighbours can share a prefix
/// with it, so this costs a binary search, not a pass over every id.
pub fn short_in(sorted: &[Uuid], id: Uuid) -> String {
    let i = sorted.partition_point(|x| *x < id);
    let common = |other: &Uuid| (id.as_u128() ^ other.as_u128()).leading_zeros() as usize / 4;
    let mut need = MIN_PREFIX;
    if i > 0 {
        need = need.max(common(&sorted[i - 1]) + 1);
    }
    if let Some(next) = sorted[i..].iter().find(|x| **x != id) {
        need = need.max(common(next) + 1);
    }
    hyphenated_prefix(&id, need.min(32))
}

/// The ids in `sorted` that can start with `prefix` (a normalised prefix):
/// a binary search for the range between the prefix padded with 0s and with fs.
pub fn candidates<'a>(prefix: &str, sorted: &'a [Uuid]) -> &'a [Uuid] {
    let hex: String = prefix.chars().filter(|c| *c != '-').take(32).collect();
    let bound = |pad: char| {
        let full: String = hex.chars().chain(std::iter::repeat(pad)).take(32).collect();
        u128::from_str_radix(&full, 16).map(Uuid::from_u128)
    };
    let (Ok(lo), Ok(hi)) = (bound('0'), bound('f')) else {
        return sorted;
    };
    let start = sorted.partition_point(|x| *x < lo);
    let end = sorted.partition_point(|x| *x <= hi);
    &sorted[start..end.max(start)]
}

/// The first `hex` hex digits of the hyphenated id, hyphens included.
fn hyphenated_prefix(id: &Uuid, hex: usize) -> String {
    let mut out = String::new();
    let mut digits = 0;
    for c in id.hyphenated().to_string().chars() {
        if digits == hex {
            break;
        }
        if c != '-' {
            digits += 1;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Uuid {
        s.parse().unwrap()
    }

    #[test]
    fn short_ids_grow_only_where_ids_share_a_prefix() {
        let ids = [
            id("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"),
            id("0b7c6f2e-5d1a-4f7e-9a53-3c2d1e0f9a84"),
            id("9a00aaaa-5d1a-4f7e-9a53-3c2d1e0f9a84"),
        ];
        assert_eq!(short_ids(&ids), ["0b7c6f1", "0b7c6f2", "9a00"]);
    }

    #[test]
    fn short_ids_cross_hyphens() {
        let ids = [
            id("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"),
            id("0b7c6f1e-5d2a-4f7e-9a53-3c2d1e0f9a84"),
        ];
        assert_eq!(short_ids(&ids), ["0b7c6f1e-5d1", "0b7c6f1e-5d2"]);
    }

    #[test]
    fn prefixes_resolve_uniquely_or_list_the_candidates() {
        let ids = [
            id("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"),
            id("0b7c7000-5d1a-4f7e-9a53-3c2d1e0f9a84"),
        ];
        assert_eq!(resolve("0b7c6", &ids).unwrap(), ids[0]);
        let err = resolve("0b7c", &ids).unwrap_err();
        assert_eq!(err.kind, Kind::Ambiguous);
        assert_eq!(resolve("ffff", &ids).unwrap_err().kind, Kind::NotFound);
        assert_eq!(normalise("zzzz").unwrap_err().kind, Kind::BadId);
        assert!(
            err.message.contains("matches 2 tickets") && err.message.contains("0b7c7  ("),
            "{}",
            err.message
        );
        assert!(
            resolve("ffff", &ids)
                .unwrap_err()
                .message
                .contains("no ticket")
        );
    }

    proptest::proptest! {
        #[test]
        fn short_in_agrees_with_short_ids(raw in proptest::collection::vec(0u128..(1 << 20), 1..40), pick in 0usize..40) {
            // Small numbers shifted to the top share long prefixes often.
            let mut ids: Vec<Uuid> = raw.iter().map(|n| Uuid::from_u128(n << 108)).collect();
            ids.sort();
            ids.dedup();
            let all = short_ids(&ids);
            let i = pick % ids.len();
            proptest::prop_assert_eq!(&short_in(&ids, ids[i]), &all[i]);
            let prefix = &all[i];
            let found = candidates(prefix, &ids);
            proptest::prop_assert_eq!(resolve(prefix, found).unwrap(), ids[i]);
            let everywhere: Vec<Uuid> = ids.iter().filter(|id| id.hyphenated().to_string().starts_with(&prefix[..4])).copied().collect();
            proptest::prop_assert_eq!(candidates(&prefix[..4], &ids), &everywhere[..]);
        }
    }

    #[test]
    fn paths_and_short_prefixes_are_not_ids() {
        for bad in ["../../etc/passwd", "/tmp/x", "0b7c/../x", "0b 7c", "zzzz"] {
            assert!(
                normalise(bad)
                    .unwrap_err()
                    .message
                    .contains("not a ticket id"),
                "{bad:?}"
            );
        }
        assert!(normalise("0b7").unwrap_err().message.contains("too short"));
        assert_eq!(normalise(" 0B7C ").unwrap(), "0b7c");
    }

    #[test]
    fn the_forms_baton_mails_use_name_the_ticket() {
        for typed in ["#b2bc", "[#b2bc]", " [#B2BC] ", "[b2bc]", "#b2bc-"] {
            assert!(normalise(typed).unwrap().starts_with("b2bc"), "{typed:?}");
        }
        for bad in ["##b2bc", "[#b2bc", "#[b2bc]", "[#b2bc]]", "#"] {
            assert!(normalise(bad).is_err(), "{bad:?}");
        }
    }
}
