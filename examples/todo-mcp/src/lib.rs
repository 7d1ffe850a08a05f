//! The seed's todo app, in Rust: the todo tools of [`example_todo`]
//! (`add_task`, `list_tasks`, `complete_task`, `delete_task`,
//! `update_task`) served over MCP at `/api/mcp`, and a todo assistant that
//! gets them only through MCP, as the Agents SDK's
//! `MCPServerStreamableHttp(name="Todo MCP", params={"url": ".../api/mcp", "timeout": 30}, cache_tools_list=True)`.
//! ChatKit JS talks to `/chatkit`; simple clients to `/api/chat`.
//!
//! By default the assistant calls the MCP route of its own server; with
//! `TODO_MCP_URL` it calls another one (a second process of this binary,
//! say). The list widget `list_tasks` shows reaches the ChatKit thread
//! through MCP, as a widget resource.
//!
//! Each MCP call acts as the chat's user: the assistant sends the user's id
//! with a key only the assistant and the MCP server know ([`ToolAuth`],
//! `TODO_MCP_KEY`, random per process unless set); any other MCP client
//! authenticates as at `/chatkit` (a JWT, or the development header).

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use chatkit_runtime::agent::Agent;
use chatkit_runtime::async_trait;
use chatkit_runtime::http::{AuthError, Authenticator, User};
use chatkit_runtime::launch::{BoxError, Setup};
use chatkit_runtime::mcp::{McpServer, McpService};
use chatkit_runtime::model::Model;
use chatkit_runtime::server::ChatKit;
use example_todo::{
    INSTRUCTIONS, Tasks, TodoServer, add_task, complete_task, delete_task, list_tasks, update_task,
};

/// Where the todo tools are served.
pub const MCP_PATH: &str = "/api/mcp";
/// The header with the assistant's key, on its MCP calls.
pub const KEY_HEADER: &str = "x-todo-assistant-key";
/// The header with the chat's user id, on the assistant's MCP calls.
pub const USER_HEADER: &str = "x-todo-user";

/// The todo tools over MCP, acting on `tasks` as the authenticated user.
pub fn mcp_service(tasks: Tasks, auth: ToolAuth) -> McpService<User> {
    McpService::with_auth("todo", auth)
        .instructions("Todo tools: each call acts on the authenticated user's own tasks.")
        .extension(tasks)
        .tool(add_task::tool())
        .tool(list_tasks::tool())
        .tool(complete_task::tool())
        .tool(delete_task::tool())
        .tool(update_task::tool())
}

/// The assistant: no tools of its own, the todo tools from the MCP server
/// at `url`, called as the chat's user.
pub fn assistant(model: Arc<dyn Model>, url: &str, key: &str) -> Agent<User> {
    let key = key.to_owned();
    let todo = McpServer::<User>::http_with_context("Todo MCP", url)
        .timeout(Duration::from_secs(30))
        .cache_tools_list(true)
        .headers_from(move |ctx| {
            vec![
                (KEY_HEADER.to_owned(), key.clone()),
                (USER_HEADER.to_owned(), ctx.context().id.clone()),
            ]
        });
    Agent::with_model("todo", model)
        .instructions(INSTRUCTIONS)
        .mcp_server(todo)
}

/// Who an MCP call is from: the assistant, for the user it names, when it
/// shows the key; anyone else as the app's authenticator says.
pub struct ToolAuth {
    key: String,
    app: Arc<dyn Authenticator<User>>,
}

impl ToolAuth {
    /// The assistant's `key`, and the app's authenticator for other clients.
    pub fn new(key: impl Into<String>, app: Arc<dyn Authenticator<User>>) -> Self {
        Self {
            key: key.into(),
            app,
        }
    }
}

/// Compares without stopping at the first difference, so the time taken
/// says nothing about the key.
fn same_key(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[async_trait]
impl Authenticator<User> for ToolAuth {
    async fn authenticate(&self, parts: &Parts) -> Result<User, AuthError> {
        let Some(key) = parts.headers.get(KEY_HEADER) else {
            return self.app.authenticate(parts).await;
        };
        if !same_key(key.as_bytes(), self.key.as_bytes()) {
            return Err(AuthError::invalid("wrong assistant key"));
        }
        let user = parts
            .headers
            .get(USER_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|id| !id.is_empty())
            .ok_or_else(|| AuthError::invalid("the assistant named no user"))?;
        Ok(User::new(user))
    }

    fn describe(&self) -> String {
        format!("todo assistant key, or {}", self.app.describe())
    }
}

/// The app of `setup`: the assistant on `/chatkit` and `/api/chat`, the
/// todo tools on [`MCP_PATH`], threads and tasks in `DATABASE_URL`.
///
/// # Errors
/// When the database cannot be opened.
pub async fn build(setup: Setup<Arc<dyn Model>>) -> Result<ChatKit<TodoServer, User>, BoxError> {
    let (store, tasks) = example_todo::open(setup.database_url()).await?;
    let key = std::env::var("TODO_MCP_KEY")
        .ok()
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let url = std::env::var("TODO_MCP_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("http://{}{MCP_PATH}", loopback(setup.addr())));
    let tools = mcp_service(tasks.clone(), ToolAuth::new(key.clone(), setup.auth()));
    setup.merge(axum::Router::new().route(MCP_PATH, tools.into_route()));
    let agent = assistant(setup.model(), &url, &key);
    let server = TodoServer::new(agent, Arc::clone(&store), tasks);
    Ok(ChatKit::with_store(server, store))
}

/// The address to call a server listening on `addr`: a wildcard address
/// is reached on loopback.
fn loopback(addr: &str) -> String {
    match addr.rsplit_once(':') {
        Some(("0.0.0.0" | "[::]" | "", port)) => format!("127.0.0.1:{port}"),
        _ => addr.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_called_on_loopback() {
        assert_eq!(loopback("0.0.0.0:8000"), "127.0.0.1:8000");
        assert_eq!(loopback("[::]:8000"), "127.0.0.1:8000");
        assert_eq!(loopback("127.0.0.1:9000"), "127.0.0.1:9000");
    }

    #[test]
    fn keys_compare_whole() {
        assert!(same_key(b"abc", b"abc"));
        assert!(!same_key(b"abc", b"abd"));
        assert!(!same_key(b"abc", b"ab"));
    }
}
