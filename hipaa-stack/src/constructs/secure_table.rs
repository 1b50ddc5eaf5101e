//! [`SecureTable`]: a DynamoDB table for PHI.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Name, Reference};
use crate::cfn::dynamodb::{
    AttributeDefinition, KeySchema, PointInTimeRecovery, SseSpecification, Table,
};
use crate::cfn::{Keep, Resource};
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey};

/// The type of a key attribute of a [`SecureTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// A string (`S`).
    String,
    /// A number (`N`).
    Number,
    /// Binary data (`B`).
    Binary,
}

impl KeyType {
    fn code(self) -> &'static str {
        match self {
            KeyType::String => "S",
            KeyType::Number => "N",
            KeyType::Binary => "B",
        }
    }
}

/// A DynamoDB table that stores PHI.
///
/// It needs a customer-managed key ([`encryption`](SecureTable::encryption)); without it,
/// [`Stack::add`](crate::Stack::add) does not compile. The partition key is given to `new`.
///
/// # Secure defaults
/// - Encrypted with the customer key (`SSESpecification` KMS with `KMSMasterKeyId`,
///   control A3, §164.312(a)(2)(iv)); never the AWS-owned key.
/// - Point-in-time recovery (A3B, §164.308(a)(7)): any second of the last 35 days can be
///   restored.
/// - Deletion protection, and `DeletionPolicy`/`UpdateReplacePolicy` `Retain` (D1): the
///   table and its PHI outlive the stack and the program.
/// - On-demand capacity (`PAY_PER_REQUEST`): no throttled writes that lose data.
///
/// # Options
/// - [`sort_key`](SecureTable::sort_key). Default: none.
/// - [`name`](SecureTable::name). Default: a unique name chosen by CloudFormation.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{KeyType, Role, SecureTable, ServicePrincipal};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let results = stack.add(
///     SecureTable::new("Results", "DocumentId", KeyType::String)
///         .encryption(&key)
///         .sort_key("Version", KeyType::Number),
/// )?;
/// let role = stack.add(Role::new("Worker", ServicePrincipal::Lambda))?;
/// stack.add(results.grant_write("WorkerWrites", &role))?;
/// stack.add(results.grant_read("WorkerReads", &role))?;
/// stack.output("ResultsTable", results.name())?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A table without a key does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{KeyType, SecureTable};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// stack.add(SecureTable::new("Results", "DocumentId", KeyType::String))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureTable<K = Handle<KmsKey>> {
    id: String,
    key: K,
    partition: (String, KeyType),
    sort: Option<(String, KeyType)>,
    name: Option<String>,
}

impl SecureTable<NoKey> {
    /// A table with the construct id `id` whose partition key is the attribute `partition`
    /// of type `kind`.
    pub fn new(id: impl Into<String>, partition: impl Into<String>, kind: KeyType) -> Self {
        SecureTable {
            id: id.into(),
            key: NoKey,
            partition: (partition.into(), kind),
            sort: None,
            name: None,
        }
    }
}

impl<K> SecureTable<K> {
    /// Encrypts the table, its indexes, streams and backups with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> SecureTable<Handle<KmsKey>> {
        SecureTable {
            id: self.id,
            key: key.cast(),
            partition: self.partition,
            sort: self.sort,
            name: self.name,
        }
    }

    /// Adds a sort key. Default: none.
    pub fn sort_key(mut self, attribute: impl Into<String>, kind: KeyType) -> Self {
        self.sort = Some((attribute.into(), kind));
        self
    }

    /// Gives the table a fixed name, 3 to 255 letters, digits, `_`, `-` and `.` (checked
    /// when the table is added). Default: a unique name chosen by CloudFormation.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl Handle<SecureTable> {
    /// The table's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The table's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl<K: KeyChosen<SecureTable>> Construct<SecureTable> for SecureTable<K> {}

impl<K: KeyChosen<SecureTable>> IntoNode<SecureTable> for SecureTable<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(TableNode {
            id: self.id,
            key: self.key.key(),
            partition: self.partition,
            sort: self.sort,
            name: self.name,
        })
    }
}

struct TableNode {
    id: String,
    key: Handle<KmsKey>,
    partition: (String, KeyType),
    sort: Option<(String, KeyType)>,
    name: Option<String>,
}

/// DynamoDB's rule for table names.
fn is_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// DynamoDB's rule for key attribute names: 1 to 255 bytes.
fn is_attribute_name(name: &str) -> bool {
    (1..=255).contains(&name.len()) && !name.chars().any(char::is_control)
}

