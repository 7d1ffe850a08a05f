//! [`McpService`]: tools served over MCP's streamable HTTP.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum::routing::MethodRouter;
use rmcp::RoleServer;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorData, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::content;
use crate::AgentContext;
use crate::http::Authenticator;
use crate::tool::{ErrorVisibility, SchemaDialect, Tool, ToolErrorKind, ToolOutput};

/// The largest JSON-RPC request body accepted.
const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Tools served over MCP (streamable HTTP), built from the same [`Tool`]s
/// an agent takes: each `#[function_tool]` is listed with its name,
/// description, strict input schema and annotations.
///
/// Each call runs with the context the [`Authenticator`] makes from the
/// HTTP request (a request it refuses gets 401 before any JSON-RPC), so
/// tools stay scoped by user. A tool's widgets come back in its result as
/// [widget resources](super#widgets-across-mcp).
///
/// ```no_run
/// use chatkit_runtime::function_tool;
/// use chatkit_runtime::mcp::McpService;
///
/// /// Add two numbers.
/// #[function_tool(read_only, idempotent)]
/// async fn add(a: i64, b: i64) -> i64 {
///     a + b
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// use axum::serve::ListenerExt as _;
///
/// let mcp = McpService::new("calculator").tool(add::tool());
/// let app = axum::Router::new().route("/api/mcp", mcp.into_route());
/// // Answers are small writes: without TCP_NODELAY each waits ~40 ms for a
/// // delayed ACK (`App::serve` and `Launch` set it).
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?
///     .tap_io(|tcp| { let _ = tcp.set_nodelay(true); });
/// axum::serve(listener, app).await
/// # }
/// ```
pub struct McpService<C = ()> {
    name: String,
    version: String,
    instructions: Option<String>,
    tools: Vec<Arc<dyn Tool<C>>>,
    auth: Option<Arc<dyn Authenticator<C>>>,
    allowed_hosts: Option<Vec<String>>,
    allowed_origins: Vec<String>,
    max_body_bytes: usize,
    error_visibility: ErrorVisibility,
    extensions: axum::http::Extensions,
    stateless: bool,
    /// The context of calls without authentication (`McpService::new`).
    anonymous: Option<fn() -> C>,
}

/// The context an authenticated request carries to the handler.
#[derive(Clone)]
struct Authenticated<C>(C);

impl McpService<()> {
    /// A service named `name` whose tools take no context and whose
    /// requests are not authenticated (Host and Origin are still checked).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            anonymous: Some(|| ()),
            ..Self::build(name.into(), None)
        }
    }
}

