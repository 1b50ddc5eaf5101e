//! What a template means, however it is written: intrinsic functions resolved where they can
//! be, address ranges as sets of addresses, keys as AWS-managed or the customer's.
//!
//! The rules decide on these meanings, never on one spelling: `0.0.0.0/1` is the internet as
//! much as `0.0.0.0/0`, and `Fn::Sub "arn:${AWS::Partition}:kms:…:alias/aws/s3"` is an
//! AWS-managed key as much as the plain text.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Value;

pub(crate) use crate::cfn::text::{
    DEPTH, Own, SubPiece, import_name, literal, sent, sent_about, sub_pieces, text, text_about,
};

/// The text of `key` in `entry`, one object of a list (an option of an option group, one of
/// its settings): `None` when the entry is an intrinsic function rather than an object, or
/// when the value is no text a rule can read before deploy (an intrinsic, a dynamic
/// reference).
pub(crate) fn entry_text(entry: &Value, key: &str) -> Option<String> {
    (entry.is_object() && !super::identity::intrinsic(entry))
        .then(|| text(&entry[key]))
        .flatten()
        .filter(|n| !super::identity::dynamic(n))
}

/// The values of a setting that takes one value or a list of them (a statement's `Action`,
/// a condition key's values): the items of a list, or the value itself.
pub(crate) fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    }
}

/// What is unknown in a [`skeleton`]: a reference, an import, an attribute.
pub(crate) const UNKNOWN: &str = "{?}";

/// The text a value stands for, with what cannot be known before deploy (a reference, an
/// import, an attribute) as [`UNKNOWN`]: the literal parts of an `Fn::Sub` (its own
/// variables read so too) or an `Fn::Join`, so that what is written beside a reference (an
/// account written as a number, a scheme) is seen.
pub(crate) fn skeleton(value: &Value) -> String {
    skeleton_at(value, 0, false)
}

/// [`skeleton`] as AWS receives it ([`sent`]).
pub(crate) fn skeleton_sent(value: &Value) -> String {
    skeleton_at(value, 0, true)
}

/// An `Fn::Sub`'s argument as its text and its own variables: `"text"`, `["text"]` or
/// `["text", {variables}]`; `None` for any other form.
pub(crate) fn sub_parts(
    argument: &Value,
) -> Option<(&str, Option<&serde_json::Map<String, Value>>)> {
    match argument {
        Value::String(t) => Some((t.as_str(), None)),
        Value::Array(a) => match a.as_slice() {
            [Value::String(t)] => Some((t.as_str(), None)),
            [Value::String(t), Value::Object(v)] => Some((t.as_str(), Some(v))),
            _ => None,
        },
        _ => None,
    }
}

/// [`skeleton`] at a depth of intrinsics, read up to eight deep.
fn skeleton_at(value: &Value, depth: usize, strict: bool) -> String {
    if let Some(t) = if strict { sent(value) } else { text(value) } {
        return t;
    }
    if depth > 8 {
        return UNKNOWN.to_owned();
    }
    let Some(map) = value.as_object() else {
        return UNKNOWN.to_owned();
    };
    if let Some(Value::Array(join)) = map.get("Fn::Join")
        && let [separator, Value::Array(items)] = join.as_slice()
        && let Some(separator) = separator.as_str()
    {
        let parts: Vec<String> = items
            .iter()
            .map(|v| skeleton_at(v, depth + 1, strict))
            .collect();
        return parts.join(separator);
    }
    let (template, variables) = match map.get("Fn::Sub") {
        Some(Value::String(t)) => (t.as_str(), None),
        Some(Value::Array(a)) => match a.as_slice() {
            [Value::String(t), Value::Object(v)] => (t.as_str(), Some(v)),
            _ => return UNKNOWN.to_owned(),
        },
        _ => return UNKNOWN.to_owned(),
    };
    let mut out = String::new();
    for piece in sub_pieces(template) {
        match piece {
            SubPiece::Text(t) | SubPiece::Unclosed(t) => out.push_str(t),
            SubPiece::Literal(written) if strict => {
                out.push_str(&literal(&format!("${{{written}}}")));
            }
            SubPiece::Literal(written) => out.push_str(&format!("${{{written}}}")),
            SubPiece::Name(name) => match variables.and_then(|v| v.get(name)) {
                Some(v) => out.push_str(&skeleton_at(v, depth + 1, strict)),
                None if name.starts_with("AWS::") => out.push_str(&format!("${{{name}}}")),
                None => out.push_str(UNKNOWN),
            },
        }
    }
    out
}

/// Whether `value`, where a property takes a resource's identifier, name or ARN (a
/// cluster an instance joins, the source of a copy, a parameter group), names the resource
/// `id` whatever the stack's conditions: its `Ref` (a cluster's is its identifier, a
/// parameter group's its name: the `Return values` of `AWS::RDS::DBCluster`,
/// `AWS::DocDB::DBCluster`, `AWS::Neptune::DBClusterParameterGroup`, …), one of its
/// attributes (`Fn::GetAtt`, an ARN), or a value that is wholly one of these ([`whole`]):
/// `${id}` or `${id.Attribute}` alone in an `Fn::Sub`, or a variable of its own that stands
/// for one; an `Fn::Join` of one alone; the entry of an `Fn::Select` that does; an `Fn::If`
/// whose every branch does. A value that only mentions it (text joined onto its `Ref`, an
/// `Fn::Select` of another entry, an `Fn::Sub` whose own variable of the same name is
/// another value) names another resource, which no rule reads.
pub(crate) fn names(value: &Value, id: &str) -> bool {
    names_at(value, id, 0)
}

