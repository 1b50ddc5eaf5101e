//! Whether a value is the ARN of a resource, for the rules that prove a link by an
//! ARN-valued property: an AWS Backup selection's `BackupSelection.Resources` (rules R4 and
//! E3, and the disaster-recovery table, which read a selection with this one module so
//! that a store a rule calls backed up is the store the table lists a backup of), and a web
//! ACL association's `ResourceArn` and `WebACLArn` (rule F4).
//!
//! A reference to a resource that is not its ARN names nothing there: an RDS instance's
//! `Ref` is its identifier, an EC2 volume's its id, a web ACL's its name, id and scope,
//! and `MasterUserSecret.SecretArn` is a secret's ARN (CloudFormation template reference,
//! the return values of each type). AWS Backup selects by ARN and matches nothing else; WAF
//! refuses an association whose ARNs are not those of a web ACL and a resource it protects.
//! So a value is a resource's ARN only when it is:
//! - `Fn::GetAtt` of the type's ARN attribute (`DBInstanceArn`, `DBClusterArn`, `Arn`,
//!   `LoadBalancerArn`), or the `Ref` of a type whose `Ref` is its ARN (a load balancer), as
//!   such, as the whole text of an `Fn::Sub`, or alone in an `Fn::Join`;
//! - the ARN written around the resource's identifier (its `Ref`, or the attribute that is
//!   the same identifier, such as a volume's `VolumeId`): `arn`, the partition, the
//!   service, the region, the account and the resource type of the ARN, then the
//!   identifier, by `Fn::Sub` (its variables read too) or `Fn::Join`;
//! - in another stack, `Fn::ImportValue` of an export of the resource's stack, read as the
//!   export's value: a bare import of an export that is the ARN, or the import of the
//!   identifier inside the ARN's text.
//!
//! The region and account are the pseudo parameters `AWS::Region` and `AWS::AccountId`: a
//! region or account written as text may be another than the stack's (as a key ARN that
//! writes its account as a number is another account's), and an ARN of another region or
//! account selects nothing of the stack's. The partition is `AWS::Partition` or `aws` (the
//! strictest reading, as [`super::meaning::text`] reads it). Anything else
//! (`Fn::If`, another intrinsic, an import of an export that does not refer to the
//! resource) names nothing: the reading is sound, not complete, and what it misses is a
//! gap or a finding, never a pass.
//!
//! AWS Backup also takes out of `Resources` what `NotResources` names, and keeps only what
//! matches every `Conditions` entry (AWS Backup API reference, `BackupSelection`; developer
//! guide, "Assign resources with AWS CLI": "those in `Resources` combined using a Boolean OR
//! and those in `Conditions` combined with a Boolean AND"): a selection that has either
//! may take the store out again and lists nothing here.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::cfn::pointer::get;
use crate::cfn::{Resource, Template};

/// What the `Ref` of a type is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RefIs {
    /// Its ARN (a load balancer).
    Arn,
    /// The identifier its ARN ends with (a database's identifier, a volume's id, a
    /// bucket's or table's name).
    Identifier,
    /// Neither (a web ACL's `name|id|scope`).
    Other,
}

/// The ARN of a type of resource: what [`ArnOf`] compares a value with.
#[derive(Debug)]
struct Shape {
    /// The CloudFormation type.
    type_name: &'static str,
    /// The service of the ARN.
    service: &'static str,
    /// Whether the ARN names a region and an account (a bucket's names neither).
    regional: bool,
    /// The text of the ARN between the account and the identifier.
    resource: &'static str,
    /// The attributes (`Fn::GetAtt`) whose value is the ARN.
    arn: &'static [&'static str],
    /// The attributes whose value is the identifier the ARN ends with.
    identifier: &'static [&'static str],
    /// What its `Ref` is.
    reference: RefIs,
}

