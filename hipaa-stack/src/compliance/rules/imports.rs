//! Imports of a stack's exports, read as CloudFormation resolves them: `Fn::ImportValue`
//! reads only the exports of the importing stack's own region and account ("You can't
//! create cross-stack references across Regions", CloudFormation User Guide,
//! `Fn::ImportValue`; "For each AWS account, Export names must be unique within a Region",
//! CloudFormation User Guide, "Outputs"). An app may have stacks in several regions or
//! accounts whose exports share a name: the import of that name by a stack of one region
//! is the export of its own region, never the same-named export of another.
//!
//! The one reading of "does this value import an export of that stack": [`Exports`] keeps
//! the position of the exporting stack with its export names, so that no caller can match
//! an import by its name alone (the name matcher is private to this module).

use serde_json::Value;

use super::Cx;
use crate::cfn::Resource;

/// The names under which one stack of the app exports a resource, with the position of
/// that stack in the app's stacks: what an import made by a stack of the same region and
/// account names the resource by ([`Exports::imported_by`]).
#[derive(Debug, Clone)]
pub(crate) struct Exports<'a> {
    at: usize,
    names: Vec<&'a str>,
}

impl<'a> Exports<'a> {
    /// The exports of the stack at `at` of the app whose values refer to its resource
    /// `id` ([`super::arn::exports_of`]).
    pub(crate) fn of(cx: &Cx<'a>, at: usize, id: &str) -> Self {
        Self::such(cx, at, id, |_| true)
    }

    /// [`Exports::of`], only the exports whose value `keep` accepts.
    pub(crate) fn such(cx: &Cx<'a>, at: usize, id: &str, keep: impl Fn(&Value) -> bool) -> Self {
        let names = cx
            .stacks
            .get(at)
            .map(|(_, template)| {
                super::arn::exports_of(template, id)
                    .into_iter()
                    .filter(|(_, value)| keep(value))
                    .map(|(name, _)| name)
                    .collect()
            })
            .unwrap_or_default();
        Exports { at, names }
    }

    /// Whether the stack makes no such export.
    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Whether an import made by the stack at `importer` reads the exports of this stack:
    /// the two stacks are of one region and one account.
    pub(crate) fn readable_from(&self, cx: &Cx<'_>, importer: usize) -> bool {
        super::services::same_region_and_account(cx, importer, self.at)
    }

    /// The export names an import made by the stack at `importer` may name the resource
    /// by: all of them from a stack of its region and account, none from another (for a
    /// lookup by name in an index).
    pub(crate) fn names_from(&self, cx: &Cx<'_>, importer: usize) -> &[&'a str] {
        if self.readable_from(cx, importer) {
            &self.names
        } else {
            &[]
        }
    }

    /// Whether `value`, written in the stack at `importer`, imports one of these exports
    /// anywhere inside it (`Fn::ImportValue` of the name, written as text or built by
    /// intrinsics that read before deploy, [`super::meaning::import_name`]: an `Fn::Sub`
    /// without variables, an `Fn::Join`; inside `Fn::Sub` variables, `Fn::Join`, …), where
    /// CloudFormation resolves it: only from a stack of this stack's region and account.
    pub(crate) fn imported_by(&self, cx: &Cx<'_>, importer: usize, value: &Value) -> bool {
        !self.names.is_empty()
            && self.readable_from(cx, importer)
            && imports_any(value, &self.names)
    }

    /// The entries of an index of imports by export name (`by_name`) that import one of
    /// these exports where CloudFormation resolves them: those of the stacks (`stack_of`
    /// an entry) of this stack's region and account, in no particular order.
    pub(crate) fn looked_up<'l, T: Copy + 'l>(
        &self,
        cx: &Cx<'_>,
        by_name: impl Fn(&str) -> Option<&'l Vec<T>>,
        stack_of: impl Fn(&T) -> usize,
    ) -> Vec<T> {
        self.names
            .iter()
            .filter_map(|name| by_name(name))
            .flatten()
            .filter(|entry| self.readable_from(cx, stack_of(entry)))
            .copied()
            .collect()
    }

