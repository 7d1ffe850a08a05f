//! Self-hosted ChatKit backends in Rust.
//!
//! This crate grows into the ChatKit protocol server, the thread stores and
//! the agent runtime. Today it re-exports the typed widget tree, so an app
//! depends on one crate:
//!
//! ```
//! use chatkit_runtime::widgets::{widget, Card};
//!
//! let card: Card = widget! { Card { Text { value: "Hello" } } };
//! assert_eq!(
//!     serde_json::to_string(&card).unwrap(),
//!     r#"{"type":"Card","children":[{"type":"Text","value":"Hello"}]}"#,
//! );
//! ```
#![warn(clippy::unwrap_used)]

/// Typed ChatKit widgets and the `widget!` DSL (the `widget-dsl` crate).
pub mod widgets {
    pub use widget_dsl::*;
}

pub use widget_dsl::widget;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
