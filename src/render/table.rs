//! Tables: fitted to the terminal with light rules, plain columns when piped.

use chrono::{DateTime, Utc};

use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Output;
use super::text::{self, Color, clean_line};
use crate::core::config::Person;
use crate::core::query::Row;
use crate::core::search::Found;
use crate::core::ticket::Status;

/// Space between columns.
const GAP: u16 = 2;

/// A table in the house style, with its header. Widths are fitted by the
/// caller, so a row is always exactly one line.
pub(super) fn base(out: &Output, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if out.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.to_vec());
    for column in table.column_iter_mut() {
        column.set_padding((0, GAP));
    }
    table
}

/// The table's text, with a thin rule under the header on a terminal.
/// Trailing padding is noise in files and diffs, so it goes.
pub(super) fn finish(out: &Output, table: &Table) -> String {
    let lines = table
        .to_string()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    ruled(out, lines)
}

/// The lines of a table, with a thin rule under the header on a terminal.
fn ruled(out: &Output, mut lines: Vec<String>) -> String {
    if out.stdout_tty {
        let widest = lines.iter().map(|l| console_width(l)).max().unwrap_or(0);
        lines.insert(1.min(lines.len()), "─".repeat(widest));
    }
    lines.join("\n")
}

/// A status in its colour.
fn status_cell(text: String, status: Status) -> Cell {
    match text::status_color(status) {
        Color::Dim => Cell::new(text).add_attribute(Attribute::Dim),
        c => Cell::new(text).fg(c.cell()),
    }
}

/// The house layout of an uncoloured table (columns as wide as their widest
/// cell, `GAP` apart, no trailing space), written directly: the general
/// table takes most of a second to lay out 100,000 rows.
fn plain(out: &Output, header: &[&str], rows: &[Vec<String>]) -> String {
    let widths = natural_widths(header, rows);
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (cell, w) in cells.zip(&widths) {
            line.push_str(cell);
            let pad = w - cell.width() + usize::from(GAP);
            line.extend(std::iter::repeat_n(' ', pad));
        }
        line.truncate(line.trim_end().len());
        line
    };
    let mut lines = Vec::with_capacity(rows.len() + 1);
    lines.push(line(&mut header.iter().copied()));
    lines.extend(rows.iter().map(|r| line(&mut r.iter().map(String::as_str))));
    ruled(out, lines)
}

/// Each column's width: its widest cell, or its header.
fn natural_widths(header: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    widths
}

/// The narrowest terminal on which the low-value columns (customer,
/// priority) are still shown.
pub const NARROW: usize = 70;

/// Fits a table to `width` columns so that no row wraps. Columns whose
/// `drop_below` is wider than the terminal are left out; then columns give
/// width in `order`, each `(column, down to)`; when that is not enough,
/// every column with a `drop_below` goes whatever the width. Returns the
/// columns kept (indices into `natural`) with their widths.
fn fitted(
    width: usize,
    natural: &[usize],
    drop_below: &[usize],
    order: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let total = |w: &[(usize, usize)]| {
        w.iter().map(|(_, w)| w).sum::<usize>() + usize::from(GAP) * w.len().saturating_sub(1)
    };
    let layout = |keep: &dyn Fn(usize) -> bool| {
        let mut widths: Vec<(usize, usize)> = (0..natural.len())
            .filter(|&i| keep(i))
            .map(|i| (i, natural[i]))
            .collect();
        for &(column, min) in order {
            let over = total(&widths).saturating_sub(width);
            if let Some(slot) = widths.iter_mut().find(|(c, _)| *c == column) {
                slot.1 -= over.min(slot.1.saturating_sub(min));
            }
        }
        widths
    };
    let widths = layout(&|i| drop_below[i] <= width);
    if total(&widths) <= width {
        return widths;
    }
    layout(&|i| drop_below[i] == 0)
}