fn names_at(value: &Value, id: &str, depth: usize) -> bool {
    if depth > DEPTH {
        return false;
    }
    let attribute_of = |target: &str| {
        target
            .split_once('.')
            .is_some_and(|(r, attribute)| r == id && !attribute.is_empty())
    };
    match intrinsic(value) {
        Some(("Ref", Value::String(r))) => r == id,
        Some(("Fn::GetAtt", Value::Array(a))) => {
            matches!(a.as_slice(), [Value::String(r), _] if r == id)
        }
        Some(("Fn::GetAtt", Value::String(s))) => attribute_of(s),
        _ => match whole(value) {
            Some(Whole::Named(name)) => name == id || attribute_of(name),
            Some(Whole::Each(values)) => values.into_iter().all(|v| names_at(v, id, depth + 1)),
            None => false,
        },
    }
}

/// Whether `value` is an import from another stack of the app (synth refuses an import that
/// no stack exports) whatever the stack's conditions: the whole value ([`whole`]), not text
/// built around one.
pub(crate) fn imported(value: &Value) -> bool {
    imported_at(value, 0)
}

fn imported_at(value: &Value, depth: usize) -> bool {
    if depth > DEPTH {
        return false;
    }
    matches!(intrinsic(value), Some(("Fn::ImportValue", _)))
        || matches!(whole(value), Some(Whole::Each(values))
            if values.iter().all(|v| imported_at(v, depth + 1)))
}

/// The argument of the one `Fn::ImportValue` that `value` is as a whole ([`whole`]: written
/// alone, `${Var}` alone in an `Fn::Sub` whose variable is the import, an `Fn::Join` of it
/// alone, an `Fn::Select` that picks it), or `None`: text built around an import, or a
/// value of two imports (each branch of an `Fn::If`), is no one import.
pub(crate) fn sole_import(value: &Value) -> Option<&Value> {
    sole_import_at(value, 0)
}

fn sole_import_at(value: &Value, depth: usize) -> Option<&Value> {
    if depth > DEPTH {
        return None;
    }
    if let Some(("Fn::ImportValue", argument)) = intrinsic(value) {
        return Some(argument);
    }
    match whole(value)? {
        Whole::Each(values) => match values.as_slice() {
            [one] => sole_import_at(one, depth + 1),
            _ => None,
        },
        Whole::Named(_) => None,
    }
}

/// The function and argument of an intrinsic: an object of one key. An object of more keys
/// is no intrinsic function (it names nothing).
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    match value {
        Value::Object(map) if map.len() == 1 => map.iter().next().map(|(k, v)| (k.as_str(), v)),
        _ => None,
    }
}

/// What a value is as a whole, where it is another value with nothing around it.
enum Whole<'a> {
    /// `${Name}` alone in an `Fn::Sub` that defines no variable `Name`: a logical id (its
    /// `Ref`), `Id.Attribute` (its `Fn::GetAtt`), or a pseudo parameter.
    Named(&'a str),
    /// Values each of which it is, whatever the stack's conditions: both branches of an
    /// `Fn::If`, the entry an `Fn::Select` of a written list picks, the one value of an
    /// `Fn::Join` or of an `Fn::Sub` variable that all its other parts leave alone.
    Each(Vec<&'a Value>),
}

/// [`Whole`] of a value; `None` for a value that is text built around others, or that
/// cannot be read before deploy (an index known only at deploy).
fn whole(value: &Value) -> Option<Whole<'_>> {
    let (function, argument) = intrinsic(value)?;
    let empty = |v: &Value| text(v).is_some_and(|t| t.is_empty());
    match function {
        "Fn::Select" => {
            let [index, Value::Array(list)] = argument.as_array()?.as_slice() else {
                return None;
            };
            let i = usize::try_from(whole_number(index)?).ok()?;
            Some(Whole::Each(vec![list.get(i)?]))
        }
        "Fn::If" => match argument.as_array()?.as_slice() {
            [_, yes, no] => Some(Whole::Each(vec![yes, no])),
            _ => None,
        },
        // "The delimiter will occur between fragments only. It won't terminate the final
        // value", and with the empty delimiter "the set of values are concatenated with no
        // delimiter" (CloudFormation Template Reference, `Fn::Join`): a list of one value is
        // that value, whatever the delimiter; with the empty delimiter, so is one value
        // among values that are empty text.
        "Fn::Join" => {
            let [delimiter, Value::Array(items)] = argument.as_array()?.as_slice() else {
                return None;
            };
            let delimiter = delimiter.as_str()?;
            let parts: Vec<&Value> = match items.as_slice() {
                [one] => vec![one],
                _ if delimiter.is_empty() => items.iter().filter(|v| !empty(v)).collect(),
                _ => return None,
            };
            match parts.as_slice() {
                [one] => Some(Whole::Each(vec![*one])),
                _ => None,
            }
        }
        "Fn::Sub" => substituted(argument),
        _ => None,
    }
}

