//! `Fn::If`: a resource whose properties test conditions is every resource its conditions
//! can make. The rules read each reading (every `Fn::If` replaced by the branch its
//! condition takes, the same branch wherever the same condition is tested) and the resource
//! holds only if every reading holds: a non-compliant branch is a finding, whatever the
//! condition is likely to be when the stack is deployed.

use serde_json::Value;

use super::meaning::no_value;

/// The most conditions of one resource whose every combination the rules read (2^6 = 64
/// readings of each rule); a resource that tests more is a finding of `U2`, and its
/// conditions are not resolved.
pub(crate) const MOST_CONDITIONS: usize = 6;

/// The conditions that `Fn::If` tests below `value`, each once, in the order found.
pub(crate) fn conditions(value: &Value) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let mut pending = Vec::with_capacity(32);
    pending.push(value);
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => {
                if let Some(name) = tested(v)
                    && !found.contains(&name)
                {
                    found.push(name);
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    found
}

/// The condition of `{"Fn::If": [condition, then, else]}`: an object of that one key (an
/// object that writes `Fn::If` beside other keys is no intrinsic function the rules read,
/// see [`intrinsic_beside_keys`]).
fn tested(value: &Value) -> Option<&str> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    match crate::cfn::pointer::get(map, "Fn::If")? {
        Value::Array(a) if a.len() == 3 => a[0].as_str(),
        _ => None,
    }
}

/// The first object below `value` (its pointer, below `at`, and the key) that writes an
/// intrinsic function (`Ref`, `Fn::…`; not `Fn::Transform`, whose `AWS::Include` is "a
/// placeholder where snippets are injected" and which `U2` refuses anyway) beside other
/// keys, such as `{"Fn::If": ["C", {...}, {...}], "ServerSideEncryptionConfiguration": [...]}`.
/// CloudFormation's Template Reference writes every intrinsic function as an object of its
/// one key ("Intrinsic function reference") and does not say what it does with one that
/// has others: whether it takes the branch, the other keys, or refuses the template, so the
/// rules cannot read which value is deployed.
#[cfg(test)]
pub(crate) fn intrinsic_beside_keys(value: &Value, at: &str) -> Option<(String, String)> {
    find_object(value, at, &beside_keys)
}

/// The intrinsic function an object writes beside other keys ([`intrinsic_beside_keys`]).
fn beside_keys(map: &serde_json::Map<String, Value>) -> Option<String> {
    if map.len() < 2 {
        return None;
    }
    map.keys()
        .find(|k| *k == "Ref" || (k.starts_with("Fn::") && *k != "Fn::Transform"))
        .cloned()
}

/// The pointer (below `at`) of the first `Fn::If` below `value` that is not
/// `[condition_name, value_if_true, value_if_false]` with the condition's name as text (the
/// form of the Template Reference's `Fn::If`): the rules cannot read which value it
/// deploys, if CloudFormation takes it at all.
#[cfg(test)]
pub(crate) fn malformed_if(value: &Value, at: &str) -> Option<String> {
    find_object(value, at, &|map| malformed(map).then_some(())).map(|(at, ())| at)
}

/// Whether an object writes `Fn::If` alone otherwise than as [`malformed_if`] reads it.
fn malformed(map: &serde_json::Map<String, Value>) -> bool {
    crate::cfn::pointer::get(map, "Fn::If").is_some_and(|v| {
        map.len() == 1 && !matches!(v, Value::Array(a) if a.len() == 3 && a[0].is_string())
    })
}

/// The pointer (below `at`) of the first `Fn::Select` below `value` that picks its value
/// from a list written in the template: a list of values (`[index, [a, b]]`), or an
/// `Fn::Split` of text known before deploy whose piece at the index is known too (no
/// pseudo parameter in it: `Fn::Select [2, Fn::Split ["/", Ref AWS::StackId]]` picks what
/// only the deploy knows). CloudFormation deploys the one entry ("returns a single object
/// from a list of objects by index", Template Reference, `Fn::Select`), which is known
/// here, yet written as a list it hides from a rule's reader the value it reads (hostile
/// review 41: a password, an `http://` URI, a condition key, an alarm action picked by
/// index passed rules that read the value where it is written); the entry itself, or an
/// `Fn::If` per choice, whose every branch the rules read, says the same.
#[cfg(test)]
pub(crate) fn select_of_written_list(value: &Value, at: &str) -> Option<String> {
    find_object(value, at, &|map| selects_written_list(map).then_some(())).map(|(at, ())| at)
}

