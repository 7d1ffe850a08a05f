//! Self-hosted ChatKit backends in Rust.
//!
//! An app implements [`ChatKitServer`](server::ChatKitServer) (only
//! `respond` is required) and serves it with [`ChatKit`](server::ChatKit),
//! which speaks the whole ChatKit protocol: the 16 request types, streamed
//! events over SSE, threads and items in a [`Store`](store::Store), widget
//! actions, attachments, retries and cancellation.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")] mod doc {
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
//! # }
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
//! The default ones are `sqlite`, `openai` and `playground`: a server on an
//! SQLite file, with the model providers and the playground.
//!
//! | feature | default | what it adds | dependencies |
//! |---|---|---|---|
//! | `sqlite` | yes | `store::SqliteStore`; `sqlite:` URLs in [`store::open`] and [`store::open_from_env`] (`DATABASE_URL`, whose default is `sqlite://chatkit.db`) | sqlx with SQLite (compiled in) |
//! | `postgres` | | `store::PostgresStore`; `postgres://` and `postgresql://` URLs there | sqlx with PostgreSQL, TLS on rustls with ring |
//! | `openai` | yes | the HTTP models: `OpenAiResponsesModel`, `ChatCompletionsModel` (OpenAI, Gemini, Azure OpenAI, compatible servers), `RetryPolicy`, `openai_client`, `OPENAI_BASE_URL`, `GEMINI_BASE_URL`; the providers of [`model::from_env`] | async-openai, secrecy, http, tower, and `outbound`'s |
//! | `jwt` | | bearer JWTs: `http::JwtAuthenticator`, `JwtConfig`, `Auth::Jwt`, the `JWT_*` variables | jsonwebtoken, and `outbound`'s (for `JWT_JWKS_URL`) |
//! | `mcp` | | `chatkit_runtime::mcp`: MCP both ways, on `rmcp`: agents use the tools of MCP servers (`Agent::mcp_server`), and `McpService` serves tools over streamable HTTP | rmcp, and `outbound`'s |
//! | `playground` | yes | the browser [playground](crate::playground), embedded in the binary (`HttpConfig::playground`, `CHATKIT_PLAYGROUND`) | |
//!
//! `outbound`, the one HTTPS client of the crate (reqwest, rustls with ring,
//! webpki-roots; no aws-lc, no OpenSSL), comes with any of `openai`, `jwt`
//! and `mcp`. With no feature at all (`default-features = false`), the
//! crate is the protocol server, [`MemoryStore`](store::MemoryStore), the
//! agent runner with [`CommandModel`](model::CommandModel) and
//! [`ScriptedModel`](model::ScriptedModel), and the HTTP layer with
//! development authentication.
//!
//! Configuration that needs a feature left out is an error naming it, never
//! ignored: a `sqlite:` or `postgres://` URL in [`store::open`]
//! ([`StoreError::Config`](store::StoreError::Config)); a provider's
//! variable (`OPENAI_API_KEY`, `LLM_PROVIDER`, `AZURE_OPENAI_*`, ...) in
//! [`model::from_env`] and [`model::from_env_or_offline`]
//! ([`ConfigError::FeatureDisabled`](model::ConfigError::FeatureDisabled));
//! a `JWT_*` variable in [`http::Auth::from_env`], and so in
//! [`http::ServerEnv`] and [`launch::Launch`], which stop at startup.
//!
//! A production server on PostgreSQL with JWT authentication:
//!
//! ```toml
//! chatkit-runtime = { version = "0.1", features = ["postgres", "jwt"] }
//! ```
#![warn(clippy::unwrap_used)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../docs/function_tool.md")]

pub mod agent;
pub mod attachments;
mod context;
pub mod http;
pub mod launch;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod model;
#[cfg(any(feature = "openai", feature = "jwt", feature = "mcp"))]
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
