//! The tools of one turn: the agent's own, then each MCP server's, under
//! names that do not collide.

use std::collections::HashMap;
use std::sync::Arc;

use super::client::{McpServer, McpTool};
use super::names;
use crate::AgentContext;
use crate::agent::RunError;
use crate::tool::Tool;

/// `local` plus the tools of `servers` for this request.
///
/// # Errors
/// A required server that cannot list its tools, or two servers offering
/// one name without prefixes.
pub(crate) async fn resolve<C: Send + Sync + 'static>(
    local: &[Arc<dyn Tool<C>>],
    servers: &[McpServer<C>],
    prefix: bool,
    ctx: &AgentContext<C>,
) -> Result<Vec<Arc<dyn Tool<C>>>, RunError> {
    let mut tools = local.to_vec();
    if servers.is_empty() {
        return Ok(tools);
    }
    let listings =
        futures::future::join_all(servers.iter().map(|server| server.tools_for(ctx))).await;
    // The name the model sees → (server, name on the server).
    let mut taken: HashMap<String, (String, String)> = local
        .iter()
        .map(|tool| (tool.name().to_owned(), (String::new(), String::new())))
        .collect();
    for (server, listing) in servers.iter().zip(listings) {
        let remote = match listing {
            Ok(remote) => remote,
            Err(error) if server.is_required() => {
                tracing::warn!(mcp_server = server.name(), "{error}");
                return Err(RunError::ToolServerUnavailable {
                    server: server.name().to_owned(),
                    reason: error.message().to_owned(),
                });
            }
            Err(error) => {
                tracing::warn!(
                    mcp_server = server.name(),
                    "optional server skipped for this turn: {error}"
                );
                continue;
            }
        };
        for tool in remote {
            let mut name = if prefix {
                names::prefixed_name(server.name(), tool.name())
            } else {
                names::plain_name(server.name(), tool.name())
            };
            if let Some((owner, original)) = taken.get(&name) {
                if owner.is_empty() {
                    server.warn_once(
                        &format!("shadowed:{name}"),
                        &format!(
                            "tool `{}` is shadowed by the agent's own tool of that name; the agent's is used",
                            tool.name()
                        ),
                    );
                    continue;
                }
                if !prefix {
                    return Err(RunError::ToolConflict(format!(
                        "the tool `{}` of MCP server `{}` and the tool `{original}` of MCP server `{owner}` are both offered as `{name}`; \
                         use `Agent::prefix_mcp_tool_names(true)` or filter one out",
                        tool.name(),
                        server.name(),
                    )));
                }
                name = names::disambiguate(&name, server.name(), tool.name());
            }
            taken.insert(
                name.clone(),
                (server.name().to_owned(), tool.name().to_owned()),
            );
            tools.push(Arc::new(McpTool::new(server.clone(), name, tool)));
        }
    }
    Ok(tools)
}
