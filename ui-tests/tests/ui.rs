//! Compile-pass and compile-fail tests of the chatkit-rs macros, run with
//! trybuild. One test binary holds every suite; each macro adds its own
//! directories under `tests/ui/`.
//!
//! Regenerate the expected `.stderr` files after an intended change to a
//! diagnostic with `TRYBUILD=overwrite cargo test -p ui-tests --test ui`,
//! then review the diff.

/// `widget!`: valid trees compile and serialize as expected; each mistake
/// is reported at the offending token.
#[test]
fn widget() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/widget/pass/*.rs");
    t.compile_fail("tests/ui/widget/fail/*.rs");
}

/// `#[function_tool]`: every supported parameter and return type compiles,
/// in any scope; each unsupported fn or attribute is reported once, at the
/// offending token, with how to fix it.
#[test]
fn function_tool() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/function_tool/pass/*.rs");
    t.compile_fail("tests/ui/function_tool/fail/*.rs");
}

/// `widget_template!`: `.widget` files are read and checked while compiling,
/// and their data is typed; each mistake in a file is reported at its path.
#[test]
fn widget_template() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/template/pass/*.rs");
    t.compile_fail("tests/ui/template/fail/*.rs");
}
