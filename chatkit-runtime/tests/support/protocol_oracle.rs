//! Checks protocol JSON that chatkit-rs produced against the pydantic types of
//! the Python reference server (`openai-chatkit` 1.6.5), with
//! `oracles/python/check_protocol.py` (see `oracles/README.md`).
//!
//! Include it in a test file with
//! `#[path = "support/protocol_oracle.rs"] mod protocol_oracle;`.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

#[path = "oracle_venv.rs"]
mod oracle_venv;

/// The kinds the checker knows, with the reference type each is validated as.
#[allow(dead_code)]
pub(crate) const KINDS: &[(&str, &str)] = &[
    ("event", "ThreadStreamEvent"),
    ("item", "ThreadItem"),
    ("thread", "Thread"),
    ("thread_page", "Page[Thread] (threads.list)"),
    ("item_page", "Page[ThreadItem] (items.list)"),
    ("attachment", "Attachment"),
    ("sync_action_response", "SyncCustomActionResponse"),
    ("transcription", "TranscriptionResult"),
    ("empty", "exactly {}"),
    ("request", "ChatKitReq"),
];

/// Writes `entries` (`(name, kind, json)`, `kind` one of [`KINDS`]) to a
/// corpus file under `CARGO_TARGET_TMPDIR` (removed when the check passes),
/// installs the reference with `oracles/setup.sh` (idempotent, fast once
/// installed) and runs the checker. Returns its output.
///
/// # Panics
/// With the checker's output when any entry fails, and when `entries` is
/// empty or the checker cannot run.
pub(crate) fn check_with_reference(entries: &[(String, &'static str, Value)]) -> String {
    assert!(!entries.is_empty(), "no entry to check with the reference");
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let corpus: Vec<Value> = entries
        .iter()
        .map(|(name, kind, value)| json!({"name": name, "kind": kind, "json": value}))
        .collect();
    let corpus_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "protocol-oracle-corpus-{}-{}.json",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(
        &corpus_path,
        serde_json::to_string_pretty(&corpus).expect("corpus JSON"),
    )
    .expect("write the corpus");

    let root = oracle_venv::repo_root();
    let python = oracle_venv::venv_python().unwrap_or_else(|why| panic!("{why}"));
    let output = Command::new(&python)
        .arg(root.join("oracles/python/check_protocol.py"))
        .arg(&corpus_path)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", python.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = format!("protocol oracle: {} passed, 0 failed", entries.len());
    assert!(
        output.status.success() && text.contains(&expected),
        "the protocol oracle disagrees (corpus: {}):\n{text}",
        corpus_path.display()
    );
    // Kept for inspection only when the check fails.
    let _ = std::fs::remove_file(&corpus_path);
    text
}