/// Whether an object is an `Fn::Select` of a written list ([`select_of_written_list`]).
fn selects_written_list(map: &serde_json::Map<String, Value>) -> bool {
    if map.len() != 1 {
        return false;
    }
    match crate::cfn::pointer::get(map, "Fn::Select").and_then(Value::as_array) {
        Some(args) => match args.as_slice() {
            [index, list] => written_list(index, list),
            _ => false,
        },
        None => false,
    }
}

/// The pointer (below `at`) of the first `Fn::FindInMap` below `value`: it reads the
/// template's `Mappings` ("returns the value corresponding to keys in a two-level map that's
/// declared in the `Mappings` section", Template Reference, `Fn::FindInMap`), and a template
/// of hipaa-stack declares none, so CloudFormation refuses the template; the rules cannot
/// read the value it stands for either.
#[cfg(test)]
pub(crate) fn find_in_map(value: &Value, at: &str) -> Option<String> {
    find_object(value, at, &|map| reads_mappings(map).then_some(())).map(|(at, ())| at)
}

/// Whether an object is an `Fn::FindInMap` ([`find_in_map`]).
fn reads_mappings(map: &serde_json::Map<String, Value>) -> bool {
    map.len() == 1 && map.contains_key("Fn::FindInMap")
}

/// Whether an object is an `Fn::Join`, `Fn::Sub`, `Fn::Split` or `Fn::Base64` that holds
/// `AWS::NoValue` (`Ref`, or `${AWS::NoValue}` in text), below any other function but an
/// `Fn::If`, which the engine's readings resolve first. AWS documents what `AWS::NoValue`
/// does only where `Fn::If` returns it ("Removes the corresponding resource property when
/// specified as a return value in the `Fn::If` intrinsic function", User Guide, "Pseudo
/// parameters reference"); inside text it may be an error, nothing or the property
/// removed, and the rules would read a value that is not deployed.
fn hides_no_value(map: &serde_json::Map<String, Value>) -> bool {
    fn mentions(value: &Value) -> bool {
        match value {
            Value::String(s) => s.contains("${AWS::NoValue}"),
            Value::Array(items) => items.iter().any(mentions),
            Value::Object(map) => no_value(value) || map.values().any(mentions),
            _ => false,
        }
    }
    map.len() == 1
        && map.iter().any(|(k, v)| {
            matches!(
                k.as_str(),
                "Fn::Join" | "Fn::Sub" | "Fn::Split" | "Fn::Base64"
            ) && mentions(v)
        })
}

/// Whether an object is an `Fn::Join` whose pieces (its delimiter between them among
/// them), or an `Fn::Sub` whose text and variables, write `${AWS::…}` only together, as
/// `{"Fn::Join": [":", ["${AWS", ":AccountId}"]]}` does. CloudFormation substitutes only
/// what an `Fn::Sub`'s own text writes ("Fn::Sub": a variable's value is not substituted
/// again, and `Fn::Join` "appends a set of values into a single value"), so AWS receives
/// those characters; the rules read the text made (`cfn::text`), where `${AWS::AccountId}`
/// is the placeholder of the stack's own account, and a string that writes the characters
/// whole is read as AWS receives it (`cfn::text::sent`), but not characters split across
/// pieces.
fn splits_a_placeholder(map: &serde_json::Map<String, Value>) -> bool {
    use crate::cfn::text::text;
    /// A piece whose text is not known before deploy (a resource's attribute, an
    /// `Fn::Sub`'s own placeholder) writes no `$`.
    const UNKNOWN: char = '\u{1}';
    let mut pieces: Vec<String> = Vec::new();
    match map.iter().next().filter(|_| map.len() == 1) {
        Some((function, Value::Array(args))) if function == "Fn::Join" => {
            let [Value::String(delimiter), Value::Array(items)] = args.as_slice() else {
                return false;
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pieces.push(delimiter.clone());
                }
                pieces.push(text(item).unwrap_or_else(|| UNKNOWN.to_string()));
            }
        }
        Some((function, args)) if function == "Fn::Sub" => {
            let Some((template, variables)) = super::meaning::sub_parts(args) else {
                return false;
            };
            use super::meaning::SubPiece;
            for piece in super::meaning::sub_pieces(template) {
                pieces.push(match piece {
                    SubPiece::Text(t) | SubPiece::Unclosed(t) => t.to_owned(),
                    SubPiece::Name(name) => variables
                        .and_then(|v| v.get(name))
                        .and_then(text)
                        .unwrap_or_else(|| UNKNOWN.to_string()),
                    SubPiece::Literal(_) => UNKNOWN.to_string(),
                });
            }
        }
        _ => return false,
    }
    let mut whole = String::new();
    let mut seams = Vec::new();
    for piece in &pieces {
        whole.push_str(piece);
        seams.push(whole.len());
    }
    whole.match_indices("${AWS::").any(|(start, _)| {
        let end = whole[start..].find('}').map_or(whole.len(), |e| start + e);
        seams.iter().any(|&seam| start < seam && seam <= end)
    })
}

