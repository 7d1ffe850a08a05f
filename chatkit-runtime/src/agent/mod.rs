//! Agents: a model with instructions and tools, run in a loop that calls the
//! tools and streams everything to ChatKit.
//!
//! A complete agent server: two tools, one of which shows a widget, a model
//! chosen from the environment (`LLM_PROVIDER`, `OPENAI_API_KEY`, ...), and
//! threads in SQLite.
//!
//! ```no_run
//! use std::sync::Arc;
//! use chatkit_runtime::agent::{Agent, AgentServer, Runner};
//! use chatkit_runtime::server::ChatKit;
//! use chatkit_runtime::{AgentContext, function_tool, model, store, widget};
//!
//! /// Look up the weather in a city, and show it as a card.
//! #[function_tool]
//! async fn get_weather(ctx: &AgentContext<()>, city: String) -> Result<String, std::io::Error> {
//!     let (temperature, condition) = (21, "Sunny");
//!     let card = widget! {
//!         Card {
//!             Title { value: city.clone() }
//!             Row { gap: 2, Text { value: format!("{temperature}°C"), size: "xl" } Caption { value: condition } }
//!         }
//!     };
//!     ctx.stream_widget(card, Some(format!("{city}: {temperature}°C"))).await.ok();
//!     Ok(format!("{city}: {temperature}°C, {condition}. The card is shown; do not repeat it."))
//! }
//!
//! /// Convert Celsius to Fahrenheit.
//! #[function_tool]
//! async fn to_fahrenheit(celsius: f64) -> f64 {
//!     celsius * 9.0 / 5.0 + 32.0
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let store = store::open_from_env::<()>().await?;
//!     let agent = Agent::with_model("weather", model::from_env()?)
//!         .instructions("You answer questions about the weather.")
//!         .tool(get_weather::tool())
//!         .tool(to_fahrenheit::tool());
//!     let server = AgentServer::new(agent, Arc::clone(&store)).runner(Runner::new().max_turns(6));
//!     let app = axum::Router::new().route("/chatkit", ChatKit::with_store(server, store).into_route());
//!     axum::serve(tokio::net::TcpListener::bind("127.0.0.1:8000").await?, app).await?;
//!     Ok(())
//! }
//! ```

mod history;
mod runner;
mod server;

use std::sync::Arc;

pub use history::{DefaultHistory, HistoryConverter, default_item_to_input};
pub use runner::{RunError, RunOutcome, RunResult, Runner};
pub use server::AgentServer;

use crate::AgentContext;
use crate::model::{Model, ModelSettings};
use crate::tool::Tool;

type InstructionsFn<C> = Arc<dyn Fn(&AgentContext<C>) -> String + Send + Sync>;

/// What an agent is told: fixed text, or text computed per request (from
/// the user, the date, ...).
pub enum Instructions<C> {
    /// The same text for every request.
    Static(String),
    /// Computed from the request's context.
    Dynamic(InstructionsFn<C>),
}

impl<C> Clone for Instructions<C> {
    fn clone(&self) -> Self {
        match self {
            Self::Static(text) => Self::Static(text.clone()),
            Self::Dynamic(f) => Self::Dynamic(Arc::clone(f)),
        }
    }
}

/// A model with instructions, settings, tools and agents it may hand off to.
///
/// ```no_run
/// use chatkit_runtime::agent::Agent;
/// use chatkit_runtime::function_tool;
/// use chatkit_runtime::model::ScriptedModel;
///
/// /// Look up the weather in a city.
/// #[function_tool]
/// async fn get_weather(city: String) -> String {
///     format!("Sunny in {city}")
/// }
///
/// let agent: Agent<()> = Agent::new("assistant", ScriptedModel::new())
///     .instructions("You are a helpful assistant.")
///     .tool(get_weather::tool());
/// ```
pub struct Agent<C = ()> {
    pub(crate) name: String,
    pub(crate) instructions: Instructions<C>,
    pub(crate) model: Arc<dyn Model>,
    pub(crate) settings: ModelSettings,
    pub(crate) tools: Vec<Arc<dyn Tool<C>>>,
    pub(crate) handoffs: Vec<Handoff<C>>,
    #[cfg(feature = "mcp")]
    pub(crate) mcp_servers: Vec<crate::mcp::McpServer<C>>,
    #[cfg(feature = "mcp")]
    pub(crate) prefix_mcp_tools: bool,
}

