//! The pure core: tickets, events, replay, the escalation clock, the team and the
//! rules of ownership. Nothing here touches the disk, the terminal or the system
//! clock; "now" is always an argument.

pub mod action;
pub mod attachment;
pub mod automatic;
pub mod calendar;
pub mod canonical;
pub mod check;
pub mod checklist;
pub mod clock;
pub mod config;
pub mod config_keys;
pub mod duplicate;
pub mod duration;
pub mod form;
pub mod found;
#[cfg(test)]
mod fuzz;
pub mod handoff;
pub mod id;
pub mod incident;
pub mod intake;
pub mod merge;
pub mod merge_config;
pub mod metrics;
pub mod notice;
pub mod outgoing;
pub mod period;
pub mod promise;
pub mod query;
pub mod quote;
pub mod reminder;
pub mod replay;
pub mod search;
pub mod similar;
pub mod sla;
pub mod stats;
pub mod summary;
pub mod survey;
pub mod sweep;
pub mod team;
pub mod template;
pub mod ticket;
pub mod time;
pub mod typed;
pub mod undo;
pub mod view;
pub mod when;
