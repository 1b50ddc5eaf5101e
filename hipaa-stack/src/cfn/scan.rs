//! What synthesis reads of a resource's typed properties before their JSON tree is built:
//! the intrinsic functions that name other resources, whether a condition is tested, a
//! bucket policy's `Bucket`, and the values of a few top-level keys ([`KEPT_KEYS`]: the
//! ports of a store, a bucket's name).
//!
//! A scan walks the properties as they serialize (a [`Serializer`] that builds nothing but
//! the arguments of the intrinsic functions it meets), so that `synth --low-memory` reads
//! every stack before the first is checked without the trees of every stack held at once:
//! the trees of a stack are built when its round comes, and dropped once it is written.
//!
//! A scan reads what [`serde_json::to_value`] would build, entry for entry, and succeeds
//! only where that succeeds. Where it cannot be sure of that (a key that is not text, a key
//! written twice in one object, an enum variant with fields, a number of 128 bits), it
//! stops with [`Unsupported`] and the caller builds the tree, which reports an error.

use std::fmt;

use serde::Serialize;
use serde::ser::{
    self, Impossible, SerializeMap, SerializeSeq, SerializeStruct, SerializeTuple,
    SerializeTupleStruct, Serializer,
};
use serde_json::Value;

/// The intrinsic functions that name another resource, whose arguments a scan keeps.
const INTRINSICS: [&str; 4] = ["Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::Sub"];

/// The key of a condition's test.
const CONDITION: &str = "Fn::If";

/// The top-level keys whose values a scan keeps, in the order of [`Scanned::kept`]: the
/// ports of the app's stores (the rules read `Port`, `DBPort` and `Endpoint.Port`), then,
/// from [`FIRST_NAME_KEY`] on, the names that resources give themselves (rule X1 reads a
/// destination written as text against them; rule S1 a bucket's ARN, from `BucketName`).
pub(crate) const KEPT_KEYS: [&str; 15] = [
    "Port",
    "DBPort",
    "Endpoint",
    "BucketName",
    "QueueName",
    "TopicName",
    "StreamName",
    "Name",
    "FunctionName",
    "DeliveryStreamName",
    "EventBusName",
    "LogGroupName",
    "DestinationName",
    "DomainName",
    "TableName",
];

/// The place in [`KEPT_KEYS`] of the first key that names a resource (`BucketName`).
pub(crate) const FIRST_NAME_KEY: usize = 3;

/// What a scan read of a resource's properties.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Scanned {
    /// Every intrinsic function of [`INTRINSICS`] in the properties, in the order that a
    /// depth-first walk of their tree meets them, with its argument: with its key when it is
    /// the only key of its object (the object `{key: argument}`, `{"Ref": "Id"}`), and
    /// without when its object has other keys (its argument is then read as any other
    /// value of the object). Reading the references of each in turn reads those of the
    /// whole tree.
    pub(crate) intrinsics: Vec<(Option<&'static str>, Value)>,
    /// Whether an object of the properties has the key `Fn::If`, at any depth (in the
    /// arguments of the intrinsics too).
    pub(crate) tests_condition: bool,
    /// For a bucket policy: its `Bucket` (`None` when it has none).
    pub(crate) bucket: Option<Value>,
    /// The values of the top-level keys of [`KEPT_KEYS`], in that order (`None` for a key
    /// the properties do not have).
    pub(crate) kept: [Option<Value>; KEPT_KEYS.len()],
}

/// Why a scan stopped: the properties are read from their tree instead.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Unsupported(message.to_string())
    }
}

/// Scans `properties`; `policy` keeps the top-level `Bucket` (for an
/// `AWS::S3::BucketPolicy`).
pub(crate) fn scan<T: Serialize + ?Sized>(
    properties: &T,
    policy: bool,
) -> Result<Scanned, Unsupported> {
    let mut scan = Scan {
        found: Scanned::default(),
        depth: 0,
        policy,
    };
    properties.serialize(&mut scan)?;
    Ok(scan.found)
}

struct Scan {
    found: Scanned,
    /// How many objects and lists the walk is inside.
    depth: usize,
    policy: bool,
}

/// Whether an object of `value` has the key `key`, at any depth.
fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

fn unsupported(what: &str) -> Unsupported {
    Unsupported(format!("a scan does not read {what}"))
}

