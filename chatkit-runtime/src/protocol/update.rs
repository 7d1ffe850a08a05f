//! The `update` of a `thread.item.updated` event.

use serde::{Deserialize, Serialize};
use widget_dsl::{WidgetComponent, WidgetRoot, WidgetUpdate};

use super::item::{Annotation, AssistantMessageContent, GeneratedImage, Task};

/// A change to an item that is still streaming, tagged by `type`.
// Updates are built one at a time and sent at once.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum ThreadItemUpdate {
    /// A new text part of an assistant message.
    #[serde(rename = "assistant_message.content_part.added")]
    ContentPartAdded {
        /// The part's index.
        content_index: u32,
        /// The part.
        content: AssistantMessageContent,
    },
    /// Text appended to a part.
    #[serde(rename = "assistant_message.content_part.text_delta")]
    ContentPartTextDelta {
        /// The part's index.
        content_index: u32,
        /// The appended text.
        delta: String,
    },
    /// A citation added to a part.
    #[serde(rename = "assistant_message.content_part.annotation_added")]
    ContentPartAnnotationAdded {
        /// The part's index.
        content_index: u32,
        /// The citation's index.
        annotation_index: u32,
        /// The citation.
        annotation: Annotation,
    },
    /// A part is complete.
    #[serde(rename = "assistant_message.content_part.done")]
    ContentPartDone {
        /// The part's index.
        content_index: u32,
        /// The complete part.
        content: AssistantMessageContent,
    },
    /// Text appended to a streaming `Text` or `Markdown` of a widget.
    #[serde(rename = "widget.streaming_text.value_delta")]
    WidgetStreamingTextValueDelta {
        /// The component's `id`.
        component_id: String,
        /// The appended text.
        delta: String,
        /// The component stopped streaming.
        done: bool,
    },
    /// A widget replaced whole.
    #[serde(rename = "widget.root.updated")]
    WidgetRootUpdated {
        /// The new widget.
        widget: WidgetRoot,
    },
    /// One component of a widget replaced.
    #[serde(rename = "widget.component.updated")]
    WidgetComponentUpdated {
        /// The component's `id`.
        component_id: String,
        /// The new component.
        component: WidgetComponent,
    },
    /// A task added to a workflow.
    #[serde(rename = "workflow.task.added")]
    WorkflowTaskAdded {
        /// The task's index.
        task_index: u32,
        /// The task.
        task: Task,
    },
    /// A task of a workflow replaced.
    #[serde(rename = "workflow.task.updated")]
    WorkflowTaskUpdated {
        /// The task's index.
        task_index: u32,
        /// The new task.
        task: Task,
    },
    /// A partial image.
    #[serde(rename = "generated_image.updated")]
    GeneratedImageUpdated {
        /// The image so far.
        image: GeneratedImage,
        /// Progress in `[0, 1]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        progress: Option<f64>,
    },
}

impl From<WidgetUpdate> for ThreadItemUpdate {
    fn from(update: WidgetUpdate) -> Self {
        match update {
            WidgetUpdate::StreamingTextValueDelta {
                component_id,
                delta,
                done,
            } => Self::WidgetStreamingTextValueDelta {
                component_id,
                delta,
                done,
            },
            WidgetUpdate::ComponentUpdated {
                component_id,
                component,
            } => Self::WidgetComponentUpdated {
                component_id,
                component,
            },
            WidgetUpdate::RootUpdated { widget } => Self::WidgetRootUpdated { widget },
        }
    }
}
