//! Cross-crate tests live in `tests/tests/`; `src/bin/crash_child.rs` is the process the
//! crash test kills.
