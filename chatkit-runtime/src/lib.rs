//! Self-hosted ChatKit backends in Rust.
//!
//! This crate grows into the ChatKit protocol server, the thread stores and
//! the agent runtime. Today it holds the tool layer ([`#[function_tool]`](function_tool),
//! [`Tool`](tool::Tool)) and re-exports the typed widget tree:
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
#![doc = include_str!("../docs/function_tool.md")]

pub mod attachments;
mod context;
pub mod protocol;
pub mod server;
pub mod store;
pub mod tool;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use async_trait::async_trait;
pub use context::AgentContext;

/// Typed ChatKit widgets and the `widget!` DSL (the `widget-dsl` crate).
pub mod widgets {
    pub use widget_dsl::*;
}

pub use widget_dsl::widget;

#[doc = include_str!("../docs/function_tool_attr.md")]
pub use chatkit_macros::function_tool;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
