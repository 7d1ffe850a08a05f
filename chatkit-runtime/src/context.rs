//! The context a tool runs in.

/// What a tool can reach while it runs: the app's per-request context (the
/// `C` chosen by the app, such as the signed-in user).
///
/// A `#[function_tool]` receives it by declaring a `&AgentContext<C>`
/// parameter anywhere in its list; that parameter is not part of the schema
/// the model sees.
#[derive(Debug)]
pub struct AgentContext<C = ()> {
    context: C,
}

impl<C> AgentContext<C> {
    /// A context wrapping the app's per-request `context`.
    pub fn new(context: C) -> Self {
        Self { context }
    }

    /// The app's per-request context.
    pub fn context(&self) -> &C {
        &self.context
    }
}

impl Default for AgentContext<()> {
    fn default() -> Self {
        Self::new(())
    }
}
