//! JSON text read into a tree of [`Value`]s, every object and list allocated once at its
//! final size, and every key read as written.
//!
//! serde_json's own reading of a [`Value`] grows each object and list as it reads them
//! (an object of `preserve_order` is an index map: its table and its entries are
//! reallocated at 3, 7, 14… keys), and, with its `raw_value` feature (which the workspace
//! turns on), reads an object whose first key is `$serde_json::private::RawValue` as the
//! JSON text of that key's string: `{"$serde_json::private::RawValue": "{\"Status\":
//! \"Enabled\"}"}` is read as `{"Status": "Enabled"}`, which is not what the template
//! holds, nor what CloudFormation reads. Here the entries of an object and the items of a
//! list are gathered on one scratch stack shared by the whole text, and moved into an
//! object or a list of their exact size when it ends; a key is a key.
//!
//! A template's properties are read this way whenever a tree is built from their text
//! (see [`super::PackedProperties`]): at `scale synth --buckets 50000`, about a million
//! objects and lists.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The tree of the JSON text `json`, as [`serde_json::from_slice`] reads a [`Value`]
/// (numbers, strings, escapes, duplicate keys: the last value wins, at the first key's
/// place), except that every key is read as written (see the module's documentation).
pub(crate) fn from_slice(json: &[u8]) -> Result<Value, serde_json::Error> {
    match std::str::from_utf8(json) {
        Ok(json) => from_str(json),
        // Not UTF-8: serde_json's reading of the bytes says where, as it does for a slice.
        Err(_) => read(serde_json::Deserializer::from_slice(json)),
    }
}

/// The tree of the JSON text `json`. Text known to be UTF-8 is read as text: its strings
/// are not checked again one by one, as a slice's are (at `scale synth`, those checks were
/// about 1% of its instructions).
pub(crate) fn from_str(json: &str) -> Result<Value, serde_json::Error> {
    read(serde_json::Deserializer::from_str(json))
}

/// How [`key_written_twice`] compares the keys of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCase {
    /// Keys are the same when they are equal, once their escapes are read.
    Exact,
    /// Keys are the same when they are equal in any case (`kmsKeyId`, `KmsKeyId`): for a
    /// reader that may read keys regardless of case.
    Any,
}

/// The first key that an object of the JSON text `json` writes twice (after its escapes
/// are read: `"\u006bmsKeyId"` is `kmsKeyId`), compared as `case` says; `None` when every
/// key is written once, or the text is not JSON. JSON leaves open what such an object means
/// (RFC 8259, section 4: "When the names within an object are not unique, the behavior of
/// software that receives such an object is unpredictable. Many implementations report the
/// last name/value pair only. Other implementations report an error or fail to parse the
/// object"): [`from_str`] keeps the last value, which the service that reads the text may
/// not.
pub(crate) fn key_written_twice(json: &str, case: KeyCase) -> Option<String> {
    let mut found = None;
    let mut reader = serde_json::Deserializer::from_str(json);
    Keys {
        found: &mut found,
        case,
    }
    .deserialize(&mut reader)
    .ok()?;
    reader.end().ok()?;
    found
}

/// The first key of an object already read that repeats an earlier key in another case
/// (`kmsKeyId` after `KmsKeyId`), with that earlier key: [`key_written_twice`] with
/// [`KeyCase::Any`], for an object of the template, whose keys are unique as written.
pub(crate) fn key_in_two_cases(object: &Map<String, Value>) -> Option<(&String, &String)> {
    let mut seen = std::collections::HashMap::new();
    object.keys().find_map(|key| {
        seen.insert(key.to_ascii_lowercase(), key)
            .map(|first| (first, key))
    })
}

/// A reading of JSON that keeps nothing but the first key written twice in one object.
struct Keys<'r> {
    found: &'r mut Option<String>,
    case: KeyCase,
}

