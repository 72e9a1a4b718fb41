//! Tables: fitted to the terminal with light rules, plain columns when piped.

use chrono::{DateTime, Utc};
use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};

use super::Output;
use super::text::{self, Color, clean_line};
use crate::core::config::Person;
use crate::core::query::Row;
use crate::core::ticket::{Priority, Status};

fn status_color(s: Status) -> Color {
    match s {
        Status::Open => Color::Green,
        Status::Waiting => Color::Yellow,
        Status::Resolved => Color::Blue,
        Status::Closed => Color::Dim,
    }
}

/// A table in the house style, with its header.
fn base(out: &Output, header: &[&str]) -> Table {
    let mut table = Table::new();
    if out.stdout_tty {
        table.load_style(presets::UTF8_HORIZONTAL_ONLY);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = out.width {
            table.set_width(w);
        }
    } else {
        // Piped: no borders, no wrapping, no width limit: one line per row.
        table.load_style(presets::NOTHING);
        table.set_content_arrangement(ContentArrangement::Disabled);
    }
    if out.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.to_vec());
    if !out.stdout_tty {
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
    }
    table
}

/// The table's text; trailing padding is noise in files and diffs.
fn finish(out: &Output, table: &Table) -> String {
    let s = table.to_string();
    if out.stdout_tty {
        s
    } else {
        s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
    }
}

/// The ticket table of `baton list`.
pub fn tickets(out: &Output, rows: &[Row], now: DateTime<Utc>) -> String {
    let mut table = base(
        out,
        &[
            "ID", "STATUS", "OWNER", "PRIORITY", "DUE", "CUSTOMER", "TITLE",
        ],
    );
    for row in rows {
        let t = row.ticket;
        let short = &row.short;
        let due = text::due(row.due.as_ref(), now);
        let overdue = row.due.as_ref().is_some_and(|d| d.is_overdue(now));
        let priority = t.priority.as_str();
        let priority_cell = match t.priority {
            Priority::Urgent => Cell::new(priority).fg(Color::Red.cell()),
            Priority::High => Cell::new(priority).fg(Color::Yellow.cell()),
            _ => Cell::new(priority),
        };
        let due_cell = if overdue {
            Cell::new(due).fg(Color::Red.cell())
        } else {
            Cell::new(due)
        };
        let status = Cell::new(t.status.as_str());
        let status = match status_color(t.status) {
            Color::Dim => status.add_attribute(Attribute::Dim),
            c => status.fg(c.cell()),
        };
        let cells = [
            Cell::new(short).add_attribute(Attribute::Bold),
            status,
            Cell::new(clean_line(&t.owner)),
            priority_cell,
            due_cell,
            Cell::new(clean_line(&t.customer)),
            Cell::new(clean_line(&t.title)),
        ];
        let mut r = comfy_table::Row::from(cells);
        r.max_height(1);
        table.add_row(r);
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
