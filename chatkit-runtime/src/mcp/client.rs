//! [`McpServer`]: an MCP server whose tools an agent can call.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotification, CancelledNotificationParam,
    ClientNotification, ClientRequest, ProgressNotificationParam, ProgressToken, RequestId,
    ServerResult,
};
use rmcp::service::{NotificationContext, Peer, PeerRequestOptions, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceError, ServiceExt as _};
use serde_json::{Map, Value};

use super::content::{self, ReceiveOptions, visible_error};
use super::schema::{self, ToolSchema};
use crate::AgentContext;
use crate::protocol::ThreadStreamEvent;
use crate::server::EventSender;
use crate::sync::lock;
use crate::tool::{
    BoxFuture, ErrorVisibility, SchemaDialect, SchemaError, Tool, ToolAnnotations, ToolError,
    ToolErrorKind, ToolOutput,
};

/// How long a tool call or a listing may take, as in the Agents SDK.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting (and the MCP handshake) may take.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest result handed to the model.
const DEFAULT_MAX_RESULT_BYTES: usize = 1 << 20;
/// Reconnection backoff after a failed attempt: doubling, capped.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

type ToolFilter<C> = Arc<dyn Fn(&AgentContext<C>, &McpToolInfo) -> bool + Send + Sync>;
type HeadersFn<C> = Arc<dyn Fn(&AgentContext<C>) -> Vec<(String, String)> + Send + Sync>;
/// The most connections kept for [`McpServer::headers_from`], one per
/// distinct set of headers.
const MAX_CONNECTIONS: usize = 256;

/// An MCP server whose tools an agent can call: over streamable HTTP
/// ([`http`](Self::http)) or a child process on stdio ([`stdio`](Self::stdio)).
///
/// Added to an agent with [`Agent::mcp_server`](crate::agent::Agent::mcp_server).
/// The connection is made on first use and remade, with backoff, when the
/// server goes away or expires the session. Clones share the connection
/// and the cached tool list.
///
/// ```no_run
/// use std::time::Duration;
/// use chatkit_runtime::agent::Agent;
/// use chatkit_runtime::mcp::McpServer;
/// use chatkit_runtime::model::ScriptedModel;
///
/// let todo = McpServer::http("Todo MCP", "http://localhost:8000/api/mcp")
///     .bearer_token("secret")
///     .timeout(Duration::from_secs(30))
///     .cache_tools_list(true);
/// let files = McpServer::stdio("files", "npx")
///     .args(["-y", "@modelcontextprotocol/server-filesystem", "/tmp"])
///     .required(false)
///     .block_tools(["write_file"]);
/// let agent: Agent = Agent::new("assistant", ScriptedModel::new())
///     .mcp_server(todo)
///     .mcp_server(files);
/// ```
pub struct McpServer<C = ()> {
    config: Config<C>,
    state: Arc<State>,
}

impl<C> Clone for McpServer<C> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            state: Arc::clone(&self.state),
        }
    }
}

impl<C> fmt::Debug for McpServer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServer")
            .field("name", &self.config.name)
            .field("transport", &self.config.transport)
            .field("required", &self.config.required)
            .finish_non_exhaustive()
    }
}

struct Config<C> {
    name: String,
    transport: Transport,
    timeout: Duration,
    connect_timeout: Duration,
    cache_tools: bool,
    required: bool,
    structured: bool,
    max_result_bytes: usize,
    allow: Option<Vec<String>>,
    block: Vec<String>,
    filter: Option<ToolFilter<C>>,
    headers_from: Option<HeadersFn<C>>,
}

impl<C> Clone for Config<C> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            transport: self.transport.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            cache_tools: self.cache_tools,
            required: self.required,
            structured: self.structured,
            max_result_bytes: self.max_result_bytes,
            allow: self.allow.clone(),
            block: self.block.clone(),
            filter: self.filter.clone(),
            headers_from: self.headers_from.clone(),
        }
    }
}

#[derive(Clone)]
enum Transport {
    Http {
        url: String,
        headers: Vec<(String, String)>,
        bearer: Option<String>,
    },
    Stdio {
        program: OsString,
        args: Vec<OsString>,
        env: Vec<(OsString, OsString)>,
        cwd: Option<PathBuf>,
    },
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers and tokens are secrets: never in logs.
        match self {
            Self::Http { url, .. } => write!(f, "http({url})"),
            Self::Stdio { program, args, .. } => write!(f, "stdio({program:?} {args:?})"),
        }
    }
}

