//! The month-end report: for people (totals, the people table, a bar chart of
//! resolved against passed, and the customers table), as one section of CSV
//! for a spreadsheet, or as the JSON document.

use std::fmt::Write;

use chrono::Duration;
use comfy_table::CellAlignment;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::table::{self, fit};
use super::text::{self, Color, clean_block, clean_line};
use super::{Output, json};
use crate::core::metrics::{Basis, Comparison, Direction, PersonFigures, Report};
use crate::core::period::Days;
use crate::error::{Error, Result};

/// The sections `--csv` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    People,
    Customers,
    Totals,
    // No doc comments here: clap would turn them into a long help listing.
    Pauses,
    Promises,
    // Plain comments, not docs: a doc here would turn `--help` into the
    // long form. Ratings of 1 or 2 with the customers' comments:
    LowScores,
    // each total beside the previous period's:
    Compared,
    // the cost of the question, per customer, then per tag:
    QuestionCustomers,
    QuestionTags,
}

/// Prints the report for people, or its JSON document.
pub fn show(
    out: &Output,
    r: &Report,
    days: &Days,
    before: &Days,
    unreadable: &[Error],
) -> Result<()> {
    if out.json {
        let mut doc = json::report(r);
        if let Some(m) = doc.as_object_mut() {
            m.insert("unreadable".into(), json::left_out(unreadable));
        }
        return out.json(&doc);
    }
    out.print(&report(out, r, &title(days), &title(before)))
}

/// Says where the HTML page went (under `--json`, as a document).
pub fn written(out: &Output, file: &std::path::Path, days: &Days) -> Result<()> {
    let shown = file.display().to_string();
    out.result(
        &format!(
            "Wrote the report for {} to {}",
            title(days),
            clean_line(&shown)
        ),
        || serde_json::json!({ "html": shown }),
    )
}

/// How the report names its period: `November 2026`, or `2026-11-02 to
/// 2026-11-15`.
pub fn title(days: &Days) -> String {
    if days.whole_month {
        days.first.format("%B %Y").to_string()
    } else {
        format!("{} to {}", days.first, days.last)
    }
}

/// Prints one section as CSV, with the JSON keys as the header row: the
/// exact data for a file, control characters escaped for a terminal.
pub fn csv(out: &Output, r: &Report, section: Section) -> Result<()> {
    let text = match section {
        Section::People => to_csv(&r.people),
        Section::Customers => to_csv(&r.customers),
        Section::Totals => to_csv(std::slice::from_ref(&r.totals)),
        Section::Pauses => to_csv(&r.pauses),
        Section::Promises => to_csv(&r.promises),
        Section::LowScores => to_csv(&r.low_scores),
        Section::Compared => to_csv(r.compared.as_ref().map_or(&[][..], |c| &c.changes)),
        Section::QuestionCustomers => to_csv(&r.question_cost.customers),
        Section::QuestionTags => to_csv(&r.question_cost.tags),
    }
    .map_err(|e| Error::new(format!("cannot write the CSV: {e}")))?;
    let text = if out.stdout_tty {
        clean_block(&text).into_owned()
    } else {
        text
    };
    out.print(&text)
}