/// The deepest JSON text inside JSON text that [`json_text_unreadable`] reads (a policy
/// written as text in a state machine's definition written as text, …).
const JSON_TEXT_DEPTH: usize = 4;

/// Why JSON text cannot be read as the service that receives it reads it: an object that
/// writes a key twice ([`crate::cfn::tree::key_written_twice`]: JSON leaves open which of
/// the two a reader takes, and the rules read the last), or a condition block that
/// writes one condition key twice in different case ([`condition_key_in_two_cases`]); and
/// so for JSON text written as a string inside it. `None` for text that is not JSON.
fn json_text_unreadable(text: &str, depth: usize) -> Option<Unreadable> {
    if depth > JSON_TEXT_DEPTH || !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    use crate::cfn::tree::{KeyCase, from_str, key_written_twice};
    if let Some(key) = key_written_twice(text, KeyCase::Exact) {
        return Some(Unreadable::KeyTwice(key));
    }
    let tree = from_str(text).ok()?;
    fn inside(value: &Value, depth: usize) -> Option<Unreadable> {
        match value {
            Value::String(s) => json_text_unreadable(s, depth + 1),
            Value::Array(items) => items.iter().find_map(|v| inside(v, depth)),
            Value::Object(map) => condition_key_in_two_cases(map)
                .or_else(|| map.values().find_map(|v| inside(v, depth))),
            _ => None,
        }
    }
    inside(&tree, depth)
}

/// Whether the `Condition` of a statement (`map`) writes one condition key twice under one
/// operator, in different case (`aws:SourceAccount` and `aws:sourceaccount`): condition
/// key names are not case sensitive (IAM User Guide, "IAM JSON policy elements:
/// Condition"), so both name one key, and AWS does not document which value IAM compares;
/// IAM Access Analyzer's policy validation reports it as the error "Duplicate keys with
/// different case". The rules read one of them.
fn condition_key_in_two_cases(map: &serde_json::Map<String, Value>) -> Option<Unreadable> {
    let Some(Value::Object(operators)) = map.get("Condition") else {
        return None;
    };
    operators.values().find_map(|block| {
        let (a, b) = crate::cfn::tree::key_in_two_cases(block.as_object()?)?;
        Some(Unreadable::ConditionKeyInTwoCases(a.clone(), b.clone()))
    })
}

/// Whether an intrinsic function (`Fn::Sub`, `Fn::Join`, …) makes JSON text that
/// [`json_text_unreadable`] cannot read, where its text is known before deploy.
fn made_text_unreadable(value: &Value, map: &serde_json::Map<String, Value>) -> Option<Unreadable> {
    if map.len() != 1 || !map.keys().all(|k| k.starts_with("Fn::")) {
        return None;
    }
    json_text_unreadable(&crate::cfn::text::text(value)?, 0)
}

