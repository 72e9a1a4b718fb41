//! Every `--json` document, as the real commands print it, validates against
//! the published schema in `docs/schema/baton-v1.schema.json`, so the schema
//! and docs/json.md cannot drift from the program unnoticed.

use serde_json::Value;

use crate::common::{ID_A, ID_B, TestEnv, at};

const SCHEMA: &str = "file:///baton-v1.schema.json";

/// The schema's definitions, compiled once per test.
pub struct Schema {
    schemas: boon::Schemas,
    compiler: boon::Compiler,
}

impl Schema {
    pub fn load() -> Schema {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schema/baton-v1.schema.json"
        );
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource(SCHEMA, doc).unwrap();
        Schema {
            schemas: boon::Schemas::new(),
            compiler,
        }
    }

    /// Checks `doc` against the definition `name`, naming what is wrong.
    #[track_caller]
    pub fn check(&mut self, name: &str, what: &str, doc: &Value) {
        let at = self
            .compiler
            .compile(&format!("{SCHEMA}#/$defs/{name}"), &mut self.schemas)
            .unwrap_or_else(|e| panic!("the schema has no usable {name}: {e}"));
        if let Err(e) = self.schemas.validate(doc, at) {
            panic!("{what} does not validate as {name}: {e:#}\n{doc:#}");
        }
    }
}

/// A desk with a ticket of every kind of history.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &["--customer", "jan@example.com", "--tag", "billing"],
        ID_A,
    );
    env.new_ticket_pinned("ben", "Login fails", &["--priority", "high"], ID_B);
    env.set_now(&at(1, 0));
    for args in [
        &["--as", "ana", "reply", "0b7c", "We are on it."][..],
        &["--as", "ana", "log", "0b7c", "30m", "--note", "checked"],
        &["--as", "ana", "resolve", "0b7c", "--note", "refund sent"],
        &["--as", "ana", "rate", "0b7c", "5"],
        &["--as", "ben", "wait", "9a1f"],
    ] {
        env.baton(args).success();
    }
    env
}

#[test]
fn every_json_document_validates_against_the_published_schema() {
    let env = desk();
    let mut schema = Schema::load();
    let cases: [(&str, &[&str]); 14] = [
        ("list", &["list", "--all", "--json"]),
        ("search", &["search", "refund", "--json"]),
        ("ticket_with_events", &["show", "0b7c", "--json"]),
        (
            "changed_ticket",
            &["--as", "ben", "note", "9a1f", "x", "--json"],
        ),
        (
            "changed_ticket",
            &["--as", "ana", "resolve", "0b7c", "--json"],
        ),
        (
            "created_ticket",
            &[
                "--as",
                "ana",
                "new",
                "Printer",
                "--customer",
                "a@b.example",
                "--json",
            ],
        ),
        ("people", &["people", "--json"]),
        (
            "person_added",
            &["people", "add", "dana", "--level", "1", "--json"],
        ),
        (
            "escalate",
            &["escalate", "--dry-run", "--warn", "48h", "--json"],
        ),
        ("report", &["report", "--month", "2026-11", "--json"]),
        ("doctor", &["doctor", "--json"]),
        ("init", &["init", "--json"]),
        ("version", &["--version", "--json"]),
        ("escalate", &["escalate", "--json"]),
    ];
    for (name, args) in cases {
        let out = env.cmd(args).now(&at(30, 0)).run();
        out.success();
        schema.check(name, &format!("{args:?}"), &out.json());
    }
    // Errors: the last line of stderr.
    for args in [
        &["show", "ffff", "--json"][..],
        &["list", "--bogus", "--json"],
        &["--as", "ana", "pass", "9a1f", "cora", "--json"],
    ] {
        let out = env.baton(args);
        assert_ne!(out.code, 0, "{args:?} fails");
        let last: Value = serde_json::from_str(out.stderr.lines().last().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out.stderr));
        schema.check("error", &format!("{args:?}"), &last);
    }
    // A partial result: a broken file.
    env.edit_ticket_file(ID_B, "tags = []", "tags = 5");
    let out = env.baton(&["list", "--json"]);
    schema.check("list", "a partial list", &out.json());
    let last: Value = serde_json::from_str(out.stderr.lines().last().unwrap()).unwrap();
    schema.check("error", "a partial list's error", &last);
    let report = env.baton(&["report", "--month", "2026-11", "--json"]);
    schema.check("report", "a partial report", &report.json());
}

#[test]
fn the_schema_knows_every_error_kind() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/schema/baton-v1.schema.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kinds = &doc["$defs"]["error"]["properties"]["error"]["properties"]["kind"]["enum"];
    let listed: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let all: Vec<&str> = baton::error::Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed, all);
}

#[test]
fn the_schema_catches_a_document_that_drifted() {
    // A field renamed or a value of another type must fail, or the test
    // above proves nothing.
    let env = desk();
    let mut schema = Schema::load();
    let mut doc = env.baton(&["show", "0b7c", "--json"]).json();
    doc["status"] = Value::from("exploded");
    let at = schema
        .compiler
        .compile(
            &format!("{SCHEMA}#/$defs/ticket_with_events"),
            &mut schema.schemas,
        )
        .unwrap();
    assert!(schema.schemas.validate(&doc, at).is_err());
    let mut sync = serde_json::json!({"upstream": "origin/main", "committed": 0, "pulled": 0, "pushed": true, "attempts": 1});
    let at = schema
        .compiler
        .compile(&format!("{SCHEMA}#/$defs/sync"), &mut schema.schemas)
        .unwrap();
    assert!(schema.schemas.validate(&sync, at).is_ok());
    sync["renamed"] = Value::from(1);
    assert!(schema.schemas.validate(&sync, at).is_err());
}
