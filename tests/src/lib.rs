//! Integration tests for hipaa-stack live in `tests/`.
