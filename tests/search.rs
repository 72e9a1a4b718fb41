use std::fs;

use crate::common::{ID_A, ID_B, ID_C, TestEnv, at};

/// Three tickets: ana's Safari export problem with a reply, ben's login
/// problem whose note mentions Safari, and cora's printer, resolved.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Export fails in Safari",
        &["--customer", "jan@example.com", "--tag", "export"],
        ID_A,
    );
    env.set_now(&at(1, 0));
    env.new_ticket_pinned(
        "ben",
        "Login loops",
        &["--customer", "eva@example.org"],
        ID_B,
    );
    env.set_now(&at(2, 0));
    env.new_ticket_pinned(
        "cora",
        "Printer on fire",
        &["--body", "The CSV export prints blank pages."],
        ID_C,
    );
    env.set_now(&at(3, 0));
    env.baton_as("ben", &["note", ID_B, "only in SAFARI, cookies blocked"])
        .success();
    env.baton_as(
        "ana",
        &["reply", ID_A, "Could you try the CSV export from Firefox?"],
    )
    .success();
    env.baton_as("cora", &["resolve", ID_C]).success();
    env.set_now(&at(4, 0));
    env
}

fn ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let out = env.baton(&all);
    out.success();
    out.json_strings("short_id")
}

#[test]
fn search_shows_every_ticket_that_mentions_every_word_newest_first() {
    let env = desk();
    let out = env.baton(&["search", "safari"]);
    insta::assert_snapshot!(out.render(), @"
    ID    STATUS  OWNER  CUSTOMER         TITLE                   MATCH
    0b7c  open    ana    jan@example.com  Export fails in Safari  title: Export fails in Safari
    9a1f  open    ben    eva@example.org  Login loops             note: only in SAFARI, cookies blocked
    [exit 0]
    ");
}

#[test]
fn every_word_must_appear_and_case_does_not_matter() {
    let env = desk();
    assert_eq!(ids(&env, &["CSV", "export"]), ["0b7c", "5e5e"]);
    assert_eq!(ids(&env, &["csv", "firefox"]), ["0b7c"]);
    assert_eq!(ids(&env, &["safari", "printer"]), Vec::<String>::new());
}

#[test]
fn field_names_owners_and_times_do_not_match() {
    let env = desk();
    for word in ["status", "cora", "2026", "kind"] {
        assert_eq!(ids(&env, &[word]), Vec::<String>::new(), "{word}");
    }
}

#[test]
fn status_and_owner_narrow_the_results() {
    let env = desk();
    assert_eq!(ids(&env, &["export", "--status", "open"]), ["0b7c"]);
    assert_eq!(ids(&env, &["export", "--owner", "cora"]), ["5e5e"]);
    env.baton(&["search", "export", "--owner", "zed"]).code(1);
}

#[test]
fn json_names_the_field_that_matched() {
    let env = desk();
    let out = env.baton(&["search", "cookies", "--json"]);
    out.success();
    let doc = out.json();
    assert_eq!(doc[0]["id"], ID_B);
    assert_eq!(doc[0]["match"]["field"], "note");
    assert_eq!(doc[0]["match"]["text"], "only in SAFARI, cookies blocked");
}

#[test]
fn escaped_text_in_a_hand_edited_file_is_found() {
    let env = desk();
    let path = env.ticket_path(ID_C);
    let text = fs::read_to_string(&path).unwrap();
    // "Printer" with its "i" written as a unicode escape
    fs::write(
        &path,
        text.replace("Printer on fire", "Pr\\u0069nter on fire"),
    )
    .unwrap();
    assert_eq!(ids(&env, &["printer"]), ["5e5e"]);
}

#[test]
fn a_broken_file_that_may_match_is_reported_and_the_rest_still_shown() {
    let env = desk();
    fs::write(
        env.ticket_path(ID_C),
        "title = \"Printer export\"\nstatus = [\n",
    )
    .unwrap();
    let out = env.baton(&["search", "export"]);
    out.code(1);
    insta::assert_snapshot!(out.render(), @"
    ID    STATUS  OWNER  CUSTOMER         TITLE                   MATCH
    0b7c  open    ana    jan@example.com  Export fails in Safari  title: Export fails in Safari
    ------- stderr -------
    warning: tickets/5e5e0000-aaaa-4bbb-8ccc-dddddddddddd.toml:2:11: unclosed array, expected `]`
    hint: fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store
    error: 1 ticket file(s) could not be read; the results cover the rest
    [exit 1]
    ");
}

#[test]
fn nothing_to_search_for_is_a_usage_error() {
    let env = desk();
    env.baton(&["search", " "]).code(2);
    let out = env.baton(&["search", "zebra"]);
    out.success();
    insta::assert_snapshot!(out.render(), @"
    ------- stderr -------
    no tickets mention every word
    [exit 0]
    ");
}

#[test]
fn a_search_hit_in_json_is_the_listed_ticket_with_its_match() {
    let env = desk();
    let out = env.baton(&["search", "cookies", "--json"]);
    insta::assert_snapshot!(out.render(), @r#"
    [
      {
        "created": "2026-11-02T09:00:00Z",
        "customer": "eva@example.org",
        "description": "",
        "due": "2026-11-03T05:00:00Z",
        "escalated": 0,
        "id": "9a1f2c3d-1111-4222-8333-444455556666",
        "match": {
          "field": "note",
          "text": "only in SAFARI, cookies blocked"
        },
        "owner": "ben",
        "paused": false,
        "priority": "normal",
        "promise": null,
        "short_id": "9a1f",
        "status": "open",
        "tags": [],
        "title": "Login loops",
        "updated": "2026-11-02T11:00:00Z"
      }
    ]
    [exit 0]
    "#);
}