/// What clones share: the connection, the tool list, calls in flight.
#[derive(Default)]
struct State {
    /// By the request headers of [`McpServer::headers_from`] (one entry,
    /// `[]`, without it).
    connections: tokio::sync::Mutex<HashMap<Vec<(String, String)>, Connection>>,
    tools: Mutex<Option<Arc<[Arc<RemoteTool>]>>>,
    /// Calls in flight, by connection and progress token.
    progress: Mutex<HashMap<(u64, ProgressToken), ProgressRoute>>,
    next_connection: std::sync::atomic::AtomicU64,
    /// Messages logged once (a tool shadowed, a schema not strict).
    warned: Mutex<HashSet<String>>,
}

#[derive(Default)]
struct Connection {
    id: u64,
    service: Option<RunningService<RoleClient, Handler>>,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: String,
}

#[derive(Clone)]
struct ProgressRoute {
    events: EventSender,
    tool: String,
}

/// A tool as an MCP server lists it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct McpToolInfo {
    /// Its name on the server (the model may see another, see
    /// [`Agent::prefix_mcp_tool_names`](crate::agent::Agent::prefix_mcp_tool_names)).
    pub name: String,
    /// A display name.
    pub title: Option<String>,
    /// What it does.
    pub description: String,
    /// The JSON Schema of its arguments, as sent.
    pub input_schema: Value,
    /// The server's hints about it.
    pub annotations: ToolAnnotations,
}

/// A tool of the list, with its schemas converted once per listing.
pub(crate) struct RemoteTool {
    info: McpToolInfo,
    schema: ToolSchema,
}

/// An MCP server could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpError {
    server: String,
    message: String,
}

impl McpError {
    fn new(server: &str, message: impl Into<String>) -> Self {
        Self {
            server: server.to_owned(),
            message: message.into(),
        }
    }

    /// The server's name.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for McpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MCP server `{}`: {}", self.server, self.message)
    }
}

impl std::error::Error for McpError {}

impl McpServer<()> {
    /// A server at `url`, over streamable HTTP, named `name` in logs and
    /// errors. For an agent with a context type, see
    /// [`http_with_context`](McpServer::http_with_context).
    pub fn http(name: impl Into<String>, url: impl Into<String>) -> Self {
        McpServer::http_with_context(name, url)
    }

    /// A server run as a child process (`program`), speaking MCP on its
    /// stdin and stdout; its stderr goes to ours.
    pub fn stdio(name: impl Into<String>, program: impl Into<OsString>) -> Self {
        McpServer::stdio_with_context(name, program)
    }
}

