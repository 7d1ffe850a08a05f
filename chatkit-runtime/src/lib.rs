//! Self-hosted ChatKit backends in Rust.
//!
//! An app implements [`ChatKitServer`](server::ChatKitServer) (only
//! `respond` is required) and serves it with [`ChatKit`](server::ChatKit),
//! which speaks the whole ChatKit protocol: the 16 request types, streamed
//! events over SSE, threads and items in a [`Store`](store::Store), widget
//! actions, attachments, retries and cancellation.
//!
//! ```no_run
//! use chatkit_runtime::async_trait;
//! use chatkit_runtime::protocol::UserMessageItem;
//! use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
//! use chatkit_runtime::store::SqliteStore;
//!
//! struct Echo;
//!
//! #[async_trait]
//! impl ChatKitServer<()> for Echo {
//!     async fn respond(&self, _thread: &ThreadHandle, input: Option<&UserMessageItem>,
//!                      events: &EventSender, _ctx: &()) -> Result<(), StreamError> {
//!         let text = input.map(UserMessageItem::text).unwrap_or_default();
//!         events.assistant_message(format!("You said: {text}")).await?;
//!         Ok(())
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let chatkit = ChatKit::new(Echo, SqliteStore::open("sqlite://chatkit.db").await?);
//!     let app = axum::Router::new().route("/chatkit", chatkit.into_route());
//!     axum::serve(tokio::net::TcpListener::bind("127.0.0.1:8000").await?, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! Tools for the model are written with [`#[function_tool]`](function_tool)
//! and widgets with [`widget!`]; see [`tool`] and [`widgets`]. A server
//! binary's whole `main` is one [`launch::Launch`]; [`http::App`] is the
//! production HTTP layer, and it serves the browser
//! [playground](crate::playground) when asked to.
//!
//! # Cargo features
//!
//! - `playground` (default): the browser playground, embedded in the
//!   binary (`chatkit_runtime::playground`, `HttpConfig::playground`,
//!   `CHATKIT_PLAYGROUND`).
//! - `mcp`: [MCP](crate::mcp) both ways, on `rmcp`: agents use the tools of
//!   MCP servers (`Agent::mcp_server`), and `McpService` serves tools over
//!   streamable HTTP.
#![warn(clippy::unwrap_used)]
#![doc = include_str!("../docs/function_tool.md")]

pub mod agent;
pub mod attachments;
mod context;
pub mod http;
pub mod launch;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod model;
pub mod outbound;
#[cfg(feature = "playground")]
pub mod playground;
pub mod protocol;
pub mod server;
pub mod store;
mod sync;
pub mod tool;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use async_trait::async_trait;
pub use context::{AgentContext, CapturedWidget, ClientToolCall, WorkflowHandle};

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