impl Node for TableNode {
    fn kind(&self) -> &'static str {
        "SecureTable"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(name) = &self.name
            && !is_table_name(name)
        {
            return Err(format!(
                "`{name}` is not a DynamoDB table name: 3 to 255 letters, digits, `_`, `-` and `.`"
            ));
        }
        for (attribute, _) in std::iter::once(&self.partition).chain(self.sort.as_ref()) {
            if !is_attribute_name(attribute) {
                return Err(format!(
                    "`{attribute}` is not a key attribute name DynamoDB accepts: 1 to 255 bytes, no control character"
                ));
            }
        }
        if self
            .sort
            .as_ref()
            .is_some_and(|(sort, _)| *sort == self.partition.0)
        {
            return Err(format!(
                "the sort key `{}` is the partition key too; give it another attribute",
                self.partition.0
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let mut definitions = vec![AttributeDefinition {
            attribute_name: self.partition.0.clone(),
            attribute_type: self.partition.1.code(),
        }];
        let mut schema = vec![KeySchema {
            attribute_name: self.partition.0.clone(),
            key_type: "HASH",
        }];
        if let Some((sort, kind)) = &self.sort {
            definitions.push(AttributeDefinition {
                attribute_name: sort.clone(),
                attribute_type: kind.code(),
            });
            schema.push(KeySchema {
                attribute_name: sort.clone(),
                key_type: "RANGE",
            });
        }
        let table = Table {
            table_name: self.name.clone(),
            billing_mode: "PAY_PER_REQUEST",
            attribute_definitions: definitions,
            key_schema: schema,
            sse_specification: SseSpecification {
                sse_enabled: true,
                sse_type: "KMS",
                kms_master_key_id: cx.resolve(self.key.arn()),
            },
            point_in_time_recovery_specification: PointInTimeRecovery {
                point_in_time_recovery_enabled: true,
            },
            deletion_protection_enabled: true,
        };
        Ok(vec![
            Resource::new(cx.logical(""), table)?.keep(Keep::Retain),
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, statement, template_with};
    use crate::{KeyType, Role, SecureTable, ServicePrincipal};

    fn table() -> serde_json::Value {
        template_with(|stack, key, _| {
            stack
                .add(
                    SecureTable::new("Results", "DocumentId", KeyType::String)
                        .encryption(&key)
                        .sort_key("Version", KeyType::Number),
                )
                .unwrap();
        })
    }

    #[test]
    fn encrypts_with_the_customer_key_recovers_and_is_retained() {
        let t = table();
        assert_eq!(
            prop(&t, "Results", "/SSESpecification"),
            &json!({
                "SSEEnabled": true,
                "SSEType": "KMS",
                "KMSMasterKeyId": { "Fn::GetAtt": ["PhiKey", "Arn"] }
            })
        );
        assert_eq!(
            prop(
                &t,
                "Results",
                "/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled"
            ),
            true
        );
        assert_eq!(prop(&t, "Results", "/DeletionProtectionEnabled"), true);
        assert_kept(&t, "Results", "Retain");
        assert_eq!(
            prop(&t, "Results", "/KeySchema"),
            &json!([
                { "AttributeName": "DocumentId", "KeyType": "HASH" },
                { "AttributeName": "Version", "KeyType": "RANGE" }
            ])
        );
    }

    #[test]
    fn names_and_keys_are_checked_naming_the_table() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let err = stack
            .add(
                SecureTable::new("Results", "Id", KeyType::String)
                    .encryption(&key)
                    .name("no spaces allowed"),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("t/Results"), "{err}");
        assert!(err.contains("not a DynamoDB table name"), "{err}");
        let err = stack
            .add(
                SecureTable::new("Results", "Id", KeyType::String)
                    .encryption(&key)
                    .sort_key("Id", KeyType::Number),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("is the partition key too"), "{err}");
    }

    #[test]
    fn grants_read_and_write_name_the_table_and_its_key_through_dynamodb() {
        let t = template_with(|stack, key, _| {
            let table = stack
                .add(SecureTable::new("Results", "Id", KeyType::String).encryption(&key))
                .unwrap();
            let role = stack
                .add(Role::new("Worker", ServicePrincipal::Lambda))
                .unwrap();
            stack.add(table.grant_read("Reads", &role)).unwrap();
            stack.add(table.grant_write("Writes", &role)).unwrap();
        });
        let read = prop(&t, "Reads", "/PolicyDocument");
        assert_eq!(
            statement(read, "ReadItems")["Resource"],
            json!([
                { "Fn::GetAtt": ["Results", "Arn"] },
                { "Fn::Sub": "${Results.Arn}/index/*" }
            ])
        );
        assert!(
            !statement(read, "ReadItems")["Action"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a.as_str().unwrap().contains("Put"))
        );
        let write = prop(&t, "Writes", "/PolicyDocument");
        assert_eq!(
            statement(write, "WriteItems")["Action"],
            json!([
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:DescribeTable"
            ])
        );
        assert_eq!(
            statement(write, "UseTheTablesKey")["Condition"]["StringEquals"]["kms:ViaService"],
            json!({ "Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com" })
        );
    }
}
