//! JSON pointers (RFC 6901) into the values of a template.

use serde_json::Value;

/// The value at a JSON pointer (RFC 6901), like [`Value::pointer`] but without allocating
/// for tokens that need no unescaping: the rules look up hundreds of thousands of pointers
/// in a large app.
pub(crate) fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut rest = pointer.strip_prefix('/')?;
    let mut at = value;
    loop {
        // Tokens are short: a byte loop finds their end faster than a string searcher.
        let end = rest.bytes().position(|b| b == b'/');
        let token = &rest[..end.unwrap_or(rest.len())];
        let unescaped;
        let token = if token.bytes().any(|b| b == b'~') {
            unescaped = token.replace("~1", "/").replace("~0", "~");
            unescaped.as_str()
        } else {
            token
        };
        at = match at {
            Value::Object(map) => get(map, token)?,
            Value::Array(items) => {
                // As serde_json reads an index: digits only, no sign, no leading zero.
                if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
        match end {
            Some(end) => rest = &rest[end + 1..],
            None => return Some(at),
        }
    }
}

/// The value of property `key` of `map`, as [`serde_json::Map::get`] finds it: a small
/// object (most of a template's) is read in order, comparing keys, which costs less than
/// hashing the key; a larger one is looked up by its hash.
pub(crate) fn get<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    /// Up to this many properties, comparing costs less than hashing.
    const READ_IN_ORDER: usize = 8;
    if map.len() <= READ_IN_ORDER {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
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
            "/",
            "//",
            "/a//",
            "/a/b~1c/",
            "/a/b~01c",
            "/list/1/0/",
            "/list/+1",
            "/list/1/00",
            "/list/18446744073709551616",
        ] {
            assert_eq!(lookup(&v, p), v.pointer(p), "pointer {p:?}");
        }
    }

    #[test]
    fn a_property_is_found_as_serde_json_finds_it_in_small_and_large_objects() {
        for size in [0, 1, 7, 8, 9, 40] {
            let map: serde_json::Map<String, Value> = (0..size)
                .map(|i| (format!("K{i}"), Value::from(i)))
                .collect();
            for key in (0..size + 2)
                .map(|i| format!("K{i}"))
                .chain(["".into(), "k0".into()])
            {
                assert_eq!(
                    get(&map, &key),
                    map.get(&key),
                    "{size} properties, key {key:?}"
                );
            }
        }
    }
}