    /// [`Exports::imported_by`] of a value of the stack named `stack` (`None`: the stack of
    /// `cx`), as [`Cx::everywhere`] names stacks.
    pub(crate) fn imported_in(&self, cx: &Cx<'_>, stack: Option<&str>, value: &Value) -> bool {
        cx.position(stack)
            .is_some_and(|at| self.imported_by(cx, at, value))
    }

    /// Whether the export name `name`, imported by the stack at `importer`, is one of these
    /// exports there.
    pub(crate) fn named_from(&self, cx: &Cx<'_>, importer: usize, name: &str) -> bool {
        self.names_from(cx, importer).contains(&name)
    }
}

impl<'a> Cx<'a> {
    /// The position in the app's stacks of the stack named `stack` (`None`: this one, as
    /// [`Cx::everywhere`] names stacks).
    pub(crate) fn position(&self, stack: Option<&str>) -> Option<usize> {
        match stack {
            None => Some(self.at),
            Some(name) => self.index.stack_at.get(name).copied(),
        }
    }

    /// The exports of this resource's stack whose values refer to it ([`Exports::of`]).
    pub(crate) fn own_exports(&self) -> Exports<'a> {
        Exports::of(self, self.at, self.id())
    }

    /// `value`, written in the stack named `stack` (`None`: this one), with each import of
    /// an export of this resource's stack that refers to it read as the export's value (its
    /// `Ref` or `Fn::GetAtt`, however deep: `Fn::Join` of the import and `/*`, a variable of
    /// an `Fn::Sub`), where CloudFormation resolves the import to it ("returns the value of
    /// an output exported by another stack", `Fn::ImportValue`): from a stack of this
    /// stack's region and account. A reader of this resource's references (`Own`) then
    /// reads a value of another stack as it reads one of its own.
    pub(crate) fn as_exported<'v>(
        &self,
        stack: Option<&str>,
        value: &'v Value,
    ) -> std::borrow::Cow<'v, Value> {
        use std::borrow::Cow;
        fn replaced(value: &Value, exports: &[(&str, Value)], depth: usize) -> Option<Value> {
            if depth > crate::cfn::text::DEPTH {
                return None;
            }
            match value {
                Value::Object(map) if map.len() == 1 && map.contains_key("Fn::ImportValue") => {
                    let name = super::meaning::import_name(&map["Fn::ImportValue"])?;
                    exports
                        .iter()
                        .find(|(export, _)| *export == name)
                        .map(|(_, v)| v.clone())
                }
                Value::Object(map) => {
                    let mut changed = false;
                    let out = map
                        .iter()
                        .map(|(k, v)| {
                            let v = replaced(v, exports, depth + 1).map_or_else(
                                || v.clone(),
                                |new| {
                                    changed = true;
                                    new
                                },
                            );
                            (k.clone(), v)
                        })
                        .collect();
                    changed.then_some(Value::Object(out))
                }
                Value::Array(items) => {
                    let mut changed = false;
                    let out = items
                        .iter()
                        .map(|v| {
                            replaced(v, exports, depth + 1).map_or_else(
                                || v.clone(),
                                |new| {
                                    changed = true;
                                    new
                                },
                            )
                        })
                        .collect();
                    changed.then_some(Value::Array(out))
                }
                _ => None,
            }
        }
        let Some(at) = stack.and_then(|s| self.position(Some(s))) else {
            return Cow::Borrowed(value);
        };
        if !super::services::same_region_and_account(self, self.at, at) {
            return Cow::Borrowed(value);
        }
        let exports = super::arn::exports_of(self.template, self.id());
        match replaced(value, &exports, 0) {
            Some(v) => Cow::Owned(v),
            None => Cow::Borrowed(value),
        }
    }

    /// The resource of `type_name` that `value`, written in the template of the stack named
    /// `stack` (`None`: this one), names, with the name of its stack when it is another than
    /// this resource's (as [`Cx::everywhere`] names stacks): a resource of that template
    /// ([`super::meaning::names`]: its `Ref`, an attribute, `${Id}` alone), or the resource
    /// whose `Ref` or attribute is wholly the value of the export that an `Fn::ImportValue`
    /// of it imports, made by a stack of the app of the importing stack's region and account
    /// ([`super::services::resource_named_from`]), which CloudFormation resolves to that
    /// resource: `Fn::ImportValue` "returns the value of an output exported by another
    /// stack" (CloudFormation User Guide, `Fn::ImportValue`). A group, web ACL or log group
    /// kept in a shared stack and imported is read there as it is read beside the resource.
    /// An import of what no such stack exports names nothing (`None`).
    pub(crate) fn named_in_app(
        &self,
        stack: Option<&str>,
        value: &Value,
        type_name: &str,
    ) -> Option<(Option<&'a str>, &'a Resource)> {
        let home = self.position(stack)?;
        let (at, found) = super::services::resource_named_from(self, home, value, type_name)?;
        let name = if at == self.at {
            None
        } else {
            Some(self.stacks.get(at)?.0)
        };
        Some((name, found))
    }

    /// The resource of `type_name` of another stack of the app that `value`, written in this
    /// stack, names by the text of its `field` (its name, compared by `same`), with the name
    /// of its stack (as [`Cx::everywhere`] names stacks): only a stack of this resource's
    /// region and account ([`Cx::beside`]), where a name that is one of a region and account
    /// names what that stack declares under it, and only text that reads no pseudo
    /// parameter or reference on either side (`${AWS::StackName}-params` is another name in
    /// each stack) and no value known only at deploy. `None` when no stack, or more than
    /// one, declares such a resource: the caller reads the name as written. The resource's
    /// own template is read by the caller, which names its resources by their `Ref` too.
    pub(crate) fn written_beside(
        &self,
        value: &Value,
        type_name: &'a str,
        field: &str,
        same: fn(&str, &str) -> bool,
    ) -> Option<(Option<&'a str>, &'a Resource)> {
        let plain = |t: &String| !t.contains("${") && !super::identity::dynamic(t);
        let written = super::meaning::text(value).filter(plain)?;
        let mut found = self.everywhere(type_name).filter(|(stack, r)| {
            stack.is_some()
                && self.beside(*stack)
                && super::meaning::text(&r.properties()[field])
                    .filter(plain)
                    .is_some_and(|own| same(own.trim(), written.trim()))
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The exports of the resource `id` of the stack named `stack` (`None`: this one).
    pub(crate) fn exports_of(&self, stack: Option<&str>, id: &str) -> Exports<'a> {
        match self.position(stack) {
            Some(at) => Exports::of(self, at, id),
            None => Exports {
                at: self.at,
                names: Vec::new(),
            },
        }
    }

    /// Every resource of type `type_name` of the stacks whose exports an import made by
    /// the stack at `importer` reads (those of its region and account), with the name of
    /// its stack when it is another than this resource's, as [`Cx::everywhere`] gives them:
    /// the resources such an import may name.
    pub(crate) fn importable(
        &self,
        importer: usize,
        type_name: &'a str,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Resource)> + 'a {
        let cx = *self;
        self.everywhere(type_name).filter(move |(stack, _)| {
            cx.position(*stack)
                .is_some_and(|at| super::services::same_region_and_account(&cx, importer, at))
        })
    }

    /// Whether the stack named `stack` (`None`: this one, as [`Cx::everywhere`] names
    /// stacks) deploys to this resource's region and account: where a name written in this
    /// stack (a regional resource's identifier, an ARN of `${AWS::Region}` and
    /// `${AWS::AccountId}`) names what that stack declares under it.
    pub(crate) fn beside(&self, stack: Option<&str>) -> bool {
        self.position(stack)
            .is_some_and(|at| super::services::same_region_and_account(self, self.at, at))
    }

    /// Whether the stack named `stack` (`None`: this one) deploys to this resource's
    /// account, in any region: where the name of a global resource of an account (an IAM
    /// role's or group's) written in this stack names what that stack declares under it.
    pub(crate) fn in_own_account(&self, stack: Option<&str>) -> bool {
        self.position(stack)
            .is_some_and(|at| super::services::same_account(self, self.at, at))
    }

    /// Whether the stack named `stack` (`None`: this one) is known to deploy to another
    /// region or account than this resource's: both pinned to two regions, or of two
    /// environments' accounts. A stack of the run's region (or account) beside one pinned
    /// to a region (or of an environment's account) may deploy there or not: not known
    /// apart, so a resource of it that may be of this resource's registry, group or
    /// policy is read as one.
    pub(crate) fn apart(&self, stack: Option<&str>) -> bool {
        self.placed(stack, Place::Of(self.at), Place::Of(self.at)) == Placed::Elsewhere
    }

    /// Whether the stack named `stack` (`None`: this one) deploys to `region` and `account`
    /// ([`Place`]), as far as the app shows it ([`Placed`]).
    pub(crate) fn placed(
        &self,
        stack: Option<&str>,
        region: Place<'_>,
        account: Place<'_>,
    ) -> Placed {
        let Some(at) = self.position(stack) else {
            return Placed::Elsewhere;
        };
        let pinned = |list: &[Option<String>], at: usize| {
            list.get(at).and_then(Option::as_deref).map(str::to_owned)
        };
        let compare = |list: &[Option<String>], place: Place<'_>| match place {
            // Two stacks of the run's region (or account) deploy to the same one, whichever
            // it is; a stack of the run's beside a pinned one, to that one or another.
            Place::Of(other) => match (pinned(list, at), pinned(list, other)) {
                (None, None) => Placed::There,
                (Some(a), Some(b)) if a == b => Placed::There,
                (Some(_), Some(_)) => Placed::Elsewhere,
                _ => Placed::Unknown,
            },
            // The region or account of the run is known only at deploy.
            Place::Written(written) => match pinned(list, at) {
                Some(own) if own == written.trim() => Placed::There,
                Some(_) => Placed::Elsewhere,
                None => Placed::Unknown,
            },
        };
        match (
            compare(&self.index.regions, region),
            compare(&self.index.accounts, account),
        ) {
            (Placed::Elsewhere, _) | (_, Placed::Elsewhere) => Placed::Elsewhere,
            (Placed::There, Placed::There) => Placed::There,
            _ => Placed::Unknown,
        }
    }
}

/// What a finding adds when the name it reads is that of `found` (`stack/Id`), a `what` of
/// a stack of unknown placement ([`Placed::Unknown`]) that would otherwise be the one named
/// `there` (in us-west-2, beside the flow log): the stack's region or account is the run's,
/// and the name is one of each region and account.
pub(crate) fn unplaced(what: &str, found: &str, there: &str) -> String {
    format!(
        "the {what} `{found}` of that name is of a stack whose region or account is the run's (`app.stack`, no environment), not shown to be {there}, so it is not read as the one named; pin the region and account of its stack and of this one (`app.stack_in`, or the stacks of an environment)"
    )
}

/// A region or an account that a name is read in ([`Cx::placed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place<'w> {
    /// The region (or account) of the stack at this position of the app.
    Of(usize),
    /// A region (or account) written as text, as a destination names it.
    Written(&'w str),
}

/// Whether a stack deploys to a region and account ([`Cx::placed`]). A stack declared with
/// `app.stack` (no environment, no region) deploys to the region and account of the run
/// (`AWS_REGION`, the credentials), which no template shows: it is there beside another
/// such stack, and of unknown placement beside a pinned stack or a written region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placed {
    /// Shown to deploy there.
    There,
    /// Shown to deploy elsewhere.
    Elsewhere,
    /// Not shown either way: its region or account is the run's.
    Unknown,
}