impl<C> Clone for Agent<C> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            instructions: self.instructions.clone(),
            model: Arc::clone(&self.model),
            settings: self.settings.clone(),
            tools: self.tools.clone(),
            handoffs: self.handoffs.clone(),
            #[cfg(feature = "mcp")]
            mcp_servers: self.mcp_servers.clone(),
            #[cfg(feature = "mcp")]
            prefix_mcp_tools: self.prefix_mcp_tools,
        }
    }
}

/// Another agent this one may transfer the conversation to, offered to the
/// model as a `transfer_to_<name>` tool.
pub struct Handoff<C> {
    pub(crate) agent: Arc<Agent<C>>,
    pub(crate) description: String,
}

impl<C> Clone for Handoff<C> {
    fn clone(&self) -> Self {
        Self {
            agent: Arc::clone(&self.agent),
            description: self.description.clone(),
        }
    }
}

impl<C> Handoff<C> {
    /// The tool name the model calls to hand off.
    pub fn tool_name(&self) -> String {
        let name: String = self
            .agent
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("transfer_to_{name}")
    }
}

impl<C: Send + Sync + 'static> Agent<C> {
    /// An agent named `name` answering with `model`, without instructions or tools.
    pub fn new(name: impl Into<String>, model: impl Model) -> Self {
        Self::with_model(name, Arc::new(model))
    }

    /// An agent with a shared model.
    pub fn with_model(name: impl Into<String>, model: Arc<dyn Model>) -> Self {
        Self {
            name: name.into(),
            instructions: Instructions::Static(String::new()),
            model,
            settings: ModelSettings::default(),
            tools: Vec::new(),
            handoffs: Vec::new(),
            #[cfg(feature = "mcp")]
            mcp_servers: Vec::new(),
            #[cfg(feature = "mcp")]
            prefix_mcp_tools: false,
        }
    }

    /// The agent's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sets fixed instructions.
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Instructions::Static(instructions.into());
        self
    }

    /// Sets instructions computed per request.
    #[must_use]
    pub fn dynamic_instructions(
        mut self,
        instructions: impl Fn(&AgentContext<C>) -> String + Send + Sync + 'static,
    ) -> Self {
        self.instructions = Instructions::Dynamic(Arc::new(instructions));
        self
    }

    /// Sets the model settings.
    #[must_use]
    pub fn settings(mut self, settings: ModelSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: impl Tool<C>) -> Self {
        self.tools.push(Arc::new(tool));
        self
    }

    /// Adds a shared tool.
    #[must_use]
    pub fn shared_tool(mut self, tool: Arc<dyn Tool<C>>) -> Self {
        self.tools.push(tool);
        self
    }

    /// Offers the tools of an MCP server, listed for each turn (see
    /// [`mcp`](crate::mcp) for names, schemas, results and faults).
    #[cfg(feature = "mcp")]
    #[must_use]
    pub fn mcp_server(mut self, server: crate::mcp::McpServer<C>) -> Self {
        self.mcp_servers.push(server);
        self
    }

    /// Offers MCP tools as `mcp_<server>__<tool>`, so that servers offering
    /// the same name do not collide (off by default: such a collision is
    /// an error).
    #[cfg(feature = "mcp")]
    #[must_use]
    pub fn prefix_mcp_tool_names(mut self, prefix: bool) -> Self {
        self.prefix_mcp_tools = prefix;
        self
    }

    /// The tools of this request: the agent's own, then its MCP servers'.
    ///
    /// # Errors
    /// A required MCP server that cannot list its tools, or a name collision.
    pub(crate) async fn tools_for(
        &self,
        ctx: &AgentContext<C>,
    ) -> Result<Vec<Arc<dyn Tool<C>>>, RunError> {
        #[cfg(feature = "mcp")]
        {
            crate::mcp::resolve(&self.tools, &self.mcp_servers, self.prefix_mcp_tools, ctx).await
        }
        #[cfg(not(feature = "mcp"))]
        {
            let _ = ctx;
            Ok(self.tools.clone())
        }
    }

    /// Lets the agent hand the conversation to `agent`, which the model is
    /// told is for `description`.
    #[must_use]
    pub fn handoff(mut self, agent: Agent<C>, description: impl Into<String>) -> Self {
        self.handoffs.push(Handoff {
            agent: Arc::new(agent),
            description: description.into(),
        });
        self
    }

    /// The instructions for this request.
    pub fn instructions_for(&self, ctx: &AgentContext<C>) -> String {
        match &self.instructions {
            Instructions::Static(text) => text.clone(),
            Instructions::Dynamic(f) => f(ctx),
        }
    }
}
