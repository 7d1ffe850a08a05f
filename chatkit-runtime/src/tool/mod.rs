//! Tools the model can call: the [`Tool`] trait, which `#[function_tool]`
//! implements for an `async fn`, what a call returns, and parameter schemas
//! per provider.

mod annotations;
mod output;
pub mod schema;

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::Value;

pub use annotations::ToolAnnotations;
pub use output::{
    ErrorVisibility, IntoToolOutput, REDACTED_TOOL_ERROR, ToolError, ToolErrorKind, ToolImage,
    ToolOutput,
};
pub use schema::{SchemaDialect, SchemaError, check_openai_strict};

use crate::AgentContext;

/// A boxed, `Send` future, as [`Tool::call`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A tool the model can call.
///
/// `C` is the per-request context type of the app (a user id, say), which
/// the tool reads through its [`AgentContext`]. Write tools with
/// [`#[function_tool]`](crate::function_tool) rather than by hand.
pub trait Tool<C = ()>: Send + Sync + 'static {
    /// The name the model calls the tool by: 1 to 64 of `[A-Za-z0-9_-]`.
    fn name(&self) -> &str;

    /// What the tool does, for the model.
    fn description(&self) -> &str;

    /// Whether the tool asks for OpenAI's strict mode, in which the model's
    /// arguments always match the schema.
    fn strict(&self) -> bool {
        true
    }

    /// The parameters schema in `dialect`.
    ///
    /// # Errors
    /// When the parameters cannot be expressed in that dialect.
    fn parameters(&self, dialect: SchemaDialect) -> Result<Value, SchemaError>;

    /// Whether the model sees the detail of this tool's errors; `None`
    /// leaves it to the agent.
    fn error_visibility(&self) -> Option<ErrorVisibility> {
        None
    }

    /// Hints about the tool's behaviour for MCP clients, served as its
    /// `annotations`; none by default.
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::default()
    }

    /// Runs the tool on the model's `arguments` (a JSON object, as text).
    /// Never fails: bad arguments, errors and panics become an
    /// [`ToolOutput::Error`] the model can react to.
    fn call<'a>(
        &'a self,
        ctx: &'a AgentContext<C>,
        arguments: &'a str,
    ) -> BoxFuture<'a, ToolOutput>;

    /// The definition sent to a provider of `dialect`.
    ///
    /// # Errors
    /// When the parameters cannot be expressed in that dialect.
    fn definition(&self, dialect: SchemaDialect) -> Result<ToolDefinition, SchemaError> {
        Ok(ToolDefinition {
            name: self.name().to_owned(),
            description: self.description().to_owned(),
            parameters: self.parameters(dialect)?,
            strict: dialect == SchemaDialect::OpenAi && self.strict(),
        })
    }
}

/// A function tool as a model provider sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolDefinition {
    /// The tool's name.
    pub name: String,
    /// What the tool does.
    pub description: String,
    /// The JSON Schema of the arguments.
    pub parameters: Value,
    /// Whether OpenAI's strict mode is on.
    pub strict: bool,
}

/// Whether `name` is a tool name OpenAI accepts: 1 to 64 of `[A-Za-z0-9_-]`.
pub fn is_valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