/// The types whose ARN the rules read: the stores AWS Backup can select that rules R4 and E3
/// and the recovery table read, and what a web ACL association names for rule F4.
const SHAPES: &[Shape] = &[
    Shape {
        type_name: "AWS::RDS::DBInstance",
        service: "rds",
        regional: true,
        resource: "db:",
        arn: &["DBInstanceArn"],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::RDS::DBCluster",
        service: "rds",
        regional: true,
        resource: "cluster:",
        arn: &["DBClusterArn"],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    // A DocumentDB or a Neptune cluster is named by an RDS cluster ARN,
    // `arn:aws:rds:REGION:ACCOUNT:cluster:IDENTIFIER`, as AWS Backup selects it; neither type
    // returns its ARN (CloudFormation return values of `AWS::DocDB::DBCluster` and
    // `AWS::Neptune::DBCluster`: `Ref` is the cluster's identifier, `Fn::GetAtt` gives
    // `ClusterResourceId`, `Endpoint`, `Port` and `ReadEndpoint`), so a selection writes it
    // around the `Ref`. No shape was given to either before, so that a selection listed
    // neither and a plan that copies one to another region was no copy (hostile review 18).
    Shape {
        type_name: "AWS::DocDB::DBCluster",
        service: "rds",
        regional: true,
        resource: "cluster:",
        arn: &[],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::Neptune::DBCluster",
        service: "rds",
        regional: true,
        resource: "cluster:",
        arn: &[],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::DynamoDB::Table",
        service: "dynamodb",
        regional: true,
        resource: "table/",
        arn: &["Arn"],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::EFS::FileSystem",
        service: "elasticfilesystem",
        regional: true,
        resource: "file-system/",
        arn: &["Arn"],
        identifier: &["FileSystemId"],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::EC2::Volume",
        service: "ec2",
        regional: true,
        resource: "volume/",
        arn: &[],
        identifier: &["VolumeId"],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::EC2::Instance",
        service: "ec2",
        regional: true,
        resource: "instance/",
        arn: &[],
        identifier: &["InstanceId"],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::S3::Bucket",
        service: "s3",
        regional: false,
        resource: "",
        arn: &["Arn"],
        identifier: &[],
        reference: RefIs::Identifier,
    },
    Shape {
        type_name: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        service: "elasticloadbalancing",
        regional: true,
        resource: "loadbalancer/",
        arn: &["LoadBalancerArn"],
        identifier: &["LoadBalancerFullName"],
        reference: RefIs::Arn,
    },
    Shape {
        type_name: "AWS::WAFv2::WebACL",
        service: "wafv2",
        regional: true,
        resource: "regional/webacl/",
        arn: &["Arn"],
        identifier: &[],
        reference: RefIs::Other,
    },
    // "Fn::GetAtt Arn: The Amazon Resource Name (ARN) of the rule group"; its `Ref` is its
    // name, id and scope joined by `|` (CloudFormation reference, `AWS::WAFv2::RuleGroup`),
    // as a web ACL's: a web ACL of another stack applies it by the import of its `Arn`.
    Shape {
        type_name: "AWS::WAFv2::RuleGroup",
        service: "wafv2",
        regional: true,
        resource: "regional/rulegroup/",
        arn: &["Arn"],
        identifier: &[],
        reference: RefIs::Other,
    },
];

/// Stand-ins for the pseudo parameters in the text of an ARN, which no JSON text of a
/// template holds (a text that does is not read).
const PARTITION: char = '\u{1}';
const REGION: char = '\u{2}';
const ACCOUNT: char = '\u{3}';

/// A piece of the text a value resolves to.
#[derive(Debug, Clone, PartialEq)]
enum Piece<'v> {
    /// Literal text.
    Text(Cow<'v, str>),
    /// The pseudo parameter `AWS::Partition`, `AWS::Region` or `AWS::AccountId`, as its
    /// stand-in.
    Pseudo(char),
    /// The `Ref` of a resource of the store's template.
    Ref(&'v str),
    /// An attribute of a resource of the store's template.
    Att(&'v str, &'v str),
    /// Anything else.
    Unknown,
}

/// Where a value that may name a store is written, as its stack stands to the store's: what
/// its references and its imports can name. CloudFormation resolves `Fn::ImportValue` among
/// the exports of the importing stack's own region and account only ("You can't create
/// cross-stack references across Regions", CloudFormation User Guide, `Fn::ImportValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The store's own template: its references name the store's template's resources.
    Home,
    /// Another stack of the store's stack's region and account: its imports may name the
    /// exports of the store's stack.
    Importer,
    /// A stack of another region or account: the import of a name that the store's stack
    /// exports is the same-named export of its own region or account, never the store.
    Foreign,
}

impl Reader {
    /// Where the stack at `reader` of the app stands to the store's stack at `store`.
    pub(crate) fn of(cx: &super::Cx<'_>, store: usize, reader: usize) -> Self {
        if reader == store {
            Reader::Home
        } else if super::services::same_region_and_account(cx, store, reader) {
            Reader::Importer
        } else {
            Reader::Foreign
        }
    }
}

/// Where a value is read: whether its references name the resources of the store's
/// template, and whether its imports are read (not in an export's own value).
#[derive(Debug, Clone, Copy)]
struct Reading {
    home: bool,
    imports: bool,
}

/// A store of PHI, as a backup selection may list it: its type, logical id and the exports
/// of its stack that refer to it.
#[derive(Debug)]
pub(crate) struct ArnOf<'a> {
    id: &'a str,
    shape: Option<&'static Shape>,
    exports: Vec<(&'a str, Value)>,
}

impl<'a> ArnOf<'a> {
    /// `store`, a resource of `template`.
    pub(crate) fn of(template: &'a Template, store: &'a Resource) -> Self {
        let id = store.logical_id();
        Self::new(store.type_name(), id, exports_of(template, id))
    }

    /// The store `id` of type `type_name`, whose stack exports `exports` (name and value;
    /// only those that refer to it matter).
    pub(crate) fn new(type_name: &str, id: &'a str, exports: Vec<(&'a str, Value)>) -> Self {
        ArnOf {
            id,
            shape: SHAPES.iter().find(|s| s.type_name == type_name),
            exports,
        }
    }

    /// Whether an export of its stack refers to it: the only way another stack's template
    /// can name it ([`ArnOf::is_arn`] read outside its template finds it only through an
    /// import of such an export).
    pub(crate) fn exported(&self) -> bool {
        !self.exports.is_empty()
    }

    /// The names of the exports of its stack that refer to it, which another stack's
    /// selection imports: what a lookup of the selections that may list it reads, by name
    /// only; each selection found is read again with [`ArnOf::listed_by`], whose
    /// [`Reader`] says whether its stack's imports can read these exports at all.
    pub(crate) fn export_names(&self) -> Vec<&'a str> {
        self.exports.iter().map(|(name, _)| *name).collect()
    }

    /// The first entry of `selection`'s `BackupSelection.Resources` that is the store's
    /// ARN, unless the selection may take it out again; `reader`: where `selection` is.
    pub(crate) fn listed_by(&self, selection: &Resource, reader: Reader) -> Option<usize> {
        let body = selects_what_it_lists(selection)?;
        let entries = body.get("Resources")?.as_array()?;
        entries.iter().position(|v| self.is_arn(v, reader))
    }

    /// Whether entry `entry` of `selection`'s `BackupSelection.Resources` lists the store,
    /// as [`ArnOf::listed_by`] reads it: for a lookup that found the entry by a name it
    /// mentions.
    pub(crate) fn lists_entry(&self, selection: &Resource, entry: usize, reader: Reader) -> bool {
        selects_what_it_lists(selection)
            .and_then(|body| body.get("Resources")?.as_array()?.get(entry))
            .is_some_and(|v| self.is_arn(v, reader))
    }

    /// Whether `value`, read where `reader` says (the store's own template, or another
    /// stack that can or cannot import its stack's exports), is the store's ARN.
    pub(crate) fn is_arn(&self, value: &Value, reader: Reader) -> bool {
        let Some(shape) = self.shape else {
            return false;
        };
        let mut pieces = Vec::new();
        let reading = Reading {
            home: reader == Reader::Home,
            imports: reader != Reader::Foreign,
        };
        self.read(value, reading, &mut pieces);
        let pieces = joined(pieces);
        match pieces.as_slice() {
            [Piece::Att(id, attribute)] => *id == self.id && shape.arn.contains(attribute),
            [Piece::Ref(id)] if shape.reference == RefIs::Arn => *id == self.id,
            [prefix @ .., last] => {
                let identifier = match last {
                    Piece::Ref(id) => *id == self.id && shape.reference == RefIs::Identifier,
                    Piece::Att(id, attribute) => {
                        *id == self.id && shape.identifier.contains(attribute)
                    }
                    _ => false,
                };
                identifier && shape.precedes_identifier(prefix)
            }
            [] => false,
        }
    }

    /// The pieces of `value`, in order.
    fn read<'v>(&'v self, value: &'v Value, reading: Reading, out: &mut Vec<Piece<'v>>) {
        let map = match value {
            Value::String(text) => return out.push(Piece::Text(Cow::Borrowed(text))),
            Value::Number(n) => return out.push(Piece::Text(Cow::Owned(n.to_string()))),
            Value::Object(map) if map.len() == 1 => map,
            _ => return out.push(Piece::Unknown),
        };
        let Some((function, argument)) = map.iter().next() else {
            return out.push(Piece::Unknown);
        };
        match (function.as_str(), argument) {
            ("Ref", Value::String(name)) => out.push(reference(name, reading)),
            ("Fn::GetAtt", Value::Array(parts)) => match parts.as_slice() {
                [Value::String(id), Value::String(attribute)] => {
                    out.push(attribute_of(id, attribute, reading));
                }
                _ => out.push(Piece::Unknown),
            },
            ("Fn::GetAtt", Value::String(text)) => match text.split_once('.') {
                Some((id, attribute)) => out.push(attribute_of(id, attribute, reading)),
                None => out.push(Piece::Unknown),
            },
            ("Fn::Sub", Value::String(text)) => self.sub(text, None, reading, out),
            ("Fn::Sub", Value::Array(parts)) => match parts.as_slice() {
                [Value::String(text), Value::Object(variables)] => {
                    self.sub(text, Some(variables), reading, out);
                }
                _ => out.push(Piece::Unknown),
            },
            ("Fn::Join", Value::Array(parts)) => match parts.as_slice() {
                [Value::String(delimiter), Value::Array(items)] => {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(Piece::Text(Cow::Borrowed(delimiter)));
                        }
                        self.read(item, reading, out);
                    }
                }
                _ => out.push(Piece::Unknown),
            },
            ("Fn::ImportValue", name) if reading.imports => {
                // The name written, or built before deploy (as synth reads it).
                let name = super::meaning::import_name(name);
                match self
                    .exports
                    .iter()
                    .find(|(export, _)| name.as_deref() == Some(&**export))
                {
                    // The export's value is read in the store's template, where it is.
                    Some((_, value)) => {
                        let there = Reading {
                            home: true,
                            imports: false,
                        };
                        self.read(value, there, out);
                    }
                    None => out.push(Piece::Unknown),
                }
            }
            _ => out.push(Piece::Unknown),
        }
    }

    /// The pieces of the text of an `Fn::Sub`, whose `variables` are read as values.
    fn sub<'v>(
        &'v self,
        text: &'v str,
        variables: Option<&'v Map<String, Value>>,
        reading: Reading,
        out: &mut Vec<Piece<'v>>,
    ) {
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            out.push(Piece::Text(Cow::Borrowed(&rest[..at])));
            let after = &rest[at + 2..];
            let Some(end) = after.find('}') else {
                return out.push(Piece::Unknown);
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push(Piece::Text(Cow::Owned(format!("${{{literal}}}"))));
            } else if let Some(value) = variables.and_then(|v| get(v, name)) {
                self.read(value, reading, out);
            } else if let Some((id, attribute)) = name.split_once('.') {
                out.push(attribute_of(id, attribute, reading));
            } else {
                out.push(reference(name, reading));
            }
            rest = &after[end + 1..];
        }
        out.push(Piece::Text(Cow::Borrowed(rest)));
    }
}