impl<C: Send + Sync + 'static> McpServer<C> {
    /// [`http`](McpServer::http) for an agent whose context type is `C`.
    pub fn http_with_context(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self::with_transport(
            name.into(),
            Transport::Http {
                url: url.into(),
                headers: Vec::new(),
                bearer: None,
            },
        )
    }

    /// [`stdio`](McpServer::stdio) for an agent whose context type is `C`.
    pub fn stdio_with_context(name: impl Into<String>, program: impl Into<OsString>) -> Self {
        Self::with_transport(
            name.into(),
            Transport::Stdio {
                program: program.into(),
                args: Vec::new(),
                env: Vec::new(),
                cwd: None,
            },
        )
    }

    fn with_transport(name: String, transport: Transport) -> Self {
        Self {
            config: Config {
                name,
                transport,
                timeout: DEFAULT_TIMEOUT,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                cache_tools: false,
                required: true,
                structured: false,
                max_result_bytes: DEFAULT_MAX_RESULT_BYTES,
                allow: None,
                block: Vec::new(),
                filter: None,
                headers_from: None,
            },
            state: Arc::default(),
        }
    }

    /// The server's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Adds a header to every HTTP request (ignored for stdio).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let Transport::Http { headers, .. } = &mut self.config.transport {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// Adds headers computed per request (ignored for stdio), such as the
    /// user's own credentials, so that the server's tools act as that user.
    /// Each distinct set of headers gets its own connection (at most 256
    /// are kept).
    ///
    /// ```no_run
    /// use chatkit_runtime::http::User;
    /// use chatkit_runtime::mcp::McpServer;
    ///
    /// let todo = McpServer::<User>::http_with_context("Todo MCP", "http://localhost:8000/api/mcp")
    ///     .headers_from(|ctx| vec![("x-user-id".to_owned(), ctx.context().id.clone())]);
    /// ```
    #[must_use]
    pub fn headers_from(
        mut self,
        headers: impl Fn(&AgentContext<C>) -> Vec<(String, String)> + Send + Sync + 'static,
    ) -> Self {
        self.config.headers_from = Some(Arc::new(headers));
        self
    }

    /// Sends `Authorization: Bearer <token>` (ignored for stdio).
    #[must_use]
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        if let Transport::Http { bearer, .. } = &mut self.config.transport {
            *bearer = Some(token.into());
        }
        self
    }

    /// Adds an argument of the child process (ignored for HTTP).
    #[must_use]
    pub fn arg(self, arg: impl Into<OsString>) -> Self {
        self.args([arg])
    }

    /// Adds arguments of the child process (ignored for HTTP).
    #[must_use]
    pub fn args(mut self, more: impl IntoIterator<Item = impl Into<OsString>>) -> Self {
        if let Transport::Stdio { args, .. } = &mut self.config.transport {
            args.extend(more.into_iter().map(Into::into));
        }
        self
    }

    /// Sets an environment variable of the child process (ignored for HTTP).
    #[must_use]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        if let Transport::Stdio { env, .. } = &mut self.config.transport {
            env.push((key.into(), value.into()));
        }
        self
    }

    /// The working directory of the child process (ignored for HTTP).
    #[must_use]
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        if let Transport::Stdio { cwd, .. } = &mut self.config.transport {
            *cwd = Some(dir.into());
        }
        self
    }

    /// How long a tool call or a listing may take (30 s by default); a call
    /// that takes longer is cancelled on the server and is an error the
    /// model sees.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// How long connecting may take (10 s by default).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Keeps the tool list between turns (off by default: listed every
    /// turn) until [`invalidate_tools_cache`](Self::invalidate_tools_cache)
    /// or the server says it changed (`notifications/tools/list_changed`).
    #[must_use]
    pub fn cache_tools_list(mut self, cache: bool) -> Self {
        self.config.cache_tools = cache;
        self
    }

    /// Whether a turn fails when the server cannot list its tools (the
    /// default), or goes on without them, with a warning in the log.
    #[must_use]
    pub fn required(mut self, required: bool) -> Self {
        self.config.required = required;
        self
    }

    /// Gives the model a result's `structuredContent`, when it has one,
    /// instead of its content blocks.
    #[must_use]
    pub fn use_structured_content(mut self, structured: bool) -> Self {
        self.config.structured = structured;
        self
    }

    /// The largest result the model gets (1 MiB by default); a larger one
    /// is an error the model sees.
    #[must_use]
    pub fn max_result_bytes(mut self, bytes: usize) -> Self {
        self.config.max_result_bytes = bytes;
        self
    }

    /// Offers only these tools (by their names on the server).
    #[must_use]
    pub fn allow_tools(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.config.allow = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Never offers these tools.
    #[must_use]
    pub fn block_tools(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.config.block.extend(names.into_iter().map(Into::into));
        self
    }

    /// Offers a tool only when `filter` says so, per request (by user,
    /// say), after the allow and block lists.
    #[must_use]
    pub fn filter_tools(
        mut self,
        filter: impl Fn(&AgentContext<C>, &McpToolInfo) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.config.filter = Some(Arc::new(filter));
        self
    }

    /// Whether a turn fails without this server's tools.
    pub fn is_required(&self) -> bool {
        self.config.required
    }

    /// Forgets the cached tool list: the next turn lists again.
    pub fn invalidate_tools_cache(&self) {
        *lock(&self.state.tools) = None;
    }

    /// Connects now rather than on first use (to fail at startup).
    ///
    /// # Errors
    /// When the server cannot be reached or the MCP handshake fails.
    pub async fn connect(&self) -> Result<(), McpError> {
        self.peer(Vec::new()).await.map(drop)
    }

    /// The server's tools (from the cache, when on).
    ///
    /// # Errors
    /// When the server cannot be reached or answers with an error.
    pub async fn list_tools(&self) -> Result<Vec<McpToolInfo>, McpError> {
        let tools = self.remote_tools(Vec::new()).await?;
        Ok(tools.iter().map(|tool| tool.info.clone()).collect())
    }

    /// Calls the server's tool `name` directly (not through a model), with
    /// `arguments` as JSON: the result as an agent's model would see it,
    /// and its widgets streamed when `ctx` is in a ChatKit response.
    ///
    /// ```no_run
    /// # async fn run() {
    /// use chatkit_runtime::AgentContext;
    /// use chatkit_runtime::mcp::McpServer;
    ///
    /// let todo = McpServer::http("todo", "http://localhost:8000/api/mcp").cache_tools_list(true);
    /// let output = todo
    ///     .call_tool(&AgentContext::new(()), "add_task", &serde_json::json!({"title": "Buy milk"}))
    ///     .await;
    /// println!("{output:?}");
    /// # }
    /// ```
    pub async fn call_tool(
        &self,
        ctx: &AgentContext<C>,
        name: &str,
        arguments: &Value,
    ) -> ToolOutput {
        let tools = match self.remote_tools(self.request_headers(ctx)).await {
            Ok(tools) => tools,
            Err(error) => return visible_error(error.to_string()),
        };
        let Some(tool) = tools.iter().find(|tool| tool.info.name == name) else {
            return visible_error(format!(
                "MCP server `{}` has no tool `{name}`",
                self.config.name
            ));
        };
        self.call(ctx, tool, &arguments.to_string()).await
    }

    /// The tools offered for this request, filtered.
    pub(crate) async fn tools_for(
        &self,
        ctx: &AgentContext<C>,
    ) -> Result<Vec<Arc<RemoteTool>>, McpError> {
        let tools = self.remote_tools(self.request_headers(ctx)).await?;
        let config = &self.config;
        Ok(tools
            .iter()
            .filter(|tool| {
                let name = &tool.info.name;
                config
                    .allow
                    .as_ref()
                    .is_none_or(|allow| allow.contains(name))
                    && !config.block.contains(name)
                    && config.filter.as_ref().is_none_or(|f| f(ctx, &tool.info))
            })
            .cloned()
            .collect())
    }

    /// Logs `message` at warn level once per server and `key`.
    pub(crate) fn warn_once(&self, key: &str, message: &str) {
        if lock(&self.state.warned).insert(key.to_owned()) {
            tracing::warn!(mcp_server = %self.config.name, "{message}");
        }
    }

    fn request_headers(&self, ctx: &AgentContext<C>) -> Vec<(String, String)> {
        self.config
            .headers_from
            .as_ref()
            .map_or_else(Vec::new, |headers| headers(ctx))
    }

    async fn remote_tools(
        &self,
        headers: Vec<(String, String)>,
    ) -> Result<Arc<[Arc<RemoteTool>]>, McpError> {
        if self.config.cache_tools
            && let Some(tools) = lock(&self.state.tools).clone()
        {
            return Ok(tools);
        }
        let listed = self.list_remote(headers).await?;
        let tools: Arc<[Arc<RemoteTool>]> = listed
            .into_iter()
            .map(|tool| Arc::new(self.convert(tool)))
            .collect();
        if self.config.cache_tools {
            *lock(&self.state.tools) = Some(Arc::clone(&tools));
        }
        Ok(tools)
    }

    fn convert(&self, tool: rmcp::model::Tool) -> RemoteTool {
        let schema = schema::convert(&tool.input_schema);
        if let Some(why) = &schema.not_strict_because {
            self.warn_once(
                &format!("strict:{}", tool.name),
                &format!(
                    "tool `{}`: its input schema cannot use OpenAI's strict mode ({why}); it is offered without",
                    tool.name
                ),
            );
        }
        let annotations = tool.annotations.unwrap_or_default();
        RemoteTool {
            info: McpToolInfo {
                name: tool.name.into_owned(),
                title: tool.title.or_else(|| annotations.title.clone()),
                description: tool.description.map(|d| d.into_owned()).unwrap_or_default(),
                input_schema: Value::Object((*tool.input_schema).clone()),
                annotations: ToolAnnotations {
                    title: annotations.title,
                    read_only: annotations.read_only_hint,
                    destructive: annotations.destructive_hint,
                    idempotent: annotations.idempotent_hint,
                    open_world: annotations.open_world_hint,
                },
            },
            schema,
        }
    }

    async fn list_remote(
        &self,
        headers: Vec<(String, String)>,
    ) -> Result<Vec<rmcp::model::Tool>, McpError> {
        let name = &self.config.name;
        // A dropped connection or an expired session is retried once on a
        // new connection: listing has no side effects.
        for attempt in 0..2 {
            let (_, peer) = self.peer(headers.clone()).await?;
            match tokio::time::timeout(self.config.timeout, peer.list_all_tools()).await {
                Ok(Ok(tools)) => return Ok(tools),
                Ok(Err(ServiceError::McpError(error))) => {
                    return Err(McpError::new(
                        name,
                        format!("listing tools failed: {}", error.message),
                    ));
                }
                Ok(Err(error)) => {
                    self.disconnect(&headers).await;
                    if attempt == 1 {
                        return Err(McpError::new(
                            name,
                            format!("listing tools failed: {error}"),
                        ));
                    }
                }
                Err(_) => {
                    return Err(McpError::new(
                        name,
                        format!(
                            "listing tools took longer than {} ms",
                            self.config.timeout.as_millis()
                        ),
                    ));
                }
            }
        }
        Err(McpError::new(name, "listing tools failed"))
    }

    /// A live connection: the current one, or a new one when allowed by
    /// the backoff.
    async fn peer(
        &self,
        headers: Vec<(String, String)>,
    ) -> Result<(u64, Peer<RoleClient>), McpError> {
        let name = &self.config.name;
        let mut connections = self.state.connections.lock().await;
        if !connections.contains_key(&headers) && connections.len() >= MAX_CONNECTIONS {
            // Forget one idle connection (or any) to make room.
            let victim = connections
                .iter()
                .find(|(_, c)| c.service.is_none())
                .or_else(|| connections.iter().next())
                .map(|(key, _)| key.clone());
            if let Some(victim) = victim {
                connections.remove(&victim);
            }
        }
        let connection = connections.entry(headers.clone()).or_default();
        if let Some(service) = &connection.service {
            if !service.is_closed() && !service.peer().is_transport_closed() {
                return Ok((connection.id, service.peer().clone()));
            }
            connection.service = None;
        }
        if let Some(retry_at) = connection.retry_at {
            let now = Instant::now();
            if now < retry_at {
                return Err(McpError::new(
                    name,
                    format!(
                        "unavailable ({}); next attempt in {} ms",
                        connection.last_error,
                        (retry_at - now).as_millis()
                    ),
                ));
            }
        }
        let id = self
            .state
            .next_connection
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let attempt =
            tokio::time::timeout(self.config.connect_timeout, self.connect_new(id, &headers)).await;
        let error = match attempt {
            Ok(Ok(service)) => {
                if connection.failures > 0 {
                    tracing::info!(mcp_server = %name, "reconnected");
                }
                connection.failures = 0;
                connection.retry_at = None;
                let peer = service.peer().clone();
                connection.id = id;
                connection.service = Some(service);
                return Ok((id, peer));
            }
            Ok(Err(error)) => error,
            Err(_) => format!(
                "no answer within {} ms",
                self.config.connect_timeout.as_millis()
            ),
        };
        connection.failures = connection.failures.saturating_add(1);
        let backoff = FIRST_BACKOFF
            .saturating_mul(1 << connection.failures.min(6).saturating_sub(1))
            .min(MAX_BACKOFF);
        connection.retry_at = Some(Instant::now() + backoff);
        connection.last_error.clone_from(&error);
        tracing::warn!(mcp_server = %name, failures = connection.failures, "cannot connect: {error}");
        Err(McpError::new(name, format!("unavailable ({error})")))
    }

    async fn connect_new(
        &self,
        id: u64,
        request_headers: &[(String, String)],
    ) -> Result<RunningService<RoleClient, Handler>, String> {
        let handler = Handler {
            state: Arc::downgrade(&self.state),
            connection: id,
        };
        match &self.config.transport {
            Transport::Http {
                url,
                headers,
                bearer,
            } => {
                let mut map = reqwest::header::HeaderMap::new();
                for (key, value) in headers.iter().chain(request_headers) {
                    let key = reqwest::header::HeaderName::try_from(key.as_str())
                        .map_err(|_| format!("`{key}` is not a valid header name"))?;
                    let value = reqwest::header::HeaderValue::try_from(value.as_str())
                        .map_err(|_| format!("the value of header `{key}` is not valid"))?;
                    map.insert(key, value);
                }
                let client = crate::outbound::builder()
                    .default_headers(map)
                    .build()
                    .map_err(|error| format!("cannot build the HTTP client: {error}"))?;
                let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
                if let Some(token) = bearer {
                    config = config.auth_header(token.clone());
                }
                let transport = StreamableHttpClientTransport::with_client(client, config);
                handler
                    .serve(transport)
                    .await
                    .map_err(|error| error.to_string())
            }
            Transport::Stdio {
                program,
                args,
                env,
                cwd,
            } => {
                let mut command = tokio::process::Command::new(program);
                command.args(args).envs(env.iter().cloned());
                if let Some(cwd) = cwd {
                    command.current_dir(cwd);
                }
                let (transport, _) = TokioChildProcess::builder(command)
                    .stderr(std::process::Stdio::inherit())
                    .spawn()
                    .map_err(|error| format!("cannot start {program:?}: {error}"))?;
                handler
                    .serve(transport)
                    .await
                    .map_err(|error| error.to_string())
            }
        }
    }

    /// Drops the connection: the next use makes a new one.
    async fn disconnect(&self, headers: &[(String, String)]) {
        let service = self
            .state
            .connections
            .lock()
            .await
            .get_mut(headers)
            .and_then(|connection| connection.service.take());
        if let Some(service) = service {
            tracing::info!(mcp_server = %self.config.name, "connection lost; reconnecting on next use");
            drop(service);
        }
    }

    /// Calls `tool`, streaming its progress and widgets to the client.
    async fn call(&self, ctx: &AgentContext<C>, tool: &RemoteTool, arguments: &str) -> ToolOutput {
        let server = self.config.name.as_str();
        let name = tool.info.name.as_str();
        let mut arguments = match parse_arguments(arguments) {
            Ok(arguments) => arguments,
            Err(message) => {
                return ToolOutput::Error(ToolError::new(ToolErrorKind::InvalidArguments, message));
            }
        };
        schema::drop_null_optionals(&mut arguments, &tool.schema.optional);
        let headers = self.request_headers(ctx);
        let (connection, peer) = match self.peer(headers.clone()).await {
            Ok(peer) => peer,
            Err(error) => return visible_error(error.to_string()),
        };
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = Some(arguments);
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let options = PeerRequestOptions::with_timeout(self.config.timeout);
        let handle = match peer.send_cancellable_request(request, options).await {
            Ok(handle) => handle,
            Err(error) => {
                self.disconnect(&headers).await;
                return visible_error(format!("MCP server `{server}` is unavailable: {error}"));
            }
        };
        let _progress = ctx.events().map(|events| {
            ProgressGuard::register(
                &self.state,
                (connection, handle.progress_token.clone()),
                events,
                name,
            )
        });
        let mut cancel = CancelOnDrop {
            peer: Some(peer),
            id: handle.id.clone(),
        };
        let result = handle.await_response().await;
        cancel.peer = None;
        match result {
            Ok(ServerResult::CallToolResult(result)) => {
                let raw_len = content::json_len(&result);
                let options = ReceiveOptions {
                    structured: self.config.structured,
                    max_bytes: self.config.max_result_bytes,
                };
                let received = content::receive(server, name, result, raw_len, options);
                for widget in received.widgets {
                    // A client gone is noticed by the run; the model still
                    // gets its answer.
                    let _ = ctx.stream_widget(widget.widget, widget.copy_text).await;
                }
                received.output
            }
            Ok(_) => visible_error(format!(
                "MCP server `{server}` answered the call of `{name}` with something other than a tool result"
            )),
            Err(ServiceError::Timeout { timeout }) => visible_error(format!(
                "`{name}` on MCP server `{server}` did not answer within {} ms and was cancelled.",
                timeout.as_millis()
            )),
            Err(ServiceError::McpError(error)) => {
                let kind = if error.code == rmcp::model::ErrorCode::INVALID_PARAMS {
                    ToolErrorKind::InvalidArguments
                } else {
                    ToolErrorKind::Failed
                };
                ToolOutput::Error(ToolError::new(kind, error.message.into_owned()))
            }
            Err(error) => {
                self.disconnect(&headers).await;
                visible_error(format!("MCP server `{server}` is unavailable: {error}"))
            }
        }
    }
}

