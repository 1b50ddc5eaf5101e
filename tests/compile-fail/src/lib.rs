//! The compile-fail cases of hipaa-stack live in `tests/ui`, run by `tests/ui.rs`.