/// Rows as CSV. An empty section still gets its header row, so a spreadsheet
/// sees the columns. Every cell is defused against formula injection.
fn to_csv<T: Serialize + Default>(rows: &[T]) -> std::result::Result<String, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    if rows.is_empty() {
        w.serialize(T::default())?;
    }
    for row in rows {
        w.serialize(row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    // Read the records back and write each cell defused: serde decides the
    // columns, this decides what a spreadsheet may see.
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut out = ::csv::Writer::from_writer(Vec::new());
    for (i, record) in r.records().enumerate() {
        let record = record?;
        if rows.is_empty() && i > 0 {
            break;
        }
        out.write_record(record.iter().map(|c| defuse(c).into_owned()))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A CSV cell a spreadsheet will not run: one that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule
/// against formula injection; customer addresses come from strangers).
/// Numbers stay numbers.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Shown where a figure has nothing to be computed from.
const NONE: &str = "–";

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| NONE.to_string(), |p| format!("{p}%"))
}

fn hours(h: f64) -> String {
    if h == 0.0 {
        "0".to_string()
    } else {
        format!("{h}")
    }
}

fn span_minutes(m: Option<f64>) -> String {
    m.map_or_else(
        || NONE.to_string(),
        |m| text::span(Duration::seconds((m * 60.0).round() as i64)),
    )
}

/// The whole report as text; `title` names the period, `before` the one it
/// is compared with.
fn report(out: &Output, r: &Report, title: &str, before: &str) -> String {
    let mut heading = out.paint(&format!("Report for {title}"), Color::Bold);
    if r.customers.is_empty() {
        heading.push_str("\nNo ticket changed in this period.");
    }
    if let Some(b) = &r.basis {
        heading.push('\n');
        heading.push_str(&basis(b));
    }
    let mut parts = vec![heading];
    parts.push(totals(out, r));
    parts.push(people(out, &r.people));
    if let Some(chart) = chart(out, &r.people) {
        parts.push(chart);
    }
    if let Some(why) = reasons(out, &r.people) {
        parts.push(why);
    }
    if !r.customers.is_empty() {
        parts.push(customers(out, r));
    }
    if !r.low_scores.is_empty() {
        parts.push(low_scores(out, r));
    }
    if let Some(c) = &r.compared {
        parts.push(compared(out, c, before));
    }
    if !r.pauses.is_empty() {
        parts.push(pauses(out, r));
    }
    if !r.promises.is_empty() {
        parts.push(promises(out, r));
    }
    if !r.incidents.is_empty() {
        parts.push(incidents(out, r));
    }
    if !r.question_cost.customers.is_empty() {
        parts.push(question_cost(out, r));
    }
    parts.join("\n\n")
}

/// The cost of the question: round trips spent asking the customer for
/// information, and the hours they cost, per customer and per tag.
fn question_cost(out: &Output, r: &Report) -> String {
    let mut s = out.paint("COST OF THE QUESTION", Color::Bold);
    for (what, rows) in [
        ("customer", &r.question_cost.customers),
        ("tag", &r.question_cost.tags),
    ] {
        for q in rows {
            let _ = write!(
                s,
                "\n{what} {}: {} round trip{} asking, {}h",
                clean_line(&q.name),
                q.round_trips,
                if q.round_trips == 1 { "" } else { "s" },
                hours(q.hours)
            );
        }
    }
    s
}

/// Promises kept and broken, per person who made them.
fn promises(out: &Output, r: &Report) -> String {
    let mut tbl = table::base(out, &["PROMISED BY", "KEPT", "BROKEN"]);
    for p in &r.promises {
        tbl.add_row([
            clean_line(&p.name).into_owned(),
            p.kept.to_string(),
            p.broken.to_string(),
        ]);
    }
    for i in 1..3 {
        if let Some(col) = tbl.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table::finish(out, &tbl)
}

/// Each incident once, with how many tickets and customers it touched.
fn incidents(out: &Output, r: &Report) -> String {
    let mut s = out.paint("INCIDENTS", Color::Bold);
    for i in &r.incidents {
        let _ = write!(
            s,
            "\n{}  {} ({}): {} linked tickets, {} customers",
            &i.id[..8],
            clean_line(&i.title),
            i.status,
            i.tickets,
            i.customers
        );
    }
    s
}

/// The pause audit: who paused clocks, for how long, and how often right
/// after an unanswered customer message.
fn pauses(out: &Output, r: &Report) -> String {
    let mut s = out.paint("PAUSES", Color::Bold);
    for p in &r.pauses {
        let _ = write!(
            s,
            "\n{}  {}h waiting, set waiting {} times, {} within the pause grace of a customer message",
            clean_line(&p.name),
            hours(p.paused_hours),
            p.pauses,
            p.quick_pauses
        );
    }
    s
}

/// Per person, why the figures are what they are: which way they passed,
/// how many they solved with one reply, and the spread of first replies.
fn reasons(out: &Output, people: &[PersonFigures]) -> Option<String> {
    let active: Vec<&PersonFigures> = people
        .iter()
        .filter(|p| p.resolved + p.passed > 0 || p.median_first_response_minutes.is_some())
        .collect();
    if active.is_empty() {
        return None;
    }
    let mut s = out.paint("HOW", Color::Bold);
    for p in active {
        let _ = write!(
            s,
            "\n{}  passed {} (up {}, sideways {}, down {}); one-touch {} of {} resolved; \
             first reply median {}, 90th percentile {}",
            clean_line(&p.name),
            p.passed,
            p.passed_up,
            p.passed_sideways,
            p.passed_down,
            p.one_touch,
            p.resolved,
            span_minutes(p.median_first_response_minutes),
            span_minutes(p.p90_first_response_minutes),
        );
    }
    Some(s)
}

/// The ratings of 1 or 2, with the customers' own words.
fn low_scores(out: &Output, r: &Report) -> String {
    let mut s = out.paint("LOW SCORES", Color::Bold);
    for l in &r.low_scores {
        let who = if l.customer.is_empty() {
            "(no customer)".to_string()
        } else {
            clean_line(&l.customer).into_owned()
        };
        let said = if l.comment.trim().is_empty() {
            "no comment".to_string()
        } else {
            format!("\"{}\"", clean_line(l.comment.trim()))
        };
        let _ = write!(
            s,
            "\n{who}  {} of 5  {}  {said}",
            l.score,
            clean_line(&l.title)
        );
    }
    s
}

/// The arrow for a change: up, down, level, or nothing to compare.
fn arrow(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Up) => "↑",
        Some(Direction::Down) => "↓",
        Some(Direction::Same) => "→",
        None => " ",
    }
}