/// What the rules cannot read in a value: an intrinsic function beside other keys
/// ([`intrinsic_beside_keys`], the function's key), an `Fn::If` of another form
/// ([`malformed_if`]), an `Fn::Select` of a written list ([`select_of_written_list`]), an
/// `Fn::FindInMap` ([`find_in_map`]), `AWS::NoValue` inside text ([`hides_no_value`]),
/// `${AWS::…}` written across the pieces of text ([`splits_a_placeholder`]), a key written
/// twice in JSON text, a condition key written twice in different case
/// ([`json_text_unreadable`], [`condition_key_in_two_cases`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unreadable {
    BesideKeys(String),
    MalformedIf,
    WrittenList,
    FindInMap,
    NoValueInText,
    SplitPlaceholder,
    /// JSON text whose object writes this key twice.
    KeyTwice(String),
    /// A condition block that writes these two spellings of one condition key.
    ConditionKeyInTwoCases(String, String),
}

/// The first object below `value` (its pointer, below `at`) that the rules cannot read, and
/// why: the checks of `U2` on an object, in one walk of the properties (each of them
/// a walk of its own read every resource's properties four times).
pub(crate) fn unreadable(value: &Value, at: &str) -> Option<(String, Unreadable)> {
    find_value(value, at, &|value| {
        let map = match value {
            Value::Object(map) => map,
            Value::String(text) => return json_text_unreadable(text, 0),
            _ => return None,
        };
        if let Some(key) = beside_keys(map) {
            Some(Unreadable::BesideKeys(key))
        } else if malformed(map) {
            Some(Unreadable::MalformedIf)
        } else if selects_written_list(map) {
            Some(Unreadable::WrittenList)
        } else if reads_mappings(map) {
            Some(Unreadable::FindInMap)
        } else if hides_no_value(map) {
            Some(Unreadable::NoValueInText)
        } else if splits_a_placeholder(map) {
            Some(Unreadable::SplitPlaceholder)
        } else {
            condition_key_in_two_cases(map).or_else(|| made_text_unreadable(value, map))
        }
    })
}

/// Whether `list`, which an `Fn::Select` of `index` reads, is written in the template
/// ([`select_of_written_list`]).
fn written_list(index: &Value, list: &Value) -> bool {
    let Some((function, Value::Array(args))) = list
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        return list.is_array();
    };
    match (function.as_str(), args.as_slice()) {
        ("Fn::Split", [delimiter, source]) => {
            let (Some(delimiter), Some(source)) =
                (delimiter.as_str(), crate::cfn::text::text(source))
            else {
                return false;
            };
            let pieces: Vec<&str> = if delimiter.is_empty() {
                vec![source.as_str()]
            } else {
                source.split(delimiter).collect()
            };
            // A pseudo parameter reads as `${AWS::…}` (`cfn::text`): the deploy decides it.
            let known = |piece: &&str| !piece.contains("${AWS::");
            match crate::cfn::text::text(index).and_then(|i| i.trim().parse::<usize>().ok()) {
                Some(i) => pieces.get(i).is_some_and(known),
                None => pieces.iter().any(known),
            }
        }
        ("Fn::If", [_, yes, no]) => written_list(index, yes) || written_list(index, no),
        _ => false,
    }
}

/// The first object below `value` of which `found` says something, with its pointer below
/// `at`.
#[cfg(test)]
fn find_object<T>(
    value: &Value,
    at: &str,
    found: &impl Fn(&serde_json::Map<String, Value>) -> Option<T>,
) -> Option<(String, T)> {
    find_value(value, at, &|v| v.as_object().and_then(found))
}

/// The first value at or below `value` (an object, a list, a string, …) of which `found`
/// says something, with its pointer below `at`. Most resources hold none: it is found
/// first, and only its pointer is written.
fn find_value<T>(
    value: &Value,
    at: &str,
    found: &impl Fn(&Value) -> Option<T>,
) -> Option<(String, T)> {
    let mut path: Vec<String> = Vec::new();
    let what = find_below(value, &mut path, found)?;
    let pointer: String = path
        .iter()
        .rev()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect();
    Some((format!("{at}{pointer}"), what))
}

/// [`find_value`]: what `found` says, and the path to its value in `path` (innermost
/// first).
fn find_below<T>(
    value: &Value,
    path: &mut Vec<String>,
    found: &impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    found(value).or_else(|| match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let inner = find_below(v, path, found)?;
            path.push(k.clone());
            Some(inner)
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            let inner = find_below(v, path, found)?;
            path.push(i.to_string());
            Some(inner)
        }),
        _ => None,
    })
}