impl Keys<'_> {
    fn inner(&mut self) -> Keys<'_> {
        Keys {
            found: self.found,
            case: self.case,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Keys<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Keys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut list: A) -> Result<(), A::Error> {
        while list.next_element_seed(self.inner())?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut object: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = object.next_key::<String>()? {
            let compared = match self.case {
                KeyCase::Exact => key.clone(),
                KeyCase::Any => key.to_ascii_lowercase(),
            };
            if !seen.insert(compared) && self.found.is_none() {
                *self.found = Some(key);
            }
            object.next_value_seed(self.inner())?;
        }
        Ok(())
    }
}

/// The tree of the one value that `reader` holds.
fn read<'de, R: serde_json::de::Read<'de>>(
    mut reader: serde_json::Deserializer<R>,
) -> Result<Value, serde_json::Error> {
    let mut scratch = Scratch::default();
    let tree = Read(&mut scratch).deserialize(&mut reader)?;
    reader.end()?;
    Ok(tree)
}

/// The entries of the objects and the items of the lists being read, innermost last.
#[derive(Default)]
struct Scratch {
    entries: Vec<(String, Value)>,
    items: Vec<Value>,
}

/// Reads one value, its objects' entries and its lists' items gathered on the scratch
/// stack.
struct Read<'s>(&'s mut Scratch);