/// How the comparison names a total, and whether it is a percentage.
fn label(figure: &str) -> (&str, bool) {
    match figure {
        "created" => ("tickets created", false),
        "open_at_end" => ("open or waiting at the end", false),
        "sla_met_pct" => ("resolved before the deadline", true),
        "first_response_met_pct" => ("first reply in time", true),
        "fcr_pct" => ("solved at first contact", true),
        "one_touch_pct" => ("solved with one reply", true),
        "csat_avg" => ("satisfaction, of 5", false),
        "csat_pct" => ("rated 4 or 5", true),
        "hours" => ("hours logged", false),
        other => (other, false),
    }
}

/// Each total beside the previous period's, with an arrow.
fn compared(out: &Output, c: &Comparison, before: &str) -> String {
    let mut tbl = table::base(out, &["COMPARED WITH", before, "", "NOW"]);
    for ch in &c.changes {
        let (name, is_pct) = label(ch.figure);
        let value = |v: Option<f64>| match v {
            None => NONE.to_string(),
            Some(v) if is_pct => format!("{v}%"),
            Some(v) => v.to_string(),
        };
        tbl.add_row([
            name.to_string(),
            value(ch.before),
            arrow(ch.direction).to_string(),
            value(ch.now),
        ]);
    }
    for i in [1, 3] {
        if let Some(col) = tbl.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table::finish(out, &tbl)
}

/// The lines saying which clock, calendar and policies the SLA figures use.
fn basis(b: &Basis) -> String {
    let mut s = match &b.timezone {
        Some(zone) => format!("Clock: {} ({zone})", b.clock),
        None => format!("Clock: {}", b.clock),
    };
    let open: Vec<&str> = b
        .hours
        .iter()
        .map(String::as_str)
        .filter(|h| !h.ends_with(" closed"))
        .collect();
    if !open.is_empty() {
        let _ = write!(s, "; hours {}", open.join(", "));
    }
    if !b.holidays.is_empty() {
        let _ = write!(s, "; {} holidays", b.holidays.len());
    }
    for p in &b.policies {
        let _ = write!(s, "\nPolicy {}", clean_line(p));
    }
    s
}

fn totals(out: &Output, r: &Report) -> String {
    let t = &r.totals;
    let csat = match (t.csat_avg, t.csat_pct) {
        (Some(avg), Some(p)) => format!("{avg} of 5, {p}% rated 4 or 5"),
        _ => NONE.to_string(),
    };
    let rows: [(&str, String); 10] = [
        ("tickets created", t.created.to_string()),
        ("resolved", t.resolved.to_string()),
        ("open or waiting at the end", t.open_at_end.to_string()),
        ("resolved before the deadline", pct(t.sla_met_pct)),
        ("first reply in time", pct(t.first_response_met_pct)),
        ("solved at first contact", pct(t.fcr_pct)),
        ("solved with one reply", pct(t.one_touch_pct)),
        ("reopened", t.reopened.to_string()),
        ("customer satisfaction", csat),
        ("hours logged", hours(t.hours)),
    ];
    let mut tbl = table::base(out, &["TOTALS", ""]);
    for (label, value) in rows {
        tbl.add_row([label.to_string(), value]);
    }
    table::finish(out, &tbl)
}

fn people(out: &Output, people: &[PersonFigures]) -> String {
    let header = [
        "NAME",
        "RECEIVED",
        "TAKEN",
        "RESOLVED",
        "PASSED",
        "ESCALATED",
        "RESOLVE",
        "1ST REPLY",
        "HOURS",
    ];
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|p| {
            vec![
                shown_name(p),
                p.received.to_string(),
                p.taken.to_string(),
                p.resolved.to_string(),
                p.passed.to_string(),
                p.escalated_away.to_string(),
                span_minutes(p.median_resolve_hours.map(|h| h * 60.0)),
                span_minutes(p.median_first_response_minutes),
                hours(p.hours),
            ]
        })
        .collect();
    // On a narrow terminal the figures that matter least go first.
    let kept = table::columns_that_fit(out, &header, &rows, &[1, 7, 5, 2, 8]);
    let header: Vec<&str> = kept.iter().map(|&i| header[i]).collect();
    let mut tbl = table::base(out, &header);
    for row in rows {
        tbl.add_row(kept.iter().map(|&i| row[i].clone()).collect::<Vec<_>>());
    }
    for i in 1..header.len() {
        if let Some(c) = tbl.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let note = out.paint(
        "RESOLVE and 1ST REPLY are medians.\n\
         ESCALATED counts deadlines missed while the person owned the ticket.",
        Color::Dim,
    );
    format!("{}\n{note}", table::finish(out, &tbl))
}

/// The widest bar, so that a wide terminal does not stretch a small month.
const BAR_MAX: usize = 48;

/// The most cells one ticket may take in the chart.
const UNIT_MAX: usize = 4;

/// A person's name in the people table, with the names they had before: a
/// row that counts events under an old name says so.
fn shown_name(p: &PersonFigures) -> String {
    if p.renamed_from.is_empty() {
        clean_line(&p.name).into_owned()
    } else {
        clean_line(&format!("{} (was {})", p.name, p.renamed_from.join(", "))).into_owned()
    }
}

/// Resolved (█) against passed (░) per person, scaled to the terminal.
fn chart(out: &Output, people: &[PersonFigures]) -> Option<String> {
    let rows: Vec<(String, u32, u32)> = people
        .iter()
        .filter(|p| p.resolved + p.passed > 0)
        .map(|p| (fit(&clean_line(&p.name), 16), p.resolved, p.passed))
        .collect();
    let most = rows.iter().map(|(_, r, p)| r + p).max()?;
    let name_w = rows.iter().map(|(n, _, _)| n.width()).max().unwrap_or(0);
    let labels: Vec<String> = rows
        .iter()
        .map(|(_, r, p)| format!("{r} resolved, {p} passed"))
        .collect();
    let label_w = labels.iter().map(|l| l.len()).max().unwrap_or(0);
    let width = usize::from(out.width.unwrap_or(80));
    let budget = width
        .saturating_sub(name_w + label_w + 4)
        .clamp(10, BAR_MAX);
    // A quiet month draws short bars rather than a few huge blocks.
    let area = budget.min(most as usize * UNIT_MAX);
    let scale = area as f64 / f64::from(most);
    // A count above zero always shows, however small next to the others.
    let cells = |n: u32| match (f64::from(n) * scale).round() as usize {
        0 if n > 0 => 1,
        c => c,
    };
    let mut lines = vec![format!(
        "{} resolved  {} passed",
        out.paint("█", Color::Green),
        out.paint("░", Color::Yellow)
    )];
    for ((name, resolved, passed), label) in rows.iter().zip(&labels) {
        let (r, p) = (cells(*resolved), cells(*passed));
        let pad = " ".repeat(name_w - name.width());
        let gap = " ".repeat(area.saturating_sub(r + p));
        lines.push(format!(
            "{name}{pad}  {}{}{gap}  {label}",
            out.paint(&"█".repeat(r), Color::Green),
            out.paint(&"░".repeat(p), Color::Yellow),
        ));
    }
    Some(
        lines
            .iter()
            .map(|l| l.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn customers(out: &Output, r: &Report) -> String {
    let mut tbl = table::base(out, &["CUSTOMER", "TICKETS", "HOURS", "SATISFACTION"]);
    let name_max = usize::from(out.width.unwrap_or(100))
        .saturating_sub(40)
        .max(20);
    for c in &r.customers {
        let name = if c.customer.is_empty() {
            "(no customer)".to_string()
        } else {
            fit(&clean_line(&c.customer), name_max)
        };
        tbl.add_row([
            name,
            c.tickets.to_string(),
            hours(c.hours),
            c.csat_avg
                .map_or_else(|| NONE.to_string(), |a| a.to_string()),
        ]);
    }
    for i in 1..4 {
        if let Some(col) = tbl.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table::finish(out, &tbl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        for (cell, shown) in [
            ("=2+5@example.com", "'=2+5@example.com"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1 555", "'+1 555"),
            ("-cmd", "'-cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-1.5", "-1.5"),
            ("jan@example.com", "jan@example.com"),
            ("", ""),
        ] {
            assert_eq!(defuse(cell), shown, "{cell:?}");
        }
    }
}
