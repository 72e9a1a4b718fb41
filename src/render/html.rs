//! `baton report --html FILE`: the month as one self-contained page for the
//! monthly review. Inline CSS and inline SVG charts, no script and no
//! external asset, so it opens the same in any browser, offline, and prints
//! (a print style sheet keeps each chart on one page).
//!
//! Every text from a ticket is escaped; element classes name what they show
//! (`person`, `resolved`, `passed`, `day`, `csat`, `hours`) so that tests and
//! readers of the source can find each figure.

use std::fmt::Write;

use crate::core::metrics::{DaySla, Direction, Report};

/// A figure shown where there is nothing to compute it from.
const NONE: &str = "–";

/// Text for HTML content or a quoted attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn opt(v: Option<f64>, suffix: &str) -> String {
    v.map_or_else(|| NONE.to_string(), |v| format!("{v}{suffix}"))
}

fn customer_name(c: &str) -> String {
    if c.is_empty() {
        "(no customer)".to_string()
    } else {
        esc(c)
    }
}

const STYLE: &str = "\
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d0d5db;--ok:#2e7d32;--warn:#e0a100;--bad:#c62828;--info:#1565c0}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#fff;margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
p.sub{color:var(--muted);margin:0 0 16px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{white-space:normal;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
#people td,#people th{padding:4px 5px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}
section{break-inside:avoid}
svg{display:block;width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
.resolved,.in-time{fill:var(--ok)}.passed{fill:var(--warn)}.late{fill:var(--bad)}.csat,.hours{fill:var(--info)}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
blockquote{margin:4px 0 10px;padding:4px 12px;border-left:4px solid var(--bad);color:var(--ink)}
.up{color:var(--ok)}.down{color:var(--bad)}.same{color:var(--muted)}
@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}.grid{display:block}a{color:inherit}}
";

/// The whole page for `r`; `title` names the period, `before` the one it is
/// compared with, `days` the resolutions per day.
pub fn page(r: &Report, title: &str, before: &str, days: &[DaySla]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>baton report: {t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <h1>Report for {t}</h1>\n<p class=\"sub\">From {since} to {until} (UTC, end excluded). \
         docs/metrics.md defines every figure.</p>\n",
        t = esc(title),
        since = crate::core::time::rfc3339(r.period.since),
        until = crate::core::time::rfc3339(r.period.until),
    );
    totals(&mut s, r, before);
    people(&mut s, r);
    s.push_str("<div class=\"grid\">\n");
    people_chart(&mut s, r);
    sla_chart(&mut s, days);
    s.push_str("</div>\n<div class=\"grid\">\n");
    csat_chart(&mut s, r);
    hours_chart(&mut s, r);
    s.push_str("</div>\n");
    low_scores(&mut s, r);
    s.push_str("</body>\n</html>\n");
    s
}

fn totals(s: &mut String, r: &Report, before: &str) {
    let t = &r.totals;
    // Keyed as in `compared`, to set each beside the period before.
    let rows: [(&str, &str, String); 11] = [
        ("created", "tickets created", t.created.to_string()),
        ("resolved", "resolved", t.resolved.to_string()),
        (
            "open_at_end",
            "open or waiting at the end",
            t.open_at_end.to_string(),
        ),
        (
            "sla_met_pct",
            "resolved before the deadline",
            opt(t.sla_met_pct, "%"),
        ),
        (
            "first_response_met_pct",
            "first reply in time",
            opt(t.first_response_met_pct, "%"),
        ),
        ("fcr_pct", "solved at first contact", opt(t.fcr_pct, "%")),
        (
            "one_touch_pct",
            "solved with one reply",
            opt(t.one_touch_pct, "%"),
        ),
        ("reopened", "reopened", t.reopened.to_string()),
        ("csat_avg", "satisfaction, of 5", opt(t.csat_avg, "")),
        ("csat_pct", "rated 4 or 5", opt(t.csat_pct, "%")),
        ("hours", "hours logged", t.hours.to_string()),
    ];
    let rows = rows.map(|(key, label, now)| {
        let change = r
            .compared
            .as_ref()
            .and_then(|c| c.changes.iter().find(|ch| ch.figure == key));
        let was = change.map_or_else(String::new, |ch| opt(ch.before, ""));
        (label, now, change.and_then(|ch| ch.direction), was)
    });
    let _ = write!(
        s,
        "<section id=\"totals\"><h2>Totals</h2>\n<table>\n<tr><th>figure</th><th>{}</th><th></th><th>now</th></tr>\n",
        esc(before),
    );
    for (label, now, dir, was) in rows {
        let (class, arrow) = match dir {
            Some(Direction::Up) => ("up", "↑"),
            Some(Direction::Down) => ("down", "↓"),
            Some(Direction::Same) => ("same", "→"),
            None => ("", ""),
        };
        let _ = writeln!(
            s,
            "<tr class=\"total\"><td>{label}</td><td>{was}</td><td class=\"{class}\">{arrow}</td><td>{now}</td></tr>"
        );
    }
    s.push_str("</table></section>\n");
}

fn people(s: &mut String, r: &Report) {
    s.push_str(
        "<section id=\"people\"><h2>People</h2>\n<table>\n<tr><th>name</th><th>received</th>\
         <th>taken</th><th>resolved</th><th>one-touch</th><th>passed</th><th>up</th>\
         <th>sideways</th><th>down</th><th>escalated</th><th>resolve (median h)</th>\
         <th>1st reply (median min)</th><th>1st reply (p90 min)</th><th>hours</th></tr>\n",
    );
    for p in &r.people {
        let _ = writeln!(
            s,
            "<tr class=\"person\" data-name=\"{n}\"><td>{n}</td><td>{}</td><td>{}</td>\
             <td class=\"resolved-count\">{}</td><td>{}</td><td class=\"passed-count\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.received,
            p.taken,
            p.resolved,
            p.one_touch,
            p.passed,
            p.passed_up,
            p.passed_sideways,
            p.passed_down,
            p.escalated_away,
            opt(p.median_resolve_hours, ""),
            opt(p.median_first_response_minutes, ""),
            opt(p.p90_first_response_minutes, ""),
            p.hours,
            n = esc(&p.name),
        );
    }
    s.push_str("</table></section>\n");
}

/// One row of a bar chart: its label, its parts (class and value) laid end
/// to end, and the note after them.
type Bar = (String, Vec<(&'static str, f64)>, String);

/// Width of a chart's drawing area and of its label column, in SVG units.
const W: f64 = 520.0;
const LABEL: f64 = 120.0;
const ROW: f64 = 26.0;

/// A horizontal bar chart: one row per item, each with bars laid end to end.
fn bars(
    s: &mut String,
    id: &str,
    heading: &str,
    legend: &[(&str, &str)],
    rows: &[Bar],
    full: Option<f64>,
) {
    // A scale with a fixed end (5 for scores) reads the same every month.
    let most = full.unwrap_or_else(|| {
        rows.iter()
            .map(|(_, parts, _)| parts.iter().map(|(_, v)| v).sum::<f64>())
            .fold(0.0, f64::max)
    });
    let scale = if most > 0.0 {
        (W - LABEL - 110.0) / most
    } else {
        0.0
    };
    let height = ROW * rows.len().max(1) as f64 + 8.0;
    let _ = write!(
        s,
        "<section id=\"{id}\"><h2>{heading}</h2>\n<p class=\"legend\">"
    );
    for (class, name) in legend {
        let _ = write!(
            s,
            "<span class=\"swatch\" style=\"background:var(--{})\"></span>{name}",
            match *class {
                "resolved" | "in-time" => "ok",
                "passed" => "warn",
                "late" => "bad",
                _ => "info",
            }
        );
    }
    let _ = writeln!(
        s,
        "</p>\n<svg viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{heading}\">"
    );
    if rows.is_empty() {
        let _ = writeln!(s, "<text x=\"0\" y=\"18\">Nothing in this period.</text>");
    }
    for (i, (label, parts, note)) in rows.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let _ = write!(
            s,
            "<g class=\"row\"><text x=\"0\" y=\"{:.1}\">{}</text>",
            y + 15.0,
            esc(label)
        );
        let mut x = LABEL;
        for (class, v) in parts {
            let w = v * scale;
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{v}</title></rect>",
                ROW - 8.0
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            x + 6.0,
            y + 15.0,
            esc(note)
        );
    }
    s.push_str("</svg></section>\n");
}

fn people_chart(s: &mut String, r: &Report) {
    let rows: Vec<Bar> = r
        .people
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                vec![
                    ("resolved", f64::from(p.resolved)),
                    ("passed", f64::from(p.passed)),
                ],
                format!("{} / {}", p.resolved, p.passed),
            )
        })
        .collect();
    bars(
        s,
        "chart-people",
        "Resolved and passed, per person",
        &[("resolved", "resolved"), ("passed", "passed")],
        &rows,
        None,
    );
}