/// The columns of a table of figures (never cut) that fit the terminal:
/// those in `droppable` go, in that order, until the rest fit. Piped, all
/// of them stay.
pub(super) fn columns_that_fit(
    out: &Output,
    header: &[&str],
    rows: &[Vec<String>],
    droppable: &[usize],
) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..header.len()).collect();
    if !out.stdout_tty {
        return kept;
    }
    let natural = natural_widths(header, rows);
    let total = |kept: &[usize]| {
        kept.iter()
            .map(|&i| natural[i] + usize::from(GAP))
            .sum::<usize>()
            - usize::from(GAP)
    };
    for column in droppable {
        if total(&kept) <= terminal_width(out) {
            break;
        }
        kept.retain(|c| c != column);
    }
    kept
}

/// Every column, uncut: the layout of piped output.
fn whole(columns: usize) -> Vec<(usize, usize)> {
    (0..columns).map(|i| (i, usize::MAX)).collect()
}

/// The header and the cells a layout keeps, cut to its widths.
fn kept<'h>(
    layout: &[(usize, usize)],
    header: &[&'h str],
    rows: Vec<Vec<String>>,
) -> (Vec<&'h str>, Vec<Vec<String>>) {
    let header = layout.iter().map(|&(i, _)| header[i]).collect();
    (header, cut_to(layout, rows))
}

/// The cells of `rows` cut to a fitted layout, the columns left out gone.
fn cut_to(layout: &[(usize, usize)], rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.into_iter()
        .map(|r| layout.iter().map(|&(i, w)| fit(&r[i], w)).collect())
        .collect()
}

/// Display width of a line that may hold colour codes.
fn console_width(line: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match c {
            '\x1b' => in_escape = true,
            'm' if in_escape => in_escape = false,
            _ if in_escape => {}
            c => width += c.width().unwrap_or(0),
        }
    }
    width
}

/// Cuts text to `max` display columns, marking the cut with an ellipsis.
pub fn fit(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The widest customer shown before the title is cut, on wide and on narrow terminals.
const CUSTOMER_MAX: (usize, usize) = (28, 18);
/// The title gives way down to this before the other columns are cut.
const TITLE_MIN: usize = 16;
/// The narrowest a cut customer or title gets (their headers' width).
const CUT_MIN: (usize, usize) = (8, 5);

/// The ticket table of `baton list`. On a terminal it fits the width: the
/// title takes what the other columns leave, down to [`TITLE_MIN`]; then
/// the customer is cut; below [`NARROW`] columns the customer and the
/// priority are left out. Piped, nothing is cut.
pub fn tickets(out: &Output, rows: &[Row], now: DateTime<Utc>) -> String {
    tickets_linked(out, rows, now, &std::collections::HashMap::new())
}

/// [`tickets`], with the tickets linked to a problem marked before their
/// title (`↳ 3f2a`, from `links`).
pub fn tickets_linked(
    out: &Output,
    rows: &[Row],
    now: DateTime<Utc>,
    links: &std::collections::HashMap<uuid::Uuid, String>,
) -> String {
    let header = [
        "ID", "STATUS", "OWNER", "PRIORITY", "DUE", "CUSTOMER", "TITLE",
    ];
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let t = row.ticket;
            vec![
                row.short.clone(),
                // A bounce the owner must know of: a mark beside the status,
                // explained under the table.
                if t.delivery_failed {
                    format!("{} {FAILED_MARK}", t.status.as_str())
                } else {
                    t.status.as_str().to_string()
                },
                clean_line(&t.owner).into_owned(),
                t.priority.as_str().to_string(),
                match t.waiting_until.filter(|_| t.status == Status::Waiting) {
                    Some(until) => text::until(until, now),
                    None => text::due_or_promise(row.due.as_ref(), t.promise.as_ref(), now),
                },
                clean_line(&t.customer).into_owned(),
                match links.get(&t.id) {
                    Some(mark) => format!("{mark}  {}", clean_line(&t.title)),
                    None => clean_line(&t.title).into_owned(),
                },
            ]
        })
        .collect();
    let layout: Vec<(usize, usize)> = if out.stdout_tty {
        let width = terminal_width(out);
        let mut natural = natural_widths(&header, &texts);
        let cap = if width >= 120 {
            CUSTOMER_MAX.0
        } else {
            CUSTOMER_MAX.1
        };
        natural[5] = natural[5].min(cap);
        let drop_below = [0, 0, 0, NARROW, 0, NARROW, 0];
        let order = [
            (6, TITLE_MIN),
            (5, CUT_MIN.0),
            (6, CUT_MIN.1),
            (2, CUT_MIN.1),
        ];
        fitted(width, &natural, &drop_below, &order)
    } else {
        whole(header.len())
    };
    let (header, cut) = kept(&layout, &header, texts);
    let legend = rows.iter().any(|r| r.ticket.delivery_failed).then(|| {
        format!("\n{FAILED_MARK} mail to the customer bounced (baton list --failed; baton show ID says which)")
    });
    if !out.color {
        return plain(out, &header, &cut) + legend.as_deref().unwrap_or_default();
    }
    let mut table = base(out, &header);
    for (row, cells) in rows.iter().zip(cut) {
        let t = row.ticket;
        let overdue = row.due.as_ref().is_some_and(|d| d.is_overdue(now))
            || t.promise.as_ref().is_some_and(|p| p.is_broken(now));
        let styled = layout.iter().zip(cells).map(|(&(i, _), text)| match i {
            0 => Cell::new(text).add_attribute(Attribute::Bold),
            1 => status_cell(text, t.status),
            3 => match text::priority_color(t.priority) {
                Some(c) => Cell::new(text).fg(c.cell()),
                None => Cell::new(text),
            },
            4 if overdue => Cell::new(text).fg(Color::Red.cell()),
            _ => Cell::new(text),
        });
        table.add_row(styled.collect::<Vec<_>>());
    }
    finish(out, &table) + legend.as_deref().unwrap_or_default()
}

