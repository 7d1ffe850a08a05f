//! The MCP annotation keys: hints alone mean `true`, `= false` is kept as
//! given, and a tool without them has the default annotations. The
//! expansion adds no warnings.

#![deny(warnings, missing_docs, unused_qualifications, unreachable_pub)]

/// Tools of this crate.
pub mod tools {
    use chatkit_runtime::function_tool;

    /// List the tasks.
    #[function_tool(title = "List tasks", read_only, idempotent, open_world = false)]
    pub async fn list_tasks() -> Vec<String> {
        Vec::new()
    }

    /// Delete a task.
    #[function_tool(
        name = "delete_task",
        title = "Delete a task",
        read_only = false,
        destructive,
        idempotent = true,
        open_world = false,
        strict = true,
        show_errors = false
    )]
    pub async fn remove(id: u32) -> Result<u32, String> {
        Ok(id)
    }

    /// Only a hint, written out.
    #[function_tool(destructive = false)]
    pub async fn append(text: String) -> String {
        text
    }

    /// No annotations.
    #[function_tool]
    pub async fn plain() {}
}

// No prelude at all: the annotations need nothing from it.
#[no_implicit_prelude]
mod bare {
    /// Shout.
    #[::chatkit_runtime::function_tool(title = "Shout", read_only)]
    pub(crate) async fn shout(text: ::std::string::String) -> ::std::string::String {
        text.to_uppercase()
    }
}

// Under a renamed path.
mod rt {
    pub(crate) use ::chatkit_runtime::*;
}

mod renamed {
    /// Echo.
    #[crate::rt::function_tool(crate = "crate::rt", open_world)]
    pub(crate) async fn echo(text: String) -> String {
        text
    }
}

use chatkit_runtime::tool::{Tool, ToolAnnotations};

fn main() {
    assert_eq!(
        Tool::<()>::annotations(&tools::list_tasks::tool()),
        ToolAnnotations {
            title: Some("List tasks".to_owned()),
            read_only: Some(true),
            destructive: None,
            idempotent: Some(true),
            open_world: Some(false),
        }
    );
    assert_eq!(
        Tool::<()>::annotations(&tools::remove::tool()),
        ToolAnnotations {
            title: Some("Delete a task".to_owned()),
            read_only: Some(false),
            destructive: Some(true),
            idempotent: Some(true),
            open_world: Some(false),
        }
    );
    assert_eq!(
        Tool::<()>::annotations(&tools::append::tool()),
        ToolAnnotations {
            destructive: Some(false),
            ..ToolAnnotations::default()
        }
    );
    assert_eq!(
        Tool::<()>::annotations(&tools::plain::tool()),
        ToolAnnotations::default()
    );
    assert_eq!(
        Tool::<()>::annotations(&bare::shout::tool()),
        ToolAnnotations {
            title: Some("Shout".to_owned()),
            read_only: Some(true),
            ..ToolAnnotations::default()
        }
    );
    assert_eq!(
        Tool::<()>::annotations(&renamed::echo::tool()).open_world,
        Some(true)
    );
}
