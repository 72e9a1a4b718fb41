//! `baton people rename OLD NEW`: the config maps the old name, the tickets
//! it owned move with a `renamed` event, the history keeps the old name, and
//! everything that counts or compares names reads it as the new one.

use std::fs;

use crate::common::{ID_A, ID_B, ID_C, TestEnv, at};

/// The team (ana 1, ben 2, cora 3) with ana's open ticket (A), ana's
/// resolved one (B) and ben's (C), then ana renamed to anna by cora.
fn renamed_desk() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.new_ticket_pinned("ana", "Login loop", &[], ID_B);
    env.new_ticket_pinned("ben", "Printer jams", &[], ID_C);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["reply", "0b7c", "We are on it."])
        .success();
    env.baton_as("ana", &["resolve", "9a1f"]).success();
    env.set_now(&at(2, 0));
    env
}

#[test]
fn a_rename_moves_the_tickets_and_the_history_keeps_the_old_name() {
    let env = renamed_desk();
    let updated = env.field(ID_A, "updated");
    let out = env.baton_as("cora", &["people", "rename", "ana", "anna"]);
    insta::assert_snapshot!(out.render(), @"
    renamed ana to anna (the history keeps ana, counted as anna); 2 ticket(s) move to anna: 0b7c, 9a1f
    [exit 0]
    ");

    // The entry keeps its level; the config maps the old name.
    let config = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    assert!(config.contains("[renamed]\nana = \"anna\""), "{config}");
    let people = env.baton(&["people", "--json"]).json();
    assert_eq!(people[0]["name"], "anna");
    assert_eq!(
        (people[0]["level"].as_u64(), people[0]["open"].as_u64()),
        (Some(1), Some(1))
    );

    // The files say the new owner; the events keep who wrote them.
    assert_eq!(env.field(ID_A, "owner"), "anna");
    assert_eq!(env.field(ID_B, "owner"), "anna");
    assert_eq!(env.field(ID_C, "owner"), "ben");
    let events = env.events(ID_A);
    assert_eq!(events[0]["by"].as_str(), Some("ana"));
    let last = events.last().unwrap();
    assert_eq!(
        (
            last["kind"].as_str(),
            last["by"].as_str(),
            last["from"].as_str(),
            last["to"].as_str()
        ),
        (Some("renamed"), Some("cora"), Some("ana"), Some("anna"))
    );
    // The rename is no work on the ticket.
    assert_eq!(env.field(ID_A, "updated"), updated);

    let show = env.baton(&["show", "0b7c"]);
    show.success();
    assert!(show.stdout.contains("owner     anna"), "{}", show.stdout);
    assert!(
        show.stdout.contains("ana   created it for ana"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("ana   replied to the customer"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("cora  renamed ana to anna"),
        "{}",
        show.stdout
    );

    let doctor = env.baton(&["doctor"]);
    assert_eq!(
        (doctor.code, doctor.stdout.trim()),
        (0, "checked the config and 3 ticket file(s): all well"),
        "{}",
        doctor.stderr
    );
}

#[test]
fn list_owner_takes_the_new_name_and_says_who_the_old_one_is_now() {
    let env = renamed_desk();
    env.baton_as("cora", &["people", "rename", "ana", "anna"])
        .success();
    let new = env.baton(&["list", "--owner", "anna", "--json"]);
    new.success();
    assert_eq!(new.json_strings("id"), [ID_A]);
    let old = env.baton(&["list", "--owner", "ana", "--json"]);
    old.success();
    assert_eq!(old.json_strings("id"), [ID_A]);
    assert_eq!(
        old.stderr.trim(),
        "note: ana was renamed to anna: showing anna"
    );
    // A hand-off to the old name lands on the new one.
    env.baton_as("ben", &["pass", "5e5e", "ana"]).success();
    assert_eq!(env.field(ID_C, "owner"), "anna");
}

#[test]
fn the_old_name_acts_as_the_new_one_with_a_note() {
    let env = renamed_desk();
    env.baton_as("cora", &["people", "rename", "ana", "anna"])
        .success();
    let note = env.baton_as("ana", &["note", "0b7c", "called the bank"]);
    note.success();
    assert_eq!(
        note.stderr.trim(),
        "note: ana was renamed to anna: acting as anna; pass --as anna"
    );
    assert_eq!(
        env.events(ID_A).last().unwrap()["by"].as_str(),
        Some("anna")
    );
    let mine = env.baton_as("ana", &["list", "--mine", "--json"]);
    assert_eq!(mine.json_strings("id"), [ID_A]);

    // A clone that saved the old name with 'init --name'.
    fs::write(env.store().join(".local/config.toml"), "name = \"ana\"\n").unwrap();
    let who = env.baton(&["whoami"]);
    who.success();
    let local = env.store().join(".local/config.toml");
    assert_eq!(
        who.stdout,
        format!(
            "ana (renamed to anna; level 1)\nfrom name in {}\n",
            local.display()
        )
    );
    let json = env.baton(&["whoami", "--json"]).json();
    assert_eq!(
        (json["name"].as_str(), json["renamed_from"].as_str()),
        (Some("anna"), Some("ana"))
    );
    let mut schema = crate::schema::Schema::load();
    schema.check("whoami", "whoami --json after a rename", &json);

    // Saving the old name again saves the name in use.
    let saved = env.baton(&["init", "--name", "ana"]);
    saved.success();
    assert!(
        saved.stdout.starts_with("you are anna in this clone"),
        "{}",
        saved.stdout
    );
    let who = env.baton(&["whoami"]);
    assert!(who.stdout.starts_with("anna (level 1)"), "{}", who.stdout);
}

#[test]
fn renaming_yourself_in_your_clone_keeps_you_yourself() {
    let env = TestEnv::solo();
    env.baton(&["people", "add", "ben", "--level", "2"])
        .success();
    env.baton(&["people", "rename", "ana", "anna"]).success();
    let who = env.baton(&["whoami"]);
    who.success();
    assert!(who.stdout.starts_with("anna (level 1)\n"), "{}", who.stdout);
    assert_eq!(who.stderr, "", "no note: this clone's name followed");
}

#[test]
fn a_month_of_both_names_is_one_row_under_the_new_one() {
    let env = renamed_desk();
    env.baton_as("cora", &["people", "rename", "ana", "anna"])
        .success();
    env.set_now(&at(3, 0));
    env.baton_as("anna", &["resolve", "0b7c"]).success();
    env.set_now(&at(200, 0));
    let report = env.baton(&["report", "--month", "2026-11"]);
    report.success();
    let lines: Vec<&str> = report.stdout.lines().collect();
    let rows = |start: &str| lines.iter().filter(|l| l.starts_with(start)).count();
    assert_eq!(rows("anna (was ana)  "), 1, "{}", report.stdout);
    assert_eq!(
        rows("ana "),
        0,
        "no row for the old name: {}",
        report.stdout
    );

    let json = env
        .baton(&["report", "--month", "2026-11", "--json"])
        .json();
    let people = json["people"].as_array().unwrap();
    assert!(people.iter().all(|p| p["name"] != "ana"), "{people:?}");
    let anna = people.iter().find(|p| p["name"] == "anna").unwrap();
    assert_eq!(anna["received"], 2, "both created under the old name");
    assert_eq!(anna["resolved"], 2, "one under each name");
    assert_eq!(anna["renamed_from"], serde_json::json!(["ana"]));
    let mut schema = crate::schema::Schema::load();
    schema.check("report", "report --json after a rename", &json);

    let csv = env.baton(&["report", "--month", "2026-11", "--csv", "people"]);
    csv.success();
    assert!(csv.stdout.contains("\nanna,2,"), "{}", csv.stdout);
    assert!(!csv.stdout.contains("\nana,"), "{}", csv.stdout);

    let owner = env.baton(&["report", "--month", "2026-11", "--owner", "ana", "--json"]);
    owner.success();
    assert_eq!(owner.json()["people"][0]["resolved"], 2);
    assert!(
        owner.stderr.contains("ana was renamed to anna"),
        "{}",
        owner.stderr
    );
}

#[test]
fn a_rename_nobody_could_work_with_is_refused() {
    let env = TestEnv::team();
    let cases: [(&[&str], &str); 5] = [
        (
            &["bne", "x"],
            "error: 'bne' is not on the team (the team: ana, ben, cora)\nhint: did you mean 'ben'?",
        ),
        (
            &["ben", "cora"],
            "error: 'cora' is already on the team\nhint: pick another name for ben",
        ),
        (
            &["ben", "b n"],
            "error: 'b n' is not a usable name; expected 1 to 32 letters, digits, '.', '_' or '-'",
        ),
        (
            &["ben", "baton"],
            "error: 'baton' is reserved for baton's own events",
        ),
        (&["ben", "ben"], "error: ben is called ben already"),
    ];
    let before = env.store_bytes();
    for (args, says) in cases {
        let mut all = vec!["--as", "ana", "people", "rename"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        assert_ne!(out.code, 0, "{args:?}");
        assert_eq!(out.stderr.trim(), says, "{args:?}");
    }
    assert_eq!(env.store_bytes(), before, "nothing written");

    env.baton_as("ana", &["people", "rename", "ben", "benji"])
        .success();
    let taken = env.baton_as("ana", &["people", "rename", "cora", "ben"]);
    assert!(
        taken.stderr.contains("'ben' is benji's old name"),
        "{}",
        taken.stderr
    );
    let json = env.baton_as("ana", &["--json", "people", "rename", "ben", "x"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let err: serde_json::Value = serde_json::from_str(json.stderr.trim()).unwrap();
    assert_eq!(err["error"]["kind"], "unknown_person", "{err}");
}

#[test]
fn the_json_names_the_person_the_old_name_and_the_tickets_moved() {
    let env = renamed_desk();
    let out = env.baton_as("cora", &["--json", "people", "rename", "ana", "anna"]);
    out.success();
    let doc = out.json();
    assert_eq!(
        doc,
        serde_json::json!({
            "name": "anna",
            "level": 1,
            "email": null,
            "renamed_from": "ana",
            "tickets": [ID_A, ID_B],
        })
    );
    let mut schema = crate::schema::Schema::load();
    schema.check("person_renamed", "people rename --json", &doc);
}

#[test]
fn renaming_back_gives_the_name_back_and_run_again_moves_what_is_left() {
    let env = renamed_desk();
    env.baton_as("cora", &["people", "rename", "ana", "anna"])
        .success();
    // A clone that had not pulled the rename wrote a ticket for the old name.
    let stale = env.new_ticket("ana", "Old clone");
    env.edit_ticket_file(&stale, "owner = \"anna\"", "owner = \"ana\"");
    env.edit_ticket_file(&stale, "by = \"anna\"", "by = \"ana\"");
    env.edit_ticket_file(&stale, "to = \"anna\"", "to = \"ana\"");
    assert_eq!(env.field(&stale, "owner"), "ana");
    let doctor = env.baton(&["doctor"]);
    assert_eq!(
        doctor.code, 0,
        "an old name is no stranger: {}",
        doctor.stdout
    );
    let again = env.baton_as("cora", &["people", "rename", "ana", "anna"]);
    again.success();
    assert!(
        again
            .stdout
            .starts_with("ana was renamed to anna already; 1 ticket(s) move to anna"),
        "{}",
        again.stdout
    );
    assert_eq!(env.field(&stale, "owner"), "anna");

    let back = env.baton_as("cora", &["people", "rename", "anna", "ana"]);
    back.success();
    assert_eq!(env.field(ID_A, "owner"), "ana");
    let config = fs::read_to_string(env.store().join("baton.toml")).unwrap();
    assert!(config.contains("[renamed]\nanna = \"ana\""), "{config}");
    assert!(!config.contains("ana = \"anna\""), "{config}");
    let doctor = env.baton(&["doctor"]);
    assert_eq!(doctor.code, 0, "{}{}", doctor.stdout, doctor.stderr);
    let undo = env.baton_as("cora", &["undo", "0b7c"]);
    assert!(
        undo.stderr.contains("a rename cannot be undone"),
        "{}",
        undo.stderr
    );
}

#[test]
fn a_clone_writing_under_the_old_name_merges_into_the_new_one() {
    use crate::git::{Desk, assert_clean};
    let desk = Desk::new();
    let ana = desk.path("ana");
    let refund = desk.baton(
        &ana,
        "ana",
        &at(0, 10),
        &["new", "Refund", "--owner", "ben"],
    );
    let login = desk.baton(&ana, "ana", &at(0, 10), &["new", "Login loop"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");

    // ana renames ben while ben's clone, not pulled yet, works as ben.
    desk.baton(
        &ana,
        "ana",
        &at(1, 0),
        &["people", "rename", "ben", "benji"],
    );
    desk.baton(&ben, "ben", &at(1, 5), &["reply", &refund, "On it."]);
    desk.baton(&ben, "ben", &at(1, 10), &["take", &login]);
    let fresh = desk.baton(&ben, "ben", &at(1, 15), &["new", "Printer"]);
    desk.baton(&ana, "ana", &at(1, 20), &["sync"]);
    desk.baton(&ben, "ben", &at(1, 25), &["sync"]);
    desk.baton(&ana, "ana", &at(1, 30), &["sync"]);

    for dir in [&ana, &ben] {
        assert_clean(&desk, dir);
        let report = desk.baton(
            dir,
            "cora",
            &at(60, 0),
            &["report", "--month", "2026-11", "--json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&report).unwrap();
        let people = doc["people"].as_array().unwrap();
        assert!(
            people.iter().all(|p| p["name"] != "ben"),
            "one row: {people:?}"
        );
        let benji = people.iter().find(|p| p["name"] == "benji").unwrap();
        assert_eq!(
            (benji["received"].as_u64(), benji["taken"].as_u64()),
            (Some(2), Some(1)),
            "the refund and the printer received, the login taken, all as ben: {benji}"
        );
        let config = fs::read_to_string(dir.join("tickets/baton.toml")).unwrap();
        assert!(
            config.contains("name = \"benji\"") && !config.contains("name = \"ben\""),
            "{config}"
        );
    }
    let owner = |id: &str| {
        let text = fs::read_to_string(ana.join("tickets").join(format!("{id}.toml"))).unwrap();
        baton::core::ticket::Ticket::parse(&text).unwrap().owner
    };
    assert_eq!(
        owner(&refund),
        "benji",
        "renamed, then replied to under the old name"
    );
    assert_eq!(
        owner(&login),
        "ben",
        "taken under the old name where no rename was"
    );
    let listed = crate::git::baton(&desk.env, &ana, "ana", &at(1, 35), &["people", "--json"]);
    assert_eq!(
        listed.stderr,
        "note: 2 open ticket(s) still name ben, renamed to benji (written where the rename \
         was not pulled yet); 'baton people rename ben benji' moves them\n"
    );
    let team = listed.json();
    let benji = team
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "benji")
        .unwrap();
    assert_eq!(
        benji["open"], 3,
        "those under the old name count as benji's: {team}"
    );

    // Run again, the rename moves what the old clone gave the old name.
    let again = desk.baton(
        &ana,
        "ana",
        &at(2, 0),
        &["people", "rename", "ben", "benji"],
    );
    assert!(again.contains("2 ticket(s) move to benji"), "{again}");
    assert_eq!(
        (owner(&login), owner(&fresh)),
        ("benji".into(), "benji".into())
    );
    let mine = desk.baton(&ana, "benji", &at(2, 5), &["list", "--mine", "--json"]);
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(&mine)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{mine}");
    assert_clean(&desk, &ana);
}

#[test]
fn a_ticket_a_stale_clone_gave_the_old_name_is_the_new_one_s_in_list_and_checks() {
    let env = renamed_desk();
    // ana's open ticket as a clone that had not heard of the rename wrote
    // it: the file still says owner = "ana", with no renamed event.
    let path = env.ticket_path(ID_A);
    let stale = fs::read(&path).unwrap();
    env.baton_as("cora", &["people", "rename", "ana", "anna"])
        .success();
    fs::write(&path, stale).unwrap();
    assert_eq!(env.field(ID_A, "owner"), "ana");

    let listed = |args: &[&str]| -> Vec<String> {
        let mut all = args.to_vec();
        all.extend(["--format", "id"]);
        let out = env.baton_as("anna", &all);
        out.success();
        out.stdout.lines().map(str::to_string).collect()
    };
    assert_eq!(listed(&["list", "--owner", "anna"]), [ID_A]);
    assert_eq!(listed(&["list", "--mine"]), [ID_A]);
    assert_eq!(listed(&["search", "Refund", "--owner", "anna"]), [ID_A]);
    let queue = env.baton_as("anna", &["--no-pager"]);
    queue.success();
    assert!(
        queue.stdout.contains("Refund not received"),
        "{}",
        queue.stdout
    );

    // anna may resolve it without taking it from her old name first.
    env.baton_as("anna", &["resolve", "0b7c", "--note", "refunded"])
        .success();
    assert_eq!(env.field(ID_A, "status"), "resolved");
}
