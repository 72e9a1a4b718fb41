use std::fs;

use crate::common::TestEnv;

#[test]
fn people_lists_the_team_with_levels_and_open_tickets() {
    let env = TestEnv::team();
    env.baton(&[
        "people",
        "add",
        "dan",
        "--level",
        "3",
        "--email",
        "dan@example.com",
    ])
    .success();
    env.new_ticket("ana", "One");
    env.new_ticket("ana", "Two");
    let done = env.new_ticket("ben", "Three");
    env.baton_as("ben", &["resolve", &done]).success();
    let waiting = env.new_ticket("cora", "Four");
    env.baton_as("cora", &["wait", &waiting]).success();

    let out = env.baton(&["people"]);
    insta::assert_snapshot!(out.render(), @r"
        NAME  LEVEL    EMAIL            OPEN
        ana   1        -                2
        ben   2        -                0
        cora  3 (top)  -                1
        dan   3 (top)  dan@example.com  0
        [exit 0]
    ");
    let listed = env.baton(&["people", "list"]);
    assert_eq!(listed.stdout, out.stdout, "list is the default action");
}

#[test]
fn people_json_has_name_level_email_and_open_count() {
    let env = TestEnv::team();
    env.baton(&[
        "people",
        "add",
        "dan",
        "--level",
        "2",
        "--email",
        "dan@example.com",
    ])
    .success();
    env.new_ticket("ben", "One");
    let out = env.baton(&["people", "--json"]);
    out.success();
    assert_eq!(
        out.json(),
        serde_json::json!([
            {"name": "ana", "level": 1, "email": null, "open": 0},
            {"name": "ben", "level": 2, "email": null, "open": 1},
            {"name": "cora", "level": 3, "email": null, "open": 0},
            {"name": "dan", "level": 2, "email": "dan@example.com", "open": 0},
        ])
    );
}

#[test]
fn people_add_grows_the_config_and_keeps_its_comments() {
    let env = TestEnv::solo();
    let path = env.store().join("baton.toml");
    let before = fs::read_to_string(&path).unwrap();
    let out = env.baton(&[
        "people",
        "add",
        "ben",
        "--level",
        "2",
        "--email",
        "ben@example.com",
    ]);
    insta::assert_snapshot!(out.render(), @r"
        added ben at level 2 (the top of the pyramid)
        [exit 0]
    ");
    let after = fs::read_to_string(&path).unwrap();
    for line in before.lines().filter(|l| l.contains('#')) {
        assert!(after.contains(line), "comment lost: {line}\n{after}");
    }
    let config = baton::core::config::Config::parse(&after).unwrap();
    let ben = config.person("ben").unwrap();
    assert_eq!(
        (ben.level, ben.email.as_deref()),
        (2, Some("ben@example.com"))
    );
    assert_eq!(config.people.len(), 2);
}

#[test]
fn people_add_below_the_top_does_not_claim_the_top() {
    let env = TestEnv::team();
    let out = env.baton(&["people", "add", "dan", "--level", "1"]);
    out.success();
    assert_eq!(out.stdout, "added dan at level 1\n");
}

#[test]
fn people_add_json_echoes_the_person() {
    let env = TestEnv::solo();
    let out = env.baton(&["people", "add", "ben", "--level", "2", "--json"]);
    out.success();
    assert_eq!(
        out.json(),
        serde_json::json!({"name": "ben", "level": 2, "email": null})
    );
}

#[test]
fn people_add_refuses_bad_input_and_leaves_the_config_alone() {
    // (arguments, exit code, text the error contains)
    let cases: [(&[&str], i32, &str); 6] = [
        (&["ben", "--level", "3"], 1, "'ben' is already on the team"),
        (&["dan", "--level", "0"], 2, "level 0 is out of range"),
        (&["dan", "--level", "100"], 2, "level 100 is out of range"),
        (&["d n", "--level", "1"], 2, "'d n' is not a usable name"),
        (&["baton", "--level", "1"], 2, "'baton' is reserved"),
        (&["dan"], 2, "--level"),
    ];
    let env = TestEnv::team();
    let before = env.store_bytes();
    for (args, code, needle) in cases {
        let mut all = vec!["people", "add"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn an_unreadable_ticket_file_is_warned_about_and_people_fails_like_list() {
    let env = TestEnv::team();
    env.new_ticket("ana", "One");
    fs::write(
        env.store()
            .join("0000aaaa-0000-4000-8000-000000000000.toml"),
        "title = [",
    )
    .unwrap();
    let out = env.baton(&["people"]);
    insta::assert_snapshot!(out.render(), @r"
    NAME  LEVEL    EMAIL  OPEN
    ana   1        -      1
    ben   2        -      0
    cora  3 (top)  -      0
    ------- stderr -------
    warning: tickets/0000aaaa-0000-4000-8000-000000000000.toml:1:10: unclosed array, expected `]`
    hint: fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store
    error: 1 ticket file(s) could not be read; the open counts leave them out
    [exit 1]
    ");
    let json = env.baton(&["people", "--json"]);
    json.code(1);
    assert_eq!(
        json.json()[0]["open"],
        1,
        "the readable tickets still count"
    );
}

#[test]
fn people_edit_changes_a_level_or_an_email_and_keeps_the_rest() {
    let env = TestEnv::team();
    let before = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    let out = env.baton(&[
        "people",
        "edit",
        "ben",
        "--level",
        "3",
        "--email",
        "ben@example.com",
    ]);
    insta::assert_snapshot!(out.render(), @r"
        ben is now at level 3 (the top of the pyramid), ben@example.com
        [exit 0]
    ");
    let after = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    assert!(
        after.starts_with(&before[..before.find("[[people]]").unwrap()]),
        "the comments at the top stay:\n{after}"
    );
    let people = env.baton(&["people", "--json"]).json();
    assert_eq!(people[1]["level"], 3);
    assert_eq!(people[1]["email"], "ben@example.com");

    let cleared = env.baton(&["people", "edit", "ben", "--email", "", "--json"]);
    assert_eq!(
        cleared.json(),
        serde_json::json!({"name": "ben", "level": 3, "email": null})
    );
    let typo = env.baton(&["people", "edit", "bne", "--level", "2"]);
    typo.code(1);
    assert!(
        typo.stderr.contains("did you mean 'ben'?"),
        "{}",
        typo.stderr
    );
    let nothing = env.baton(&["people", "edit", "ben"]);
    nothing.code(2);
    assert!(
        nothing.stderr.contains("nothing to change"),
        "{}",
        nothing.stderr
    );
    let range = env.baton(&["people", "edit", "ben", "--level", "0"]);
    range.code(2);
    assert_eq!(
        fs::read_to_string(env.store().join("baton.toml")).unwrap(),
        fs::read_to_string(env.store().join("baton.toml")).unwrap()
    );
}

#[test]
fn people_remove_is_refused_while_they_own_open_tickets_and_keeps_history() {
    let env = TestEnv::team();
    let id = env.new_ticket_with("ben", "Printer jams", &[]);
    let short = &id[..4];
    let config = env.store().join("baton.toml");
    let before = fs::read_to_string(&config).unwrap();
    let busy = env.baton(&["people", "remove", "ben"]);
    busy.code(1);
    assert!(
        busy.stderr.contains("ben owns 1 open ticket(s)"),
        "{}",
        busy.stderr
    );
    assert!(busy.stderr.contains("Printer jams"), "{}", busy.stderr);
    assert!(
        busy.stderr.contains(&format!("baton pass {short} NAME")),
        "{}",
        busy.stderr
    );
    assert_eq!(
        fs::read_to_string(&config).unwrap(),
        before,
        "nothing written"
    );

    env.baton_as("ben", &["pass", &id, "ana"]).success();
    let out = env.baton(&["people", "remove", "ben"]);
    insta::assert_snapshot!(out.render(), @r"
        removed ben from the team (their history stays in the tickets)
        [exit 0]
    ");
    assert_eq!(
        env.baton(&["people", "--json"]).json_strings("name"),
        ["ana", "cora"]
    );
    let show = env.baton(&["show", &id]);
    show.success();
    assert!(
        show.stdout.contains("ben"),
        "the history still names ben:\n{}",
        show.stdout
    );
    env.baton(&["doctor"]).success();
}

#[test]
fn people_remove_refuses_the_escalation_target_and_the_last_person() {
    let env = TestEnv::team();
    env.edit_config("to = \"top\"", "to = \"cora\"");
    let target = env.baton(&["people", "remove", "cora"]);
    target.code(1);
    assert!(
        target.stderr.contains("[escalation] to = \"cora\""),
        "{}",
        target.stderr
    );

    let solo = TestEnv::solo();
    let last = solo.baton(&["people", "remove", "ana"]);
    last.code(1);
    assert!(last.stderr.contains("whole team"), "{}", last.stderr);
}

#[test]
fn whoami_says_who_you_are_and_where_baton_read_it() {
    let env = TestEnv::team();
    let flag = env.baton(&["--as", "ben", "whoami"]);
    insta::assert_snapshot!(flag.render(), @r"
        ben (level 2)
        from --as
        [exit 0]
    ");
    let by_env = env
        .cmd(&["whoami", "--json"])
        .env("BATON_USER", "cora")
        .run();
    assert_eq!(
        by_env.json(),
        serde_json::json!({"name": "cora", "level": 3, "email": null, "top": true, "source": "env", "from": null})
    );
    let nobody = env.baton(&["whoami"]);
    nobody.code(1);
    assert!(
        nobody.stderr.contains("cannot tell who you are"),
        "{}",
        nobody.stderr
    );
    assert!(
        nobody.stderr.contains("baton init --name NAME"),
        "{}",
        nobody.stderr
    );

    // A fresh clone says who works in it once, with init --name.
    let set = env.baton(&["init", "--name", "ben"]);
    insta::assert_snapshot!(set.render(), @r"
        you are ben in this clone from now on (name in tickets/.local/config.toml)
        [exit 0]
    ");
    let local = env.baton(&["whoami"]);
    assert!(
        local.stdout.starts_with("ben (level 2)\nfrom name in "),
        "{}",
        local.stdout
    );
    assert!(
        local.stdout.contains(".local/config.toml"),
        "{}",
        local.stdout
    );
    let stranger = env.baton(&["init", "--name", "zoe"]);
    stranger.code(1);
    assert!(
        stranger.stderr.contains("'zoe' is not on the team"),
        "{}",
        stranger.stderr
    );
    assert!(
        stranger.stderr.contains("baton people add zoe --level N"),
        "{}",
        stranger.stderr
    );
    assert!(
        env.baton(&["whoami"]).stdout.starts_with("ben "),
        "a refused name changes nothing"
    );
}
