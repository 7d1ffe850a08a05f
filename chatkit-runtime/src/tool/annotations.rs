//! What a tool says about its behaviour to MCP clients: the `annotations`
//! of an MCP tool (`ToolAnnotations` in the MCP specification).

/// Hints about a tool's behaviour, served to MCP clients as the tool's
/// `annotations`.
///
/// Every field is a hint, not a guarantee: clients use them to decide what
/// to show and when to ask the user for confirmation, but they must not
/// trust them for safety, since a server can claim anything. `None` leaves
/// the field out, and clients then assume the MCP default given on each
/// field.
///
/// `#[function_tool]` fills it in from its `title`, `read_only`,
/// `destructive`, `idempotent` and `open_world` keys; by hand it is a
/// struct literal:
///
/// ```
/// use chatkit_runtime::tool::ToolAnnotations;
///
/// let annotations = ToolAnnotations {
///     title: Some("List tasks".to_owned()),
///     read_only: Some(true),
///     ..ToolAnnotations::default()
/// };
/// assert_eq!(annotations.destructive, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolAnnotations {
    /// A human-readable title (MCP `title`), which clients show in their
    /// user interface in place of the tool's name. The model still calls
    /// the tool by its name.
    pub title: Option<String>,
    /// Whether the tool only reads, and changes nothing in its environment
    /// (MCP `readOnlyHint`; clients assume `false`). Clients may run a
    /// read-only tool without asking the user first.
    pub read_only: Option<bool>,
    /// Whether the tool may make destructive updates, such as deleting or
    /// overwriting data, rather than only adding to its environment (MCP
    /// `destructiveHint`; clients assume `true`). Clients may ask for
    /// confirmation before a destructive call. Only meaningful for a tool
    /// that is not read-only.
    pub destructive: Option<bool>,
    /// Whether calling the tool again with the same arguments has no further
    /// effect on its environment (MCP `idempotentHint`; clients assume
    /// `false`). Clients may retry an idempotent call after a failure. Only
    /// meaningful for a tool that is not read-only.
    pub idempotent: Option<bool>,
    /// Whether the tool reaches an open world of external entities, such as
    /// the web, rather than a closed domain such as the app's own store (MCP
    /// `openWorldHint`; clients assume `true`). Clients may treat the
    /// results of an open-world tool as less trusted.
    pub open_world: Option<bool>,
}
