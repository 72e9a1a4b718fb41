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

/// How wide the columns named by `header` (the first of each row) are
/// with their gaps: the room they leave is for the text columns after them.
fn width_of<const N: usize>(header: &[&str], rows: &[[String; N]]) -> usize {
    (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].width())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
                + usize::from(GAP)
        })
        .sum()
}

/// The house layout of an uncoloured table (columns as wide as their widest
/// cell, `GAP` apart, no trailing space), written directly: the general
/// table takes most of a second to lay out 100,000 rows.
fn plain<const N: usize>(out: &Output, header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.width());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: [&str; N]| {
        let mut line = String::new();
        for (cell, w) in cells.iter().zip(widths) {
            line.push_str(cell);
            let pad = w - cell.width() + usize::from(GAP);
            line.extend(std::iter::repeat_n(' ', pad));
        }
        line.truncate(line.trim_end().len());
        line
    };
    let mut lines = Vec::with_capacity(rows.len() + 1);
    lines.push(line(header));
    lines.extend(
        rows.iter()
            .map(|r| line(std::array::from_fn(|i| r[i].as_str()))),
    );
    ruled(out, lines)
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
/// The title never gets narrower than this, even on a tiny terminal.
const TITLE_MIN: usize = 16;

/// The ticket table of `baton list`. On a terminal the title takes the width
/// left by the other columns; piped, nothing is cut.
pub fn tickets(out: &Output, rows: &[Row], now: DateTime<Utc>) -> String {
    let header = [
        "ID", "STATUS", "OWNER", "PRIORITY", "DUE", "CUSTOMER", "TITLE",
    ];
    let mut texts: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            let t = row.ticket;
            [
                row.short.clone(),
                t.status.as_str().to_string(),
                clean_line(&t.owner).into_owned(),
                t.priority.as_str().to_string(),
                text::due(row.due.as_ref(), now),
                clean_line(&t.customer).into_owned(),
                clean_line(&t.title).into_owned(),
            ]
        })
        .collect();
    if out.stdout_tty {
        let width = usize::from(out.width.unwrap_or(100));
        let customer_max = if width >= 120 {
            CUSTOMER_MAX.0
        } else {
            CUSTOMER_MAX.1
        };
        for r in &mut texts {
            r[5] = fit(&r[5], customer_max);
        }
        let used = width_of(&header[..6], &texts);
        let budget = width.saturating_sub(used).max(TITLE_MIN);
        for r in &mut texts {
            r[6] = fit(&r[6], budget);
        }
    }
    if !out.color {
        return plain(out, header, &texts);
    }
    let mut table = base(out, &header);
    for (row, [short, status, owner, priority, due, customer, title]) in rows.iter().zip(texts) {
        let t = row.ticket;
        let overdue = row.due.as_ref().is_some_and(|d| d.is_overdue(now));
        let status = status_cell(status, t.status);
        let priority = match text::priority_color(t.priority) {
            Some(c) => Cell::new(priority).fg(c.cell()),
            None => Cell::new(priority),
        };
        let due = if overdue {
            Cell::new(due).fg(Color::Red.cell())
        } else {
            Cell::new(due)
        };
        table.add_row([
            Cell::new(short).add_attribute(Attribute::Bold),
            status,
            Cell::new(owner),
            priority,
            due,
            Cell::new(customer),
            Cell::new(title),
        ]);
    }
    finish(out, &table)
}

/// The results of `baton search`. On a terminal the title and the matching
/// text share the width the other columns leave; piped, nothing is cut.
pub fn found(out: &Output, found: &[Found]) -> String {
    let header = ["ID", "STATUS", "OWNER", "CUSTOMER", "TITLE", "MATCH"];
    let mut texts: Vec<[String; 6]> = found
        .iter()
        .map(|f| {
            let t = &f.ticket;
            [
                f.short.clone(),
                t.status.as_str().to_string(),
                clean_line(&t.owner).into_owned(),
                clean_line(&t.customer).into_owned(),
                clean_line(&t.title).into_owned(),
                clean_line(&format!("{}: {}", f.hit.field, f.hit.snippet)).into_owned(),
            ]
        })
        .collect();
    if out.stdout_tty {
        let width = usize::from(out.width.unwrap_or(100));
        for r in &mut texts {
            r[3] = fit(&r[3], CUSTOMER_MAX.1);
        }
        let used = width_of(&header[..4], &texts);
        let budget = width.saturating_sub(used + usize::from(GAP));
        let title = (budget * 2 / 5).max(TITLE_MIN);
        let widest_title = texts.iter().map(|r| r[4].width()).max().unwrap_or(0);
        let title = title.min(widest_title.max(header[4].len()));
        let rest = budget.saturating_sub(title).max(TITLE_MIN);
        for r in &mut texts {
            r[4] = fit(&r[4], title);
            r[5] = fit(&r[5], rest);
        }
    }
    if !out.color {
        return plain(out, header, &texts);
    }
    let mut table = base(out, &header);
    for (f, [short, status, owner, customer, title, hit]) in found.iter().zip(texts) {
        let status = status_cell(status, f.ticket.status);
        table.add_row([
            Cell::new(short).add_attribute(Attribute::Bold),
            status,
            Cell::new(owner),
            Cell::new(customer),
            Cell::new(title),
            Cell::new(hit),
        ]);
    }
    finish(out, &table)
}

/// One person on the team, as the people table shows them.
pub struct Member<'a> {
    pub person: &'a Person,
    pub top: bool,
    pub open: usize,
}

/// The team table of `baton people`.
pub fn people(out: &Output, members: &[Member]) -> String {
    let mut table = base(out, &["NAME", "LEVEL", "EMAIL", "OPEN"]);
    for m in members {
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
        table.add_row([
            clean_line(&m.person.name).into_owned(),
            level,
            email,
            m.open.to_string(),
        ]);
    }
    finish(out, &table)
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
            prop_assert_eq!(plain(&out, header, &rows), finish(&out, &table));
        }
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("Refund", 10), "Refund");
        assert_eq!(fit("Refund for double charge", 10), "Refund fo…");
        assert_eq!(fit("日本語のタイトル", 7), "日本語…");
    }
}