/// One reading of a resource's properties.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reading {
    /// The properties, every `Fn::If` replaced by the branch its condition takes (a
    /// property or an item of a list whose branch is `AWS::NoValue` is left out, as
    /// CloudFormation does).
    pub(crate) properties: Value,
    /// The value of each condition in this reading.
    pub(crate) taken: Vec<(String, bool)>,
    /// Where a chosen branch, or an item moved up in its list, is in the original
    /// properties: `(pointer in the reading, pointer in the original)`.
    moved: Vec<(String, String)>,
}

impl Reading {
    /// The pointer into the original properties of `pointer` (into this reading's), so
    /// that evidence points at the template as it is written.
    pub(crate) fn original(&self, pointer: &str) -> String {
        let within = |prefix: &str| {
            pointer
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        match self
            .moved
            .iter()
            .filter(|(reading, _)| within(reading))
            .max_by_key(|(reading, _)| reading.len())
        {
            Some((reading, original)) => format!("{original}{}", &pointer[reading.len()..]),
            None => pointer.to_owned(),
        }
    }

    /// The conditions as a finding states them: ``when `A` is true and `B` false`` (the
    /// engine states those of the whole app).
    #[cfg(test)]
    pub(crate) fn when(&self) -> String {
        let parts: Vec<String> = self
            .taken
            .iter()
            .map(|(name, value)| format!("`{name}` is {value}"))
            .collect();
        format!("when {}", parts.join(" and "))
    }
}

/// Every reading of `properties`: none when no `Fn::If` is in them, or when they test more
/// than [`MOST_CONDITIONS`] conditions. (The engine reads a whole app at once, see
/// [`reading`]; this is the same for one resource, for the tests.)
#[cfg(test)]
pub(crate) fn readings(properties: &Value) -> Vec<Reading> {
    let names = conditions(properties);
    if names.is_empty() || names.len() > MOST_CONDITIONS {
        return Vec::new();
    }
    (0..1u32 << names.len())
        .map(|bits| {
            let taken: Vec<(String, bool)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| ((*n).to_owned(), bits & (1 << i) != 0))
                .collect();
            reading(properties, taken)
        })
        .collect()
}

/// The reading of `properties` in which each condition has its value in `taken` (a
/// condition that `taken` does not name is false).
pub(crate) fn reading(properties: &Value, taken: Vec<(String, bool)>) -> Reading {
    let mut moved = Vec::new();
    let properties = choose(properties, &taken, "", "", &mut moved);
    Reading {
        properties,
        taken,
        moved,
    }
}

