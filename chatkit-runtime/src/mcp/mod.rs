//! MCP (the Model Context Protocol) both ways, on the official `rmcp` SDK.
//!
//! - **Tools from MCP servers.** An [`McpServer`] (streamable HTTP or a child
//!   process on stdio) added to an agent with
//!   [`Agent::mcp_server`](crate::agent::Agent::mcp_server) offers its tools to
//!   the model each turn, next to the agent's own.
//! - **Tools served over MCP.** An [`McpService`] serves `#[function_tool]`s
//!   (any [`Tool`](crate::tool::Tool)) over streamable HTTP, behind the same
//!   [`Authenticator`](crate::http::Authenticator) as the ChatKit endpoint.
//!
//! An agent whose tools live on an MCP server, as in the Agents SDK's
//! `MCPServerStreamableHttp(name="Todo MCP", params={"url": ..., "timeout": 30}, cache_tools_list=True)`:
//!
//! ```no_run
//! use chatkit_runtime::agent::Agent;
//! use chatkit_runtime::mcp::McpServer;
//! use chatkit_runtime::model;
//!
//! # fn build() -> Result<Agent, Box<dyn std::error::Error>> {
//! let todo = McpServer::http("Todo MCP", "http://localhost:8000/api/mcp").cache_tools_list(true);
//! let agent = Agent::with_model("todo", model::from_env()?)
//!     .instructions("You manage the user's tasks with your tools.")
//!     .mcp_server(todo);
//! # Ok(agent) }
//! ```
//!
//! # What the agent does with an MCP server's tools
//!
//! - **Listing.** Tools are listed for each turn, or once with
//!   [`cache_tools_list`](McpServer::cache_tools_list) until
//!   [`invalidate_tools_cache`](McpServer::invalidate_tools_cache) or the
//!   server's `notifications/tools/list_changed`. Pages are followed. Allow
//!   and block lists and a per-request closure filter them.
//! - **Names.** An MCP tool is offered under its own name. The agent's own
//!   tool of the same name wins (one warning in the log). Two servers
//!   offering one name are an error naming both, unless the agent uses
//!   [`prefix_mcp_tool_names`](crate::agent::Agent::prefix_mcp_tool_names):
//!   `mcp_<server>__<tool>`, with a short hash when that collides or passes
//!   64 characters. A name providers refuse is sanitized the same way. The
//!   server is always called with the tool's own name.
//! - **Schemas.** A missing `properties` is added. The schema is made strict
//!   for OpenAI when it can be: arguments the server does not require become
//!   nullable, and a `null` the model sends for one is left out of the call,
//!   so the server applies its default. Otherwise the tool is offered
//!   without strict mode, and the log says why, once. Gemini gets its own dialect.
//! - **Results.** Text blocks are text, images are images, other blocks are
//!   their JSON; one block alone, several as a list. `structuredContent`
//!   instead, with [`use_structured_content`](McpServer::use_structured_content).
//!   `isError: true` is an error the model sees, not a failed run. A result
//!   over [`max_result_bytes`](McpServer::max_result_bytes) (1 MiB) is an error the model sees.
//! - **Time.** Every call has a [`timeout`](McpServer::timeout) (30 s), after
//!   which the server is sent `notifications/cancelled`. So is it when the
//!   ChatKit client disconnects mid-call. The server's `notifications/progress`
//!   become ChatKit `progress_update` events.
//! - **Faults.** A server that is down, drops the connection or expires the
//!   session is reconnected on next use, with backoff (200 ms doubling to
//!   5 s) between failed attempts. When a [required](McpServer::required)
//!   server (the default) cannot list its tools, the turn ends with a
//!   retryable `error` event naming it. An optional one is skipped for that
//!   turn with a warning. Garbage from a server is an error, never a panic.
//!
//! # Widgets across MCP
//!
//! A tool that shows a widget (`ctx.stream_widget(..)`) while served by
//! [`McpService`] returns it in its result as an embedded text resource:
//!
//! ```json
//! {"type": "resource", "resource": {
//!     "uri": "chatkit://widget/0",
//!     "mimeType": "application/vnd.chatkit.widget+json",
//!     "text": "{\"type\":\"Card\",\"children\":[...]}",
//!     "_meta": {"chatkit/copy_text": "Tasks: buy milk"}
//! }}
//! ```
//!
//! Our client streams such a widget into the ChatKit thread, as it would a
//! local tool's, and gives the model only the other blocks. A widget that
//! is not valid JSON of the widget catalogue is dropped, with the reason in
//! the log. Any MCP server can use this convention: return the block above
//! next to a text block for the model.
//!
//! [`WIDGET_MIME_TYPE`] is the MIME type.

mod client;
mod content;
mod names;
mod schema;
mod service;
mod toolset;

pub use client::{McpError, McpServer, McpToolInfo};
pub use service::McpService;
pub(crate) use toolset::resolve;

/// The MIME type of a ChatKit widget in an MCP result: an embedded text
/// resource whose text is the widget's JSON.
pub const WIDGET_MIME_TYPE: &str = "application/vnd.chatkit.widget+json";