/// What a scan reads of a key: which intrinsic function it is, if any, whether it tests a
/// condition or is a policy's `Bucket`, and (for a map's key) a hash of it, to find a key
/// written twice without keeping the keys.
#[derive(Clone, Copy)]
struct Key {
    intrinsic: Option<&'static str>,
    condition: bool,
    bucket: bool,
    /// Its place in [`KEPT_KEYS`].
    kept: Option<usize>,
    hash: u64,
}

impl Key {
    fn of(text: &str) -> Key {
        Key {
            intrinsic: INTRINSICS.into_iter().find(|&i| i == text),
            condition: text == CONDITION,
            bucket: text == "Bucket",
            kept: KEPT_KEYS.iter().position(|&k| k == text),
            hash: 0,
        }
    }

    /// A map's key, with its hash (two keys of one hash stop the scan as if they were one
    /// key written twice, which costs a tree, not a wrong reading).
    fn of_map(text: &str) -> Key {
        use std::hash::BuildHasher;
        Key {
            hash: foldhash::fast::FixedState::default().hash_one(text),
            ..Key::of(text)
        }
    }
}

/// An object being scanned.
struct Entries<'a> {
    scan: &'a mut Scan,
    /// How many entries it has had.
    count: usize,
    /// The intrinsic function of its first entry, if that is one.
    first: Option<&'static str>,
    /// The hashes of a map's keys so far (not of a struct's, whose keys are its fields), to
    /// find one written twice, which serde_json would keep once: the first, then the others.
    first_hash: Option<u64>,
    hashes: Vec<u64>,
    /// The key given by `serialize_key`, for `serialize_value`.
    key: Option<Key>,
}

impl<'a> Entries<'a> {
    fn open(scan: &'a mut Scan) -> Self {
        scan.depth += 1;
        Entries {
            scan,
            count: 0,
            first: None,
            first_hash: None,
            hashes: Vec::new(),
            key: None,
        }
    }

    /// Keeps the hash of a map's key, refusing one already seen.
    fn keep_hash(&mut self, hash: u64) -> Result<(), Unsupported> {
        if self.first_hash == Some(hash) || self.hashes.contains(&hash) {
            return Err(unsupported("an object with a key written twice"));
        }
        if self.first_hash.is_none() {
            self.first_hash = Some(hash);
        } else {
            self.hashes.push(hash);
        }
        Ok(())
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), Unsupported> {
        self.count += 1;
        let scan = &mut *self.scan;
        if key.condition {
            scan.found.tests_condition = true;
        }
        if key.bucket && scan.policy && scan.depth == 1 {
            scan.found.bucket =
                Some(serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?);
        }
        if let (Some(at), 1) = (key.kept, scan.depth) {
            scan.found.kept[at] =
                Some(serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?);
        }
        match key.intrinsic {
            Some(intrinsic) => {
                let argument =
                    serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?;
                if has_key(&argument, CONDITION) {
                    scan.found.tests_condition = true;
                }
                scan.found.intrinsics.push((None, argument));
                if self.count == 1 {
                    self.first = Some(intrinsic);
                }
                Ok(())
            }
            None => value.serialize(&mut *scan),
        }
    }

    fn close(self) -> Result<(), Unsupported> {
        let scan = self.scan;
        scan.depth -= 1;
        // The object is that one intrinsic function: read as such, not as its argument.
        if let (1, Some(intrinsic)) = (self.count, self.first)
            && let Some((only, _)) = scan.found.intrinsics.last_mut()
        {
            *only = Some(intrinsic);
        }
        Ok(())
    }
}

impl SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        let key = key.serialize(KeyText)?;
        self.keep_hash(key.hash)?;
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        let key = self
            .key
            .take()
            .ok_or_else(|| unsupported("a value without a key"))?;
        self.entry(key, value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

impl SerializeStruct for Entries<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.entry(Key::of(key), value)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

/// A list being scanned.
struct Items<'a>(&'a mut Scan);

impl<'a> Items<'a> {
    fn open(scan: &'a mut Scan) -> Self {
        scan.depth += 1;
        Items(scan)
    }

    fn close(self) -> Result<(), Unsupported> {
        self.0.depth -= 1;
        Ok(())
    }
}

