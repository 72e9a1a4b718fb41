//! baton's end-to-end tests: one test binary that runs the real `baton` in a
//! sealed environment (see `common`). Each module covers one command or topic.

/// The sealed test environment: temp store, cleared environment, fixed clock.
mod common;

// Commands, one file each (reply and note share messages.rs; wait, resolve,
// reopen and close share status.rs).
/// Checklists in `show` and `baton found`: facts missing and found by hand.
mod checklist_show;
/// `baton doctor`: finding and repairing hand edits.
mod doctor;
/// `baton merge`: duplicates closed into the ticket they repeat, mail following.
mod duplicates;
/// `baton edit`: content fields.
mod edit;
/// `baton escalate`: the sweep, deadlines, `--dry-run` and `--warn`.
mod escalate;
/// `baton init`: creating a store.
mod init;
/// `baton list`: filters, order, the DUE column, JSON.
mod list;
/// `baton new --from-mail`: e-mail intake, threading, rejected mail, acknowledgements.
mod mail;
/// `baton intake --maildir`: a Maildir filed exactly once, killed or not.
mod maildir;
/// `baton merge-driver` run by hand, as git runs it.
mod merge_driver;
/// `baton reply` and `baton note`.
mod messages;
/// `baton new`: opening tickets.
mod new;
/// `baton outbox`, `mail test`, saved replies: mail to customers through a real SMTP server.
mod outbox;
/// `baton pass`: handing a ticket on.
mod pass;
/// `baton people` (add, edit, remove) and `baton whoami`: the team.
mod people;
/// `baton people rename`: the old name mapped, tickets moved, history kept.
mod people_rename;
/// `baton promise` and `reply --promise`: promises kept, broken, warned and told.
mod promises;
/// Bare `baton`: your queue, or the user config's `default`.
mod queue;
/// `baton rate` and `baton log`: satisfaction and time spent.
mod rate_log;
/// `baton report`: the month-end figures.
mod report;
/// `baton report --html`: the page, rendered in headless Chromium.
mod report_html;
/// `baton search`: words in any field, any status.
mod search;
/// `baton show`: one ticket in full.
mod show;
/// `baton similar`: resolved tickets like one, ranked by BM25.
mod similar;
/// Similar tickets in `show` and the `created` hook; problems offered at intake.
mod similar_show;
/// `baton wait`, `resolve`, `reopen` and `close`.
mod status;
/// `baton take`: making a ticket yours.
mod take;
/// `baton undo`: reverted events, who may undo what, undo across clones.
mod undo;
/// `baton wait --until`: a time to come back, shown, and the sweep's reopening.
mod wait_until;

// Topics that cut across commands.
/// The acknowledgement limit counts where acknowledgements go (Reply-To).
mod ack_limit;
/// Attachments of mail: kept by hash, shown, written out, checked by doctor.
mod attachments;
/// The read cache: damaged, stale or bypassed, answers stay the files' answers.
mod cache;
/// Business hours and holidays: the calendar the escalation clock counts on.
mod calendar;
/// Colour: on a terminal or when asked, never with NO_COLOR or in JSON.
mod color;
/// Tab completion: scripts, candidates, bash completing an id.
mod completions;
/// Bounced mail flagged in `list` (`--failed`, `delivery_failed`).
mod delivery;
/// The repository's own demo store in `tickets/`.
mod demo_store;
/// Finding the store: walking up, `--store`, `BATON_STORE`.
mod discovery;
/// The environment: empty variables count as unset, `BATON_NOW`'s years.
mod environment;
/// Errors and exit codes every command shares.
mod errors;
/// The ticket file format, the clock in files, broken files, terminal safety.
mod files;
/// Fuzzing the ticket, config and mail readers and the merge driver.
mod fuzz;
/// A team on git: init in a repository, two clones merging, auto-commit.
mod git;
/// `--help` of every command, examples, suggestions, manual pages.
mod help;
/// Hooks: payloads, failures, timeouts, where they may live, the sendmail hook.
#[cfg(unix)]
mod hooks;
/// Hostile input: broken files, escape sequences, paths as ids.
mod hostile;
/// Who is acting: `--as`, `BATON_USER`, the user config, git, a team of one.
mod identity;
/// Incidents: tickets linked to a problem, escalated, answered and resolved as one.
mod incidents;
/// The mail index: stale, damaged or bypassed, mail is filed as without it.
mod mail_index;
/// The pager for output longer than the screen (on a pseudo-terminal).
#[cfg(unix)]
mod pager;
/// Every --json document against the published JSON Schema.
mod schema;
/// Concurrent writers and writers killed mid-write.
mod stress;
/// Surveys: the sweep asks the customer, the answer rates the ticket.
#[cfg(unix)]
mod surveys;
/// At a terminal: prompts, the editor loop, colour (on a pseudo-terminal).
#[cfg(unix)]
mod terminal;
/// The optional file watcher: a real watchman server, never a wrong answer.
#[cfg(unix)]
mod watchman;
/// Tables and timelines fitted to a terminal's width (on a pseudo-terminal).
#[cfg(unix)]
mod width;
/// The word index of `similar` and `search`: kept like the cache, never a wrong answer.
mod words;
