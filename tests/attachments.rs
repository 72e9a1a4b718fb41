//! Attachments of mail intake: kept in `tickets/files/<sha256>` once however
//! often they arrive, listed and numbered by `show`, written out by `baton
//! attachment`, too-big ones listed but not kept, and `doctor` catching a
//! kept file that is missing or was changed.

use std::fs;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{Output, TestEnv};
use crate::mail::fixture;
use crate::schema::Schema;

/// The 960-byte PDF both `attachment.eml` and `attachment-image.eml` carry.
const PDF_SHA: &str = "104a6d6983a218d3ec39cbfbbbd8987f530957c3bda78617f20d1d8bd452644d";
/// The PNG screenshot of `attachment-image.eml`.
const PNG_SHA: &str = "04536bd570c5086e9e801ad5430ba98a71cb84289655fb085c5137f4c24e5176";

/// Files a fixture with `new --from-mail`.
#[track_caller]
fn deliver(env: &TestEnv, name: &str) -> Output {
    let out = env.cmd(&["new", "--from-mail"]).input(fixture(name)).run();
    out.success();
    out
}

/// The names in `tickets/files/`, sorted.
fn kept_files(env: &TestEnv) -> Vec<String> {
    let Ok(dir) = fs::read_dir(env.store().join("files")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A desk that received the invoice, then a reply with a screenshot and
/// the same invoice again; returns the ticket's short id.
fn invoice_desk() -> (TestEnv, String) {
    let env = TestEnv::team();
    deliver(&env, "attachment.eml");
    let reply = deliver(&env, "attachment-image.eml");
    let short = reply
        .stdout
        .trim()
        .strip_prefix("added the message to ")
        .unwrap_or_else(|| panic!("{}", reply.render()))
        .to_string();
    (env, short)
}

/// `baton attachment ARGS` with its stdout as bytes.
fn attachment_bytes(env: &TestEnv, args: &[&str]) -> (Vec<u8>, String, i32) {
    let mut all = vec!["attachment"];
    all.extend_from_slice(args);
    let out = env
        .cmd(&all)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_pdf_and_an_image_are_kept_once_each_and_shown_numbered() {
    let (env, short) = invoice_desk();
    assert_eq!(
        kept_files(&env),
        [PNG_SHA, PDF_SHA],
        "the invoice sent twice is kept once"
    );
    let show = env.baton(&["show", &short]);
    show.success();
    for line in [
        "      + attachment 1: invoice-2026-1142.pdf (application/pdf, 960 bytes)\n",
        "      │ Here is a screenshot of the total, and the invoice again.\n      + attachment 2: total.png (image/png, 1 KB)\n      + attachment 3: invoice-2026-1142.pdf (application/pdf, 960 bytes)\n",
        &format!("'baton attachment {short} N -o FILE' writes attachment N to a file\n"),
    ] {
        assert!(show.stdout.contains(line), "{line:?} in\n{}", show.stdout);
    }
    let description = env.baton(&["show", &short, "--json"]).json()["description"].clone();
    assert_eq!(
        description, "Please find the invoice attached; the total is wrong.",
        "the description is the text; the files are on the event"
    );

    let (pdf, _, code) = attachment_bytes(&env, &[&short, "1"]);
    assert_eq!(code, 0);
    assert_eq!(pdf.len(), 960);
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let (png, _, _) = attachment_bytes(&env, &[&short, "2"]);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let (again, _, _) = attachment_bytes(&env, &[&short, "3"]);
    assert_eq!(again, pdf, "both invoices are the one file");
}

#[test]
fn an_attachment_is_written_to_a_file_whole_and_described_in_json() {
    let (env, short) = invoice_desk();
    let out = env.baton(&["attachment", &short, "2", "-o", "shot.png"]);
    out.success();
    assert_eq!(
        out.stderr,
        format!(
            "wrote attachment 2 (total.png, 1 KB) to {}\n",
            env.root().join("shot.png").display()
        )
    );
    let written = fs::read(env.root().join("shot.png")).unwrap();
    assert_eq!(
        written,
        fs::read(env.store().join("files").join(PNG_SHA)).unwrap()
    );

    let out = env.baton(&["attachment", &short, "1", "-o", "inv.pdf", "--json"]);
    out.success();
    let doc = out.json();
    let mut schema = Schema::load();
    schema.check("attachment_written", "attachment -o --json", &doc);
    assert_eq!(doc["sha256"], PDF_SHA);
    assert_eq!(doc["number"], 1);
    let shown = env.baton(&["show", &short, "--json"]).json();
    schema.check("ticket_with_events", "show --json", &shown);
    let listed: Vec<&Value> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["attachments"].as_array())
        .flatten()
        .collect();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[1],
        &serde_json::json!({"name": "total.png", "type": "image/png", "size": 1795, "sha256": PNG_SHA})
    );
}

#[test]
fn a_bad_number_or_json_without_a_file_is_refused_clearly() {
    let (env, short) = invoice_desk();
    let cases: [(&[&str], i32, String); 3] = [
        (
            &["4"],
            1,
            format!(
                "error: {short} has 3 attachments, numbered 1 to 3; there is no number 4\nhint: 'baton show {short}' lists them\n"
            ),
        ),
        (
            &["0"],
            1,
            format!(
                "error: {short} has 3 attachments, numbered 1 to 3; there is no number 0\nhint: 'baton show {short}' lists them\n"
            ),
        ),
        (
            &["1", "--json"],
            2,
            format!(
                "{{\"error\":{{\"exit\":2,\"hint\":\"baton attachment {short} 1 -o FILE --json\",\"kind\":\"usage\",\"message\":\"--json describes the file -o writes; the content itself is not JSON\"}}}}\n"
            ),
        ),
    ];
    for (args, code, stderr) in cases {
        let mut all = vec![short.as_str()];
        all.extend_from_slice(args);
        let (stdout, err, got) = attachment_bytes(&env, &all);
        assert_eq!((got, err.as_str()), (code, stderr.as_str()), "{args:?}");
        assert!(stdout.is_empty());
    }
}

#[test]
fn an_attachment_over_max_attachment_is_listed_but_not_kept() {
    let env = TestEnv::team();
    env.edit_config("[sla]", "[intake]\nmax_attachment = \"10KB\"\n\n[sla]");
    deliver(&env, "attachment-big.eml");
    let id = env.ticket_ids().remove(0);
    let short = &id[..4];
    assert!(kept_files(&env).is_empty());
    let show = env.baton(&["show", short]);
    assert!(
        show.stdout.contains(
            "+ attachment 1: logs.zip (application/zip, 24 KB; not kept: larger than [intake] max_attachment (10 KB))\n"
        ),
        "{}",
        show.stdout
    );
    assert!(
        !show.stdout.contains("writes attachment N"),
        "nothing to write"
    );
    let (stdout, stderr, code) = attachment_bytes(&env, &[short, "1"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with(&format!(
            "error: attachment 1 of {short} (logs.zip, 24 KB) was not kept: larger than [intake] max_attachment (10 KB)\nhint: "
        )),
        "{stderr}"
    );
    // Under the default of 10 MB it is kept.
    let roomy = TestEnv::team();
    deliver(&roomy, "attachment-big.eml");
    assert_eq!(kept_files(&roomy).len(), 1);

    env.edit_config("max_attachment = \"10KB\"", "max_attachment = \"lots\"");
    let out = env.baton(&["list"]);
    out.code(1);
    assert!(
        out.stderr.contains("'lots' is not a size"),
        "{}",
        out.stderr
    );
}

#[test]
fn doctor_finds_a_kept_file_changed_or_missing_and_says_how_to_restore_it() {
    let (env, short) = invoice_desk();
    env.baton(&["doctor"]).success();
    let files = env.store().join("files");
    fs::write(files.join(PNG_SHA), "not a picture any more").unwrap();
    fs::remove_file(files.join(PDF_SHA)).unwrap();
    let ticket = format!("tickets/{}.toml", env.ticket_ids()[0]);
    let out = env.baton(&["doctor"]);
    out.code(1);
    for (sha, problem, which) in [
        (
            PNG_SHA,
            "the kept attachment is damaged: its content does not match its name",
            "attachment 2 (total.png)",
        ),
        (
            PDF_SHA,
            "the kept attachment is missing",
            "attachment 1 (invoice-2026-1142.pdf)",
        ),
    ] {
        assert!(
            out.stdout
                .contains(&format!("tickets/files/{sha}: {problem}")),
            "{problem}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("{ticket} names it as its {which}\n  fix: restore it from git: git checkout -- tickets/files/{sha}")),
            "{}",
            out.stdout
        );
    }
    let fixed = env.baton(&["doctor", "--fix"]);
    fixed.code(1);
    assert!(!files.join(PDF_SHA).exists(), "--fix cannot make it again");
    let (_, stderr, code) = attachment_bytes(&env, &[&short, "1"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(&format!(
            "error: tickets/files/{PDF_SHA} is missing\nhint: restore it from git"
        )),
        "{stderr}"
    );
    let (stdout, stderr, code) = attachment_bytes(&env, &[&short, "2"]);
    assert_eq!(code, 1, "a changed file is never handed out");
    assert!(stdout.is_empty());
    assert!(stderr.contains("does not match its name"), "{stderr}");
}

#[test]
fn kept_attachments_are_committed_with_their_ticket() {
    let env = crate::git::committing_repo();
    let out = env
        .cmd(&["new", "--from-mail"])
        .input(fixture("attachment.eml"))
        .env("GIT_AUTHOR_NAME", "baton")
        .env("GIT_AUTHOR_EMAIL", "baton@example.com")
        .env("GIT_COMMITTER_NAME", "baton")
        .env("GIT_COMMITTER_EMAIL", "baton@example.com")
        .run();
    out.success();
    let files = crate::git::last_commit_files(&env);
    assert!(
        files.contains(&format!("tickets/files/{PDF_SHA}\n")),
        "{files}"
    );
    assert_eq!(
        files.lines().filter(|l| l.ends_with(".toml")).count(),
        1,
        "the ticket beside it: {files}"
    );
}

#[cfg(unix)]
#[test]
fn a_terminal_is_not_sent_binary_unless_forced() {
    let (env, short) = invoice_desk();
    let session = env.cmd(&["attachment", &short, "1"]).pty_without_stdin();
    let (text, code) = crate::common::finish(session);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("error: standard output is a terminal, and an attachment would garble it"),
        "{text}"
    );
    let session = env
        .cmd(&["attachment", &short, "1", "--force"])
        .pty_without_stdin();
    let (text, code) = crate::common::finish(session);
    assert_eq!(code, 0);
    assert!(text.contains("%PDF-1.4"), "{text}");
}
