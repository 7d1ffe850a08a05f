//! Tool results across MCP: a `CallToolResult` as the model sees it, and
//! a [`ToolOutput`] (with the widgets the tool showed) as a `CallToolResult`.

use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};
use serde_json::{Value, json};

use super::WIDGET_MIME_TYPE;
use crate::CapturedWidget;
use crate::tool::{ErrorVisibility, ToolError, ToolErrorKind, ToolImage, ToolOutput};

/// The `_meta` key of a widget resource that holds its copy text.
pub(crate) const COPY_TEXT_META: &str = "chatkit/copy_text";

/// What an MCP result gives the model, and the widgets it carries.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) output: ToolOutput,
    pub(crate) widgets: Vec<CapturedWidget>,
}

/// Options of the server the result came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReceiveOptions {
    pub(crate) structured: bool,
    pub(crate) max_bytes: usize,
}

/// Maps a result: text blocks to text, images to images, widget resources
/// to widgets, anything else to its JSON; `isError` to a tool error the
/// model sees. `raw_len` is the result's size on the wire.
pub(crate) fn receive(
    server: &str,
    tool: &str,
    result: CallToolResult,
    raw_len: usize,
    options: ReceiveOptions,
) -> Received {
    if raw_len > options.max_bytes {
        return Received {
            output: visible_error(format!(
                "The result of `{tool}` from MCP server `{server}` is {raw_len} bytes, over the limit of {} bytes.",
                options.max_bytes
            )),
            widgets: Vec::new(),
        };
    }
    let mut widgets = Vec::new();
    let mut parts = Vec::new();
    for block in result.content {
        match widget_of(&block) {
            Some(Ok(widget)) => {
                widgets.push(widget);
                continue;
            }
            Some(Err(reason)) => {
                tracing::warn!(
                    mcp_server = server,
                    tool,
                    "dropped an invalid ChatKit widget from the result: {reason}"
                );
                continue;
            }
            None => {}
        }
        parts.push(block_output(block));
    }
    if result.is_error == Some(true) {
        let text: Vec<String> = parts
            .iter()
            .map(|part| part.to_model_text(ErrorVisibility::Shown))
            .collect();
        let message = if text.is_empty() {
            format!("The tool `{tool}` failed.")
        } else {
            text.join("\n")
        };
        return Received {
            output: ToolOutput::Error(ToolError::new(ToolErrorKind::Reported, message)),
            widgets,
        };
    }
    let output = match result.structured_content {
        Some(structured) if options.structured => ToolOutput::Json(structured),
        _ => match parts.len() {
            0 => ToolOutput::Text(String::new()),
            1 => parts.swap_remove(0),
            _ => ToolOutput::Parts(parts),
        },
    };
    Received { output, widgets }
}

/// The length of `value` as JSON, counted without building the text.
pub(crate) fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

/// An error the model sees whatever the agent's visibility: the server
/// chose what to say.
pub(crate) fn visible_error(message: String) -> ToolOutput {
    ToolOutput::Error(ToolError::new(ToolErrorKind::Failed, message))
}

fn block_output(block: ContentBlock) -> ToolOutput {
    if let Some(text) = block.as_text() {
        return ToolOutput::Text(text.text.clone());
    }
    if let Some(image) = block.as_image() {
        return ToolOutput::Image(ToolImage::base64(&image.mime_type, &image.data));
    }
    // Audio, resources, links: the model gets the block itself.
    match serde_json::to_value(&block) {
        Ok(value) => ToolOutput::Text(value.to_string()),
        Err(error) => ToolOutput::Text(format!("[unreadable content: {error}]")),
    }
}

/// The widget a block carries, if it is a widget resource.
fn widget_of(block: &ContentBlock) -> Option<Result<CapturedWidget, String>> {
    let resource = block.as_resource()?;
    let ResourceContents::TextResourceContents {
        mime_type,
        text,
        meta,
        ..
    } = &resource.resource
    else {
        return match &resource.resource {
            ResourceContents::BlobResourceContents { mime_type, .. }
                if mime_type.as_deref() == Some(WIDGET_MIME_TYPE) =>
            {
                Some(Err(
                    "a widget must be a text resource, not a blob".to_owned()
                ))
            }
            _ => None,
        };
    };
    if mime_type.as_deref() != Some(WIDGET_MIME_TYPE) {
        return None;
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return Some(Err(format!("not JSON: {error}"))),
    };
    let widget = match widget_dsl::parse_widget_strict(&value) {
        Ok(widget) => widget,
        Err(issues) => {
            let issues: Vec<String> = issues.iter().take(5).map(ToString::to_string).collect();
            return Some(Err(issues.join("; ")));
        }
    };
    let copy_text = meta
        .as_ref()
        .and_then(|meta| meta.0.get(COPY_TEXT_META))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Ok(CapturedWidget { widget, copy_text }))
}

