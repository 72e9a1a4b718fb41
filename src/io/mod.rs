//! Adapters: every translation between the world outside baton and core's
//! types, one thin file each. `git` runs git as a subprocess, `hooks` runs the
//! user's executables with a JSON payload, `mail` reads an e-mail into core's
//! `Mail`, `maildir` lists and marks the messages of a Maildir. Nothing here
//! decides anything: rules live in `core/`, files of the store in `store/`,
//! output in `render/`.

pub mod git;
pub mod hooks;
pub mod mail;
pub mod maildir;
pub mod transport;
