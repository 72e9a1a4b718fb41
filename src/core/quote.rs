//! What a reply says this time, apart from the conversation it quotes and
//! the signature under it. Mail clients append the whole earlier thread to
//! every answer; kept as the customer's words, each message would repeat all
//! the ones before. The split finds the attribution line ("On … wrote:" and
//! its translations, as Gmail, Apple Mail and Thunderbird write it), the
//! separators Outlook writes ("-----Original Message-----", a rule followed
//! by "From:"), a trailing block of `>` lines, and the `-- ` signature line.
//! Pure.

/// A reply split in two: what the sender wrote, and the quoted history
/// with the signature (`None` when there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub fresh: String,
    pub quoted: Option<String>,
}

/// Openings and endings of attribution lines, lowercased: `On … wrote:`,
/// `Am … schrieb …:`, `Le … a écrit :`, `El … escribió:`, `Il … ha scritto:`,
/// `Op … schreef …:`, `W dniu … pisze:`.
const ATTRIBUTIONS: &[(&str, &str)] = &[
    ("on ", "wrote:"),
    ("am ", ":"),
    ("le ", "écrit :"),
    ("le ", "écrit:"),
    ("el ", "escribió:"),
    ("il ", "scritto:"),
    ("op ", ":"),
    ("w dniu ", "pisze:"),
];

/// Words the German and Dutch attribution lines must hold, since their
/// ending (`:`) alone says little.
const ATTRIBUTION_VERBS: &[&str] = &["schrieb", "schreef"];

fn is_attribution(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    ATTRIBUTIONS.iter().any(|(start, end)| {
        l.starts_with(start)
            && l.ends_with(end)
            && (*end != ":" || ATTRIBUTION_VERBS.iter().any(|v| l.contains(v)))
    })
}

/// Whether the history starts at line `i`.
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let next = lines.get(i + 1).map_or("", |l| l.trim());
    if is_attribution(line) {
        return true;
    }
    // Gmail wraps a long attribution over two lines.
    if line.to_lowercase().starts_with("on ") && is_attribution(&format!("{line} {next}")) {
        return true;
    }
    let lower = line.to_lowercase();
    if lower.starts_with("-----original message-----")
        || lower.starts_with("----- original message -----")
        || lower.starts_with("-------- original message --------")
    {
        return true;
    }
    // Outlook: a rule, or nothing, then From:/Sent: (or Von:/Gesendet:).
    let headerish = |l: &str| {
        let l = l.to_lowercase();
        ["from:", "von:", "de:", "od:"]
            .iter()
            .any(|h| l.starts_with(h))
    };
    let sentish = |l: &str| {
        let l = l.to_lowercase();
        [
            "sent:",
            "date:",
            "gesendet:",
            "envoyé :",
            "envoyé:",
            "wysłano:",
        ]
        .iter()
        .any(|h| l.starts_with(h))
    };
    if line.len() >= 10 && line.chars().all(|c| c == '_') && headerish(next) {
        return true;
    }
    headerish(line) && sentish(next)
}

/// Splits a reply into what was written this time and what it quotes.
/// When the split would leave nothing, the whole text is the fresh part: a
/// message made only of a quote is still a message.
pub fn split(body: &str) -> Split {
    let lines: Vec<&str> = body.lines().collect();
    let mut cut = (0..lines.len()).find(|&i| starts_history(&lines, i));
    // A trailing block of `>` lines (and blanks) is quoted history too.
    let mut trailing = lines.len();
    while trailing > 0 {
        let l = lines[trailing - 1].trim();
        if l.is_empty() || l.starts_with('>') {
            trailing -= 1;
        } else {
            break;
        }
    }
    if lines[trailing..].iter().any(|l| l.trim().starts_with('>')) {
        cut = Some(cut.map_or(trailing, |c| c.min(trailing)));
    }
    // The signature: from the last `-- ` line (or a phone's "Sent from my
    // iPhone") before the history.
    let end = cut.unwrap_or(lines.len());
    if let Some(sig) = (0..end).rev().find(|&i| is_signature(lines[i])) {
        cut = Some(sig);
    }
    let Some(cut) = cut else {
        return whole(body);
    };
    let fresh = lines[..cut].join("\n").trim_end().to_string();
    let quoted = lines[cut..].join("\n").trim_matches('\n').to_string();
    if fresh.trim().is_empty() || quoted.trim().is_empty() {
        return whole(body);
    }
    Split {
        fresh,
        quoted: Some(quoted),
    }
}

/// Whether a line opens a signature.
fn is_signature(line: &str) -> bool {
    let l = line.trim_end().to_lowercase();
    line == "-- "
        || line == "--"
        || (l.len() < 60 && (l.starts_with("sent from my ") || l.starts_with("get outlook for ")))
}

fn whole(body: &str) -> Split {
    Split {
        fresh: body.to_string(),
        quoted: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_s_quoted_history_is_split_off() {
        // (client, reply)
        let cases = [
            (
                "gmail",
                "Thanks, that works.\n\nOn Mon, 2 Nov 2026 at 07:52, Acme Support <help@example.com> wrote:\n> Hello,\n> try again.",
            ),
            (
                "gmail, wrapped",
                "Thanks, that works.\n\nOn Mon, 2 Nov 2026 at 07:52, Acme Support <help@example.com>\nwrote:\n> Hello,",
            ),
            (
                "apple mail",
                "Thanks, that works.\n\nOn 2 Nov 2026, at 07:52, Acme Support <help@example.com> wrote:\n\n> Hello,",
            ),
            (
                "thunderbird",
                "Thanks, that works.\n\nOn 11/2/26 07:52, Acme Support wrote:\n> Hello,",
            ),
            (
                "outlook",
                "Thanks, that works.\n\n________________________________\nFrom: Acme Support <help@example.com>\nSent: Monday, November 2, 2026 7:52 AM\nSubject: [#0b7c6f1e] Refund\n\nHello,",
            ),
            (
                "outlook, old",
                "Thanks, that works.\n\n-----Original Message-----\nFrom: Acme Support\nSent: Monday\n\nHello,",
            ),
            (
                "german",
                "Thanks, that works.\n\nAm 02.11.2026 um 07:52 schrieb Acme Support <help@example.com>:\n> Hallo,",
            ),
            (
                "bare quote",
                "Thanks, that works.\n\n> Hello,\n> try again.\n",
            ),
            (
                "signature",
                "Thanks, that works.\n\n-- \nJan Kowalski\nAcme Customer Ltd.",
            ),
        ];
        for (client, reply) in cases {
            let s = split(reply);
            assert_eq!(s.fresh, "Thanks, that works.", "{client}");
            assert!(s.quoted.is_some(), "{client}");
        }
    }

    #[test]
    fn interleaved_answers_and_plain_text_are_kept_whole() {
        let cases = [
            "> Which order?\n18823.\n> And the card?\nEnding 4421.",
            "On Monday I wrote to you about it.\nNo answer yet.",
            "From: the accounts team\nWe still see two charges.",
            "> only a quote",
        ];
        for body in cases {
            assert_eq!(split(body), whole(body), "{body}");
        }
    }
}
