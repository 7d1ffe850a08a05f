//! Embeds the playground's files (`playground/`) when the `playground`
//! feature is on: one `(name, bytes)` entry per file, so that adding a file
//! to the folder needs no change to the Rust code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=playground");
    println!("cargo::rerun-if-env-changed=CARGO_FEATURE_PLAYGROUND");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::from("pub(crate) static ASSETS: &[(&str, &[u8])] = &[\n");
    if std::env::var_os("CARGO_FEATURE_PLAYGROUND").is_some() {
        let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
            .join("playground");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
            .map(|entry| entry.expect("a readable playground entry").path())
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 names");
            // Dot files (editor swap files, .DS_Store) are not assets.
            if name.starts_with('.') {
                continue;
            }
            println!("cargo::rerun-if-changed={}", path.display());
            writeln!(
                code,
                "    ({name:?}, include_bytes!({:?})),",
                path.display()
            )
            .expect("writing to a String");
        }
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&out).join("playground_assets.rs"), code)
        .expect("cannot write the playground's asset list");
}
