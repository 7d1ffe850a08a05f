//! Run with: cargo run -p example-todo-mcp
//!
//! The seed's todo app: the todo tools over MCP at `/api/mcp`, and an
//! assistant that uses them only through MCP, on `/chatkit` (ChatKit JS, and
//! the playground at `/`) and `/api/chat` (simple SSE clients). Threads and
//! tasks in `DATABASE_URL` (SQLite by default, or PostgreSQL); the model
//! from `LLM_PROVIDER` (`gemini`, `openai`, `azure`, ...), or offline
//! commands ("add buy milk", "list", "complete 1") without an API key.
//! `TODO_MCP_URL` points the assistant at another MCP server.

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::launch::Launch;
use chatkit_runtime::playground::Playground;

#[tokio::main]
async fn main() -> ExitCode {
    let offline = example_todo::offline_model();
    let commands = offline.commands();
    Launch::new("chatkit todo app over MCP")
        .offline_model(move || Arc::new(offline), commands)
        .playground(Playground::new().gallery(example_widgets::gallery()))
        .run(example_todo_mcp::build)
        .await
}
