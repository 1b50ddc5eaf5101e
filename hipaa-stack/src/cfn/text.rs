//! The text a value of a template stands for where it can be known before deploy:
//! intrinsic functions (`Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Base64`, pseudo
//! parameters) resolved. The rules read every spelling of a setting with it
//! (`compliance::rules::meaning`), and the resolver the names of the escape hatch's imports
//! (`graph`), so that both read one name alike.

use serde_json::Value;

/// The deepest nesting of intrinsics that is resolved; deeper values are unknown.
pub(crate) const DEPTH: usize = 16;

/// The text a value stands for, where it can be known before deploy: a string; `Fn::Sub`
/// (its variables resolved, pseudo parameters as below); `Fn::Join`; `Fn::Select` of a
/// list; `Fn::Base64` (the text before encoding); `Ref` of a pseudo parameter. hipaa-stack
/// templates declare no parameters, so a `Ref` to anything else is a resource (unknown).
///
/// `AWS::Partition` is `aws` (the strictest reading: a key under `aws` is the same key in
/// every partition); `AWS::URLSuffix` is `amazonaws.com`; the account, region and stack are
/// kept as `${AWS::AccountId}`, `${AWS::Region}`, … so that a rule can tell the stack's own
/// account from a written one. A pseudo parameter written as characters outside `Fn::Sub`
/// (`"${AWS::AccountId}"`) reads the same here, though CloudFormation passes the characters;
/// [`sent`] reads it as AWS receives it.
pub(crate) fn text(value: &Value) -> Option<String> {
    text_at(value, 0, None, false)
}

/// [`text`] as AWS receives it: a pseudo parameter written as characters (a string, an
/// `Fn::Join` of strings, a variable of an `Fn::Sub`'s map, `${!AWS::AccountId}` in an
/// `Fn::Sub`) is those characters, read as [`literal`] gives them (`${!AWS::AccountId}`),
/// never as the placeholder of the stack's own account, region or name. The rules of
/// identity, keys and storage read with it; [`text`] reads the two alike.
pub(crate) fn sent(value: &Value) -> Option<String> {
    text_at(value, 0, None, true)
}

/// A resource whose references a rule wants to read as text: `Ref` of it as `reference`,
/// `Fn::GetAtt` of its `Arn` (or `${Id.Arn}` in `Fn::Sub`) as `arn`, and of one other
/// attribute, when `other` names it, as the text given with it (an AppSync API's `ApiId`).
pub(crate) struct Own<'a> {
    pub(crate) id: &'a str,
    pub(crate) reference: String,
    pub(crate) arn: String,
    pub(crate) other: Option<(&'a str, String)>,
}

/// [`text`], reading references to `own` as its placeholders.
pub(crate) fn text_about(value: &Value, own: &Own<'_>) -> Option<String> {
    text_at(value, 0, Some(own), false)
}

/// [`text_about`] as AWS receives it ([`sent`]).
pub(crate) fn sent_about(value: &Value, own: &Own<'_>) -> Option<String> {
    text_at(value, 0, Some(own), true)
}

fn own_text(own: Option<&Own<'_>>, name: &str, attribute: Option<&str>) -> Option<String> {
    let own = own.filter(|o| o.id == name)?;
    match attribute {
        None => Some(own.reference.clone()),
        Some("Arn") => Some(own.arn.clone()),
        Some(attribute) => own
            .other
            .as_ref()
            .filter(|(name, _)| *name == attribute)
            .map(|(_, text)| text.clone()),
    }
}

fn pseudo(name: &str) -> Option<String> {
    match name {
        "AWS::Partition" => Some("aws".to_owned()),
        "AWS::URLSuffix" => Some("amazonaws.com".to_owned()),
        "AWS::AccountId"
        | "AWS::Region"
        | "AWS::StackName"
        | "AWS::StackId"
        | "AWS::NotificationARNs"
        | "AWS::NoValue" => Some(format!("${{{name}}}")),
        _ => None,
    }
}

/// The text that CloudFormation passes for characters written as they are (a string, or
/// `${!Literal}` in an `Fn::Sub`): a pseudo parameter written so (`"${AWS::AccountId}"`
/// outside `Fn::Sub`, in an `Fn::Join` or a variable of an `Fn::Sub`'s map) is those
/// characters, not the stack's account, region or name ("Fn::Sub": only its `String` is
/// substituted). IAM then reads `${…}` as a policy variable ("IAM policy elements: Variables
/// and tags", IAM User Guide: variables are replaced in `Resource` and in condition values,
/// and "if AWS cannot resolve a variable this might cause the entire statement to be
/// invalid"), so it never stands for the account: it is read as `${!AWS::AccountId}`, which
/// no rule takes for the placeholder `${AWS::AccountId}` of the stack's own account that
/// [`text`] gives a pseudo parameter.
pub(crate) fn literal(s: &str) -> String {
    s.replace("${AWS::", "${!AWS::")
}