/// Resolutions per day as columns: in time below, late on top.
fn sla_chart(s: &mut String, days: &[DaySla]) {
    let n = days.len().max(1) as f64;
    let (h, base) = (200.0, 180.0);
    let most = days.iter().map(|d| d.in_time + d.late).max().unwrap_or(0);
    let scale = if most > 0 {
        160.0 / f64::from(most)
    } else {
        0.0
    };
    let step = W / n;
    let bar = (step * 0.7).max(1.0);
    let _ = writeln!(
        s,
        "<section id=\"chart-sla\"><h2>Resolutions per day, before and after the deadline</h2>\n\
         <p class=\"legend\"><span style=\"background:var(--ok)\"></span>in time\
         <span style=\"background:var(--bad)\"></span>late</p>\n\
         <svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"resolutions per day\">"
    );
    for (i, d) in days.iter().enumerate() {
        let x = step * i as f64 + (step - bar) / 2.0;
        let ok = f64::from(d.in_time) * scale;
        let late = f64::from(d.late) * scale;
        let _ = writeln!(
            s,
            "<g class=\"day\" data-day=\"{day}\" data-in-time=\"{}\" data-late=\"{}\">\
             <rect class=\"in-time\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{ok:.1}\"><title>{day}: {} in time</title></rect>\
             <rect class=\"late\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{late:.1}\"><title>{day}: {} late</title></rect></g>",
            d.in_time,
            d.late,
            base - ok,
            d.in_time,
            base - ok - late,
            d.late,
            day = d.day,
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"0\" y1=\"{base}\" x2=\"{W}\" y2=\"{base}\" stroke=\"#5b6470\"/>"
    );
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = writeln!(
            s,
            "<text x=\"0\" y=\"196\">{}</text><text x=\"{W}\" y=\"196\" text-anchor=\"end\">{}</text>",
            first.day, last.day
        );
    }
    s.push_str("</svg></section>\n");
}

