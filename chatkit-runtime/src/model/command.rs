//! An offline model that turns simple commands into real tool calls, so an
//! app runs, and can be tested, without any API key or network.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt as _;
use serde_json::Value;

use super::{
    ContentPart, InputItem, Model, ModelError, ModelEvent, ModelRequest, ModelStream, Role, Usage,
};

type Parser = Arc<dyn Fn(&str) -> Option<Value> + Send + Sync>;
type Reply = Arc<dyn Fn(&Value, &str) -> String + Send + Sync>;

#[derive(Clone)]
struct Command {
    keywords: Vec<String>,
    usage: String,
    tool: String,
    parse: Parser,
    reply: Option<Reply>,
}

/// A model without a model: the user's message is matched against commands
/// ("add buy milk", "list", "complete 3"), each of which calls a real tool;
/// after the tools have run, it reports their results. Anything else gets
/// the list of commands.
///
/// It is the offline mode of the examples and the model of their tests; an
/// app should announce it at startup, since it understands nothing else.
///
/// ```
/// use chatkit_runtime::model::CommandModel;
/// use serde_json::json;
///
/// let model = CommandModel::new("offline-todo")
///     .command(&["add", "new"], "add <title>", "add_task", |rest| {
///         (!rest.is_empty()).then(|| json!({"title": rest, "description": null}))
///     })
///     .command(&["list", "show"], "list [all|pending|completed]", "list_tasks", |rest| {
///         Some(json!({"status": if rest.is_empty() { "all" } else { rest }}))
///     });
/// ```
#[derive(Clone)]
pub struct CommandModel {
    name: String,
    commands: Vec<Arc<Command>>,
}

impl std::fmt::Debug for CommandModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandModel")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl CommandModel {
    /// A model named `name` with no commands yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            commands: Vec::new(),
        }
    }

    /// A command: a message starting with one of `keywords` (any case) calls
    /// `tool` with the arguments `parse` makes of the rest of the message, or
    /// shows `usage` when `parse` returns `None`.
    #[must_use]
    pub fn command(
        mut self,
        keywords: &[&str],
        usage: impl Into<String>,
        tool: impl Into<String>,
        parse: impl Fn(&str) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        self.commands.push(Arc::new(Command {
            keywords: keywords.iter().map(|k| k.to_lowercase()).collect(),
            usage: usage.into(),
            tool: tool.into(),
            parse: Arc::new(parse),
            reply: None,
        }));
        self
    }

    /// What the last [`command`](Self::command) answers once its tool has
    /// run: `reply` gets the call's arguments and the tool's output (which
    /// is written for a model) and returns a sentence for the user. Without
    /// it, the output itself is the answer.
    #[must_use]
    pub fn reply(mut self, reply: impl Fn(&Value, &str) -> String + Send + Sync + 'static) -> Self {
        if let Some(last) = self.commands.last_mut() {
            Arc::make_mut(last).reply = Some(Arc::new(reply));
        }
        self
    }

    /// The commands' usages, such as `add <title>, list`.
    pub fn commands(&self) -> String {
        let usages: Vec<&str> = self.commands.iter().map(|c| c.usage.as_str()).collect();
        usages.join(", ")
    }

    /// The commands, for a help text.
    pub fn help(&self) -> String {
        let usages: Vec<String> = self
            .commands
            .iter()
            .map(|c| format!("`{}`", c.usage))
            .collect();
        format!(
            "I'm running offline (no API key is configured), so I only understand these commands: {}.",
            usages.join(", ")
        )
    }

    fn answer(&self, request: &ModelRequest) -> Vec<ModelEvent> {
        // After tools ran: report what they returned.
        let turn: Vec<&InputItem> = request
            .input
            .iter()
            .rev()
            .take_while(|item| {
                !matches!(
                    item,
                    InputItem::Message {
                        role: Role::User,
                        ..
                    }
                )
            })
            .collect();
        let outputs: Vec<String> = turn
            .iter()
            .rev()
            .filter_map(|item| match item {
                InputItem::FunctionCallOutput { call_id, output } => {
                    Some(self.reply_to(&turn, call_id, &text_of(output)))
                }
                _ => None,
            })
            .collect();
        if !outputs.is_empty() {
            return vec![ModelEvent::TextDelta(outputs.join("\n"))];
        }
        let message = request
            .input
            .iter()
            .rev()
            .find_map(|item| match item {
                InputItem::Message {
                    role: Role::User,
                    content,
                } => Some(text_of(content)),
                _ => None,
            })
            .unwrap_or_default();
        let message = message.trim();
        let (first, rest) = message
            .split_once(char::is_whitespace)
            .unwrap_or((message, ""));
        let first = first.to_lowercase();
        let Some(command) = self.commands.iter().find(|c| c.keywords.contains(&first)) else {
            return vec![ModelEvent::TextDelta(self.help())];
        };
        match (command.parse)(rest.trim()) {
            Some(arguments) => vec![ModelEvent::ToolCall {
                call_id: format!("call_{}", uuid::Uuid::new_v4().simple()),
                name: command.tool.clone(),
                arguments: arguments.to_string(),
            }],
            None => vec![ModelEvent::TextDelta(format!("Usage: `{}`", command.usage))],
        }
    }
}