/// [`Whole`] of an `Fn::Sub` (CloudFormation Template Reference, `Fn::Sub`): its `String`
/// is one `${MyVarName}` and nothing else but variables of its own that are empty text.
/// `${MyVarName}` is "template parameter names, resource logical IDs, resource attributes,
/// or a variable in a key-value map"; a logical id or `Id.Attribute` returns "the same
/// values as if you used the `Ref`" or "`Fn::GetAtt` intrinsic function". The page does not
/// say which wins where the map defines a variable of the name of a logical id, so a
/// variable of the map is read as the value it stands for (`["${Q}", {"Q": "legacy"}]` names
/// `legacy`, not `Q`), and `${Q.Attr}` where the map defines `Q` is read as nothing (not
/// `Q`'s attribute). `${!Literal}` is text; `${ Q }` with spaces is a name the page does not
/// define (not `Q`); text around the variable (spaces too) is text built around it.
fn substituted(argument: &Value) -> Option<Whole<'_>> {
    let (template, variables) = match argument {
        Value::String(t) => (t.as_str(), None),
        Value::Array(a) => match a.as_slice() {
            [Value::String(t), Value::Object(v)] => (t.as_str(), Some(v)),
            _ => return None,
        },
        _ => return None,
    };
    let mut found = None;
    for piece in sub_pieces(template) {
        let SubPiece::Name(name) = piece else {
            return None;
        };
        let part = match variables.and_then(|v| v.get(name)) {
            Some(v) if text(v).is_some_and(|t| t.is_empty()) => continue,
            Some(v) => Whole::Each(vec![v]),
            None if variables.is_some_and(|v| {
                name.split_once('.')
                    .is_some_and(|(resource, _)| v.contains_key(resource))
            }) =>
            {
                return None;
            }
            None => Whole::Named(name),
        };
        if found.replace(part).is_some() {
            return None;
        }
    }
    found
}

/// A whole number written as a number or as text, or built by intrinsics that resolve to
/// it ([`text`]); text is read in place.
pub(crate) fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => text(value).and_then(|t| t.trim().parse().ok()),
    }
}

/// The placeholder a resolved pseudo parameter leaves in text, as [`text`] gives it: what a
/// parsed JSON text holds where its `Fn::Sub` resolved one ([`resolved_json`]).
const RESOLVED: &str = "${AWS::";

/// A JSON value parsed from text that [`text`] or [`skeleton`] made (a policy document
/// written as `Fn::Sub` or `Fn::Join` text), with each string that holds a resolved pseudo
/// parameter (`${AWS::AccountId}`) written back as the `Fn::Sub` it came from, so that
/// reading it again with [`text`] gives the stack's account, not the characters
/// ([`literal`]). Text that holds a JSON `\u` escape may spell `${AWS::` in characters
/// no `Fn::Sub` resolved (`\u0024{AWS::AccountId}`): its strings are left as they are,
/// read as the characters, never as the stack's own account.
pub(crate) fn resolved_json(text: &str) -> Option<Value> {
    let mut value = crate::cfn::tree::from_str(text).ok()?;
    if !text.contains("\\u") {
        resubstitute(&mut value);
    }
    Some(value)
}

fn resubstitute(value: &mut Value) {
    match value {
        Value::String(s) if s.contains(RESOLVED) => {
            let mut template = String::with_capacity(s.len() + 8);
            let mut rest = s.as_str();
            while let Some(at) = rest.find("${") {
                template.push_str(&rest[..at]);
                let after = &rest[at + 2..];
                template.push_str(if after.starts_with("AWS::") {
                    "${"
                } else {
                    "${!"
                });
                rest = after;
            }
            template.push_str(rest);
            *value = serde_json::json!({ "Fn::Sub": template });
        }
        Value::Array(items) => items.iter_mut().for_each(resubstitute),
        Value::Object(map) => map.values_mut().for_each(resubstitute),
        _ => {}
    }
}

/// The text of a value, or where it cannot be known, its JSON (so that a search for a
/// marker such as `alias/aws/` still sees literal parts of an unresolved intrinsic).
pub(crate) fn text_or_json(value: &Value) -> String {
    text(value).unwrap_or_else(|| value.to_string())
}

/// [`text_or_json`] as AWS receives it ([`sent`]).
pub(crate) fn sent_or_json(value: &Value) -> String {
    sent(value).unwrap_or_else(|| value.to_string())
}

/// The two branches of an `Fn::If` written alone (`{"Fn::If": [condition, yes, no]}`),
/// either of which may be the one deployed.
pub(crate) fn if_branches(value: &Value) -> Option<[&Value; 2]> {
    match value
        .as_object()
        .filter(|m| m.len() == 1)?
        .get("Fn::If")?
        .as_array()?
        .as_slice()
    {
        [_, yes, no] => Some([yes, no]),
        _ => None,
    }
}

/// Whether a value is `{"Ref": "AWS::NoValue"}`, which removes the property it is written
/// in.
pub(crate) fn no_value(value: &Value) -> bool {
    value
        .get("Ref")
        .and_then(Value::as_str)
        .is_some_and(|r| r == "AWS::NoValue")
}

/// Every entry of a parameter group's `Parameters` (RDS's, DocumentDB's and Neptune's
/// groups, which share RDS's API) whose name is `key` in any case, with blanks around it or
/// not, with a value (null and `AWS::NoValue` set nothing): the one case rule of the readers
/// of these groups' parameters. `key` is the name as the service lists the parameter, in
/// lower case. Every spelling is read, so that a value turning a protection off fails as
/// such in any spelling; only the entry under `key` exactly can prove a setting (a reader
/// fails another spelling as a name the deploy refuses or may not apply).
pub(crate) fn parameter_entries<'a>(
    parameters: &'a serde_json::Map<String, Value>,
    key: &str,
) -> Vec<(&'a str, &'a Value)> {
    parameters
        .iter()
        .filter(|(k, v)| k.trim().eq_ignore_ascii_case(key) && !v.is_null() && !no_value(v))
        .map(|(k, v)| (k.as_str(), v))
        .collect()
}

/// Whether a key reference names an AWS-managed key (`alias/aws/…`, in any spelling that
/// resolves to it, or whose literal parts show it).
pub(crate) fn aws_managed_key(value: &Value) -> bool {
    match text(value) {
        Some(t) => names_aws_alias(&t),
        // The JSON of a value none of whose strings holds a `/` or a character that JSON
        // escapes holds no `/`, so no alias: a key's `Arn` or `Ref`, most values read here,
        // is known without writing it out.
        None => holds_slash_or_escape(value) && names_aws_alias(&value.to_string()),
    }
}