/// A widget as the resource block of the convention.
pub(crate) fn widget_block(index: usize, widget: &CapturedWidget) -> ContentBlock {
    let text = serde_json::to_string(&widget.widget).unwrap_or_else(|_| "{}".to_owned());
    let mut contents = ResourceContents::TextResourceContents {
        uri: format!("chatkit://widget/{index}"),
        mime_type: Some(WIDGET_MIME_TYPE.to_owned()),
        text,
        meta: None,
    };
    if let (Some(copy_text), ResourceContents::TextResourceContents { meta, .. }) =
        (&widget.copy_text, &mut contents)
    {
        let mut map = rmcp::model::MetaObject::new();
        map.0.insert(COPY_TEXT_META.to_owned(), json!(copy_text));
        *meta = Some(map);
    }
    ContentBlock::resource(contents)
}

/// A tool's output as an MCP result, with its widgets after the content.
pub(crate) fn send(
    output: &ToolOutput,
    widgets: &[CapturedWidget],
    visibility: ErrorVisibility,
) -> CallToolResult {
    let mut content = Vec::new();
    let mut structured = None;
    let mut is_error = false;
    push_output(
        output,
        visibility,
        &mut content,
        &mut structured,
        &mut is_error,
    );
    for (index, widget) in widgets.iter().enumerate() {
        content.push(widget_block(index, widget));
    }
    let mut result = if is_error {
        CallToolResult::error(content)
    } else {
        CallToolResult::success(content)
    };
    result.structured_content = structured;
    result
}

fn push_output(
    output: &ToolOutput,
    visibility: ErrorVisibility,
    content: &mut Vec<ContentBlock>,
    structured: &mut Option<Value>,
    is_error: &mut bool,
) {
    match output {
        ToolOutput::Text(text) => content.push(ContentBlock::text(text.clone())),
        ToolOutput::Json(value) => {
            content.push(ContentBlock::text(value.to_string()));
            // `structuredContent` must be an object.
            if value.is_object() && structured.is_none() {
                *structured = Some(value.clone());
            }
        }
        ToolOutput::Image(image) => content.push(image_block(image)),
        ToolOutput::Error(error) => {
            *is_error = true;
            content.push(ContentBlock::text(error.model_message(visibility)));
        }
        ToolOutput::Parts(parts) => {
            for part in parts {
                push_output(part, visibility, content, structured, is_error);
            }
        }
        // A variant added later still reaches the client as text.
        #[allow(unreachable_patterns)]
        other => content.push(ContentBlock::text(other.to_model_text(visibility))),
    }
}

/// An image block for a `data:` URL; an image elsewhere as a link in text.
fn image_block(image: &ToolImage) -> ContentBlock {
    let url = image.as_url();
    if let Some(rest) = url.strip_prefix("data:")
        && let Some((mime, data)) = rest.split_once(";base64,")
    {
        return ContentBlock::image(data.to_owned(), mime.to_owned());
    }
    ContentBlock::text(format!("[image: {url}]"))
}

