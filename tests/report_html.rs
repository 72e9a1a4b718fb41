//! `baton report --html FILE` rendered in a real browser: Debian's headless
//! Chromium (`.ci/run` installs it; without it these tests fail, they do not
//! skip). The DOM Chromium builds is checked for the figures, and its
//! screenshot for layout.
//!
//! Layout is checked by facts, not against a stored picture: the page draws
//! its charts in fixed colours, so the screenshot's pixels of each colour say
//! where each chart landed and that it has area. Fonts and anti-aliasing
//! differ between Chromium versions and machines; filled rectangles in a
//! given colour do not.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::TestEnv;
use crate::report::desk;

/// Runs headless Chromium on `page` with `extra` arguments; returns stdout.
fn browse(env: &TestEnv, page: &Path, extra: &[&str]) -> String {
    let profile = env.root().join("chromium-profile");
    // Found on PATH by name, as Debian installs it; the `timeout` keeps a
    // hung browser from hanging the suite.
    let out = Command::new("timeout")
        .args(["120", "chromium"])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1200,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .env("HOME", env.root())
        .output()
        .expect("coreutils' timeout runs");
    assert_ne!(
        out.status.code(),
        Some(127),
        "chromium is not installed; run 'apt-get install chromium' (.ci/run does)"
    );
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The desk's November page, written by `baton report --html`.
fn page(env: &TestEnv) -> PathBuf {
    let file = env.root().join("november.html");
    let out = env.baton(&[
        "report",
        "--month",
        "2026-11",
        "--html",
        file.to_str().unwrap(),
    ]);
    out.success();
    assert_eq!(
        out.stdout.trim(),
        format!("Wrote the report for November 2026 to {}", file.display())
    );
    file
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_page_is_self_contained_and_carries_the_figures() {
    let env = desk();
    let html = std::fs::read_to_string(page(&env)).unwrap();
    for external in [
        "src=", "href=", "http:", "https:", "<script", "@import", "url(",
    ] {
        assert!(!html.contains(external), "the page refers out: {external}");
    }
    assert_eq!(count(&html, "<tr class=\"person\""), 3, "ana, ben, cora");
    assert!(html.contains("<tr class=\"person\" data-name=\"ana\"><td>ana</td><td>3</td>"));
    assert!(html.contains("@media print"));
}

#[test]
fn chromium_renders_every_chart_with_the_right_counts() {
    let env = desk();
    let file = page(&env);
    let dom = browse(&env, &file, &["--dump-dom"]);
    assert!(dom.contains("Report for November 2026"), "{dom}");
    assert_eq!(count(&dom, "<tr class=\"person\""), 3);
    // One resolved and one passed bar per person.
    assert_eq!(count(&dom, "<rect class=\"resolved\""), 3);
    assert_eq!(count(&dom, "<rect class=\"passed\""), 3);
    // One column per day of November, each with its two parts.
    assert_eq!(count(&dom, "<g class=\"day\""), 30);
    assert_eq!(count(&dom, "<rect class=\"in-time\""), 30);
    // A late on 2 Nov (cora, 38 h) and B in time the same day.
    assert!(dom.contains("data-day=\"2026-11-02\" data-in-time=\"1\" data-late=\"1\""));
    // acme is rated; initech and the ticket without customer are not.
    assert_eq!(count(&dom, "<rect class=\"csat\""), 1);
    assert_eq!(count(&dom, "<rect class=\"hours\""), 3);
    for external in ["src=\"http", "href=\"http"] {
        assert!(!dom.contains(external));
    }
}

/// Where the pixels of one colour are: how many, and their rows' span.
fn colour(img: &[u8], width: usize, rgb: [u8; 3]) -> (usize, usize, usize) {
    let mut n = 0;
    let (mut top, mut bottom) = (usize::MAX, 0);
    for (i, px) in img.chunks_exact(3).enumerate() {
        if px == rgb {
            n += 1;
            top = top.min(i / width);
            bottom = bottom.max(i / width);
        }
    }
    (n, top, bottom)
}

#[test]
fn the_screenshot_has_the_size_asked_and_the_charts_where_they_belong() {
    let env = desk();
    let file = page(&env);
    let shot = env.root().join("shot.png");
    browse(&env, &file, &[&format!("--screenshot={}", shot.display())]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 1600));
    // Three bytes a pixel, whatever Chromium wrote.
    let rgb: Vec<u8> = match info.color_type {
        png::ColorType::Rgb => buf[..info.buffer_size()].to_vec(),
        png::ColorType::Rgba => buf[..info.buffer_size()]
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let width = info.width as usize;
    let distinct: std::collections::HashSet<&[u8]> = rgb.chunks_exact(3).collect();
    assert!(
        distinct.len() > 20,
        "the page is blank: {} colours",
        distinct.len()
    );
    let green = colour(&rgb, width, [0x2e, 0x7d, 0x32]);
    let amber = colour(&rgb, width, [0xe0, 0xa1, 0x00]);
    let red = colour(&rgb, width, [0xc6, 0x28, 0x28]);
    let blue = colour(&rgb, width, [0x15, 0x65, 0xc0]);
    for (name, (n, _, _)) in [
        ("green", green),
        ("amber", amber),
        ("red", red),
        ("blue", blue),
    ] {
        assert!(n > 100, "{name} bars are missing: {n} pixels");
    }
    // The per-person chart comes after the tables and before the
    // satisfaction and hours charts. (Green and red also colour the arrows
    // of the totals table; amber and blue are only in charts.)
    assert!(
        amber.2 < blue.1,
        "passed bars {amber:?} above blue {blue:?}"
    );
    assert!(amber.1 > 500, "charts sit below the tables: {amber:?}");
    assert!(green.2 > amber.1, "green bars in the charts: {green:?}");
}