/// Whether text names an alias of AWS (`alias/aws/`, in any case, or with its slashes
/// escaped as JSON may write them).
fn names_aws_alias(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("alias/aws/") || t.contains("alias\\/aws\\/")
}

/// Whether a key or string of `value` holds a `/`, or a character that serde_json writes
/// escaped (`"`, `\\`, a control character).
fn holds_slash_or_escape(value: &Value) -> bool {
    let odd = |s: &str| {
        s.bytes()
            .any(|b| b == b'/' || b == b'\\' || b == b'"' || b < 0x20)
    };
    match value {
        Value::String(s) => odd(s),
        Value::Array(items) => items.iter().any(holds_slash_or_escape),
        Value::Object(map) => map.iter().any(|(k, v)| odd(k) || holds_slash_or_escape(v)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Addresses.
// ---------------------------------------------------------------------------------------

/// An address range: the first and last address, as 128-bit numbers (IPv4 ranges are mapped
/// into `::ffff:0:0/96`, where IPv6 carries IPv4 addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    first: u128,
    last: u128,
}

const V4_MAPPED: u128 = 0xffff_0000_0000;

impl Range {
    fn new(base: u128, prefix: u32, bits: u32) -> Range {
        let host = bits - prefix;
        let span: u128 = if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        };
        let first = base & !span;
        Range {
            first,
            last: first | span,
        }
    }
}

/// Parses a CIDR block (`10.0.0.0/16`, `::/0`, `0:0::/0`, `::ffff:0:0/96`, a bare address)
/// into a range. `None` for text that is no CIDR.
pub(crate) fn cidr(text: &str) -> Option<Range> {
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p.trim().parse::<u32>().ok()?)),
        None => (text, None),
    };
    if let Ok(v4) = address.trim().parse::<Ipv4Addr>() {
        let prefix = prefix.unwrap_or(32);
        if prefix > 32 {
            return None;
        }
        let r = Range::new(u128::from(u32::from(v4)), prefix, 32);
        return Some(Range {
            first: V4_MAPPED + r.first,
            last: V4_MAPPED + r.last,
        });
    }
    let v6 = address.trim().parse::<Ipv6Addr>().ok()?;
    let prefix = prefix.unwrap_or(128);
    if prefix > 128 {
        return None;
    }
    Some(Range::new(u128::from(v6), prefix, 128))
}

/// The ranges that hold no public address: IPv4 (mapped) private, shared, loopback,
/// link-local, documentation, benchmarking, multicast and reserved space (RFC 6890), and
/// IPv6 unspecified, loopback, discard, documentation, unique-local, link-local and
/// multicast space. The IPv4 ranges also count inside the NAT64 prefix `64:ff9b::/96`.
fn reserved() -> Vec<Range> {
    const V4: &[&str] = &[
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    ];
    const V6: &[&str] = &[
        "::/128",
        "::1/128",
        "100::/64",
        "2001:db8::/32",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    ];
    let mut out: Vec<Range> = Vec::new();
    for v4 in V4 {
        if let Some(r) = cidr(v4) {
            out.push(r);
            let nat64: u128 = 0x0064_ff9b_u128 << 96;
            out.push(Range {
                first: nat64 + (r.first - V4_MAPPED),
                last: nat64 + (r.last - V4_MAPPED),
            });
        }
    }
    out.extend(V6.iter().filter_map(|c| cidr(c)));
    out.sort_by_key(|r| r.first);
    out
}

/// Whether a range holds at least one public address: the range minus every reserved range
/// is not empty.
pub(crate) fn has_public_address(range: Range) -> bool {
    outside(range, &reserved())
}

/// Whether `range` holds an address that none of `reserved` (sorted by first address)
/// holds.
fn outside(range: Range, reserved: &[Range]) -> bool {
    let mut at = range.first;
    for &r in reserved {
        if r.last < at {
            continue;
        }
        if r.first > at {
            return true;
        }
        if r.last >= range.last {
            return false;
        }
        at = r.last + 1;
    }
    at <= range.last
}

