//! A thread's items back into model input.

use crate::model::{ContentPart, InputItem, Role};
use crate::protocol::{
    Attachment, ClientToolCallStatus, StructuredInput, StructuredInputStatus, ThreadItem,
    UserMessageContent,
};

/// Turns stored thread items into the conversation a model reads. Override
/// to change how items are described (or to leave some out).
pub trait HistoryConverter: Send + Sync + 'static {
    /// The model input for `items`, oldest first.
    fn to_input(&self, items: &[ThreadItem]) -> Vec<InputItem> {
        items
            .iter()
            .flat_map(|item| self.item_to_input(item))
            .collect()
    }

    /// The model input for one item; empty to leave it out.
    fn item_to_input(&self, item: &ThreadItem) -> Vec<InputItem> {
        default_item_to_input(item)
    }
}

/// The default conversion.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultHistory;

impl HistoryConverter for DefaultHistory {}

/// The default conversion of one item:
/// - user messages with their quoted text, @-tags (with their data) and
///   attachments (images as images, files by name);
/// - assistant messages as they were written;
/// - completed client tool calls as a call and its output (pending ones are
///   left out: they never got an answer);
/// - widgets described by their copy text, or their JSON;
/// - hidden context wrapped in `<HiddenContext>` as a developer message;
/// - answered structured input as the user's answers;
/// - workflows, tasks, images and end-of-turn markers left out.
pub fn default_item_to_input(item: &ThreadItem) -> Vec<InputItem> {
    match item {
        ThreadItem::UserMessage(message) => {
            let mut content = Vec::new();
            if let Some(quoted) = &message.quoted_text {
                content.push(ContentPart::Text {
                    text: format!("(Quoting: \"{quoted}\")"),
                });
            }
            for part in &message.content {
                let text = match part {
                    UserMessageContent::InputText { text } => text.clone(),
                    UserMessageContent::InputTag { text, data, .. } => {
                        format!(
                            "@{text} (tagged entity: {})",
                            serde_json::Value::Object(data.clone())
                        )
                    }
                };
                content.push(ContentPart::Text { text });
            }
            for attachment in &message.attachments {
                content.push(match attachment {
                    Attachment::Image(image) => ContentPart::Image {
                        url: image.preview_url.clone(),
                    },
                    Attachment::File(file) => ContentPart::Text {
                        text: format!(
                            "[attached file: {} ({})]",
                            file.base.name, file.base.mime_type
                        ),
                    },
                });
            }
            vec![InputItem::Message {
                role: Role::User,
                content,
            }]
        }
        ThreadItem::AssistantMessage(message) => {
            vec![InputItem::text(Role::Assistant, message.text())]
        }
        ThreadItem::ClientToolCall(call) if call.status == ClientToolCallStatus::Completed => vec![
            InputItem::FunctionCall {
                call_id: call.call_id.clone(),
                name: call.name.clone(),
                arguments: serde_json::Value::Object(call.arguments.clone()).to_string(),
            },
            InputItem::FunctionCallOutput {
                call_id: call.call_id.clone(),
                output: vec![ContentPart::Text {
                    text: call.output.clone().unwrap_or_default().to_string(),
                }],
            },
        ],
        ThreadItem::Widget(widget) => {
            let description = match &widget.copy_text {
                Some(text) => text.clone(),
                None => serde_json::to_string(&widget.widget).unwrap_or_default(),
            };
            vec![InputItem::text(
                Role::Assistant,
                format!("[The assistant showed a widget: {description}]"),
            )]
        }
        ThreadItem::HiddenContext(hidden) => {
            let text = match &hidden.content {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            vec![InputItem::text(
                Role::Developer,
                format!("<HiddenContext>{text}</HiddenContext>"),
            )]
        }
        ThreadItem::SdkHiddenContext(hidden) => vec![InputItem::text(
            Role::Developer,
            format!("<HiddenContext>{}</HiddenContext>", hidden.content),
        )],
        ThreadItem::StructuredInput(input) if input.status != StructuredInputStatus::Pending => {
            let answers: Vec<String> = input
                .inputs
                .iter()
                .map(|question| {
                    let (text, answer) = match question {
                        StructuredInput::MultipleChoice {
                            question, answer, ..
                        }
                        | StructuredInput::Freeform {
                            question, answer, ..
                        } => (question, answer),
                    };
                    let reply = match answer {
                        Some(answer) if !answer.skipped => answer.values.join(", "),
                        _ => "(skipped)".to_owned(),
                    };
                    format!("{text} {reply}")
                })
                .collect();
            vec![InputItem::text(Role::User, answers.join("\n"))]
        }
        _ => Vec::new(),
    }
}