/// The model's arguments as a JSON object (an empty string is `{}`).
fn parse_arguments(arguments: &str) -> Result<Map<String, Value>, String> {
    if arguments.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(arguments) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the arguments must be a JSON object".to_owned()),
        Err(error) => Err(format!("the arguments are not valid JSON: {error}")),
    }
}

/// Routes the progress of one call to its ChatKit client while it runs.
struct ProgressGuard {
    state: Arc<State>,
    token: (u64, ProgressToken),
}

impl ProgressGuard {
    fn register(
        state: &Arc<State>,
        token: (u64, ProgressToken),
        events: &EventSender,
        tool: &str,
    ) -> Self {
        lock(&state.progress).insert(
            token.clone(),
            ProgressRoute {
                events: events.clone(),
                tool: tool.to_owned(),
            },
        );
        Self {
            state: Arc::clone(state),
            token,
        }
    }
}

impl Drop for ProgressGuard {
    fn drop(&mut self) {
        lock(&self.state.progress).remove(&self.token);
    }
}

/// Tells the server to stop a call whose caller went away (the ChatKit
/// client disconnected, so the run was dropped).
struct CancelOnDrop {
    peer: Option<Peer<RoleClient>>,
    id: RequestId,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(peer) = self.peer.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let notification = ClientNotification::CancelledNotification(CancelledNotification::new(
            CancelledNotificationParam::new(
                Some(self.id.clone()),
                Some("the client went away".to_owned()),
            ),
        ));
        runtime.spawn(async move {
            let _ = peer.send_notification(notification).await;
        });
    }
}