/// `value` with every `Fn::If` replaced by the branch `taken` gives its condition;
/// `reading` and `original` are where `value` is in the reading and in the original.
fn choose(
    value: &Value,
    taken: &[(String, bool)],
    reading: &str,
    original: &str,
    moved: &mut Vec<(String, String)>,
) -> Value {
    if let Some(name) = tested(value) {
        let yes = taken.iter().any(|(n, v)| n == name && *v);
        let branch = if yes { 1 } else { 2 };
        let at = format!("{original}/Fn::If/{branch}");
        moved.push((reading.to_owned(), at.clone()));
        return choose(&value["Fn::If"][branch], taken, reading, &at, moved);
    }
    match value {
        Value::Object(map) => {
            let mut kept = serde_json::Map::new();
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                let child = choose(
                    v,
                    taken,
                    &format!("{reading}/{escaped}"),
                    &format!("{original}/{escaped}"),
                    moved,
                );
                // A property whose branch is `AWS::NoValue` is not set.
                if !(tested(v).is_some() && no_value(&child)) {
                    kept.insert(k.clone(), child);
                }
            }
            Value::Object(kept)
        }
        Value::Array(items) => {
            let mut kept = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = format!("{reading}/{}", kept.len());
                let there = format!("{original}/{i}");
                let mut inner = Vec::new();
                let chosen = choose(item, taken, &here, &there, &mut inner);
                if tested(item).is_some() && no_value(&chosen) {
                    continue;
                }
                if kept.len() != i {
                    moved.push((here, there));
                }
                moved.extend(inner);
                kept.push(chosen);
            }
            Value::Array(kept)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_condition_no_reading() {
        assert!(readings(&json!({ "A": [1, { "B": "x" }] })).is_empty());
        // `Fn::If` that is not a condition and two branches is not resolved.
        assert!(readings(&json!({ "A": { "Fn::If": ["C", 1] } })).is_empty());
    }

    #[test]
    fn every_combination_of_the_conditions_is_read() {
        let p = json!({
            "A": { "Fn::If": ["C", "a1", "a2"] },
            "B": [{ "Fn::If": ["D", "b1", "b2"] }, { "Fn::If": ["C", "c1", "c2"] }],
        });
        let r = readings(&p);
        assert_eq!(r.len(), 4);
        let seen: Vec<Value> = r.iter().map(|r| r.properties.clone()).collect();
        for expected in [
            json!({ "A": "a1", "B": ["b1", "c1"] }),
            json!({ "A": "a2", "B": ["b1", "c2"] }),
            json!({ "A": "a1", "B": ["b2", "c1"] }),
            json!({ "A": "a2", "B": ["b2", "c2"] }),
        ] {
            assert!(seen.contains(&expected), "{expected} not in {seen:?}");
        }
        let both = r
            .iter()
            .find(|r| r.properties["A"] == "a1" && r.properties["B"][0] == "b2")
            .unwrap();
        assert_eq!(both.when(), "when `C` is true and `D` is false");
    }

    #[test]
    fn nested_branches_and_removed_items_point_at_the_original() {
        let p = json!({
            "L": [
                { "Fn::If": ["C", { "Ref": "AWS::NoValue" }, "gone"] },
                { "Fn::If": ["C", { "K": { "Fn::If": ["D", "x", "y"] } }, "z"] },
                "last",
            ],
        });
        let r = readings(&p);
        assert_eq!(r.len(), 4);
        let cd = r
            .iter()
            .find(|r| r.taken == [("C".to_owned(), true), ("D".to_owned(), true)])
            .unwrap();
        assert_eq!(cd.properties, json!({ "L": [{ "K": "x" }, "last"] }));
        assert_eq!(cd.original("/L/0/K"), "/L/1/Fn::If/1/K/Fn::If/1");
        assert_eq!(cd.original("/L/0"), "/L/1/Fn::If/1");
        assert_eq!(cd.original("/L/1"), "/L/2");
        assert_eq!(cd.original("/L/10"), "/L/10");
        assert_eq!(cd.original("/M"), "/M");
        let not_c = r.iter().find(|r| !r.taken[0].1).unwrap();
        assert_eq!(not_c.properties, json!({ "L": ["gone", "z", "last"] }));
        assert_eq!(not_c.original("/L/0"), "/L/0/Fn::If/2");
        assert_eq!(not_c.original("/L/2"), "/L/2");
        for reading in &r {
            // Every text of a reading is where its pointer says in the original.
            for pointer in ["/L/0", "/L/1", "/L/2", "/L/0/K"] {
                if let Some(v) = reading
                    .properties
                    .pointer(pointer)
                    .filter(|v| v.is_string())
                {
                    assert_eq!(p.pointer(&reading.original(pointer)), Some(v));
                }
            }
        }
    }

    #[test]
    fn too_many_conditions_are_not_resolved() {
        let many: serde_json::Map<String, Value> = (0..=MOST_CONDITIONS)
            .map(|i| {
                (
                    format!("P{i}"),
                    json!({ "Fn::If": [format!("C{i}"), 1, 2] }),
                )
            })
            .collect();
        let many = Value::Object(many);
        assert_eq!(conditions(&many).len(), MOST_CONDITIONS + 1);
        assert!(readings(&many).is_empty());
        let mut fewer = many.clone();
        fewer.as_object_mut().unwrap().remove("P0");
        assert_eq!(readings(&fewer).len(), 1 << MOST_CONDITIONS);
    }

    #[test]
    fn a_property_whose_branch_is_no_value_is_not_set() {
        let p = json!({ "A": { "Fn::If": ["C", "x", { "Ref": "AWS::NoValue" }] }, "B": { "Ref": "AWS::NoValue" } });
        let r = readings(&p);
        assert_eq!(r[0].properties, json!({ "B": { "Ref": "AWS::NoValue" } }));
        assert_eq!(
            r[1].properties,
            json!({ "A": "x", "B": { "Ref": "AWS::NoValue" } })
        );
    }

    #[test]
    fn a_selection_from_a_written_list_is_found() {
        let found = |v: Value| select_of_written_list(&json!({ "P": v }), "/Properties");
        for written in [
            json!({ "Fn::Select": [1, ["{{resolve:ssm:p}}", "hunter2"]] }),
            json!({ "Fn::Select": [0, [{ "Ref": "A" }, { "Ref": "B" }]] }),
            json!({ "Fn::Select": ["0", { "Fn::Split": ["|", "hunter2|x"] }] }),
            json!({ "Fn::Select": [0, { "Fn::Split": ["|", { "Fn::Sub": "hunter2|${AWS::Region}" }] }] }),
            json!({ "Fn::Select": [0, { "Fn::If": ["C", ["a"], { "Fn::GetAZs": "" }] }] }),
            json!([{ "K": { "Fn::Select": [0, ["x"]] } }]),
        ] {
            assert!(found(written.clone()).is_some(), "{written}");
        }
        assert_eq!(
            found(json!([{ "K": { "Fn::Select": [0, ["x"]] } }])).as_deref(),
            Some("/Properties/P/0/K")
        );
        assert_eq!(
            find_in_map(
                &json!({ "P": [1, { "Fn::FindInMap": ["M", "k", "v"] }] }),
                "/Properties"
            )
            .as_deref(),
            Some("/Properties/P/1")
        );
        assert_eq!(find_in_map(&json!({ "P": { "FindInMap": 1 } }), ""), None);
        for read in [
            json!({ "Fn::Select": [0, { "Fn::GetAZs": "" }] }),
            json!({ "Fn::Select": [2, { "Fn::Split": ["/", { "Ref": "AWS::StackId" }] }] }),
            json!({ "Fn::Select": [1, { "Fn::Split": ["|", { "Fn::Sub": "hunter2|${AWS::Region}" }] }] }),
            json!({ "Fn::Select": [0, { "Fn::Split": [",", { "Fn::ImportValue": "subnets" }] }] }),
            json!({ "Fn::Select": [0, { "Fn::GetAtt": ["D", "Endpoints"] }] }),
            json!({ "Fn::Select": [0, ["x"]], "Other": 1 }),
        ] {
            assert_eq!(found(read.clone()), None, "{read}");
        }
    }

    #[test]
    fn no_value_inside_text_is_unreadable() {
        let why = |v: Value| unreadable(&json!({ "P": v }), "").map(|(_, why)| why);
        for hidden in [
            json!({ "Fn::Join": ["", [{ "Ref": "AWS::NoValue" }]] }),
            json!({ "Fn::Sub": "${AWS::NoValue}" }),
            json!({ "Fn::Sub": ["${V}", { "V": { "Ref": "AWS::NoValue" } }] }),
        ] {
            assert_eq!(
                why(hidden.clone()),
                Some(Unreadable::NoValueInText),
                "{hidden}"
            );
        }
        for read in [
            json!({ "Ref": "AWS::NoValue" }),
            json!({ "Fn::Join": ["", ["a", { "Ref": "AWS::Region" }]] }),
            json!({ "Fn::Sub": "${AWS::AccountId}" }),
        ] {
            assert_eq!(why(read.clone()), None, "{read}");
        }
    }

    /// `${AWS::…}` that only the pieces of an `Fn::Join` or an `Fn::Sub`'s text and
    /// variables write together is refused; written whole in one piece, or a pseudo
    /// parameter's `Ref`, it is read (`cfn::text::sent` reads a whole string as AWS receives
    /// it).
    #[test]
    fn a_placeholder_split_across_pieces_of_text_is_unreadable() {
        let why = |v: Value| unreadable(&json!({ "P": v }), "").map(|(_, why)| why);
        for split in [
            json!({ "Fn::Join": [":", ["${AWS", ":AccountId}"]] }),
            json!({ "Fn::Join": ["", ["arn:aws:iam::${AWS::", "AccountId}:root"]] }),
            json!({ "Fn::Join": ["{", ["$", "AWS::Region}"]] }),
            json!({ "Fn::Join": ["", ["$", { "Fn::Sub": "{AWS::AccountId}" }]] }),
            json!({ "Fn::Sub": ["${V}::AccountId}", { "V": "${AWS" }] }),
            json!({ "Fn::Sub": ["$${V}", { "V": "{AWS::StackName}" }] }),
        ] {
            assert_eq!(
                why(split.clone()),
                Some(Unreadable::SplitPlaceholder),
                "{split}"
            );
        }
        for read in [
            json!({ "Fn::Join": ["", ["arn:aws:iam::", "${AWS::AccountId}", ":root"]] }),
            json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":root"]] }),
            json!({ "Fn::Join": ["|", ["^a$", "^b$"]] }),
            json!({ "Fn::Join": ["", ["^(", { "Ref": "Client" }, ")$"]] }),
            json!({ "Fn::Sub": ["${A}:${AWS::Region}", { "A": { "Ref": "AWS::AccountId" } }] }),
            json!({ "Fn::Sub": "$${AWS::Region}" }),
        ] {
            assert_eq!(why(read.clone()), None, "{read}");
        }
    }

    /// JSON text (a string, text an intrinsic makes, JSON text inside JSON text) whose
    /// object writes a key twice, and a condition block (of the template or of JSON text)
    /// that writes one condition key in two cases, are refused, with where they are; the
    /// same key in two objects, or two keys of one block, are read.
    #[test]
    fn a_key_written_twice_in_json_text_is_unreadable() {
        let twice = |key: &str| Some(Unreadable::KeyTwice(key.to_owned()));
        let cases = [
            (
                json!(r#"{"Statement": [{"Effect": "Allow"}], "Statement": []}"#),
                "/P",
                twice("Statement"),
            ),
            (
                json!([r#"[{"Effect": "Allow", "Effect": "Deny"}]"#]),
                "/P/0",
                twice("Effect"),
            ),
            (
                json!({ "Fn::Join": ["", [r#"{"Action": "s3:*","#, r#""Action": "s3:GetObject"}"#]] }),
                "/P",
                twice("Action"),
            ),
            (
                json!({ "Fn::Sub": [r#"{"A": 1, "${K}": 2}"#, { "K": "A" }] }),
                "/P",
                twice("A"),
            ),
            (
                json!({ "Definition": r#"{"Policy": "{\"Sid\": \"a\", \"Sid\": \"b\"}"}"# }),
                "/P/Definition",
                twice("Sid"),
            ),
            (
                json!({ "Condition": { "StringEquals": { "aws:SourceAccount": "1", "AWS:SourceAccount": "2" } } }),
                "/P",
                Some(Unreadable::ConditionKeyInTwoCases(
                    "aws:SourceAccount".to_owned(),
                    "AWS:SourceAccount".to_owned(),
                )),
            ),
            (
                json!(
                    r#"{"Statement": {"Condition": {"Bool": {"aws:securetransport": "false", "aws:SecureTransport": "true"}}}}"#
                ),
                "/P",
                Some(Unreadable::ConditionKeyInTwoCases(
                    "aws:securetransport".to_owned(),
                    "aws:SecureTransport".to_owned(),
                )),
            ),
        ];
        for (value, pointer, why) in cases {
            assert_eq!(
                unreadable(&json!({ "P": value.clone() }), ""),
                why.map(|why| (pointer.to_owned(), why)),
                "{value}"
            );
        }
        for read in [
            json!(r#"{"a": {"k": 1}, "b": {"k": 2}}"#),
            json!(
                r#"{"Condition": {"StringEquals": {"aws:SourceAccount": "1", "aws:SourceArn": "a"}}}"#
            ),
            json!({ "Condition": { "StringEquals": { "aws:SourceAccount": "1" }, "StringLike": { "aws:sourceaccount": "1" } } }),
            json!("{not json, \"a\": 1, \"a\": 2"),
            json!("plain text {\"a\": 1, \"a\": 2}"),
            json!({ "Fn::Join": ["", ["{\"a\": 1}", { "Ref": "X" }]] }),
        ] {
            assert_eq!(
                unreadable(&json!({ "P": read.clone() }), ""),
                None,
                "{read}"
            );
        }
    }

    #[test]
    fn keys_with_slashes_are_escaped_in_pointers() {
        let p = json!({ "a/b": { "Fn::If": ["C", "x", "y"] } });
        let r = readings(&p);
        assert_eq!(r[0].original("/a~1b"), "/a~1b/Fn::If/2");
    }
}
