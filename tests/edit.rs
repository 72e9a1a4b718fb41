use crate::common::{ID_A, ID_B, TestEnv, at, event_kinds};

fn ticket() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &[
            "--customer",
            "jan@example.com",
            "--tag",
            "billing",
            "--tag",
            "misc",
        ],
        ID_A,
    );
    env.set_now(&at(1, 0));
    env
}

#[test]
fn edit_changes_fields_and_records_one_event_each() {
    let env = ticket();
    let out = env.baton_as(
        "ben",
        &[
            "edit",
            "0b7c",
            "--title",
            "Refund missing",
            "--customer",
            "jan.k@example.com",
            "--priority",
            "high",
            "--tag",
            "refund",
            "--untag",
            "misc",
            "--body",
            "Order 18823",
        ],
    );
    out.success();
    assert_eq!(
        out.stdout,
        "changed title, customer, priority, description, tags of 0b7c\n"
    );
    let t = env.ticket_toml(ID_A);
    assert_eq!(t["title"].as_str(), Some("Refund missing"));
    assert_eq!(t["customer"].as_str(), Some("jan.k@example.com"));
    assert_eq!(t["priority"].as_str(), Some("high"));
    assert_eq!(t["description"].as_str(), Some("Order 18823"));
    assert_eq!(
        t["tags"],
        toml::Value::Array(vec!["billing".into(), "refund".into()])
    );
    assert_eq!(
        t["owner"].as_str(),
        Some("ana"),
        "editing does not take the ticket"
    );
    let edits: Vec<_> = env
        .events(ID_A)
        .iter()
        .skip(1)
        .map(|e| {
            let s = |k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_string);
            (s("kind"), s("by"), s("field"), s("from"), s("to"))
        })
        .collect();
    let some = |s: &str| Some(s.to_string());
    let edited = |field: &str, from: Option<String>, to: Option<String>| {
        (some("edited"), some("ben"), some(field), from, to)
    };
    assert_eq!(
        edits,
        [
            edited("title", some("Refund not received"), some("Refund missing")),
            edited(
                "customer",
                some("jan@example.com"),
                some("jan.k@example.com")
            ),
            edited("priority", some("normal"), some("high")),
            // Long text: the event names the field; the file holds the value.
            edited("description", None, None),
            edited("tags", some("billing, misc"), some("billing, refund")),
        ]
    );
}

#[test]
fn edit_reads_the_description_from_a_file() {
    let env = ticket();
    std::fs::write(env.root().join("body.txt"), "From a file\n").unwrap();
    env.baton_as("ana", &["edit", "0b7c", "--body-file", "body.txt"])
        .success();
    assert_eq!(env.field(ID_A, "description"), "From a file\n");
}

#[test]
fn edit_to_the_same_values_changes_nothing() {
    let env = ticket();
    let before = env.store_bytes();
    let out = env.baton_as(
        "ana",
        &[
            "edit",
            "0b7c",
            "--title",
            "Refund not received",
            "--tag",
            "billing",
            "--untag",
            "absent",
        ],
    );
    out.success();
    assert_eq!(out.stdout, "0b7c already is as asked; nothing changed\n");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn edit_refuses_bad_input_and_writes_nothing() {
    let env = ticket();
    let before = env.store_bytes();
    // (arguments after `edit 0b7c`, exit code, stderr contains)
    let cases: [(&[&str], i32, &str); 5] = [
        (&[], 2, "error: nothing to change"),
        (
            &["--title", "  "],
            2,
            "a ticket needs a title; the one given is empty",
        ),
        (&["--priority", "asap"], 2, "unknown priority 'asap'"),
        (&["--tag", "a,b"], 2, "'a,b' is not a usable tag"),
        (
            &["--body", "x", "--body-file", "f"],
            2,
            "cannot be used with",
        ),
    ];
    for (args, code, needle) in cases {
        let mut all = vec!["--as", "ana", "edit", "0b7c"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn edit_json_is_the_ticket_with_its_events() {
    let env = ticket();
    let out = env.baton_as("ana", &["edit", "0b7c", "--priority", "urgent", "--json"]);
    out.success();
    assert_eq!(out.stderr, "");
    let doc = out.json();
    assert_eq!(doc["priority"], "urgent");
    assert_eq!(doc["updated"], at(1, 0));
    assert_eq!(event_kinds(&doc), ["created", "edited"]);
    assert_eq!(
        doc["events"][1],
        serde_json::json!({
            "at": at(1, 0), "by": "ana", "kind": "edited",
            "field": "priority", "from": "normal", "to": "urgent",
        })
    );
}

#[test]
fn several_tickets_get_the_same_tags_all_or_none() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Checkout down", &[], ID_A);
    env.new_ticket_pinned("ben", "Cannot pay", &["--tag", "outage"], ID_B);
    let out = env.baton_as(
        "cora",
        &[
            "edit",
            "0b7c",
            "9a1f",
            "--tag",
            "outage",
            "--priority",
            "URGENT",
        ],
    );
    out.success();
    assert!(
        out.stdout.lines().count() == 2,
        "one sentence each: {}",
        out.stdout
    );
    for id in [ID_A, ID_B] {
        let t = env.ticket_toml(id);
        assert_eq!(t["priority"].as_str(), Some("urgent"), "{id}");
        assert_eq!(
            t["tags"].as_array().map(Vec::len),
            Some(1),
            "outage once: {id}"
        );
    }
    let before = env.store_bytes();
    let missing = env.baton_as("cora", &["edit", "0b7c", "ffff", "--tag", "x"]);
    missing.code(1);
    assert_eq!(env.store_bytes(), before, "one unknown id: none is changed");
    let title = env.baton_as("cora", &["edit", "0b7c", "9a1f", "--title", "Same"]);
    title.code(2);
    assert!(
        title.stderr.contains("only --priority, --tag and --untag"),
        "{}",
        title.stderr
    );
    assert_eq!(env.store_bytes(), before);
}