impl CommandModel {
    /// The answer for the output of the call `call_id`, found in `turn`.
    fn reply_to(&self, turn: &[&InputItem], call_id: &str, output: &str) -> String {
        let call = turn.iter().find_map(|item| match item {
            InputItem::FunctionCall {
                call_id: id,
                name,
                arguments,
            } if id == call_id => Some((name, arguments)),
            _ => None,
        });
        let Some((name, arguments)) = call else {
            return output.to_owned();
        };
        let reply = self
            .commands
            .iter()
            .find(|command| &command.tool == name)
            .and_then(|command| command.reply.as_ref());
        match reply {
            Some(reply) => {
                let arguments = serde_json::from_str(arguments).unwrap_or(Value::Null);
                reply(&arguments, output)
            }
            None => output.to_owned(),
        }
    }
}

fn text_of(parts: &[ContentPart]) -> String {
    parts
        .iter()
        .filter_map(|part| match part {
            ContentPart::Text { text } => Some(text.as_str()),
            ContentPart::Image { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[async_trait]
impl Model for CommandModel {
    fn name(&self) -> &str {
        &self.name
    }

    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError> {
        let mut events = self.answer(&request);
        events.push(ModelEvent::Completed {
            usage: Usage {
                requests: 1,
                ..Usage::default()
            },
        });
        Ok(futures::stream::iter(events.into_iter().map(Ok)).boxed())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn model() -> CommandModel {
        CommandModel::new("offline").command(&["add"], "add <title>", "add_task", |rest| {
            (!rest.is_empty()).then(|| json!({"title": rest}))
        })
    }

    fn ask(model: &CommandModel, input: Vec<InputItem>) -> Vec<ModelEvent> {
        model.answer(&ModelRequest {
            input,
            ..ModelRequest::default()
        })
    }

    #[test]
    fn commands_become_tool_calls_and_outputs_become_answers() {
        let model = model();
        let events = ask(&model, vec![InputItem::text(Role::User, "Add buy milk")]);
        let [
            ModelEvent::ToolCall {
                name, arguments, ..
            },
        ] = events.as_slice()
        else {
            panic!("{events:?}")
        };
        assert_eq!(name, "add_task");
        assert_eq!(arguments, r#"{"title":"buy milk"}"#);

        let events = ask(
            &model,
            vec![
                InputItem::text(Role::User, "add buy milk"),
                InputItem::FunctionCall {
                    call_id: "c".into(),
                    name: "add_task".into(),
                    arguments: "{}".into(),
                },
                InputItem::FunctionCallOutput {
                    call_id: "c".into(),
                    output: vec![ContentPart::Text {
                        text: "Added #1".into(),
                    }],
                },
            ],
        );
        assert_eq!(events, [ModelEvent::TextDelta("Added #1".into())]);
    }

    #[test]
    fn anything_else_gets_help_or_usage() {
        let model = model();
        let events = ask(&model, vec![InputItem::text(Role::User, "what's up")]);
        let [ModelEvent::TextDelta(text)] = events.as_slice() else {
            panic!()
        };
        assert!(text.contains("`add <title>`"));
        let events = ask(&model, vec![InputItem::text(Role::User, "add")]);
        assert_eq!(
            events,
            [ModelEvent::TextDelta("Usage: `add <title>`".into())]
        );
    }
}