/// The mark beside the status of a ticket whose mail to the customer
/// bounced ([`crate::core::summary::delivery_failed`]).
const FAILED_MARK: &str = "!";

/// The queue bare `baton` shows: `who`'s tickets, then the team's about
/// to breach, each under a heading; a line says when a part is empty.
pub fn queue(out: &Output, who: &str, mine: &[Row], team: &[Row], now: DateTime<Utc>) -> String {
    let who = clean_line(who);
    let heading = |t: &str| out.paint(t, Color::Bold);
    let mut s = heading(&format!("Your queue ({who})"));
    s.push('\n');
    if mine.is_empty() {
        s.push_str("nothing of yours is open\n");
    } else {
        s.push_str(&tickets(out, mine, now));
        s.push('\n');
    }
    s.push('\n');
    s.push_str(&heading(&format!(
        "About to breach on the team (within {})",
        text::span(crate::core::query::SOON)
    )));
    s.push('\n');
    if team.is_empty() {
        s.push_str("nothing\n");
    } else {
        s.push_str(&tickets(out, team, now));
        s.push('\n');
    }
    s.push_str("(all open tickets: baton list)");
    s
}

/// The results of `baton search`. On a terminal the title and the matching
/// text share the width the other columns leave (the title two fifths);
/// below [`NARROW`] columns the customer is left out. Piped, nothing is cut.
pub fn found(out: &Output, found: &[Found]) -> String {
    let header = ["ID", "STATUS", "OWNER", "CUSTOMER", "TITLE", "MATCH"];
    let texts: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            let t = &f.ticket;
            vec![
                f.short.clone(),
                t.status.as_str().to_string(),
                clean_line(&t.owner).into_owned(),
                clean_line(&t.customer).into_owned(),
                clean_line(&t.title).into_owned(),
                clean_line(&format!("{}: {}", f.hit.field, f.hit.snippet)).into_owned(),
            ]
        })
        .collect();
    let layout: Vec<(usize, usize)> = if out.stdout_tty {
        let width = terminal_width(out);
        let mut natural = natural_widths(&header, &texts);
        natural[3] = natural[3].min(CUSTOMER_MAX.1);
        let fixed = |keep_customer: bool| {
            natural[..3].iter().sum::<usize>()
                + if keep_customer {
                    natural[3] + usize::from(GAP)
                } else {
                    0
                }
                + usize::from(GAP) * 4
        };
        let budget = width.saturating_sub(fixed(width >= NARROW));
        let title = (budget * 2 / 5).max(TITLE_MIN).min(natural[4]);
        natural[4] = title;
        let drop_below = [0, 0, 0, NARROW, 0, 0];
        let order = [
            (5, TITLE_MIN),
            (3, CUT_MIN.0),
            (4, CUT_MIN.1),
            (5, CUT_MIN.1),
            (2, CUT_MIN.1),
        ];
        fitted(width, &natural, &drop_below, &order)
    } else {
        whole(header.len())
    };
    let (header, cut) = kept(&layout, &header, texts);
    if !out.color {
        return plain(out, &header, &cut);
    }
    let mut table = base(out, &header);
    for (f, cells) in found.iter().zip(cut) {
        let styled = layout.iter().zip(cells).map(|(&(i, _), text)| match i {
            0 => Cell::new(text).add_attribute(Attribute::Bold),
            1 => status_cell(text, f.ticket.status),
            _ => Cell::new(text),
        });
        table.add_row(styled.collect::<Vec<_>>());
    }
    finish(out, &table)
}