/// Whether a widget root came through intact, for tests.
#[cfg(test)]
fn same_widget(a: &widget_dsl::WidgetRoot, b: &widget_dsl::WidgetRoot) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: ReceiveOptions = ReceiveOptions {
        structured: false,
        max_bytes: 1 << 20,
    };

    fn result(value: Value) -> CallToolResult {
        serde_json::from_value(value).expect("a CallToolResult")
    }

    fn receive_json(value: Value, options: ReceiveOptions) -> Received {
        let len = json_len(&value);
        assert_eq!(len, value.to_string().len());
        receive("todo", "t", result(value), len, options)
    }

    #[test]
    fn one_text_block_is_text_and_several_are_parts() {
        let one = receive_json(
            json!({"content": [{"type": "text", "text": "hi"}]}),
            OPTIONS,
        );
        assert_eq!(one.output, ToolOutput::Text("hi".into()));
        let two = receive_json(
            json!({"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}),
            OPTIONS,
        );
        assert_eq!(
            two.output,
            ToolOutput::Parts(vec![
                ToolOutput::Text("a".into()),
                ToolOutput::Text("b".into())
            ])
        );
        let none = receive_json(json!({"content": []}), OPTIONS);
        assert_eq!(none.output, ToolOutput::Text(String::new()));
    }

    #[test]
    fn images_errors_structured_and_other_blocks() {
        let image = receive_json(
            json!({"content": [{"type": "image", "data": "iVBOR", "mimeType": "image/png"}]}),
            OPTIONS,
        );
        assert_eq!(
            image.output,
            ToolOutput::Image(ToolImage::base64("image/png", "iVBOR"))
        );
        let error = receive_json(
            json!({"content": [{"type": "text", "text": "no such task"}], "isError": true}),
            OPTIONS,
        );
        let ToolOutput::Error(error) = error.output else {
            panic!("an error")
        };
        assert_eq!(error.model_message(ErrorVisibility::Shown), "no such task");
        let structured =
            json!({"content": [{"type": "text", "text": "3"}], "structuredContent": {"result": 3}});
        assert_eq!(
            receive_json(structured.clone(), OPTIONS).output,
            ToolOutput::Text("3".into())
        );
        let with_structured = ReceiveOptions {
            structured: true,
            ..OPTIONS
        };
        assert_eq!(
            receive_json(structured, with_structured).output,
            ToolOutput::Json(json!({"result": 3}))
        );
        let link = receive_json(
            json!({"content": [{"type": "resource_link", "uri": "file:///a", "name": "a"}]}),
            OPTIONS,
        );
        let ToolOutput::Text(text) = link.output else {
            panic!("text")
        };
        assert!(text.contains("file:///a"), "{text}");
    }

    #[test]
    fn an_oversized_result_is_an_error_the_model_sees() {
        let small = ReceiveOptions {
            max_bytes: 10,
            ..OPTIONS
        };
        let out = receive_json(
            json!({"content": [{"type": "text", "text": "a long text"}]}),
            small,
        );
        let ToolOutput::Error(error) = out.output else {
            panic!("an error")
        };
        assert!(
            error.message().contains("over the limit of 10 bytes"),
            "{error:?}"
        );
    }

    #[test]
    fn widgets_round_trip_and_invalid_ones_are_dropped() {
        let widget = CapturedWidget {
            widget: widget_dsl::parse_widget_strict(
                &json!({"type": "Card", "children": [{"type": "Text", "value": "Hi"}]}),
            )
            .expect("a widget"),
            copy_text: Some("Hi".into()),
        };
        let sent = send(
            &ToolOutput::Text("Shown.".into()),
            std::slice::from_ref(&widget),
            ErrorVisibility::Redacted,
        );
        let wire = serde_json::to_value(&sent).expect("json");
        assert_eq!(wire["content"][1]["resource"]["mimeType"], WIDGET_MIME_TYPE);
        let back = receive_json(wire, OPTIONS);
        assert_eq!(back.output, ToolOutput::Text("Shown.".into()));
        assert_eq!(back.widgets.len(), 1);
        assert!(same_widget(&back.widgets[0].widget, &widget.widget));
        assert_eq!(back.widgets[0].copy_text.as_deref(), Some("Hi"));

        let bad = json!({"content": [
            {"type": "text", "text": "ok"},
            {"type": "resource", "resource": {"uri": "chatkit://widget/0", "mimeType": WIDGET_MIME_TYPE, "text": "{\"type\": \"Carrd\"}"}},
            {"type": "resource", "resource": {"uri": "chatkit://widget/1", "mimeType": WIDGET_MIME_TYPE, "text": "not json"}}
        ]});
        let back = receive_json(bad, OPTIONS);
        assert!(back.widgets.is_empty());
        assert_eq!(back.output, ToolOutput::Text("ok".into()));
    }

    #[test]
    fn errors_are_sent_redacted_and_json_objects_as_structured_content() {
        let error = ToolOutput::Error(ToolError::new(ToolErrorKind::Failed, "db password wrong"));
        let sent =
            serde_json::to_value(send(&error, &[], ErrorVisibility::Redacted)).expect("json");
        assert_eq!(sent["isError"], true);
        assert_eq!(sent["content"][0]["text"], crate::tool::REDACTED_TOOL_ERROR);
        let json_out = ToolOutput::Json(json!({"id": 1}));
        let sent =
            serde_json::to_value(send(&json_out, &[], ErrorVisibility::Redacted)).expect("json");
        assert_eq!(sent["structuredContent"], json!({"id": 1}));
        assert_eq!(sent["content"][0]["text"], "{\"id\":1}");
        let image = ToolOutput::Image(ToolImage::base64("image/png", "AAAA"));
        let sent =
            serde_json::to_value(send(&image, &[], ErrorVisibility::Redacted)).expect("json");
        assert_eq!(
            sent["content"][0],
            json!({"type": "image", "data": "AAAA", "mimeType": "image/png"})
        );
    }
}
