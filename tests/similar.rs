//! `baton similar`: resolved tickets like a new one, ranked on a fixture desk
//! whose right answers are known, measured as precision at 3.

use crate::common::TestEnv;

/// Four kinds of trouble, three solved tickets each, in the words customers
/// use (no two alike), and a new ticket of each kind.
const DESK: &[(&str, &str, &str, &str)] = &[
    (
        "export",
        "CSV export is empty",
        "The export finishes but the file has no rows.",
        "Reindexed the export job; rows are back",
    ),
    (
        "export",
        "Exported spreadsheet missing orders",
        "Exporting last month gives a spreadsheet without the orders.",
        "Export filter had a wrong date range",
    ),
    (
        "export",
        "Download of report fails",
        "The exported CSV download stops at 0 bytes.",
        "Cleared the export cache",
    ),
    (
        "password",
        "Password reset mail never arrives",
        "I asked for a reset link twice and got nothing.",
        "Whitelisted our sender at their mail host",
    ),
    (
        "password",
        "Cannot log in after password change",
        "Changed my password and now the login says wrong password.",
        "Old sessions kept the old password; signed them out",
    ),
    (
        "password",
        "Reset link expired",
        "The password reset link says it has expired.",
        "Links last 1 hour; sent a fresh reset",
    ),
    (
        "invoice",
        "Invoice shows wrong VAT",
        "Our invoice charges VAT although we gave our VAT number.",
        "Added the VAT number and reissued the invoice",
    ),
    (
        "invoice",
        "Charged twice this month",
        "The card was charged two times for the same invoice.",
        "Refunded the duplicate charge",
    ),
    (
        "invoice",
        "Need invoices with company address",
        "Invoices should carry our company billing address.",
        "Billing address set on the account",
    ),
    (
        "crash",
        "App crashes on start",
        "The Android app crashes right after the splash screen.",
        "Fixed in app version 4.2.1",
    ),
    (
        "crash",
        "iPhone app closes when opening camera",
        "Opening the camera scanner, the app closes itself.",
        "Camera permission reset; crash fixed in 4.2.2",
    ),
    (
        "crash",
        "Mobile app freezes and crashes",
        "After the update the app freezes, then crashes.",
        "Reinstalling the app cleared the corrupt cache",
    ),
];

const ASKED: &[(&str, &str, &str)] = &[
    (
        "export",
        "Export gives an empty file",
        "When I export the orders to CSV the file is empty, no rows at all.",
    ),
    (
        "password",
        "No password reset email",
        "The reset password email does not arrive.",
    ),
    (
        "invoice",
        "Wrong amount on invoice",
        "The invoice charged us twice and the VAT is wrong.",
    ),
    (
        "crash",
        "App crash after update",
        "Since the update the app crashes when it starts.",
    ),
];

#[test]
fn the_top_three_are_the_tickets_of_the_same_kind() {
    let env = TestEnv::solo();
    env.set_now("2026-11-02T09:00:00Z");
    let mut kind_of = std::collections::HashMap::new();
    for (kind, title, description, solved) in DESK {
        let id = env.new_ticket_with("ana", title, &["--body", description]);
        env.baton(&["--as", "ana", "reply", &id, "Looking into it"])
            .success();
        env.baton(&["--as", "ana", "resolve", &id, "--note", solved])
            .success();
        kind_of.insert(id, *kind);
    }
    let mut hits = 0;
    for (kind, title, description) in ASKED {
        let id = env.new_ticket_with("ana", title, &["--body", description]);
        let out = env.baton(&["similar", &id, "--limit", "3", "--json"]);
        out.success();
        let found = out.json();
        let found = found.as_array().unwrap();
        assert_eq!(found.len(), 3, "{title}: {found:?}");
        let right = found
            .iter()
            .filter(|m| kind_of.get(m["id"].as_str().unwrap()) == Some(kind))
            .count();
        assert!(right >= 2, "{title}: only {right} of 3 right: {found:#?}");
        assert!(found[0]["resolution"].is_string(), "{found:?}");
        hits += right;
    }
    let precision = hits as f64 / (3 * ASKED.len()) as f64;
    assert!(precision >= 0.9, "precision at 3 is {precision}");
}

#[test]
fn the_text_shows_how_each_was_solved_and_an_unknown_id_is_refused() {
    let env = TestEnv::solo();
    let a = env.new_ticket("ana", "CSV export is empty");
    env.baton(&[
        "--as",
        "ana",
        "resolve",
        &a,
        "--note",
        "Reindexed the export job",
    ])
    .success();
    let b = env.new_ticket("ana", "Export empty again");
    let out = env.baton(&["similar", &b]);
    out.success();
    assert!(out.stdout.contains("CSV export is empty"), "{}", out.stdout);
    assert!(
        out.stdout.contains("solved: Reindexed the export job"),
        "{}",
        out.stdout
    );
    let none = env.baton(&["similar", &a]);
    none.success();
    assert!(
        none.stdout.starts_with("No resolved ticket is like"),
        "{}",
        none.stdout
    );
    let bad = env.baton(&["similar", "ffff"]);
    assert_ne!(bad.code, 0);
}