/// Whether a CIDR value (a string, or an intrinsic that resolves to one) reaches the
/// internet. A value that cannot be known, or text that is no CIDR, counts as the internet:
/// a rule cannot show that it is not.
pub(crate) fn is_internet(value: &Value) -> bool {
    match text(value) {
        Some(t) => cidr(&t).is_none_or(has_public_address),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The one import a value is as a whole, however written; text built around an import,
    /// two imports, or a variable of the map shadowing nothing imported, is none.
    #[test]
    fn the_sole_import_of_a_value_is_read_through_whole_spellings() {
        let name = json!("shared:G:Ref");
        for whole in [
            json!({ "Fn::ImportValue": "shared:G:Ref" }),
            json!({ "Fn::Sub": ["${V}", { "V": { "Fn::ImportValue": "shared:G:Ref" } }] }),
            json!({ "Fn::Join": ["", [{ "Fn::ImportValue": "shared:G:Ref" }]] }),
            json!({ "Fn::Select": [0, [{ "Fn::ImportValue": "shared:G:Ref" }, "x"]] }),
        ] {
            assert_eq!(sole_import(&whole), Some(&name), "{whole}");
        }
        for not_one in [
            json!({ "Fn::Sub": ["${V}-copy", { "V": { "Fn::ImportValue": "shared:G:Ref" } }] }),
            json!({ "Fn::Join": ["/", [{ "Fn::ImportValue": "shared:G:Ref" }, "x"]] }),
            json!({ "Fn::If": ["C", { "Fn::ImportValue": "shared:G:Ref" }, { "Fn::ImportValue": "shared:H:Ref" }] }),
            json!({ "Fn::Sub": "${G}" }),
            json!({ "Ref": "G" }),
            json!("shared:G:Ref"),
        ] {
            assert_eq!(sole_import(&not_one), None, "{not_one}");
        }
    }

    #[test]
    fn a_pseudo_parameter_written_as_characters_is_sent_as_them() {
        // Resolved by `Fn::Sub` or `Ref`: the stack's own, alike in both readings.
        for resolved in [
            json!({ "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root" }),
            json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":root"]] }),
            json!({ "Fn::Sub": ["arn:aws:iam::${A}:root", { "A": { "Ref": "AWS::AccountId" } }] }),
        ] {
            assert_eq!(
                sent(&resolved).as_deref(),
                Some("arn:aws:iam::${AWS::AccountId}:root")
            );
            assert_eq!(sent(&resolved), text(&resolved));
            assert_eq!(skeleton_sent(&resolved), skeleton(&resolved));
        }
        // Written as characters: a string, a part of `Fn::Join`, a variable's value,
        // `${!…}` in `Fn::Sub`. Sent as those characters, never the placeholder.
        for written in [
            json!("arn:aws:iam::${AWS::AccountId}:root"),
            json!({ "Fn::Join": ["", ["arn:aws:iam::", "${AWS::AccountId}", ":root"]] }),
            json!({ "Fn::Sub": ["arn:aws:iam::${A}:root", { "A": "${AWS::AccountId}" }] }),
            json!({ "Fn::Sub": "arn:aws:iam::${!AWS::AccountId}:root" }),
        ] {
            assert_eq!(
                sent(&written).as_deref(),
                Some("arn:aws:iam::${!AWS::AccountId}:root"),
                "{written}"
            );
            assert_eq!(
                skeleton_sent(&written),
                "arn:aws:iam::${!AWS::AccountId}:root"
            );
        }
        // The class: every pseudo parameter; IAM's own variables stay as written.
        assert_eq!(
            sent(&json!(
                "${AWS::Region}/${AWS::Partition}/${AWS::StackName}/${aws:username}"
            ))
            .as_deref(),
            Some("${!AWS::Region}/${!AWS::Partition}/${!AWS::StackName}/${aws:username}")
        );
        // JSON text an intrinsic makes: what `Fn::Sub` resolved is read as resolved again.
        let made = json!({ "Fn::Join": ["", [
            r#"{"a": "arn:aws:iam::"#, { "Ref": "AWS::AccountId" }, r#":root", "b": ""#,
            "${AWS::AccountId}", r#""}"#
        ]] });
        let document = resolved_json(&skeleton_sent(&made)).unwrap();
        assert_eq!(
            sent(&document["a"]).as_deref(),
            Some("arn:aws:iam::${AWS::AccountId}:root")
        );
        assert_eq!(sent(&document["b"]).as_deref(), Some("${!AWS::AccountId}"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Whether a key reference names an AWS-managed key is what reading its text, or
        /// else its whole JSON, says.
        #[test]
        fn an_aws_managed_key_is_known_as_when_the_json_was_written_out(value in key_values()) {
            let t = super::text_or_json(&value).to_ascii_lowercase();
            let written = t.contains("alias/aws/") || t.contains("alias\\/aws\\/");
            proptest::prop_assert_eq!(super::aws_managed_key(&value), written);
        }
    }

    /// Values of a key reference: any value of intrinsics, or text near an alias of AWS
    /// (its parts, its slashes escaped, characters that JSON escapes) alone, in lists,
    /// objects, joins and substitutions.
    fn key_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let near =
            "(a|alias|ALIAS|x)?(/|\\\\/|\\\\|\"|\u{1}|\n)?(aws|AwS|lias)?(/|\\\\/)?[a-z]{0,2}";
        // An alias of AWS whole, in its spellings.
        let alias = "(alias|ALIAS|Alias)(/|\\\\/)(aws|AWS)(/|\\\\/)[a-z]{0,3}";
        prop_oneof![
            crate::testing::intrinsic_values(),
            near.prop_map(|t| json!(t)),
            alias.prop_map(|t| json!(t)),
            (alias, near).prop_map(|(k, v)| json!({ k: v })),
            (near, alias).prop_map(|(t, v)| json!({ "Fn::Sub": [t, { "X": v }], "Other": 1 })),
            proptest::collection::vec(near, 0..4).prop_map(|ts| json!(ts)),
            (near, near).prop_map(|(k, v)| json!({ k: v })),
            (near, proptest::collection::vec(near, 0..4))
                .prop_map(|(sep, ts)| json!({ "Fn::Join": [sep, ts] })),
            (near, near).prop_map(|(t, v)| json!({ "Fn::Sub": [t, { "X": v }], "Other": 1 })),
            (near, near).prop_map(|(a, b)| json!({ "Fn::GetAtt": [a, b] })),
        ]
    }

    #[test]
    fn an_address_past_the_last_reserved_range_is_outside_it() {
        let r = |first, last| Range { first, last };
        assert!(outside(r(0, 10), &[r(0, 4)]));
        assert!(outside(r(5, 5), &[r(0, 4)]));
        assert!(!outside(r(0, 4), &[r(0, 4)]));
        assert!(!outside(r(2, 9), &[r(0, 4), r(5, 9)]));
        assert!(outside(r(2, 10), &[r(0, 4), r(5, 9)]));
        assert!(outside(r(0, 10), &[r(1, 4)]));
    }

    #[test]
    fn every_spelling_of_the_internet_is_the_internet() {
        for c in [
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "8.8.8.8/32",
            "8.8.8.8",
            "::/0",
            "::0/0",
            "0:0::/0",
            "0:0:0:0:0:0:0:0/0",
            "::ffff:0:0/96",
            "::ffff:8.8.8.8/128",
            "2000::/3",
            "64:ff9b::808:808/128",
            "11.0.0.0/8",
        ] {
            assert!(is_internet(&json!(c)), "{c}");
        }
        for c in [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "172.16.0.0/12",
            "192.168.1.0/24",
            "fd00::/8",
            "fe80::/10",
            "::ffff:10.0.0.0/104",
            "127.0.0.1/32",
        ] {
            assert!(!is_internet(&json!(c)), "{c}");
        }
        assert!(is_internet(&json!({ "Ref": "Somewhere" })));
        assert!(is_internet(&json!("not a cidr")));
        assert!(is_internet(&json!({ "Fn::Join": ["/", ["0.0.0.0", "0"]] })));
        assert!(is_internet(&json!({ "Fn::Sub": "10.0.${X}.0/24" })));
        assert!(!is_internet(
            &json!({ "Fn::Sub": ["10.0.${X}.0/24", { "X": "3" }] })
        ));
    }

    #[test]
    fn ranges_are_parsed_and_bounded() {
        assert_eq!(cidr("10.0.0.0/33"), None);
        assert_eq!(cidr("::/129"), None);
        assert_eq!(cidr("1.2.3.4/x"), None);
        assert_eq!(cidr("nonsense"), None);
        let all6 = cidr("::/0").unwrap();
        assert_eq!((all6.first, all6.last), (0, u128::MAX));
        let host = cidr("10.0.0.5/8").unwrap();
        assert_eq!(host, cidr("10.0.0.0/8").unwrap());
        assert_eq!(host.first, V4_MAPPED | 0x0a00_0000);
        assert_eq!(host.last, V4_MAPPED | 0x0aff_ffff);
        let one = cidr(" 8.8.8.8 ").unwrap();
        assert_eq!(one.first, one.last);
        assert_eq!(
            cidr("2001:db8::1").unwrap().first,
            cidr("2001:db8::1/128").unwrap().last
        );
        // Entirely reserved, partly public, and public at either end.
        assert!(!has_public_address(cidr("10.0.0.0/8").unwrap()));
        assert!(has_public_address(cidr("9.255.255.255/32").unwrap()));
        assert!(has_public_address(Range {
            first: cidr("9.255.255.255").unwrap().first,
            last: cidr("10.0.0.0").unwrap().first,
        }));
        assert!(has_public_address(Range {
            first: cidr("10.255.255.255").unwrap().first,
            last: cidr("11.0.0.0").unwrap().first,
        }));
        assert!(!has_public_address(cidr("::1/128").unwrap()));
        assert!(!has_public_address(cidr("64:ff9b::a00:1/128").unwrap()));
        assert!(!has_public_address(cidr("ffff::/16").unwrap()));
        // Adjacent reserved ranges (multicast and reserved IPv4) hold no public address.
        assert!(!has_public_address(cidr("224.0.0.0/3").unwrap()));
        assert!(has_public_address(cidr("64:ff9b::/96").unwrap()));
        assert!(!has_public_address(cidr("64:ff9b::c0a8:1/128").unwrap()));
        assert!(has_public_address(cidr("::2/128").unwrap()));
    }

    #[test]
    fn values_and_pseudo_parameters_resolve_or_stay_unknown() {
        assert_eq!(text(&json!(5)).as_deref(), Some("5"));
        assert_eq!(text(&json!(true)).as_deref(), Some("true"));
        assert_eq!(text(&json!(null)), None);
        assert_eq!(
            text(&json!({ "Ref": "AWS::URLSuffix" })).as_deref(),
            Some("amazonaws.com")
        );
        assert_eq!(
            text(&json!({ "Ref": "AWS::StackName" })).as_deref(),
            Some("${AWS::StackName}")
        );
        assert_eq!(text(&json!({ "Ref": "AWS::Unknown" })), None);
        assert_eq!(
            text(&json!({ "Fn::Base64": "abc" })).as_deref(),
            Some("abc")
        );
        assert_eq!(
            text(&json!({ "Fn::Select": [0, ["a"]] })).as_deref(),
            Some("a")
        );
        assert_eq!(text(&json!({ "Fn::Select": ["5", ["a"]] })), None);
        assert_eq!(text(&json!({ "Fn::Join": ["-", "ab"] })), None);
        assert_eq!(
            text(&json!({ "Fn::Join": [",", ["a", { "Ref": "X" }]] })),
            None
        );
        assert_eq!(
            text(&json!({ "Fn::Sub": ["${A}", { "A": { "Ref": "X" } }] })),
            None
        );
        assert_eq!(text(&json!({ "Fn::Sub": "${unclosed" })), None);
        assert_eq!(text(&json!({ "Fn::Sub": 5 })), None);
        assert_eq!(text(&json!({ "Fn::If": ["c", "a", "b"] })), None);
        assert_eq!(text(&json!({ "Ref": "A", "Fn::Sub": "b" })), None);
        let mut deep = json!("x");
        for _ in 0..40 {
            deep = json!({ "Fn::Base64": deep });
        }
        assert_eq!(text(&deep), None);
        assert_eq!(
            text(&json!({ "Fn::Sub": "b", "Ref": "AWS::Partition" })),
            None
        );
        let nested = |n: usize| {
            let mut v = json!("x");
            for _ in 0..n {
                v = json!({ "Fn::Base64": v });
            }
            v
        };
        assert_eq!(text(&nested(DEPTH)).as_deref(), Some("x"));
        assert_eq!(text(&nested(DEPTH + 1)), None);
        // Every intrinsic counts towards the depth.
        let through = |n: usize, wrap: fn(Value) -> Value| {
            let mut v = json!("x");
            for _ in 0..n {
                v = wrap(v);
            }
            v
        };
        let join = |v: Value| json!({ "Fn::Join": ["", [v]] });
        let select = |v: Value| json!({ "Fn::Select": [0, [v]] });
        let sub = |v: Value| json!({ "Fn::Sub": ["${V}", { "V": v }] });
        // An index nested in indexes counts too.
        let mut index = json!("0");
        for _ in 0..DEPTH {
            index = json!({ "Fn::Select": [index, ["0"]] });
        }
        assert_eq!(text(&index).as_deref(), Some("0"));
        assert_eq!(text(&json!({ "Fn::Select": [index, ["x"]] })), None);
        for wrap in [join as fn(Value) -> Value, select, sub] {
            assert_eq!(text(&through(DEPTH, wrap)).as_deref(), Some("x"));
            assert_eq!(text(&through(DEPTH + 1, wrap)), None);
        }
        let mut shallow = json!("x");
        for _ in 0..10 {
            shallow = json!({ "Fn::Base64": shallow });
        }
        assert_eq!(text(&shallow).as_deref(), Some("x"));
        assert!(no_value(&json!({ "Ref": "AWS::NoValue" })));
        assert!(!no_value(&json!({ "Ref": "AWS::Region" })));
        assert_eq!(text_or_json(&json!({ "Ref": "X" })), r#"{"Ref":"X"}"#);
    }

    #[test]
    fn references_to_the_resource_in_question_read_as_its_placeholders() {
        let own = Own {
            id: "B",
            reference: "name".to_owned(),
            arn: "arn:aws:s3:::name".to_owned(),
            other: None,
        };
        let about = |v: Value| text_about(&v, &own);
        assert_eq!(about(json!({ "Ref": "B" })).as_deref(), Some("name"));
        assert_eq!(about(json!({ "Ref": "C" })), None);
        assert_eq!(
            about(json!({ "Fn::GetAtt": ["B", "Arn"] })).as_deref(),
            Some("arn:aws:s3:::name")
        );
        assert_eq!(
            about(json!({ "Fn::GetAtt": "B.Arn" })).as_deref(),
            Some("arn:aws:s3:::name")
        );
        assert_eq!(about(json!({ "Fn::GetAtt": ["B", "DomainName"] })), None);
        assert_eq!(about(json!({ "Fn::GetAtt": "B" })), None);
        assert_eq!(about(json!({ "Fn::GetAtt": 3 })), None);
        assert_eq!(
            about(json!({ "Fn::Sub": "${B.Arn}/*" })).as_deref(),
            Some("arn:aws:s3:::name/*")
        );
        assert_eq!(
            about(json!({ "Fn::Sub": "x/${B}" })).as_deref(),
            Some("x/name")
        );
        assert_eq!(about(json!({ "Fn::Sub": "${C}" })), None);
    }

    #[test]
    fn a_value_names_a_resource_only_where_it_is_that_resource_whole() {
        let q = |v: Value| names(&v, "Q");
        // The list form of `Fn::Sub`: `${Q}` with a map that does not define it, and a
        // variable that stands for `Q` (its `Ref`, an attribute, a value that names it).
        assert!(q(json!({ "Fn::Sub": ["${Q}", {}] })));
        assert!(q(json!({ "Fn::Sub": ["${Q.Arn}", {}] })));
        assert!(q(json!({ "Fn::Sub": ["${Q}", { "Other": "x" }] })));
        assert!(q(json!({ "Fn::Sub": ["${X}", { "X": { "Ref": "Q" } }] })));
        assert!(q(
            json!({ "Fn::Sub": ["${X}", { "X": { "Fn::GetAtt": ["Q", "Id"] } }] })
        ));
        assert!(q(
            json!({ "Fn::Sub": ["${X}", { "X": { "Fn::Sub": "${Q}" } }] })
        ));
        assert!(q(
            json!({ "Fn::Sub": ["${E}${X}${E}", { "X": { "Ref": "Q" }, "E": "" }] })
        ));
        assert!(q(json!({ "Fn::Sub": "${Q}" })));
        assert!(q(json!({ "Fn::Sub": "${Q.Arn}" })));
        // A variable of the map named as the resource is the variable's value.
        assert!(!q(json!({ "Fn::Sub": ["${Q}", { "Q": "other" }] })));
        assert!(!q(json!({ "Fn::Sub": ["${Q}", { "Q": { "Ref": "R" } }] })));
        assert!(!q(json!({ "Fn::Sub": ["${Q.Arn}", { "Q": "other" }] })));
        // Text built around it, spaces too, or two values, or a literal.
        assert!(!q(
            json!({ "Fn::Sub": ["${X}-old", { "X": { "Ref": "Q" } }] })
        ));
        assert!(!q(
            json!({ "Fn::Sub": ["${X}${X}", { "X": { "Ref": "Q" } }] })
        ));
        assert!(!q(json!({ "Fn::Sub": " ${Q}" })));
        assert!(!q(json!({ "Fn::Sub": "${Q} " })));
        assert!(!q(json!({ "Fn::Sub": "${ Q }" })));
        assert!(!q(json!({ "Fn::Sub": "${!Q}" })));
        assert!(!q(json!({ "Fn::Sub": "${Q}${Q}" })));
        assert!(!q(json!({ "Fn::Sub": "${Q." })));
        assert!(!q(json!({ "Fn::Sub": "${Q.}" })));
        assert!(!q(json!({ "Fn::Sub": ["${Q}"] })));
        assert!(!q(json!({ "Fn::Sub": ["${Q}", {}, "x"] })));
        assert!(!q(json!({ "Fn::Sub": ["${X}", { "X": "" }] })));
        assert!(!q(
            json!({ "Fn::Sub": ["${X}", { "X": { "Ref": "AWS::NoValue" } }] })
        ));
        // A variable that stands for `Q` in one branch only.
        assert!(!q(
            json!({ "Fn::Sub": ["${X}", { "X": { "Fn::If": ["C", { "Ref": "Q" }, { "Ref": "R" }] } }] })
        ));
        // `Fn::Join`: one value whatever the delimiter, or one among empty text with none.
        assert!(q(json!({ "Fn::Join": ["-", [{ "Ref": "Q" }]] })));
        assert!(q(json!({ "Fn::Join": ["", ["", { "Ref": "Q" }, ""]] })));
        assert!(!q(json!({ "Fn::Join": ["-", ["", { "Ref": "Q" }]] })));
        assert!(!q(json!({ "Fn::Join": ["", ["x", { "Ref": "Q" }]] })));
        assert!(!q(
            json!({ "Fn::Join": ["", [{ "Ref": "Q" }, { "Ref": "Q" }]] })
        ));
        assert!(!q(
            json!({ "Fn::Join": ["", [{ "Ref": "AWS::NoValue" }, { "Ref": "Q" }]] })
        ));
        assert!(!q(json!({ "Fn::Join": ["", { "Ref": "Q" }] })));
        // `Fn::Select` of an index known only at deploy, of another entry; `Fn::If` whose
        // branches differ, or remove the property.
        assert!(q(json!({ "Fn::Select": ["1", ["x", { "Ref": "Q" }]] })));
        assert!(!q(
            json!({ "Fn::Select": [{ "Fn::GetAtt": ["P", "Value"] }, [{ "Ref": "Q" }, "x"]] })
        ));
        assert!(!q(json!({ "Fn::Select": [0, ["x", { "Ref": "Q" }]] })));
        assert!(!q(json!({ "Fn::Select": [5, [{ "Ref": "Q" }]] })));
        assert!(!q(
            json!({ "Fn::If": ["C", { "Ref": "Q" }, { "Ref": "R" }] })
        ));
        assert!(!q(
            json!({ "Fn::If": ["C", { "Ref": "Q" }, { "Ref": "AWS::NoValue" }] })
        ));
        assert!(q(
            json!({ "Fn::If": ["C", { "Ref": "Q" }, { "Fn::GetAtt": "Q.Arn" }] })
        ));
        // `AWS::NoValue` and objects of more than one key name nothing.
        assert!(!q(json!({ "Ref": "AWS::NoValue" })));
        assert!(!q(json!({ "Ref": "Q", "Fn::Sub": "other" })));
        assert!(!q(json!({ "Fn::GetAtt": ["Q", "Arn"], "Ref": "R" })));
        assert!(!q(json!({ "Fn::GetAtt": ["Q"] })));
        assert!(!q(json!({ "Fn::GetAtt": "Q" })));
        assert!(!q(json!("Q")));
        // Nesting deeper than `DEPTH` is unknown.
        let mut deep = json!({ "Ref": "Q" });
        for _ in 0..DEPTH {
            deep = json!({ "Fn::Select": [0, [deep]] });
        }
        assert!(q(deep.clone()));
        for _ in 0..100 {
            deep = json!({ "Fn::Select": [0, [deep]] });
        }
        assert!(!q(deep));
    }

    #[test]
    fn an_import_is_the_whole_value_in_any_spelling() {
        let import = json!({ "Fn::ImportValue": "data-Cluster" });
        assert!(imported(&import));
        assert!(imported(&json!({ "Fn::Sub": ["${X}", { "X": import }] })));
        assert!(imported(&json!({ "Fn::Join": ["", [import]] })));
        assert!(imported(
            &json!({ "Fn::If": ["C", import, { "Fn::Select": [0, [import]] }] })
        ));
        assert!(!imported(
            &json!({ "Fn::Sub": ["${X}-old", { "X": import }] })
        ));
        assert!(!imported(&json!({ "Fn::If": ["C", import, "legacy"] })));
        assert!(!imported(&json!({ "Fn::ImportValue": "x", "Ref": "Q" })));
    }

    #[test]
    fn intrinsics_resolve_to_text() {
        assert_eq!(
            text(&json!({ "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/s3" })).as_deref(),
            Some("arn:aws:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/s3")
        );
        assert_eq!(
            text(&json!({ "Fn::Join": ["", ["alias/", "aws/", { "Ref": "AWS::Partition" }]] }))
                .as_deref(),
            Some("alias/aws/aws")
        );
        assert_eq!(
            text(&json!({ "Fn::Select": ["1", ["a", "b"]] })).as_deref(),
            Some("b")
        );
        assert_eq!(
            text(&json!({ "Fn::Sub": "${!Literal}" })).as_deref(),
            Some("${Literal}")
        );
        assert_eq!(text(&json!({ "Ref": "Bucket" })), None);
        assert_eq!(text(&json!({ "Fn::Sub": "${Bucket.Arn}/*" })), None);
        assert!(aws_managed_key(
            &json!({ "Fn::Sub": ["${P}/aws/s3", { "P": "alias" }] })
        ));
        assert!(aws_managed_key(&json!("ALIAS/AWS/S3")));
        assert!(!aws_managed_key(&json!({ "Fn::GetAtt": ["Key", "Arn"] })));
    }
}