impl<C: Clone + Send + Sync + 'static> McpService<C> {
    /// A service whose requests `auth` turns into the context of each call
    /// (an `Arc<dyn Authenticator<C>>` shares the ChatKit endpoint's).
    pub fn with_auth(name: impl Into<String>, auth: impl Authenticator<C>) -> Self {
        Self::build(name.into(), Some(Arc::new(auth)))
    }

    fn build(name: String, auth: Option<Arc<dyn Authenticator<C>>>) -> Self {
        Self {
            name,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            instructions: None,
            tools: Vec::new(),
            auth,
            allowed_hosts: None,
            allowed_origins: loopback_origins(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            error_visibility: ErrorVisibility::Redacted,
            extensions: axum::http::Extensions::new(),
            stateless: false,
            anonymous: None,
        }
    }

    /// Serves a tool.
    #[must_use]
    pub fn tool(mut self, tool: impl Tool<C>) -> Self {
        self.tools.push(Arc::new(tool));
        self
    }

    /// Serves a shared tool.
    #[must_use]
    pub fn shared_tool(mut self, tool: Arc<dyn Tool<C>>) -> Self {
        self.tools.push(tool);
        self
    }

    /// The version in the server's `initialize` answer (the crate's by default).
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Instructions sent to clients at `initialize`.
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// The `Host` headers accepted (DNS-rebinding protection): by default
    /// `localhost`, `127.0.0.1` and `::1`, any port. A public deployment
    /// lists its own host names.
    #[must_use]
    pub fn allowed_hosts(mut self, hosts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// The browser `Origin`s accepted (requests without one, from programs,
    /// always are): by default loopback origins on any port.
    #[must_use]
    pub fn allowed_origins(mut self, origins: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// The largest request body (1 MiB by default); a larger one gets 413.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Whether clients see the detail of tool errors, unless a tool says
    /// otherwise (hidden by default, as for agents).
    #[must_use]
    pub fn error_visibility(mut self, visibility: ErrorVisibility) -> Self {
        self.error_visibility = visibility;
        self
    }

    /// App state tools read with [`AgentContext::extension`].
    #[must_use]
    pub fn extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions.insert(value);
        self
    }

    /// Serves without sessions: each POST is answered on its own, as JSON.
    /// Off by default (sessions, with SSE answers and server notifications).
    #[must_use]
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.stateless = stateless;
        self
    }

    /// The tools' names, as listed.
    pub fn tool_names(&self) -> Vec<&str> {
        self.tools.iter().map(|tool| tool.name()).collect()
    }

    /// The route to mount, e.g. at `/api/mcp`: `POST` for JSON-RPC, `GET`
    /// for the server's event stream, `DELETE` to end a session.
    pub fn into_route(self) -> MethodRouter {
        let handler = Handler {
            shared: Arc::new(self.shared()),
        };
        let mut config = StreamableHttpServerConfig::default()
            .with_allowed_origins(self.allowed_origins.clone())
            .with_max_request_body_bytes(self.max_body_bytes);
        if !self.allowed_origins.is_empty() {
            config = config.enforce_origin_validation();
        }
        if let Some(hosts) = &self.allowed_hosts {
            config = config.with_allowed_hosts(hosts.clone());
        }
        if self.stateless {
            config = config
                .with_legacy_session_mode(false)
                .with_json_response(true);
        }
        let service = StreamableHttpService::new(
            move || Ok(handler.clone()),
            Arc::new(LocalSessionManager::default()),
            config,
        );
        let route = axum::routing::any_service(service).layer(
            axum::middleware::from_fn_with_state(self.max_body_bytes, check_json_rpc),
        );
        match self.auth {
            Some(auth) => route.layer(axum::middleware::from_fn_with_state(
                auth,
                authenticate::<C>,
            )),
            None => route,
        }
    }

    fn shared(&self) -> Shared<C> {
        let mut listed = Vec::with_capacity(self.tools.len());
        let mut tools = Vec::with_capacity(self.tools.len());
        for tool in &self.tools {
            match listing(tool.as_ref()) {
                Ok(entry) => {
                    listed.push(entry);
                    tools.push(Arc::clone(tool));
                }
                Err(error) => tracing::warn!(
                    mcp_service = %self.name,
                    tool = tool.name(),
                    "tool not served: its parameters have no JSON Schema: {error}"
                ),
            }
        }
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(self.name.clone(), self.version.clone()));
        if let Some(instructions) = &self.instructions {
            info = info.with_instructions(instructions.clone());
        }
        Shared {
            tools,
            listing: ListToolsResult::with_all_items(listed),
            info,
            visibility: self.error_visibility,
            extensions: self.extensions.clone(),
            anonymous: self.anonymous,
        }
    }
}

fn loopback_origins() -> Vec<String> {
    ["http://localhost", "http://127.0.0.1", "http://[::1]"]
        .iter()
        .flat_map(|origin| [(*origin).to_owned(), format!("{origin}:*")])
        .collect()
}

/// A tool as `tools/list` shows it.
fn listing<C: 'static>(tool: &dyn Tool<C>) -> Result<rmcp::model::Tool, crate::tool::SchemaError> {
    let schema = tool.parameters(SchemaDialect::OpenAi)?;
    let serde_json::Value::Object(schema) = schema else {
        return Err(crate::tool::SchemaError::new("", "not an object"));
    };
    let annotations = tool.annotations();
    let mut listed = rmcp::model::Tool::new(
        tool.name().to_owned(),
        tool.description().to_owned(),
        Arc::new(schema),
    );
    if annotations != crate::tool::ToolAnnotations::default() {
        if let Some(title) = &annotations.title {
            listed = listed.with_title(title.clone());
        }
        listed = listed.with_annotations(rmcp::model::ToolAnnotations::from_raw(
            annotations.title,
            annotations.read_only,
            annotations.destructive,
            annotations.idempotent,
            annotations.open_world,
        ));
    }
    Ok(listed)
}