/// One person on the team, as the people table shows them.
pub struct Member<'a> {
    pub person: &'a Person,
    pub top: bool,
    pub open: usize,
}

/// The team table of `baton people`; on a terminal the e-mail is cut to
/// fit the width.
pub fn people(out: &Output, members: &[Member]) -> String {
    let header = ["NAME", "LEVEL", "EMAIL", "OPEN"];
    let texts: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            let level = if m.top {
                format!("{} (top)", m.person.level)
            } else {
                m.person.level.to_string()
            };
            let email = m
                .person
                .email
                .as_deref()
                .map_or_else(|| "-".to_string(), |e| clean_line(e).into_owned());
            vec![
                clean_line(&m.person.name).into_owned(),
                level,
                email,
                m.open.to_string(),
            ]
        })
        .collect();
    let rows = if out.stdout_tty {
        let natural = natural_widths(&header, &texts);
        let order = [(2, CUT_MIN.1), (0, CUT_MIN.1)];
        cut_to(
            &fitted(terminal_width(out), &natural, &[0; 4], &order),
            texts,
        )
    } else {
        texts
    };
    let mut table = base(out, &header);
    for row in rows {
        table.add_row(row);
    }
    finish(out, &table)
}

/// The width a terminal's output is fitted to.
pub(super) fn terminal_width(out: &Output) -> usize {
    usize::from(out.width.unwrap_or(80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The direct layout is the general table's, cell for cell.
        #[test]
        fn plain_tables_lay_out_like_the_general_table(
            rows in prop::collection::vec(prop::array::uniform3("[a-zé日 ]{0,8}"), 0..6),
        ) {
            let out = Output::new(false, false, false, None);
            let header = ["ID", "TITLE", "MATCH"];
            let mut table = base(&out, &header);
            for r in &rows {
                table.add_row(r.to_vec());
            }
            let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
            prop_assert_eq!(plain(&out, &header, &rows), finish(&out, &table));
        }
    }

    #[test]
    fn fitted_cuts_in_order_then_drops_then_drops_whatever_the_width() {
        // ID, PRIORITY (dropped below 70), TITLE.
        let natural = [4, 8, 40];
        let drop_below = [0, NARROW, 0];
        let order = [(2, 10)];
        let cases: [(usize, &[(usize, usize)]); 4] = [
            (100, &[(0, 4), (1, 8), (2, 40)]),
            (60, &[(0, 4), (2, 40)]),
            (40, &[(0, 4), (2, 34)]),
            (20, &[(0, 4), (2, 14)]),
        ];
        for (width, want) in cases {
            assert_eq!(
                fitted(width, &natural, &drop_below, &order),
                want,
                "at {width}"
            );
        }
        // When cutting is not enough, the droppable column goes anyway.
        let natural = [4, 8, 60];
        assert_eq!(
            fitted(72, &natural, &drop_below, &[(2, 58)]),
            [(0, 4), (2, 60)]
        );
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("Refund", 10), "Refund");
        assert_eq!(fit("Refund for double charge", 10), "Refund fo…");
        assert_eq!(fit("日本語のタイトル", 7), "日本語…");
    }
}