impl Shape {
    /// Whether `pieces` are the text of this type's ARN up to the identifier: `arn`, the
    /// partition, the service, the region, the account, the resource type.
    fn precedes_identifier(&self, pieces: &[Piece<'_>]) -> bool {
        let mut text = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) if !t.contains([PARTITION, REGION, ACCOUNT]) => text.push_str(t),
                Piece::Pseudo(c) => text.push(*c),
                _ => return false,
            }
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts.as_slice() else {
            return false;
        };
        // The stack's own region and account, as pseudo parameters (see the module's doc).
        let only = |text: &str, pseudo: char| text.strip_prefix(pseudo) == Some("");
        let (region, account) = if self.regional {
            (only(region, REGION), only(account, ACCOUNT))
        } else {
            (region.is_empty(), account.is_empty())
        };
        *arn == "arn"
            && (only(partition, PARTITION) || *partition == "aws")
            && *service == self.service
            && region
            && account
            && *resource == self.resource
    }
}

/// The exports of `template` whose values refer to its resource `id`, with their values:
/// what another stack imports to name it.
pub(crate) fn exports_of<'a>(template: &'a Template, id: &str) -> Vec<(&'a str, Value)> {
    template
        .outputs()
        .iter()
        .filter_map(|o| {
            let name = o.export_name()?;
            let value = serde_json::to_value(&o.value).ok()?;
            super::mentions(&value, id).then_some((name, value))
        })
        .collect()
}

