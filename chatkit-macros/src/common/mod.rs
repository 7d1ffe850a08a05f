//! Helpers shared by the macros.

pub(crate) mod ctxt;
pub(crate) mod suggest;

/// A path as written, without spaces: `serde_json::Value`, `crate`.
pub(crate) fn path_to_string(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