/// Whether a value imports one of `exports` by name anywhere inside it, whichever stack
/// made them: private, read only through [`Exports::imported_by`], which asks first
/// whether the import can read that stack's exports at all.
fn imports_any(value: &Value, exports: &[&str]) -> bool {
    match value {
        Value::Object(map) => {
            let imported = map
                .get("Fn::ImportValue")
                .and_then(super::meaning::import_name);
            imported.is_some_and(|name| exports.contains(&name.as_str()))
                || map.values().any(|v| imports_any(v, exports))
        }
        Value::Array(items) => items.iter().any(|v| imports_any(v, exports)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::imports_any;
    use crate::cfn::{Expr, Output, Resource, Template};
    use crate::compliance::rules::arn::Reader;
    use crate::compliance::rules::{Cx, Index};

    /// An import made by a stack reads the exports of a stack of its own region and
    /// account, never those of another region or account, whatever their name: every
    /// reading of [`super::Exports`], [`Cx::importable`] and [`Reader::of`] agrees.
    #[test]
    fn an_import_reads_the_exports_of_its_own_region_and_account_only() {
        let data = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "B".to_owned(),
                "AWS::S3::Bucket".to_owned(),
                json!({}),
            )],
            outputs: vec![Output {
                name: "B".to_owned(),
                value: Expr::reference("B"),
                description: None,
                export: Some("data:B:Ref".to_owned()),
            }],
        };
        let other = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: Vec::new(),
            outputs: Vec::new(),
        };
        let stacks = [("data", &data), ("other", &other)];
        let nested = json!({ "Fn::Sub": ["${V}/*", { "V": { "Fn::ImportValue": "data:B:Ref" } }] });
        let whole = json!({ "Fn::ImportValue": "data:B:Ref" });
        let east = Some("us-east-1".to_owned());
        for (region, account, readable) in [
            (east.clone(), None, true),
            (Some("us-west-2".to_owned()), None, false),
            (east.clone(), Some("111111111111".to_owned()), false),
        ] {
            let mut index = Index::new(&stacks);
            index.regions = vec![region.clone(), east.clone()];
            index.accounts = vec![account.clone(), None];
            let cx = Cx::in_first(&stacks, &data.resources()[0], &index);
            let exports = cx.own_exports();
            let case = format!("{region:?} {account:?}");
            assert_eq!(exports.imported_by(&cx, 1, &nested), readable, "{case}");
            assert_eq!(
                exports.imported_in(&cx, Some("other"), &whole),
                readable,
                "{case}"
            );
            assert_eq!(exports.named_from(&cx, 1, "data:B:Ref"), readable, "{case}");
            assert!(!exports.named_from(&cx, 1, "data:C:Ref"), "{case}");
            // Its own stack's values read them wherever it is.
            assert!(exports.imported_in(&cx, None, &whole), "{case}");
            let by_name = std::collections::HashMap::from([(
                "data:B:Ref".to_owned(),
                vec![(0usize, 7usize), (1, 3)],
            )]);
            let found = exports.looked_up(&cx, |n| by_name.get(n), |(at, _)| *at);
            let expected = if readable {
                vec![(0, 7), (1, 3)]
            } else {
                vec![(0, 7)]
            };
            assert_eq!(found, expected, "{case}");
            assert_eq!(
                cx.importable(1, "AWS::S3::Bucket").count(),
                usize::from(readable),
                "{case}"
            );
            assert_eq!(
                Reader::of(&cx, 0, 1),
                if readable {
                    Reader::Importer
                } else {
                    Reader::Foreign
                },
                "{case}"
            );
            assert_eq!(Reader::of(&cx, 0, 0), Reader::Home);
        }
    }

    #[test]
    fn imports_are_found_inside_intrinsics() {
        let exports = ["data:Worker:Ref"];
        assert!(imports_any(
            &serde_json::json!({ "Fn::Sub": ["arn:aws:ec2:::instance/${V0}", { "V0": { "Fn::ImportValue": "data:Worker:Ref" } }] }),
            &exports
        ));
        assert!(!imports_any(
            &serde_json::json!({ "Fn::ImportValue": "data:WorkerTwo:Ref" }),
            &exports
        ));
        assert!(!imports_any(
            &serde_json::json!("data:Worker:Ref"),
            &exports
        ));
        // The name built by intrinsics that read before deploy is the name imported (the
        // nineteenth probe); one read at deploy is none of them.
        for built in [
            serde_json::json!({ "Fn::ImportValue": { "Fn::Sub": "data:Worker:Ref" } }),
            serde_json::json!({ "Fn::ImportValue": { "Fn::Join": [":", ["data", "Worker", "Ref"]] } }),
        ] {
            assert!(imports_any(&built, &exports), "{built}");
        }
        assert!(!imports_any(
            &serde_json::json!({ "Fn::ImportValue": { "Ref": "Name" } }),
            &exports
        ));
    }
}
