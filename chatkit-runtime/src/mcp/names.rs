//! The names the model calls MCP tools by: an MCP tool name may hold
//! characters or lengths providers refuse, and two servers may offer the
//! same name.

use crate::tool::is_valid_tool_name;

/// The longest tool name providers accept.
const MAX_NAME: usize = 64;

/// `name` with every character outside `[A-Za-z0-9_-]` replaced by `_`.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A short, stable hash of `parts` (FNV-1a, so names survive upgrades of
/// the standard library's hasher).
fn short_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", hash >> 32)
}

/// `base` cut to fit 64 characters with `_<hash>` after it.
fn with_hash(base: &str, server: &str, tool: &str) -> String {
    let hash = short_hash(&[server, tool]);
    let keep = MAX_NAME - hash.len() - 1;
    let cut: String = base.chars().take(keep).collect();
    format!("{cut}_{hash}")
}

/// The name an MCP tool is offered under without prefixes: its own when
/// providers accept it, else a sanitized one with a hash of the original.
pub(crate) fn plain_name(server: &str, tool: &str) -> String {
    if is_valid_tool_name(tool) {
        tool.to_owned()
    } else {
        let clean = sanitize(tool);
        if clean.is_empty() {
            with_hash("mcp", server, tool)
        } else {
            with_hash(&clean, server, tool)
        }
    }
}

/// `mcp_<server>__<tool>`, sanitized; with a hash suffix when too long.
pub(crate) fn prefixed_name(server: &str, tool: &str) -> String {
    let name = format!("mcp_{}__{}", sanitize(server), sanitize(tool));
    if name.len() <= MAX_NAME && name == format!("mcp_{server}__{tool}") {
        name
    } else {
        // Sanitized (two names may now be one) or too long: a hash of the
        // originals tells them apart.
        with_hash(&name, server, tool)
    }
}

/// A prefixed name that another tool already took, made unique.
pub(crate) fn disambiguate(name: &str, server: &str, tool: &str) -> String {
    with_hash(name, server, tool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_are_kept() {
        assert_eq!(plain_name("todo", "add_task"), "add_task");
        assert_eq!(prefixed_name("todo", "add_task"), "mcp_todo__add_task");
    }

    #[test]
    fn names_providers_refuse_are_sanitized_with_a_hash() {
        let name = plain_name("fs", "files.read");
        assert!(name.starts_with("files_read_"), "{name}");
        assert!(is_valid_tool_name(&name));
        // Stable, and different for a name that sanitizes the same.
        assert_eq!(name, plain_name("fs", "files.read"));
        assert_ne!(name, plain_name("fs", "files/read"));
        let prefixed = prefixed_name("Todo MCP", "add");
        assert!(prefixed.starts_with("mcp_Todo_MCP__add_"), "{prefixed}");
        assert!(is_valid_tool_name(&prefixed));
    }

    #[test]
    fn long_names_fit_64_characters() {
        let tool = "t".repeat(100);
        for name in [plain_name("s", &tool), prefixed_name("server", &tool)] {
            assert!(name.len() <= 64, "{name}");
            assert!(is_valid_tool_name(&name), "{name}");
        }
        assert_ne!(prefixed_name("a", &tool), prefixed_name("b", &tool));
        assert!(is_valid_tool_name(&plain_name("s", "...")));
    }

    #[test]
    fn disambiguated_names_differ() {
        let a = disambiguate("mcp_x__y", "x", "y");
        assert_ne!(a, "mcp_x__y");
        assert!(is_valid_tool_name(&a));
    }
}
