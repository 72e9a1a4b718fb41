//! The repository's own `tickets/` folder is the demo store: every file in it
//! must be exactly what baton itself would write.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use baton::core::config::Config;
use baton::core::ticket::Ticket;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tickets");

/// The demo store's ticket files, sorted; fails when the store is missing.
fn demo_tickets() -> Vec<PathBuf> {
    let entries = fs::read_dir(DEMO).unwrap_or_else(|e| panic!("the demo store {DEMO}: {e}"));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != "baton.toml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the demo store {DEMO} holds no tickets");
    files
}

#[test]
fn every_demo_ticket_parses_and_is_written_canonically() {
    for path in demo_tickets() {
        let text = fs::read_to_string(&path).unwrap();
        let ticket = Ticket::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            ticket.file_name(),
            "the file is named by its id"
        );
        assert!(
            ticket.to_toml() == text,
            "{} is not in canonical form; baton would write:\n{}",
            path.display(),
            ticket.to_toml()
        );
        assert!(
            ticket.state_matches_events(),
            "{}: status, owner, updated or escalated disagree with the events",
            path.display()
        );
    }
}

#[test]
fn the_demo_team_config_is_valid() {
    let path = format!("{DEMO}/baton.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let config = Config::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(config.people.len() > 1, "the demo shows a team");
    for path in demo_tickets() {
        let ticket = Ticket::parse(&fs::read_to_string(&path).unwrap()).unwrap();
        assert!(
            config.person(&ticket.owner).is_some(),
            "{}: owner {} is not on the demo team",
            path.display(),
            ticket.owner
        );
    }
}

#[test]
fn python_tomllib_reads_every_demo_ticket() {
    let files = demo_tickets();
    let script = "import tomllib,sys; [tomllib.load(open(f,'rb')) for f in sys.argv[1:]]";
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&files)
        .arg(format!("{DEMO}/baton.toml"))
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("note: python3 is not available ({e}); skipping");
            return;
        }
    };
    assert!(
        out.status.success(),
        "tomllib refused a demo file:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