fn text_at(value: &Value, depth: usize, own: Option<&Own<'_>>, strict: bool) -> Option<String> {
    if depth > DEPTH {
        return None;
    }
    match value {
        Value::String(s) if strict => Some(literal(s)),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) if map.len() == 1 => {
            let (name, arg) = map.iter().next()?;
            match name.as_str() {
                "Ref" => {
                    let name = arg.as_str()?;
                    pseudo(name).or_else(|| own_text(own, name, None))
                }
                "Fn::GetAtt" => match arg {
                    Value::Array(a) => own_text(own, a.first()?.as_str()?, a.get(1)?.as_str()),
                    Value::String(s) => {
                        let (id, attribute) = s.split_once('.')?;
                        own_text(own, id, Some(attribute))
                    }
                    _ => None,
                },
                "Fn::Base64" => text_at(arg, depth + 1, own, strict),
                "Fn::Join" => {
                    let [sep, Value::Array(items)] = arg.as_array()?.as_slice() else {
                        return None;
                    };
                    let sep = sep.as_str()?;
                    let parts: Option<Vec<String>> = items
                        .iter()
                        .map(|v| text_at(v, depth + 1, own, strict))
                        .collect();
                    Some(parts?.join(sep))
                }
                "Fn::Select" => {
                    let [index, Value::Array(items)] = arg.as_array()?.as_slice() else {
                        return None;
                    };
                    let i: usize = text_at(index, depth + 1, own, strict)?
                        .trim()
                        .parse()
                        .ok()?;
                    text_at(items.get(i)?, depth + 1, own, strict)
                }
                "Fn::Sub" => match arg {
                    Value::String(s) => substitute(s, &serde_json::Map::new(), depth, own, strict),
                    Value::Array(a) => {
                        let s = a.first()?.as_str()?;
                        let vars = a.get(1).and_then(Value::as_object);
                        substitute(
                            s,
                            vars.unwrap_or(&serde_json::Map::new()),
                            depth,
                            own,
                            strict,
                        )
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// `Fn::Sub`: `${Name}` from `vars` or a pseudo parameter, `${!Literal}` as `${Literal}`;
/// a `${Resource}` or `${Resource.Attr}` stays unknown (the whole text is unknown).
fn substitute(
    s: &str,
    vars: &serde_json::Map<String, Value>,
    depth: usize,
    own: Option<&Own<'_>>,
    strict: bool,
) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for piece in sub_pieces(s) {
        match piece {
            SubPiece::Text(t) => out.push_str(t),
            SubPiece::Literal(written) => {
                let written = format!("${{{written}}}");
                out.push_str(&if strict { literal(&written) } else { written });
            }
            SubPiece::Name(name) => {
                if let Some(v) = vars.get(name) {
                    out.push_str(&text_at(v, depth + 1, own, strict)?);
                } else if let Some(p) = pseudo(name) {
                    out.push_str(&p);
                } else {
                    let (id, attribute) = match name.split_once('.') {
                        Some((id, attribute)) => (id, Some(attribute)),
                        None => (name, None),
                    };
                    out.push_str(&own_text(own, id, attribute)?);
                }
            }
            SubPiece::Unclosed(_) => return None,
        }
    }
    Some(out)
}

/// A piece of an `Fn::Sub`'s text, as [`sub_pieces`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubPiece<'a> {
    /// Text written as it is, never empty.
    Text(&'a str),
    /// `${Name}`: what is between the braces (a variable of the `Fn::Sub`'s map, a
    /// parameter, a logical id, `Id.Attribute` or a pseudo parameter such as
    /// `AWS::AccountId`).
    Name(&'a str),
    /// `${!Literal}`: the characters `${Literal}`; holds what follows the `!`.
    Literal(&'a str),
    /// `${` that no `}` closes, and all that follows it.
    Unclosed(&'a str),
}

/// The pieces of an `Fn::Sub`'s text, in order (CloudFormation Template Reference,
/// `Fn::Sub`: "To specify template parameter names, resource logical IDs, resource
/// attributes, or a variable in a key-value map, use `${MyVarName}`", and "To write a
/// dollar sign and curly braces (`${}`) literally, add an exclamation point (`!`) after the
/// open curly brace, such as `${!Literal}`"). Every reader of `Fn::Sub` text takes its
/// placeholders from here, so that all read one text alike.
pub(crate) fn sub_pieces(template: &str) -> impl Iterator<Item = SubPiece<'_>> {
    let mut rest = template;
    let mut pending: Option<SubPiece<'_>> = None;
    std::iter::from_fn(move || {
        if let Some(piece) = pending.take() {
            return Some(piece);
        }
        if rest.is_empty() {
            return None;
        }
        let Some(start) = rest.find("${") else {
            return Some(SubPiece::Text(std::mem::take(&mut rest)));
        };
        let (before, from) = rest.split_at(start);
        let placeholder = match from[2..].find('}') {
            Some(end) => {
                let name = &from[2..2 + end];
                rest = &from[2 + end + 1..];
                match name.strip_prefix('!') {
                    Some(written) => SubPiece::Literal(written),
                    None => SubPiece::Name(name),
                }
            }
            None => {
                rest = "";
                SubPiece::Unclosed(from)
            }
        };
        if before.is_empty() {
            Some(placeholder)
        } else {
            pending = Some(placeholder);
            Some(SubPiece::Text(before))
        }
    })
}

/// The name an `Fn::ImportValue` of `value` imports, where it is known before deploy:
/// [`text`] of it, but never through `Fn::Base64`, which [`text`] reads as the text before
/// encoding (what user data says) while an import of it names the encoded text, an export
/// the app does not make. Synth, which refuses an import of a name no stack of the app
/// exports, and the rules, which read an import as the resource its export carries, read
/// every import name with it, so that both take one name for the same export.
pub(crate) fn import_name(value: &Value) -> Option<String> {
    fn encodes(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.contains_key("Fn::Base64") || map.values().any(encodes),
            Value::Array(items) => items.iter().any(encodes),
            _ => false,
        }
    }
    (!encodes(value)).then(|| text(value)).flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{import_name, text};

    /// `Fn::Sub` text is cut into text, `${Name}`, `${!Literal}` and an unclosed `${` with
    /// what follows it; no piece of text is empty, and the pieces written again in order are
    /// the text.
    #[test]
    fn sub_text_is_cut_into_its_pieces() {
        use super::{SubPiece as P, sub_pieces};
        let cases: [(&str, &[P<'_>]); 7] = [
            ("", &[]),
            ("plain", &[P::Text("plain")]),
            ("${A}", &[P::Name("A")]),
            (
                "a${AWS::AccountId}b${!Lit}${X.Arn}",
                &[
                    P::Text("a"),
                    P::Name("AWS::AccountId"),
                    P::Text("b"),
                    P::Literal("Lit"),
                    P::Name("X.Arn"),
                ],
            ),
            ("x${unclosed", &[P::Text("x"), P::Unclosed("${unclosed")]),
            ("${}$", &[P::Name(""), P::Text("$")]),
            ("${a}${b", &[P::Name("a"), P::Unclosed("${b")]),
        ];
        for (template, pieces) in cases {
            assert_eq!(
                sub_pieces(template).collect::<Vec<_>>(),
                pieces,
                "{template}"
            );
            let again: String = sub_pieces(template)
                .map(|p| match p {
                    P::Text(t) | P::Unclosed(t) => t.to_owned(),
                    P::Name(n) => format!("${{{n}}}"),
                    P::Literal(l) => format!("${{!{l}}}"),
                })
                .collect();
            assert_eq!(again, template);
        }
    }

    proptest::proptest! {
        /// Any text (of the characters that make placeholders) is cut into pieces that,
        /// written again in order, are the text; no piece of text is empty or holds `${`.
        #[test]
        fn sub_pieces_write_the_text_again(template in "[$!{}a.:]{0,24}") {
            use super::{SubPiece as P, sub_pieces};
            let mut again = String::new();
            for piece in sub_pieces(&template) {
                match piece {
                    P::Text(t) => {
                        proptest::prop_assert!(!t.is_empty() && !t.contains("${"), "{t}");
                        again.push_str(t);
                    }
                    P::Unclosed(t) => {
                        proptest::prop_assert!(t.starts_with("${") && !t.contains('}'), "{t}");
                        again.push_str(t);
                    }
                    P::Name(n) => {
                        proptest::prop_assert!(!n.contains('}') && !n.starts_with('!'), "{n}");
                        again.push_str(&format!("${{{n}}}"));
                    }
                    P::Literal(l) => {
                        proptest::prop_assert!(!l.contains('}'), "{l}");
                        again.push_str(&format!("${{!{l}}}"));
                    }
                }
            }
            proptest::prop_assert_eq!(again, template);
        }
    }

    /// An import's name is read as the rules read text, an `Fn::Sub` or `Fn::Join` built
    /// before deploy, but never through `Fn::Base64`: CloudFormation imports the encoded
    /// text, which `text` would read as the name before encoding.
    #[test]
    fn an_import_name_is_text_but_never_an_encoding() {
        let name = "data:Records:Arn";
        for built in [
            json!(name),
            json!({ "Fn::Sub": name }),
            json!({ "Fn::Join": [":", ["data", "Records", "Arn"]] }),
            json!({ "Fn::Select": [1, ["x", name]] }),
        ] {
            assert_eq!(import_name(&built).as_deref(), Some(name), "{built}");
        }
        for encoded in [
            json!({ "Fn::Base64": name }),
            json!({ "Fn::Join": ["", [{ "Fn::Base64": "data" }, ":Records:Arn"]] }),
            json!({ "Fn::Sub": ["${N}", { "N": { "Fn::Base64": name } }] }),
        ] {
            assert!(text(&encoded).is_some(), "{encoded}");
            assert_eq!(import_name(&encoded), None, "{encoded}");
        }
        assert_eq!(import_name(&json!({ "Ref": "Records" })), None);
    }
}
