//! The Python oracles' venv: `oracles/setup.sh` run once per test binary.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// The venv's python, after running `oracles/setup.sh` (idempotent, fast
/// once installed) the first time it is asked for; or why it is missing.
pub fn venv_python() -> Result<PathBuf, String> {
    static SETUP: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            let root = repo_root();
            let output = Command::new("bash")
                .arg(root.join("oracles/setup.sh"))
                .output()
                .map_err(|err| format!("cannot run oracles/setup.sh: {err}"))?;
            if !output.status.success() {
                return Err(format!(
                    "oracles/setup.sh failed:\n{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let python = root.join(".oracles/venv/bin/python");
            if !python.exists() {
                return Err(format!("{} is missing", python.display()));
            }
            Ok(python)
        })
        .clone()
}
