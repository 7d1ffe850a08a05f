//! Compile-fail and compile-pass tests of the chatkit-rs macros; see `tests/`.
