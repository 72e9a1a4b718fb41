//! baton: a terminal ticket tracker for support work. Every ticket is one TOML
//! file with exactly one owner and its whole history; tickets nobody solves in
//! time escalate by themselves.
//!
//! Data flows one way: [`cli`] → [`cmd`] → [`core`] (decide) → [`store`]
//! (persist) → [`render`] (show); [`term`] reads what a person types at a
//! terminal; [`io`] holds the adapters to git, hooks and mail; [`ctx`] is the
//! only door to the environment, the clock and the local time zone.

pub mod cli;
pub mod cmd;
pub mod core;
pub mod ctx;
pub mod error;
pub mod io;
pub mod render;
pub mod store;
pub mod term;