fn csat_chart(s: &mut String, r: &Report) {
    let rows: Vec<Bar> = r
        .customers
        .iter()
        .filter_map(|c| {
            c.csat_avg.map(|a| {
                (
                    customer_name(&c.customer),
                    vec![("csat", a)],
                    format!("{a} of 5, {} low", c.low_scores),
                )
            })
        })
        .collect();
    bars(
        s,
        "chart-csat",
        "Satisfaction per customer",
        &[("csat", "mean score")],
        &rows,
        Some(5.0),
    );
}

fn hours_chart(s: &mut String, r: &Report) {
    let rows: Vec<Bar> = r
        .customers
        .iter()
        .map(|c| {
            (
                customer_name(&c.customer),
                vec![("hours", c.hours)],
                format!("{} h, {} tickets", c.hours, c.tickets),
            )
        })
        .collect();
    bars(
        s,
        "chart-hours",
        "Hours per customer",
        &[("hours", "hours logged")],
        &rows,
        None,
    );
}

fn low_scores(s: &mut String, r: &Report) {
    s.push_str("<section id=\"low-scores\"><h2>Low scores, in the customers' words</h2>\n");
    if r.low_scores.is_empty() {
        s.push_str("<p>No rating of 1 or 2 in this period.</p>\n");
    }
    for l in &r.low_scores {
        let said = if l.comment.trim().is_empty() {
            "<em>no comment</em>".to_string()
        } else {
            esc(l.comment.trim())
        };
        let _ = writeln!(
            s,
            "<div class=\"low-score\"><strong>{}</strong>, {} of 5: {}<blockquote>{said}</blockquote></div>",
            customer_name(&l.customer),
            l.score,
            esc(&l.title)
        );
    }
    s.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_text_cannot_break_out_of_the_page() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{1b}[31mb"), "a\u{fffd}[31mb");
    }
}