/// A list's elements, of any of serde's three kinds of list: each scanned in turn.
macro_rules! items {
    ($($kind:ident::$element:ident),*) => {
        $(impl $kind for Items<'_> {
            type Ok = ();
            type Error = Unsupported;

            fn $element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
                value.serialize(&mut *self.0)
            }

            fn end(self) -> Result<(), Unsupported> {
                self.close()
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// The methods of [`Serializer`] for the values that are no text, object nor list, each
/// returning `$result` (a number of 128 bits is left to serde's default, which refuses it,
/// as serde_json refuses those beyond 64 bits).
macro_rules! scalars {
    ($ok:ty, $result:expr) => {
        scalars!(@each $ok, $result;
            serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
            serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
            serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
            serialize_bytes(&[u8]), serialize_unit_struct(&'static str));
    };
    (@each $ok:ty, $result:expr; $($method:ident($value:ty)),*) => {
        $(fn $method(self, _: $value) -> Result<$ok, Unsupported> {
            $result
        })*
    };
}

fn not_text() -> Unsupported {
    unsupported("a key that is not text")
}

impl<'a> Serializer for &'a mut Scan {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Entries<'a>;
    type SerializeStruct = Entries<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    // A value that is no object nor list names nothing: it is passed over.
    scalars!((), Ok(()));
    fn serialize_str(self, _: &str) -> Result<(), Unsupported> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Unsupported> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        // serde_json writes it as the object `{variant: value}`.
        let mut entries = Entries::open(self);
        entries.entry(Key::of(variant), value)?;
        entries.close()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Unsupported> {
        Ok(Items::open(self))
    }
    fn serialize_tuple(self, _: usize) -> Result<Items<'a>, Unsupported> {
        Ok(Items::open(self))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Items<'a>, Unsupported> {
        Ok(Items::open(self))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(unsupported("an enum variant with fields"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a>, Unsupported> {
        Ok(Entries::open(self))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Entries<'a>, Unsupported> {
        Ok(Entries::open(self))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(unsupported("an enum variant with fields"))
    }
}

/// What a scan reads of a map's key, which must be text: any other key is not read
/// (serde_json would write a number or a boolean as text, which a scan leaves to the tree).
struct KeyText;

impl Serializer for KeyText {
    type Ok = Key;
    type Error = Unsupported;
    type SerializeSeq = Impossible<Key, Unsupported>;
    type SerializeTuple = Impossible<Key, Unsupported>;
    type SerializeTupleStruct = Impossible<Key, Unsupported>;
    type SerializeTupleVariant = Impossible<Key, Unsupported>;
    type SerializeMap = Impossible<Key, Unsupported>;
    type SerializeStruct = Impossible<Key, Unsupported>;
    type SerializeStructVariant = Impossible<Key, Unsupported>;

    fn serialize_str(self, text: &str) -> Result<Key, Unsupported> {
        Ok(Key::of_map(text))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Key, Unsupported> {
        value.serialize(self)
    }
    scalars!(Key, Err(not_text()));
    fn serialize_none(self) -> Result<Key, Unsupported> {
        Err(not_text())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Key, Unsupported> {
        Err(not_text())
    }
    fn serialize_unit(self) -> Result<Key, Unsupported> {
        Err(not_text())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Key, Unsupported> {
        Err(not_text())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Key, Unsupported> {
        Err(not_text())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(not_text())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(not_text())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(not_text())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(not_text())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(not_text())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        Err(not_text())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(not_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// A scan of a value reads every object that has a key `Fn::If` and the top-level
        /// `Bucket` that its tree has.
        #[test]
        fn a_scan_reads_conditions_and_the_bucket_as_the_tree_has_them(
            value in crate::testing::intrinsic_values(),
        ) {
            let scanned = scan(&value, true).unwrap();
            proptest::prop_assert_eq!(scanned.tests_condition, has_key(&value, CONDITION));
            proptest::prop_assert_eq!(scanned.bucket.as_ref(), value.get("Bucket"));
            // Without `policy`, no bucket is kept.
            proptest::prop_assert_eq!(scan(&value, false).unwrap().bucket, None);
        }
    }

    #[test]
    fn a_key_that_is_not_text_stops_a_scan() {
        let numbered: std::collections::BTreeMap<u32, &str> = [(1, "x")].into();
        assert!(scan(&numbered, false).is_err());
        // serde_json writes it as text, which the tree reads.
        assert_eq!(
            serde_json::to_value(&numbered).unwrap(),
            json!({ "1": "x" })
        );
    }

    /// An object that writes a key twice, which serde_json keeps once.
    struct Twice;

    impl Serialize for Twice {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("Ref", "A")?;
            map.serialize_entry("Ref", "B")?;
            map.end()
        }
    }

    #[test]
    fn a_key_written_twice_stops_a_scan() {
        let stopped = scan(&Twice, false).unwrap_err();
        assert_eq!(
            stopped.to_string(),
            "a scan does not read an object with a key written twice"
        );
        assert_eq!(serde_json::to_value(Twice).unwrap(), json!({ "Ref": "B" }));
    }

    /// Typed properties as derived structs write them: a struct inside, then the policy's
    /// `Bucket`, itself a struct of one field, `Ref`.
    #[derive(Serialize)]
    struct Policy {
        #[serde(rename = "PolicyDocument")]
        document: Document,
        #[serde(rename = "Bucket")]
        bucket: Only,
    }

    #[derive(Serialize)]
    struct Document {
        #[serde(rename = "Version")]
        version: &'static str,
    }

    #[derive(Serialize)]
    struct Only {
        #[serde(rename = "Ref")]
        id: &'static str,
    }

    #[test]
    fn a_struct_is_read_as_the_object_serde_json_writes() {
        let policy = Policy {
            document: Document {
                version: "2012-10-17",
            },
            bucket: Only { id: "Data" },
        };
        let tree = serde_json::to_value(&policy).unwrap();
        let scanned = scan(&policy, true).unwrap();
        // Once the document's struct ends, the bucket is at the top again.
        assert_eq!(scanned.bucket.as_ref(), tree.get("Bucket"));
        // A struct of one field `Ref` is that intrinsic function.
        assert_eq!(scanned.intrinsics, [(Some("Ref"), json!("Data"))]);
        assert_eq!(tree["Bucket"], json!({ "Ref": "Data" }));
    }

    #[derive(Serialize)]
    enum Shape {
        #[serde(rename = "Ref")]
        Named(&'static str),
        Pair(u8, u8),
        Fields {
            a: u8,
        },
    }

    #[test]
    fn an_enum_variant_is_read_as_serde_json_writes_it_or_stops_a_scan() {
        // A variant with one value is the object `{variant: value}`.
        let scanned = scan(&Shape::Named("A"), false).unwrap();
        assert_eq!(scanned.intrinsics, [(Some("Ref"), json!("A"))]);
        assert_eq!(
            serde_json::to_value(Shape::Named("A")).unwrap(),
            json!({ "Ref": "A" })
        );
        assert!(scan(&Shape::Pair(1, 2), false).is_err());
        assert!(scan(&Shape::Fields { a: 1 }, false).is_err());
    }

    #[test]
    fn a_resource_whose_properties_a_scan_cannot_read_has_its_tree_built_at_once() {
        use crate::cfn::Resource;
        #[derive(Debug, Serialize)]
        struct Odd(std::collections::BTreeMap<u32, &'static str>);
        impl crate::cfn::ResourceType for Odd {
            const TYPE: &'static str = "AWS::SQS::Queue";
        }
        let mut resource = Resource::new("Q".to_owned(), Odd([(7, "x")].into())).unwrap();
        assert_eq!(resource.prepare().unwrap(), None);
        assert_eq!(resource.properties(), &json!({ "7": "x" }));
        // What serde_json cannot write is an error of the resource, as it is made.
        #[derive(Debug, Serialize)]
        struct Huge(u128);
        impl crate::cfn::ResourceType for Huge {
            const TYPE: &'static str = "AWS::SQS::Queue";
        }
        assert!(scan(&Huge(u128::MAX), false).is_err());
        let mut huge = Resource::new("Q".to_owned(), Huge(u128::MAX)).unwrap();
        let error = huge.prepare().unwrap_err();
        assert!(error.to_string().contains("number out of range"), "{error}");
        let error = huge.build_tree().unwrap_err();
        assert!(error.to_string().contains("number out of range"), "{error}");
    }
}
