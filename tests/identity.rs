use std::fs;
use std::process::Command;

use crate::common::TestEnv;

/// Who owns the ticket `baton new` opens when run this way.
fn creator(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> String {
    let mut all = args.to_vec();
    all.extend_from_slice(&["new", "Who am I?"]);
    let mut run = env.cmd(&all);
    for (k, v) in vars {
        run = run.env(k, v);
    }
    let out = run.run();
    out.success();
    env.field(out.stdout.trim(), "owner")
}

/// (arguments, extra environment variables, the name expected)
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn identity_comes_from_flag_variable_or_user_config_in_that_order() {
    let env = TestEnv::team();
    fs::write(env.user_config_path(), "name = \"cora\"\n").unwrap();
    let cases: [Case; 4] = [
        (&[], &[], "cora"),
        (&[], &[("BATON_USER", "ben")], "ben"),
        (&["--as", "ana"], &[("BATON_USER", "ben")], "ana"),
        (&["--as", "ana"], &[], "ana"),
    ];
    for (args, vars, expected) in cases {
        assert_eq!(creator(&env, args, vars), expected, "{args:?} {vars:?}");
    }
}

#[test]
fn the_founder_stays_themselves_after_the_team_grows() {
    let env = TestEnv::solo();
    env.baton(&["people", "add", "ben", "--level", "2"])
        .success();
    assert_eq!(creator(&env, &[], &[]), "ana");
    assert_eq!(
        fs::read_to_string(env.store().join(".local/config.toml")).unwrap(),
        "# This copy of the store only; never committed.\nname = \"ana\"\n"
    );
}

#[test]
fn the_stores_local_settings_come_after_the_variable_and_before_the_user_config() {
    let env = TestEnv::team();
    fs::write(env.user_config_path(), "name = \"cora\"\n").unwrap();
    fs::write(env.store().join(".local/config.toml"), "name = \"ben\"\n").unwrap();
    assert_eq!(creator(&env, &[], &[]), "ben");
    assert_eq!(creator(&env, &[], &[("BATON_USER", "cora")]), "cora");
}

#[test]
fn a_team_of_one_needs_no_identity() {
    let env = TestEnv::solo();
    assert_eq!(creator(&env, &[], &[]), "ana");
}

#[test]
fn a_larger_team_without_identity_is_told_how_to_say_who_you_are() {
    let env = TestEnv::team();
    let out = env.baton(&["new", "Who am I?"]);
    insta::assert_snapshot!(out.render(), @r#"
        ------- stderr -------
        error: cannot tell who you are (the team: ana, ben, cora)
        hint: pass --as NAME, set BATON_USER, or run 'baton init --name NAME' once in this clone
        [exit 1]
    "#);
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn a_user_config_naming_a_stranger_is_an_error() {
    let env = TestEnv::team();
    fs::write(env.user_config_path(), "name = \"zed\"\n").unwrap();
    let out = env.baton(&["new", "Who am I?"]);
    let shown = out.render().replace(env.root().to_str().unwrap(), "$HOME");
    insta::assert_snapshot!(shown, @r"
        ------- stderr -------
        error: 'zed' is not on the team (the team: ana, ben, cora) (you are acting as 'zed', from name in $HOME/user-config.toml)
        hint: set name to someone on the team in $HOME/user-config.toml, or pass --as NAME
        [exit 1]
    ");
}

#[test]
fn the_git_email_names_a_team_member() {
    let git = |env: &TestEnv, args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env.root())
            .env_clear()
            .env("PATH", crate::common::host_path())
            .env("HOME", env.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
    };
    let env = TestEnv::team();
    if git(&env, &["init", "-q"]).is_err() {
        eprintln!("note: git is not installed; skipping");
        return;
    }
    env.baton(&[
        "people",
        "add",
        "dan",
        "--level",
        "2",
        "--email",
        "Dan@Example.com",
    ])
    .success();
    let set = git(&env, &["config", "user.email", "dan@example.com"]).unwrap();
    assert!(set.status.success());
    assert_eq!(creator(&env, &[], &[]), "dan", "matched case-insensitively");
    assert_eq!(
        creator(&env, &["--as", "ana"], &[]),
        "ana",
        "--as still wins"
    );
}

#[test]
fn the_user_config_lives_in_the_config_folder_by_default() {
    let env = TestEnv::team();
    let home_config = env.root().join(".config/baton/config.toml");
    fs::create_dir_all(home_config.parent().unwrap()).unwrap();
    fs::write(&home_config, "name = \"ben\"\n").unwrap();
    let xdg = env.root().join("xdg");
    fs::create_dir_all(xdg.join("baton")).unwrap();
    fs::write(xdg.join("baton/config.toml"), "name = \"cora\"\n").unwrap();

    let home = env
        .cmd(&["new", "Who am I?"])
        .env_remove("BATON_CONFIG")
        .run();
    home.success();
    assert_eq!(env.field(home.stdout.trim(), "owner"), "ben");
    let by_xdg = env
        .cmd(&["new", "Who am I?"])
        .env_remove("BATON_CONFIG")
        .env("XDG_CONFIG_HOME", &xdg)
        .run();
    by_xdg.success();
    assert_eq!(env.field(by_xdg.stdout.trim(), "owner"), "cora");
}
