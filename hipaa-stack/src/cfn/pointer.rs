//! JSON pointers (RFC 6901) into the values of a template.

use serde_json::Value;

/// The value at a JSON pointer (RFC 6901), like [`Value::pointer`] but without allocating
/// for tokens that need no unescaping: the rules look up hundreds of thousands of pointers
/// in a large app.
pub(crate) fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let tokens = pointer.strip_prefix('/')?;
    let mut at = value;
    for token in tokens.split('/') {
        let unescaped;
        let token = if token.contains('~') {
            unescaped = token.replace("~1", "/").replace("~0", "~");
            unescaped.as_str()
        } else {
            token
        };
        at = match at {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => {
                if token.len() > 1 && token.starts_with('0') {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_agrees_with_serde_json_pointer() {
        let v = serde_json::json!({
            "a": {"b/c": [1, {"d~e": "x"}], "": 2},
            "list": [[0, 1], [2]],
        });
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/1/d~0e",
            "/a/",
            "/list/1/0",
            "/list/01",
            "/list/9",
            "/list/-",
            "a",
            "/missing/x",
            "/a/b~1c/0/z",
        ] {
            assert_eq!(lookup(&v, p), v.pointer(p), "pointer {p:?}");
        }
    }
}
