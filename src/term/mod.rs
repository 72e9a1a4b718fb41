//! Terminal input: the questions asked of a person at the keyboard, their own
//! editor for long text, and what Ctrl-C does meanwhile. Output goes through
//! [`crate::render`]; this module only reads what a person types.
//!
//! Commands come here only when `Ctx::can_prompt` says a person is there, and
//! every question has a flag that answers it instead.

pub mod editor;
pub mod interrupt;
pub mod prompt;