/// The piece a `Ref` of `name` is.
fn reference<'v>(name: &'v str, reading: Reading) -> Piece<'v> {
    match name {
        "AWS::Partition" => Piece::Pseudo(PARTITION),
        "AWS::Region" => Piece::Pseudo(REGION),
        "AWS::AccountId" => Piece::Pseudo(ACCOUNT),
        _ if reading.home && !name.starts_with("AWS::") => Piece::Ref(name),
        _ => Piece::Unknown,
    }
}

/// The piece an `Fn::GetAtt` of `id` and `attribute` is.
fn attribute_of<'v>(id: &'v str, attribute: &'v str, reading: Reading) -> Piece<'v> {
    if reading.home {
        Piece::Att(id, attribute)
    } else {
        Piece::Unknown
    }
}

/// `pieces` with adjacent texts made one, and no empty text.
fn joined(pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    let mut out: Vec<Piece<'_>> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (_, Piece::Text(t)) if t.is_empty() => {}
            (Some(Piece::Text(before)), Piece::Text(t)) => before.to_mut().push_str(&t),
            (_, piece) => out.push(piece),
        }
    }
    out
}

/// The `BackupSelection` of `selection`, when it selects every resource it lists: no
/// `NotResources` and no `Conditions` that may take one out again.
fn selects_what_it_lists(selection: &Resource) -> Option<&Map<String, Value>> {
    let body = selection.properties().get("BackupSelection")?.as_object()?;
    let none = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    let conditions = match body.get("Conditions") {
        None | Some(Value::Null) => true,
        Some(Value::Object(operators)) => operators.values().all(|v| none(Some(v))),
        Some(_) => false,
    };
    (none(body.get("NotResources")) && conditions).then_some(body)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{ArnOf, Reader};
    use crate::cfn::Resource;

    const DB: &str = "AWS::RDS::DBInstance";

    /// The exports of the stack `s` of store `D`: its ARN, its identifier, its address.
    fn exports() -> Vec<(&'static str, Value)> {
        vec![
            (
                "s:D:DBInstanceArn",
                json!({ "Fn::GetAtt": ["D", "DBInstanceArn"] }),
            ),
            ("s:D:Ref", json!({ "Ref": "D" })),
            (
                "s:D:Endpoint.Address",
                json!({ "Fn::GetAtt": ["D", "Endpoint.Address"] }),
            ),
            ("s:V:Ref", json!({ "Ref": "V" })),
        ]
    }

    fn selection(body: Value) -> Resource {
        Resource::raw(
            "S".to_owned(),
            "AWS::Backup::BackupSelection".to_owned(),
            json!({ "BackupPlanId": "p", "BackupSelection": body }),
        )
    }

    #[test]
    fn a_database_is_listed_by_its_arn_however_it_is_spelled() {
        let store = ArnOf::new(DB, "D", exports());
        let prefix = "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:";
        for entry in [
            json!({ "Fn::GetAtt": ["D", "DBInstanceArn"] }),
            json!({ "Fn::GetAtt": "D.DBInstanceArn" }),
            json!({ "Fn::Sub": "${D.DBInstanceArn}" }),
            json!({ "Fn::Join": ["", ["", { "Fn::GetAtt": ["D", "DBInstanceArn"] }]] }),
            json!({ "Fn::Sub": format!("{prefix}${{D}}") }),
            json!({ "Fn::Sub": [format!("{prefix}${{Id}}"), { "Id": { "Ref": "D" } }] }),
            json!({ "Fn::Sub": "arn:aws:rds:${AWS::Region}:${AWS::AccountId}:db:${D}" }),
            json!({ "Fn::Join": [":", [
                "arn", { "Ref": "AWS::Partition" }, "rds", { "Ref": "AWS::Region" },
                { "Ref": "AWS::AccountId" }, "db", { "Ref": "D" }
            ]] }),
            json!({ "Fn::Join": ["", [{ "Fn::Sub": prefix }, { "Ref": "D" }]] }),
        ] {
            assert!(store.is_arn(&entry, Reader::Home), "{entry}");
            // In another stack, the same references name another template's resources.
            assert!(
                !store.is_arn(&entry, Reader::Importer),
                "{entry} in another stack"
            );
        }
    }

    /// A DocumentDB or Neptune cluster is listed by the RDS cluster ARN written around its
    /// `Ref`, and by nothing else: not its `Ref` alone, an ARN of an instance (`db:`), of
    /// another service, or an attribute (neither type has an ARN attribute). Neither was
    /// listed at all before (hostile review 18).
    #[test]
    fn a_document_or_graph_cluster_is_listed_by_its_rds_cluster_arn() {
        for type_name in ["AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"] {
            let store = ArnOf::new(type_name, "D", Vec::new());
            let prefix = "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:";
            for entry in [
                json!({ "Fn::Sub": format!("{prefix}${{D}}") }),
                json!({ "Fn::Join": ["", [{ "Fn::Sub": prefix }, { "Ref": "D" }]] }),
                json!({ "Fn::Sub": "arn:aws:rds:${AWS::Region}:${AWS::AccountId}:cluster:${D}" }),
            ] {
                assert!(store.is_arn(&entry, Reader::Home), "{type_name}: {entry}");
                assert!(
                    !store.is_arn(&entry, Reader::Importer),
                    "{type_name}: {entry} elsewhere"
                );
            }
            for entry in [
                json!({ "Ref": "D" }),
                json!({ "Fn::GetAtt": ["D", "ClusterResourceId"] }),
                json!({ "Fn::GetAtt": ["D", "DBClusterArn"] }),
                json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:${D}" }),
                json!({ "Fn::Sub": "arn:${AWS::Partition}:docdb:${AWS::Region}:${AWS::AccountId}:cluster:${D}" }),
                json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:cluster:${D}" }),
            ] {
                assert!(!store.is_arn(&entry, Reader::Home), "{type_name}: {entry}");
            }
        }
    }

    #[test]
    fn a_reference_to_a_database_that_is_not_its_arn_lists_nothing() {
        let store = ArnOf::new(DB, "D", exports());
        for entry in [
            // Its identifier, an attribute that is no ARN, or an ARN of something else.
            json!({ "Ref": "D" }),
            json!({ "Fn::Sub": "${D}" }),
            json!({ "Fn::GetAtt": ["D", "Arn"] }),
            json!({ "Fn::GetAtt": ["D", "Endpoint.Address"] }),
            json!({ "Fn::GetAtt": ["D", "MasterUserSecret.SecretArn"] }),
            json!({ "Fn::GetAtt": "D.MasterUserSecret.SecretArn" }),
            json!({ "Fn::Sub": "${D.DBInstanceArn}/x" }),
            json!({ "Fn::GetAtt": ["O", "DBInstanceArn"] }),
            // Another service, resource type, or a region or account that is none.
            json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${D}" }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:db:${D}" }),
            json!({ "Fn::Sub": "arn:aws:rds:::db:${D}" }),
            // A region or account written as text may be another than the stack's.
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:db:${D}" }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:123456789012:db:${D}" }),
            json!({ "Fn::Sub": "arn:aws-us-gov:rds:${AWS::Region}:${AWS::AccountId}:db:${D}" }),
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:1234:db:${D}" }),
            json!({ "Fn::Sub": "arn:${AWS::URLSuffix}:rds:${AWS::Region}:${AWS::AccountId}:db:${D}" }),
            json!({ "Fn::Sub": "arn:${AWS::Region}:rds:${AWS::Partition}:${AWS::AccountId}:db:${D}" }),
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:db:${D}-copy" }),
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:db:${!D}" }),
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:db:x${D}" }),
            json!({ "Fn::Sub": "\u{1}arn:aws:rds:us-east-1:123456789012:db:${D}" }),
            json!({ "Fn::Sub": "arn:aws:rds:us-east-1:123456789012:db:${D" }),
            // A variable of the `Sub` that shadows the store.
            json!({ "Fn::Sub": ["arn:aws:rds:us-east-1:123456789012:db:${D}", { "D": "x" }] }),
            // What only deploy decides, or no intrinsic at all.
            json!({ "Fn::If": ["C", { "Fn::GetAtt": ["D", "DBInstanceArn"] }, "x"] }),
            json!({ "Fn::GetAtt": ["D", "DBInstanceArn"], "Ref": "D" }),
            json!({ "Fn::Join": ["", { "Fn::Split": [",", "a"] }] }),
            json!([{ "Fn::GetAtt": ["D", "DBInstanceArn"] }]),
            json!("*"),
            // Imports of exports that are not its ARN, or of no export of its stack.
            json!({ "Fn::ImportValue": "s:D:Ref" }),
            json!({ "Fn::ImportValue": "s:D:Endpoint.Address" }),
            json!({ "Fn::ImportValue": "s:V:Ref" }),
            json!({ "Fn::ImportValue": "t:D:DBInstanceArn" }),
            json!({ "Fn::Join": ["", ["arn:aws:rds:us-east-1:123456789012:db:", { "Fn::ImportValue": "s:D:DBInstanceArn" }]] }),
        ] {
            assert!(!store.is_arn(&entry, Reader::Home), "{entry}");
            assert!(
                !store.is_arn(&entry, Reader::Importer),
                "{entry} in another stack"
            );
        }
    }

    #[test]
    fn another_stack_lists_a_store_by_importing_its_arn_or_its_identifier_inside_its_arn() {
        let store = ArnOf::new(DB, "D", exports());
        for entry in [
            json!({ "Fn::ImportValue": "s:D:DBInstanceArn" }),
            json!({ "Fn::Sub": ["${Arn}", { "Arn": { "Fn::ImportValue": "s:D:DBInstanceArn" } }] }),
            json!({ "Fn::Join": ["", [
                { "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:" },
                { "Fn::ImportValue": "s:D:Ref" }
            ]] }),
        ] {
            assert!(store.is_arn(&entry, Reader::Importer), "{entry}");
        }
        // A volume, by its id in its ARN: no attribute of a volume is its ARN.
        let volume = ArnOf::new("AWS::EC2::Volume", "V", exports());
        let arn = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/";
        assert!(volume.is_arn(&json!({ "Fn::Sub": format!("{arn}${{V}}") }), Reader::Home));
        assert!(volume.is_arn(
            &json!({ "Fn::Sub": format!("{arn}${{V.VolumeId}}") }),
            Reader::Home
        ));
        let imported =
            json!({ "Fn::Join": ["", [{ "Fn::Sub": arn }, { "Fn::ImportValue": "s:V:Ref" }]] });
        assert!(volume.is_arn(&imported, Reader::Importer));
        for entry in [
            json!({ "Ref": "V" }),
            json!({ "Fn::GetAtt": ["V", "Arn"] }),
            json!({ "Fn::ImportValue": "s:V:Ref" }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/${V}" }),
        ] {
            assert!(!volume.is_arn(&entry, Reader::Home), "{entry}");
        }
        // A bucket's ARN names no region and no account.
        let bucket = ArnOf::new("AWS::S3::Bucket", "B", Vec::new());
        assert!(bucket.is_arn(&json!({ "Fn::GetAtt": ["B", "Arn"] }), Reader::Home));
        assert!(bucket.is_arn(
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:s3:::${B}" }),
            Reader::Home
        ));
        assert!(!bucket.is_arn(
            &json!({ "Fn::Sub": "arn:aws:s3:us-east-1::${B}" }),
            Reader::Home
        ));
        assert!(!bucket.is_arn(&json!({ "Ref": "B" }), Reader::Home));
        // A type this module does not read is listed by nothing.
        let queue = ArnOf::new("AWS::SQS::Queue", "Q", Vec::new());
        assert!(!queue.is_arn(&json!({ "Fn::GetAtt": ["Q", "Arn"] }), Reader::Home));
    }

    #[test]
    fn a_load_balancer_s_ref_is_its_arn_and_a_web_acl_s_is_not() {
        let balancer = ArnOf::new("AWS::ElasticLoadBalancingV2::LoadBalancer", "X", Vec::new());
        let prefix = "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:loadbalancer/";
        for entry in [
            json!({ "Ref": "X" }),
            json!({ "Fn::Sub": "${X}" }),
            json!({ "Fn::GetAtt": ["X", "LoadBalancerArn"] }),
            json!({ "Fn::Sub": format!("{prefix}${{X.LoadBalancerFullName}}") }),
        ] {
            assert!(balancer.is_arn(&entry, Reader::Home), "{entry}");
        }
        for entry in [
            json!({ "Fn::GetAtt": ["X", "DNSName"] }),
            json!({ "Fn::GetAtt": ["X", "LoadBalancerFullName"] }),
            json!({ "Fn::GetAtt": ["X", "LoadBalancerName"] }),
            // Its `Ref` is already the ARN: written after the prefix, it is none.
            json!({ "Fn::Sub": format!("{prefix}${{X}}") }),
        ] {
            assert!(!balancer.is_arn(&entry, Reader::Home), "{entry}");
        }
        let acl = ArnOf::new("AWS::WAFv2::WebACL", "Acl", Vec::new());
        assert!(acl.is_arn(&json!({ "Fn::GetAtt": ["Acl", "Arn"] }), Reader::Home));
        assert!(acl.is_arn(&json!({ "Fn::GetAtt": "Acl.Arn" }), Reader::Home));
        for entry in [
            json!({ "Ref": "Acl" }),
            json!({ "Fn::GetAtt": ["Acl", "Id"] }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:wafv2:${AWS::Region}:${AWS::AccountId}:regional/webacl/${Acl}" }),
        ] {
            assert!(!acl.is_arn(&entry, Reader::Home), "{entry}");
        }
    }

    #[test]
    fn a_selection_that_may_take_the_store_out_again_lists_nothing() {
        let store = ArnOf::new(DB, "D", exports());
        let listed = json!([{ "Ref": "D" }, { "Fn::GetAtt": ["D", "DBInstanceArn"] }]);
        let plain = selection(json!({ "Resources": listed }));
        assert_eq!(store.listed_by(&plain, Reader::Home), Some(1));
        assert!(store.lists_entry(&plain, 1, Reader::Home));
        assert!(!store.lists_entry(&plain, 0, Reader::Home));
        assert!(!store.lists_entry(&plain, 2, Reader::Home));
        let empty = selection(json!({
            "Resources": listed, "NotResources": [], "Conditions": { "StringEquals": [] }
        }));
        assert_eq!(store.listed_by(&empty, Reader::Home), Some(1));
        for narrowed in [
            json!({ "Resources": listed, "NotResources": ["arn:aws:rds:*:*:db:*"] }),
            json!({ "Resources": listed, "NotResources": { "Ref": "Excluded" } }),
            json!({ "Resources": listed, "Conditions": { "StringEquals": [
                { "ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily" }
            ] } }),
            json!({ "Resources": listed, "Conditions": { "Fn::If": ["C", {}, {}] } }),
            json!({ "Resources": { "Fn::If": ["C", listed, []] } }),
        ] {
            let narrowed = selection(narrowed);
            assert_eq!(
                store.listed_by(&narrowed, Reader::Home),
                None,
                "{narrowed:?}"
            );
            assert!(!store.lists_entry(&narrowed, 1, Reader::Home));
        }
    }

    /// A piece of an entry drawn for the property below.
    #[derive(Debug, Clone)]
    enum Fragment {
        Text(&'static str),
        Pseudo(&'static str),
        Ref(&'static str),
        Att(&'static str, &'static str),
        Import(&'static str),
    }

    /// A store type of the property, with its identifier and ARN once deployed into the
    /// partition `aws`, region `us-east-1` and account `123456789012`.
    const STORES: [(&str, &str, &str); 3] = [
        (
            DB,
            "dbident",
            "arn:aws:rds:us-east-1:123456789012:db:dbident",
        ),
        (
            "AWS::EC2::Volume",
            "vol-0abc",
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc",
        ),
        ("AWS::S3::Bucket", "bucketname", "arn:aws:s3:::bucketname"),
    ];

    /// What `value` is once deployed (the oracle of the property): `home` when it is read
    /// in the store's template, whose resource `D` is the store of `STORES[store]`;
    /// `None` where it cannot be told.
    fn deployed(value: &Value, home: bool, store: usize, imports: bool) -> Option<String> {
        let (type_name, identifier, arn) = STORES[store];
        let reference = |name: &str| -> String {
            match name {
                "AWS::Partition" => "aws".to_owned(),
                "AWS::Region" => "us-east-1".to_owned(),
                "AWS::AccountId" => "123456789012".to_owned(),
                "D" if home => identifier.to_owned(),
                _ if home => format!("{name}-ident"),
                _ => format!("elsewhere-{name}"),
            }
        };
        let attribute = |id: &str, attribute: &str| -> String {
            let arn_attribute = match type_name {
                DB => "DBInstanceArn",
                "AWS::S3::Bucket" => "Arn",
                _ => "",
            };
            match (id, attribute) {
                ("D", a) if home && a == arn_attribute => arn.to_owned(),
                ("D", "VolumeId") if home && type_name == "AWS::EC2::Volume" => {
                    identifier.to_owned()
                }
                _ if home => format!("{id}.{attribute}-value"),
                _ => format!("elsewhere-{id}.{attribute}"),
            }
        };
        let map = value.as_object().filter(|m| m.len() == 1);
        match (value, map.and_then(|m| m.iter().next())) {
            (Value::String(s), _) => Some(s.clone()),
            (_, Some((k, Value::String(name)))) if k == "Ref" => Some(reference(name)),
            (_, Some((k, Value::Array(a)))) if k == "Fn::GetAtt" => {
                Some(attribute(a[0].as_str()?, a[1].as_str()?))
            }
            (_, Some((k, Value::String(name)))) if k == "Fn::ImportValue" && imports => {
                let (_, value) = store_exports(store).into_iter().find(|(n, _)| n == name)?;
                deployed(&value, true, store, false)
            }
            (_, Some((k, Value::Array(a)))) if k == "Fn::Join" => {
                let items = a[1].as_array()?;
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|v| deployed(v, home, store, imports))
                    .collect();
                Some(parts?.join(a[0].as_str()?))
            }
            (_, Some((k, Value::Array(a)))) if k == "Fn::Sub" => {
                let (mut text, mut out) = (a[0].as_str()?, String::new());
                while let Some(at) = text.find("${") {
                    out.push_str(&text[..at]);
                    let end = text[at..].find('}')? + at;
                    let name = &text[at + 2..end];
                    out.push_str(&match a[1].get(name) {
                        Some(v) => deployed(v, home, store, imports)?,
                        None => match name.split_once('.') {
                            Some((id, att)) => attribute(id, att),
                            None => reference(name),
                        },
                    });
                    text = &text[end + 1..];
                }
                out.push_str(text);
                Some(out)
            }
            _ => None,
        }
    }

    /// The exports of the store's stack in the property.
    fn store_exports(store: usize) -> Vec<(&'static str, Value)> {
        let arn_attribute = ["DBInstanceArn", "Arn", "Arn"][store];
        vec![
            ("s:D:ArnLike", json!({ "Fn::GetAtt": ["D", arn_attribute] })),
            ("s:D:Ref", json!({ "Ref": "D" })),
            (
                "s:D:Address",
                json!({ "Fn::GetAtt": ["D", "Endpoint.Address"] }),
            ),
            ("s:O:Ref", json!({ "Ref": "O" })),
        ]
    }

    /// An entry drawn near the ARN of the store `STORES[store]`: the canonical pieces of an
    /// ARN, each slot more often right than wrong, at times with a piece left out or added; or an
    /// attribute or an import alone. Written as an `Fn::Sub` (imports as its variables) or
    /// an `Fn::Join` (`true`: a `Sub`).
    fn entries(store: usize) -> impl proptest::strategy::Strategy<Value = (Vec<Fragment>, bool)> {
        use Fragment::{Att, Import, Pseudo, Ref, Text};
        use proptest::prelude::*;
        let slot = |right: Fragment, wrong: Vec<Fragment>| prop_oneof![4 => Just(right), 1 => proptest::sample::select(wrong)];
        let (service, resource) = [("rds", "db:"), ("ec2", "volume/"), ("s3", "")][store];
        let regional = store != 2;
        let (region, account) = if regional {
            (Pseudo("AWS::Region"), Pseudo("AWS::AccountId"))
        } else {
            (Text(""), Text(""))
        };
        let partition = slot(
            Pseudo("AWS::Partition"),
            vec![Text("aws"), Text("awz"), Pseudo("AWS::Region")],
        );
        let region = slot(
            region,
            vec![
                Text("us-east-1"),
                Text("useast"),
                Text(""),
                Pseudo("AWS::AccountId"),
            ],
        );
        let account = slot(
            account,
            vec![
                Text("123456789012"),
                Text("1234"),
                Text(""),
                Pseudo("AWS::Region"),
            ],
        );
        let service = slot(
            Text(service),
            vec![Text("rds"), Text("ec2"), Text("s3"), Text("r:ds")],
        );
        let resource = slot(
            Text(resource),
            vec![
                Text("db:"),
                Text("volume/"),
                Text("instance/"),
                Text("cluster:"),
                Text("db"),
            ],
        );
        let id = prop_oneof![
            2 => proptest::sample::select(vec![Ref("D"), Import("s:D:Ref"), Att("D", "VolumeId")]),
            1 => proptest::sample::select(vec![
                Ref("O"),
                Att("D", "Endpoint.Address"),
                Import("s:O:Ref"),
                Import("s:D:ArnLike"),
                Text("dbident"),
            ]),
        ];
        let extra = proptest::sample::select(vec![
            Text(":"),
            Text("x"),
            Text("/"),
            Ref("D"),
            Att("D", "DBInstanceArn"),
            Att("D", "Arn"),
            Import("s:D:ArnLike"),
            Pseudo("AWS::Region"),
        ]);
        let arn = (partition, region, account, service, resource, id).prop_map(
            |(p, r, a, s, res, id)| {
                let c = Text(":");
                vec![
                    Text("arn"),
                    c.clone(),
                    p,
                    c.clone(),
                    s,
                    c.clone(),
                    r,
                    c.clone(),
                    a,
                    c,
                    res,
                    id,
                ]
            },
        );
        let mutated = (arn, 0usize..14, 0usize..5, extra).prop_map(|(mut f, at, how, extra)| {
            match how {
                0 if at < f.len() => {
                    f.remove(at);
                }
                1 => f.insert(at.min(f.len()), extra),
                _ => {}
            }
            f
        });
        let alone = proptest::sample::select(vec![
            Att("D", "DBInstanceArn"),
            Att("D", "Arn"),
            Att("D", "VolumeId"),
            Att("O", "Arn"),
            Import("s:D:ArnLike"),
            Import("s:D:Ref"),
            Import("s:D:Address"),
            Ref("D"),
        ])
        .prop_map(|f| vec![Text(""), f]);
        (prop_oneof![3 => mutated, 1 => alone], any::<bool>())
    }

    /// `fragments` as an `Fn::Sub` or an `Fn::Join`.
    fn written(fragments: &[Fragment], sub: bool) -> Value {
        if !sub {
            let items: Vec<Value> = fragments
                .iter()
                .map(|f| match f {
                    Fragment::Text(t) => json!(t),
                    Fragment::Pseudo(p) | Fragment::Ref(p) => json!({ "Ref": p }),
                    Fragment::Att(id, a) => json!({ "Fn::GetAtt": [id, a] }),
                    Fragment::Import(name) => json!({ "Fn::ImportValue": name }),
                })
                .collect();
            return json!({ "Fn::Join": ["", items] });
        }
        let mut text = String::new();
        let mut variables = serde_json::Map::new();
        for f in fragments {
            match f {
                Fragment::Text(t) => text.push_str(t),
                Fragment::Pseudo(p) | Fragment::Ref(p) => text.push_str(&format!("${{{p}}}")),
                Fragment::Att(id, a) => text.push_str(&format!("${{{id}.{a}}}")),
                Fragment::Import(name) => {
                    let variable = format!("Imported{}", variables.len());
                    text.push_str(&format!("${{{variable}}}"));
                    variables.insert(variable, json!({ "Fn::ImportValue": name }));
                }
            }
        }
        json!({ "Fn::Sub": [text, variables] })
    }

    /// Soundness: an entry read as a store's ARN is that ARN once deployed, in the store's
    /// template and in another (where its references name other resources and only its
    /// imports reach the store). The draws come near the ARN so that both answers are met.
    #[test]
    fn an_entry_read_as_the_store_s_arn_is_that_arn_once_deployed() {
        use proptest::strategy::Strategy;
        use proptest::test_runner::{Config, TestRunner};
        let listed = std::cell::Cell::new(0usize);
        let refused = std::cell::Cell::new(0usize);
        let strategy = (0usize..3).prop_flat_map(|store| {
            (
                entries(store),
                proptest::strategy::Just(store),
                proptest::bool::ANY,
            )
        });
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::with_cases(6000)
        });
        runner
            .run(&strategy, |((fragments, sub), store, home)| {
                let entry = written(&fragments, sub);
                let reader = ArnOf::new(STORES[store].0, "D", store_exports(store));
                let place = if home { Reader::Home } else { Reader::Importer };
                if reader.is_arn(&entry, place) {
                    listed.set(listed.get() + 1);
                    let value = deployed(&entry, home, store, true);
                    proptest::prop_assert_eq!(
                        value.as_deref(),
                        Some(STORES[store].2),
                        "{} read as the ARN of a {}",
                        entry,
                        STORES[store].0
                    );
                } else {
                    refused.set(refused.get() + 1);
                }
                Ok(())
            })
            .unwrap();
        assert!(
            listed.get() > 300,
            "{} entries read as the ARN",
            listed.get()
        );
        assert!(refused.get() > 3000, "{} refused", refused.get());
    }
}
