use std::fs;

use crate::common::TestEnv;

#[test]
fn init_creates_a_store_for_a_team_of_one() {
    let env = TestEnv::empty();
    let out = env.baton(&["init", "--name", "ana"]);
    insta::assert_snapshot!(out.render(), @r#"
        created tickets/ with baton.toml for a team of one: ana
        next: baton new "First ticket"   (and 'baton people add NAME --level N' to grow the team)
        [exit 0]
    "#);

    let config = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    let parsed = baton::core::config::Config::parse(&config).unwrap();
    let names: Vec<_> = parsed
        .people
        .iter()
        .map(|p| (p.name.as_str(), p.level))
        .collect();
    assert_eq!(names, [("ana", 1)]);
    assert_eq!(parsed.escalation.after.as_secs(), 20 * 3600);
    assert!(config.contains("to = \"top\""), "{config}");
    assert!(config.contains("pause_when_waiting = true"), "{config}");
    assert_eq!(
        fs::read_to_string(env.store().join(".local/.gitignore")).unwrap(),
        "*\n"
    );
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn init_twice_changes_nothing() {
    let env = TestEnv::solo();
    let before = env.store_bytes();
    let out = env.baton(&["init"]);
    insta::assert_snapshot!(out.render(), @r"
        tickets is already a baton store; nothing changed
        [exit 0]
    ");
    assert_eq!(env.store_bytes(), before);
    // A name in a store that exists says who works in this clone; one not on
    // the team is refused with nothing written.
    let stranger = env.baton(&["init", "--name", "ben"]);
    stranger.code(1);
    assert!(
        stranger.stderr.contains("'ben' is not on the team"),
        "{}",
        stranger.stderr
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn init_json_says_what_it_created() {
    let env = TestEnv::empty();
    let first = env.baton(&["init", "--name", "ana", "--json"]);
    first.success();
    let doc = first.json();
    assert_eq!(doc["created"], true);
    assert_eq!(doc["people"], serde_json::json!(["ana"]));
    assert_eq!(
        doc["store"].as_str().map(std::path::PathBuf::from),
        Some(env.store())
    );
    assert_eq!(first.stderr, "", "--json keeps human text off stdout");

    let second = env.baton(&["init", "--json"]);
    second.success();
    let doc = second.json();
    assert_eq!(doc["created"], false);
    assert_eq!(doc.get("people"), None, "people only when created");
}

#[test]
fn init_with_store_creates_the_named_folder() {
    let env = TestEnv::empty();
    env.baton(&["init", "--name", "ana", "--store", "support/desk"])
        .success();
    assert!(env.root().join("support/desk/baton.toml").is_file());
    assert!(!env.store().exists());
}

/// (arguments, extra environment variables, the name expected)
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn init_finds_a_name_in_the_usual_places() {
    // (how the name is given, the name in the config)
    let cases: [Case; 4] = [
        (&["--as", "dora", "init"], &[], "dora"),
        (&["init"], &[("BATON_USER", "eve")], "eve"),
        (&["init"], &[("USER", "finn")], "finn"),
        (&["init", "--name", "gus"], &[("USER", "finn")], "gus"),
    ];
    for (args, vars, expected) in cases {
        let env = TestEnv::empty();
        let mut run = env.cmd(args);
        for (k, v) in vars {
            run = run.env(k, v);
        }
        run.run().success();
        let config = fs::read_to_string(env.store().join("baton.toml")).unwrap();
        let parsed = baton::core::config::Config::parse(&config).unwrap();
        assert_eq!(parsed.people[0].name, expected, "{args:?} {vars:?}");
    }
}

#[test]
fn init_reads_the_name_from_the_user_config() {
    let env = TestEnv::empty();
    fs::write(env.user_config_path(), "name = \"hana\"\n").unwrap();
    env.baton(&["init"]).success();
    let out = env.baton(&["people", "--json"]);
    assert_eq!(out.json()[0]["name"], "hana");
}

#[test]
fn init_without_any_name_is_a_usage_error() {
    let env = TestEnv::empty();
    let out = env.baton(&["init"]);
    insta::assert_snapshot!(out.render(), @r"
        ------- stderr -------
        error: cannot tell your name for the team config
        hint: baton init --name YOUR_NAME
        [exit 2]
    ");
    assert!(!env.store().exists());
}

#[test]
fn init_refuses_unusable_names() {
    for name in ["a b", "baton", "-x", "", "ana\u{1b}[31m"] {
        let env = TestEnv::empty();
        let out = env.baton(&["init", "--name", name]);
        out.code(2);
        assert!(
            out.stderr.starts_with("error: "),
            "{name:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}'), "{name:?}: {}", out.stderr);
        assert!(!env.store().join("baton.toml").exists(), "{name:?}");
    }
}

#[test]
fn init_json_documents_are_as_pinned() {
    let env = TestEnv::empty();
    let store = env.store().display().to_string();
    let first = env.baton(&["init", "--name", "ana", "--json"]);
    assert_eq!(
        first.stdout.replace(&store, "STORE"),
        "{\n  \"created\": true,\n  \"merge_driver\": false,\n  \"people\": [\n    \"ana\"\n  ],\n  \"store\": \"STORE\"\n}\n"
    );
    let second = env.baton(&["init", "--json"]);
    assert_eq!(
        second.stdout.replace(&store, "STORE"),
        "{\n  \"created\": false,\n  \"merge_driver\": false,\n  \"store\": \"STORE\"\n}\n"
    );
}

#[test]
fn init_inside_a_store_refuses_and_names_the_enclosing_store() {
    let env = TestEnv::solo();
    let sub = env.root().join("docs/notes");
    fs::create_dir_all(&sub).unwrap();
    let before = env.store_bytes();
    let out = env.cmd(&["init", "--name", "ben"]).cwd(&sub).run();
    out.code(2);
    let store = env.store().display().to_string();
    assert_eq!(
        out.stderr,
        format!(
            "error: {store} is already a baton store, and baton here would use it; not creating tickets\n\
             hint: work in {store}, or pass --store DIR to create a separate store on purpose\n"
        )
    );
    assert!(!sub.join("tickets").exists());
    assert_eq!(env.store_bytes(), before);
    // From inside the store folder itself, the same.
    let out = env.cmd(&["init"]).cwd(env.store()).run();
    out.code(2);
    assert!(
        out.stderr.contains("is already a baton store"),
        "{}",
        out.stderr
    );
    assert!(!env.store().join("tickets").exists());
}

#[test]
fn init_with_an_explicit_store_may_nest_one_on_purpose() {
    let env = TestEnv::solo();
    let sub = env.root().join("lab");
    fs::create_dir_all(&sub).unwrap();
    env.cmd(&["--store", "tickets", "init", "--name", "ben"])
        .cwd(&sub)
        .run()
        .success();
    assert!(sub.join("tickets/baton.toml").is_file());
}