impl<'de> DeserializeSeed<'de> for Read<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<Value, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Read<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // As serde_json reads a float: one that is not finite is null.
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut list: A) -> Result<Value, A::Error> {
        let scratch = self.0;
        let start = scratch.items.len();
        while let Some(item) = list.next_element_seed(Read(scratch))? {
            scratch.items.push(item);
        }
        // A drain knows its length: the list is allocated once, at its size.
        Ok(Value::Array(scratch.items.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut object: A) -> Result<Value, A::Error> {
        let scratch = self.0;
        let start = scratch.entries.len();
        while let Some(key) = object.next_key::<String>()? {
            let value = object.next_value_seed(Read(scratch))?;
            scratch.entries.push((key, value));
        }
        let mut map = Map::with_capacity(scratch.entries.len() - start);
        for (key, value) in scratch.entries.drain(start..) {
            // As serde_json reads one: a key written twice keeps its first place and its
            // last value.
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
#[expect(
    clippy::disallowed_methods,
    reason = "the tests compare this reading with serde_json's own"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value, with keys that repeat (a few short ones) and every kind of number.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-c\\\\\"\u{e9}\u{1F600}\n]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec(("[a-d]{0,2}", inner), 0..10)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    /// The same tree, in the same order (an index map's equality ignores the order).
    fn same(a: &Value, b: &Value) -> bool {
        a == b && serde_json::to_vec(a).ok() == serde_json::to_vec(b).ok()
    }

    proptest! {
        /// What serde_json writes is read back as serde_json reads it, key order included.
        #[test]
        fn reads_what_serde_json_reads(value in any_json()) {
            for text in [serde_json::to_string(&value)?, serde_json::to_string_pretty(&value)?] {
                let ours = from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let theirs: Value = serde_json::from_str(&text)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(same(&ours, &theirs), "{text}: {ours} against {theirs}");
            }
        }

        /// Text with keys written twice, numbers in every form, and cut short: the same
        /// tree, or an error where serde_json has one.
        #[test]
        fn agrees_on_any_text(text in "[\\[\\]{}:, \"a-c0-9.eE+\\-]{0,40}") {
            let ours = from_str(&text);
            let theirs = serde_json::from_str::<Value>(&text);
            match (ours, theirs) {
                (Ok(ours), Ok(theirs)) => prop_assert!(same(&ours, &theirs), "{text}"),
                (Err(_), Err(_)) => {}
                (ours, theirs) => prop_assert!(false, "{text}: {ours:?} against {theirs:?}"),
            }
        }
    }

    /// A key written twice in one object, at any depth, is found, however it is spelled
    /// (an escape; another case, where asked); the same key in two objects is not.
    #[test]
    fn a_key_written_twice_is_found() {
        use KeyCase::{Any, Exact};
        for (text, case, twice) in [
            (r#"{"a": 1, "b": 2}"#, Exact, None),
            (r#"{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}"#, Exact, None),
            (r#"[{"a": 1}, {"a": 2, "b": [true, null, 1.5]}]"#, Any, None),
            (r#"{"a": 1, "A": 2}"#, Exact, None),
            (r#"{"a": 1, "A": 2}"#, Any, Some("A")),
            (r#"{"a": 1, "a": 2}"#, Exact, Some("a")),
            (
                r#"{"x": {"kmsKeyId": 1, "\u006bmsKeyId": 2}}"#,
                Exact,
                Some("kmsKeyId"),
            ),
            (
                r#"[{"S": [{"Effect": "Allow", "Effect": "Deny"}]}]"#,
                Exact,
                Some("Effect"),
            ),
            (
                r#"{"x": {"b": 1, "b": 1}, "y": {"c": 1, "c": 2}}"#,
                Exact,
                Some("b"),
            ),
            ("not json", Any, None),
            (r#"{"a": 1, "a": 2} trailing"#, Exact, None),
        ] {
            assert_eq!(
                key_written_twice(text, case).as_deref(),
                twice,
                "{text} {case:?}"
            );
        }
    }

    /// Keys of one object that differ only in case are found, the earlier one first.
    #[test]
    fn a_key_in_two_cases_is_found() {
        let object = |v: serde_json::Value| v.as_object().cloned().unwrap();
        let found = object(serde_json::json!({"a": 1, "B": 2, "b": 3}));
        assert_eq!(
            key_in_two_cases(&found),
            Some((&"B".to_owned(), &"b".to_owned()))
        );
        assert_eq!(
            key_in_two_cases(&object(serde_json::json!({"a": 1, "b": {"B": 2}}))),
            None
        );
    }

    #[test]
    fn a_key_written_twice_keeps_its_place_and_its_last_value() {
        let tree = from_str(r#"{"a": 1, "b": [true, null, -0.5e3], "a": {"c": "d"}}"#).unwrap();
        assert_eq!(
            tree.to_string(),
            r#"{"a":{"c":"d"},"b":[true,null,-500.0]}"#
        );
    }

    #[test]
    fn every_object_and_list_is_allocated_at_its_size() {
        let tree = from_str(r#"{"a": [1, 2, 3, 4, 5], "b": {"x": 1, "y": 2, "z": 3}}"#).unwrap();
        assert_eq!(tree["a"].as_array().map(Vec::capacity), Some(5));
        let text = r#"[[], {}, [[[]]], {"k": {}}]"#;
        assert_eq!(
            from_str(text).unwrap().to_string(),
            r#"[[],{},[[[]]],{"k":{}}]"#
        );
    }

    /// serde_json reads `{"$serde_json::private::RawValue": "<json>"}` as `<json>`; the
    /// template holds the object, and so does its tree here.
    #[test]
    fn serde_json_s_raw_value_key_is_a_key() {
        let text = r#"{"Status": {"$serde_json::private::RawValue": "\"Enabled\""}}"#;
        let serde_json_reads: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json_reads["Status"], "Enabled");
        let tree = from_str(text).unwrap();
        assert_eq!(
            tree["Status"]["$serde_json::private::RawValue"],
            "\"Enabled\""
        );
        assert!(!tree["Status"].is_string());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error() {
        assert!(from_slice(b"\"\xff\"").is_err());
        assert_eq!(from_slice("\"\u{e9}\"".as_bytes()).unwrap(), "\u{e9}");
    }

    #[test]
    fn text_after_the_value_is_an_error() {
        assert!(from_str("{} x").is_err());
        assert!(from_str(r#"{"a": 1"#).is_err());
        assert!(from_str("").is_err());
    }
}