/// Receives the server's notifications.
struct Handler {
    state: Weak<State>,
    connection: u64,
}

impl ClientHandler for Handler {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let Some(state) = self.state.upgrade() else {
            return;
        };
        let key = (self.connection, params.progress_token.clone());
        let route = lock(&state.progress).get(&key).cloned();
        let Some(route) = route else {
            return;
        };
        let text = params.message.unwrap_or_else(|| match params.total {
            Some(total) => format!("{}: {}/{}", route.tool, params.progress, total),
            None => format!("{}: {}", route.tool, params.progress),
        });
        let _ = route
            .events
            .send(ThreadStreamEvent::ProgressUpdate { icon: None, text })
            .await;
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        if let Some(state) = self.state.upgrade() {
            *lock(&state.tools) = None;
        }
    }
}

/// An MCP tool as the agent offers it to the model.
pub(crate) struct McpTool<C> {
    server: McpServer<C>,
    name: String,
    tool: Arc<RemoteTool>,
}

impl<C: Send + Sync + 'static> McpTool<C> {
    pub(crate) fn new(server: McpServer<C>, name: String, tool: Arc<RemoteTool>) -> Self {
        Self { server, name, tool }
    }
}

impl RemoteTool {
    pub(crate) fn name(&self) -> &str {
        &self.info.name
    }
}

impl<C: Send + Sync + 'static> Tool<C> for McpTool<C> {
    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> &str {
        &self.tool.info.description
    }

    fn strict(&self) -> bool {
        self.tool.schema.strict
    }

    fn parameters(&self, dialect: SchemaDialect) -> Result<Value, SchemaError> {
        self.tool.schema.for_dialect(dialect)
    }

    fn annotations(&self) -> ToolAnnotations {
        self.tool.info.annotations.clone()
    }

    /// The server chose what its errors say.
    fn error_visibility(&self) -> Option<ErrorVisibility> {
        Some(ErrorVisibility::Shown)
    }

    fn call<'a>(
        &'a self,
        ctx: &'a AgentContext<C>,
        arguments: &'a str,
    ) -> BoxFuture<'a, ToolOutput> {
        Box::pin(self.server.call(ctx, &self.tool, arguments))
    }
}