/// A JSON-RPC error answered before the MCP layer.
fn rpc_error(status: StatusCode, code: i32, message: String) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    });
    (status, axum::Json(body)).into_response()
}

/// Answers a POST body that is too large, not JSON, or not JSON-RPC with
/// a JSON-RPC error (the MCP layer would answer it in plain text).
async fn check_json_rpc(State(limit): State<usize>, request: Request, next: Next) -> Response {
    if request.method() == axum::http::Method::DELETE {
        // The spec's clients expect 200 or 204 for an ended session (the
        // Python SDK warns on the 202 the MCP layer answers).
        let mut response = next.run(request).await;
        if response.status() == StatusCode::ACCEPTED {
            *response.status_mut() = StatusCode::NO_CONTENT;
        }
        return response;
    }
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return rpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            -32600,
            format!("Invalid Request: the body is over {limit} bytes"),
        );
    };
    let message: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(message) => message,
        Err(error) => {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                -32700,
                format!("Parse error: {error}"),
            );
        }
    };
    let is_message = |value: &serde_json::Value| {
        value.get("jsonrpc").and_then(serde_json::Value::as_str) == Some("2.0")
            && (value
                .get("method")
                .is_some_and(serde_json::Value::is_string)
                || value.get("result").is_some()
                || value.get("error").is_some())
    };
    let valid = match &message {
        serde_json::Value::Array(batch) => !batch.is_empty() && batch.iter().all(is_message),
        single => is_message(single),
    };
    if !valid {
        return rpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: expected a JSON-RPC 2.0 message".to_owned(),
        );
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

async fn authenticate<C: Clone + Send + Sync + 'static>(
    State(auth): State<Arc<dyn Authenticator<C>>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match auth.authenticate(&parts).await {
        Ok(context) => {
            parts.extensions.insert(Authenticated(context));
            next.run(Request::from_parts(parts, body)).await
        }
        Err(error) => {
            tracing::debug!("MCP request refused: {error}");
            error.into_response()
        }
    }
}

struct Shared<C> {
    tools: Vec<Arc<dyn Tool<C>>>,
    listing: ListToolsResult,
    info: ServerConfig,
    visibility: ErrorVisibility,
    extensions: axum::http::Extensions,
    anonymous: Option<fn() -> C>,
}

struct Handler<C> {
    shared: Arc<Shared<C>>,
}

impl<C> Clone for Handler<C> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<C: Clone + Send + Sync + 'static> Handler<C> {
    /// The context of the HTTP request behind `context`.
    fn context(&self, context: &RequestContext<RoleServer>) -> Result<C, ErrorData> {
        let parts = context.extensions.get::<axum::http::request::Parts>();
        if let Some(Authenticated(user)) =
            parts.and_then(|parts| parts.extensions.get::<Authenticated<C>>())
        {
            return Ok(user.clone());
        }
        if let Some(anonymous) = self.shared.anonymous {
            return Ok(anonymous());
        }
        Err(ErrorData::internal_error(
            "the request carries no authenticated context",
            None,
        ))
    }

    async fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let shared = &self.shared;
        let Some(tool) = shared.tools.iter().find(|tool| tool.name() == request.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                Some(serde_json::json!({"tool": request.name})),
            ));
        };
        let user = self.context(&context)?;
        let ctx = AgentContext::capturing_widgets(user).with_extensions(shared.extensions.clone());
        let arguments =
            serde_json::Value::Object(request.arguments.unwrap_or_default()).to_string();
        let output = tokio::select! {
            output = tool.call(&ctx, &arguments) => output,
            () = context.ct.cancelled() => {
                return Err(ErrorData::internal_error("the call was cancelled", None));
            }
        };
        if let ToolOutput::Error(error) = &output
            && error.kind() == ToolErrorKind::InvalidArguments
        {
            return Err(ErrorData::invalid_params(error.message().to_owned(), None));
        }
        let widgets = ctx.take_captured_widgets();
        let visibility = tool.error_visibility().unwrap_or(shared.visibility);
        Ok(CallToolResponse::Complete(content::send(
            &output, &widgets, visibility,
        )))
    }
}

impl<C: Clone + Send + Sync + 'static> ServerHandler for Handler<C> {
    fn get_info(&self) -> ServerConfig {
        self.shared.info.clone()
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(self.shared.listing.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.call(request, context).await
    }
}
