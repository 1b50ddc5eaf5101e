//! [`Secret`]: a Secrets Manager secret that Secrets Manager generates and rotates.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used, resolve_target};
use crate::app::{Arn, Attr, Handle, Reference, Target};
use crate::cfn::secretsmanager::{
    GenerateSecretString, RotationRules, RotationSchedule, Secret as CfnSecret,
};
use crate::cfn::{Keep, Resource};
use crate::constructs::own_account::{
    OWN_ACCOUNT, OWN_ACCOUNT_FIELD, another_account, own_account_arn,
};
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey, RawResource};
use crate::literal::Days;

/// The characters generated passwords leave out unless the program says otherwise: those
/// that database engines and connection strings choke on (space, quotes, `@`, `/`, `\`).
const DEFAULT_EXCLUDED: &str = " \"'@/\\";

/// The characters Secrets Manager draws a generated password from, unless excluded: "By
/// default, Secrets Manager uses uppercase and lowercase letters, numbers, and the following
/// characters in passwords: ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``" (Secrets Manager API
/// Reference, `GetRandomPassword`; the space only with `IncludeSpace`, which this construct
/// never sets). `GenerateSecretString` takes the same parameters.
const PASSWORD_ALPHABET: &str = concat!(
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
);

/// The least randomness a generated password may carry, in bits: 112, the smallest security
/// strength NIST SP 800-57 Part 1 (Rev. 5) accepts for protection through 2030. The default
/// (32 characters of 89) has 207; 20 letters and digits have 119.
const MIN_PASSWORD_BITS: f64 = 112.0;

/// The bits of randomness of a password of `length` characters drawn uniformly from the
/// password alphabet less `excluded`, and the number of characters left to draw from.
fn password_bits(length: u16, excluded: &str) -> (f64, usize) {
    let left = PASSWORD_ALPHABET
        .chars()
        .filter(|c| !excluded.contains(*c))
        .count();
    let bits = if left < 2 {
        0.0
    } else {
        f64::from(length) * (left as f64).log2()
    };
    (bits, left)
}

/// The function that rotates a [`Secret`]: an existing Lambda function of the stack's own
/// account, by ARN (`"arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate-postgres"`,
/// or the twelve digits of the account of the stack's environment; checked when the secret
/// is added), or a typed reference to a function of this app.
#[derive(Debug, Clone)]
pub struct RotationFunction(RotationSource);

#[derive(Debug, Clone)]
enum RotationSource {
    Arn(String),
    Reference(Target),
}

/// The meaning of a [`Reference`]: the ARN of a Lambda function, the only reference a
/// secret's rotation takes. Made by [`Handle::function_arn`] on a raw
/// `AWS::Lambda::Function` (checked when the secret is added).
#[derive(Debug)]
pub enum FunctionArn {}

/// What can name a secret's rotation function: the ARN of an existing Lambda function as
/// text (checked when the secret is added), or a [`Reference<FunctionArn>`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Lambda function that can rotate a secret",
    label = "give the function's ARN, or `function.function_arn()` of a raw `AWS::Lambda::Function`",
    note = "HIPAA 45 CFR §164.308(a)(4)(ii)(B) (hipaa-stack control M1): a secret is rotated by a Lambda function; a bucket's name, a key's ARN or any other reference is not one"
)]
pub trait IntoRotationFunction: sealed::RotationSourceOf {}

impl IntoRotationFunction for &str {}
impl IntoRotationFunction for String {}
impl IntoRotationFunction for Reference<FunctionArn> {}

impl sealed::RotationSourceOf for &str {
    fn rotation_function(self) -> RotationFunction {
        RotationFunction(RotationSource::Arn(self.to_owned()))
    }
}

impl sealed::RotationSourceOf for String {
    fn rotation_function(self) -> RotationFunction {
        RotationFunction(RotationSource::Arn(self))
    }
}

impl sealed::RotationSourceOf for Reference<FunctionArn> {
    fn rotation_function(self) -> RotationFunction {
        RotationFunction(RotationSource::Reference(self.target))
    }
}

impl Handle<RawResource> {
    /// The ARN of this resource as a Lambda function (`Fn::GetAtt` `Arn`), for a secret's
    /// rotation. The resource must be of type `AWS::Lambda::Function`: anything else is
    /// refused when the secret is added.
    pub fn function_arn(&self) -> Reference<FunctionArn> {
        self.attr_ref("", Attr::Get("Arn"))
    }
}

/// Whether `arn` is the ARN of a Lambda function (optionally with a version or alias):
/// `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, `ACCOUNT` twelve digits
/// or `${AWS::AccountId}`.
fn lambda_arn(arn: &str) -> bool {
    let fields = arn.replace(OWN_ACCOUNT, OWN_ACCOUNT_FIELD);
    let parts: Vec<&str> = fields.split(':').collect();
    let name_ok = |n: &str| {
        (1..=64).contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let qualifier_ok = |q: &str| {
        (1..=128).contains(&q.len())
            && q.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'$')
    };
    let partition_ok = |p: &str| p == "aws" || p.starts_with("aws-");
    let region_ok = |r: &str| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let account_ok = |a: &str| {
        a == OWN_ACCOUNT_FIELD || (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    };
    match parts.as_slice() {
        ["arn", p, "lambda", r, a, "function", name, rest @ ..] => {
            partition_ok(p)
                && region_ok(r)
                && account_ok(a)
                && name_ok(name)
                && match rest {
                    [] => true,
                    [q] => qualifier_ok(q),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// The state of a secret whose rotation has not been chosen yet.
///
/// Call `.rotation(function, days!(30))`; until then the secret cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoRotation;

/// The state of a secret after `.rotation(..)`: its rotation function and interval.
#[derive(Debug, Clone)]
pub struct Rotation {
    function: RotationFunction,
    days: u16,
}

mod sealed {
    pub trait RotationSourceOf {
        fn rotation_function(self) -> super::RotationFunction;
    }

    pub trait ChosenRotation {
        fn rotation(self) -> super::Rotation;
    }

    impl ChosenRotation for super::Rotation {
        fn rotation(self) -> super::Rotation {
            self
        }
    }
}

/// Implemented by a chosen rotation: the state a secret is in after `.rotation(..)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` is never rotated",
    label = "call `.rotation(rotation_function, days!(30))` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.308(a)(4)(ii)(B) (hipaa-stack control M1): credentials that reach PHI are rotated on a schedule; give the ARN of the Lambda function that rotates it"
)]
pub trait RotationChosen<C>: sealed::ChosenRotation {}

impl<C> RotationChosen<C> for Rotation {}

/// How often a secret may be rotated: every 1 to 90 days.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an allowed rotation interval for a secret",
    label = "use a value from days!(1) to days!(90)",
    note = "HIPAA 45 CFR §164.308(a)(4)(ii)(B) (hipaa-stack control M1): credentials are rotated at least every 90 days, as the AWS Config rule `secretsmanager-rotation-enabled-check` of the HIPAA conformance pack expects"
)]
pub trait RotationInterval: crate::constructs::sealed::DaysKind {}

macro_rules! rotation_intervals {
    ($($n:literal),*) => { $(impl RotationInterval for Days<$n> {})* };
}
rotation_intervals!(
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
    51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74,
    75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90
);

/// A Secrets Manager secret whose value Secrets Manager generates and rotates: no program
/// and no template ever holds it.
///
/// It needs a customer-managed key ([`encryption`](Secret::encryption)) and a rotation
/// ([`rotation`](Secret::rotation)): the Lambda function that rotates it and how often, from
/// `days!(1)` to `days!(90)`; without either, [`Stack::add`](crate::Stack::add) does not
/// compile. The function is yours (for databases, one of the Secrets Manager rotation
/// functions): it needs permission for Secrets Manager to invoke it, and `kms:Decrypt` and
/// `kms:GenerateDataKey` on the key. It reads the secret's value, so it is of the stack's
/// own account: an ARN whose account is neither `${AWS::AccountId}` nor the account of the
/// stack's [environment](crate::App::environment) is refused when the secret is added.
///
/// What it creates (logical ids after the construct id `ReportingDb`): `ReportingDb` (the
/// secret) and `ReportingDbRotation` (its rotation schedule).
///
/// # Secure defaults
/// - Encrypted with the customer key, never `aws/secretsmanager` (`KmsKeyId`, control M2,
///   §164.312(a)(2)(iv)).
/// - Rotated on a schedule by the given function (M1, §164.308(a)(4)(ii)(B)); Secrets
///   Manager also rotates it once when the schedule is created.
/// - The value is generated by Secrets Manager (`GenerateSecretString`): 32 characters with
///   every character class not excluded; there is no method that takes a secret value.
/// - At least 112 bits of randomness (NIST SP 800-57 Part 1), checked when the secret is
///   added: [`exclude_characters`](Secret::exclude_characters) cannot shrink the characters
///   left (letters, digits and punctuation, 94 in all) until the password is guessable, for
///   its length.
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain`: removing the secret from the
///   program does not delete credentials that a database may still accept.
///
/// # Options
/// - [`username`](Secret::username): the secret is then the JSON
///   `{"username": .., "password": ..}` that the database rotation functions expect.
///   Default: the secret is the password alone.
/// - [`password_length`](Secret::password_length): 20 to 4,096, checked when the secret is
///   added. Default: 32.
/// - [`exclude_characters`](Secret::exclude_characters): the characters left and the length
///   must give 112 bits, checked when the secret is added. Default: space, `"`, `'`, `@`, `/`
///   and `\`.
/// - [`description`](Secret::description). Default: none.
/// - [`name`](Secret::name): letters, digits and `/_+=.@-`, checked when the secret is added.
///   Default: a unique name chosen by CloudFormation.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::Secret;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-data")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let secret = stack.add(
///     Secret::new("ReportingDb")
///         .encryption(&key)
///         .rotation("arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate-postgres", days!(30))
///         .username("reporting")
///         .description("credentials of the reporting user of the EHR database"),
/// )?;
/// stack.output("ReportingDbSecret", secret.arn())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A secret without a rotation does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// stack.add(hipaa_stack::Secret::new("ReportingDb").encryption(&key))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Secret<K = Handle<KmsKey>, R = Rotation> {
    id: String,
    key: K,
    rotation: R,
    options: SecretOptions,
}

#[derive(Debug, Clone)]
struct SecretOptions {
    description: Option<String>,
    name: Option<String>,
    username: Option<String>,
    password_length: u16,
    exclude_characters: String,
}

impl Secret<NoKey, NoRotation> {
    /// A secret with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        Secret {
            id: id.into(),
            key: NoKey,
            rotation: NoRotation,
            options: SecretOptions {
                description: None,
                name: None,
                username: None,
                password_length: 32,
                exclude_characters: DEFAULT_EXCLUDED.to_owned(),
            },
        }
    }
}

impl<K, R> Secret<K, R> {
    /// Encrypts the secret with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> Secret<Handle<KmsKey>, R> {
        Secret {
            id: self.id,
            key: key.cast(),
            rotation: self.rotation,
            options: self.options,
        }
    }

    /// Rotates the secret with `function` every `every` days (1 to 90).
    pub fn rotation<const N: u16>(
        self,
        function: impl IntoRotationFunction,
        every: Days<N>,
    ) -> Secret<K, Rotation>
    where
        Days<N>: RotationInterval,
    {
        Secret {
            id: self.id,
            key: self.key,
            rotation: Rotation {
                function: sealed::RotationSourceOf::rotation_function(function),
                days: every.get(),
            },
            options: self.options,
        }
    }

    /// Makes the secret `{"username": name, "password": ..}`. Default: the password alone.
    pub fn username(mut self, name: impl Into<String>) -> Self {
        self.options.username = Some(name.into());
        self
    }

    /// The length of the generated password, 20 to 4,096. Default: 32.
    pub fn password_length(mut self, length: u16) -> Self {
        self.options.password_length = length;
        self
    }

    /// Characters the generated password never contains. Default: space, `"`, `'`, `@`, `/`
    /// and `\`. Refused when the secret is added if the characters left, for the password's
    /// length, give under 112 bits of randomness (20 letters and digits give 119; 20
    /// hexadecimal digits give 80).
    pub fn exclude_characters(mut self, characters: impl Into<String>) -> Self {
        self.options.exclude_characters = characters.into();
        self
    }

    /// What the secret is for, shown in the console. Default: none.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.options.description = Some(text.into());
        self
    }

    /// Gives the secret a fixed name: 1 to 512 letters, digits and `/_+=.@-`, not ending
    /// in a hyphen and six characters (the shape of the suffix Secrets Manager puts on every
    /// ARN). Default: a unique name chosen by CloudFormation. A new name replaces the secret;
    /// the old one is retained (`UpdateReplacePolicy: Retain`), never deleted.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.options.name = Some(name.into());
        self
    }
}

impl Handle<Secret> {
    /// The secret's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Ref)
    }
}

impl<K: KeyChosen<Secret>, R: RotationChosen<Secret>> Construct<Secret> for Secret<K, R> {}

impl<K: KeyChosen<Secret>, R: RotationChosen<Secret>> IntoNode<Secret> for Secret<K, R> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(SecretNode {
            id: self.id,
            key: self.key.key(),
            rotation: self.rotation.rotation(),
            options: self.options,
        })
    }
}

struct SecretNode {
    id: String,
    key: Handle<KmsKey>,
    rotation: Rotation,
    options: SecretOptions,
}

impl Node for SecretNode {
    fn kind(&self) -> &'static str {
        "Secret"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Rotation"]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey")];
        if let RotationSource::Reference(target) = self.rotation.function.0 {
            used.push(Used {
                app: target.app,
                what: "reference",
            });
        }
        used
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    /// A rotation function named by text is of the stack's own account: Secrets Manager
    /// hands it the secret's value (it reads the current version and puts the next), so a
    /// function of another account would read every password the secret holds (rule X2,
    /// 45 CFR §164.308(b)(1); hostile review 35, as `Auth::cognito`'s user pool).
    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> Result<(), String> {
        if let RotationSource::Arn(arn) = &self.rotation.function.0
            && let Some((account, whose)) = another_account(arena, stack, arn)
        {
            return Err(format!(
                "the rotation function `{arn}` is of the account {account}, {whose}: Secrets Manager hands the function the secret's value, so that account would read it (rule X2, HIPAA 45 CFR §164.308(b)(1)); name a function of this stack's account, written `arn:aws:lambda:REGION:${{AWS::AccountId}}:function:NAME`"
            ));
        }
        if let RotationSource::Reference(target) = self.rotation.function.0 {
            let raw_type = arena
                .constructs
                .get(target.construct as usize)
                .and_then(|c| c.node.resource_type());
            if raw_type != Some("AWS::Lambda::Function") {
                return Err(format!(
                    "the rotation function `{}` is not a Lambda function (`AWS::Lambda::Function`); a secret is rotated by a Lambda function",
                    arena.path(target.construct)
                ));
            }
        }
        Ok(())
    }

    fn check(&self) -> Result<(), String> {
        if let RotationSource::Arn(arn) = &self.rotation.function.0
            && !lambda_arn(arn)
        {
            return Err(format!(
                "`{arn}` is not the ARN of a Lambda function; write it like `arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres`"
            ));
        }
        let o = &self.options;
        if !(20..=4096).contains(&o.password_length) {
            return Err(format!(
                "a password of {} characters is not allowed; give 20 to 4,096",
                o.password_length
            ));
        }
        // `exclude_characters` takes run-time text: it must not shrink what the password is
        // drawn from until guessing it is practical (HIPAA §164.308(a)(5)(ii)(D), password
        // management; §164.312(d), authentication). A whole class left out is allowed (a
        // database that refuses punctuation), a guessable password is not.
        let (bits, left) = password_bits(o.password_length, &o.exclude_characters);
        if bits < MIN_PASSWORD_BITS {
            return Err(format!(
                "`exclude_characters` leaves {left} of Secrets Manager's {} password characters, so a password of {} characters carries {} bits of randomness, under the {} required (HIPAA §164.308(a)(5)(ii)(D)); exclude fewer characters or call `.password_length(..)` with a longer length",
                PASSWORD_ALPHABET.chars().count(),
                o.password_length,
                bits.floor(),
                MIN_PASSWORD_BITS
            ));
        }
        if let Some(name) = &o.name {
            let allowed = |c: char| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c);
            if name.is_empty() || name.len() > 512 || !name.chars().all(allowed) {
                return Err(format!(
                    "`{name}` is not a secret name; use 1 to 512 letters, digits and `/_+=.@-`"
                ));
            }
            // CreateSecret (API reference, `Name`): "Do not end your secret name with a
            // hyphen followed by six characters ... you risk confusion and unexpected results
            // when searching for a secret by partial ARN": Secrets Manager ends every ARN
            // with a hyphen and six random characters, so a program that looks up
            // `db-AbCdEf` may be handed the secret `db` (or the other way round).
            if name.len() >= 7 && name.as_bytes()[name.len() - 7] == b'-' {
                return Err(format!(
                    "`{name}` ends with a hyphen and six characters, as Secrets Manager ends every secret's ARN: a lookup by partial ARN could find another secret; rename it (e.g. `{}_{}`)",
                    &name[..name.len() - 7],
                    &name[name.len() - 6..]
                ));
            }
        }
        if let Some(user) = &o.username
            && (user.is_empty() || user.len() > 128)
        {
            return Err(format!(
                "the user name `{user}` is not allowed; give 1 to 128 characters"
            ));
        }
        if o.description.as_ref().is_some_and(|d| d.len() > 2048) {
            return Err("the description is longer than 2,048 characters".to_owned());
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let o = &self.options;
        let template = match &o.username {
            Some(user) => Some(serde_json::to_string(
                &serde_json::json!({ "username": user }),
            )?),
            None => None,
        };
        let secret = CfnSecret {
            name: o.name.clone(),
            description: o.description.clone(),
            kms_key_id: cx.resolve(self.key.arn()),
            generate_secret_string: GenerateSecretString {
                password_length: o.password_length,
                require_each_included_type: true,
                exclude_characters: (!o.exclude_characters.is_empty())
                    .then(|| o.exclude_characters.clone()),
                generate_string_key: template.as_ref().map(|_| "password"),
                secret_string_template: template,
            },
        };
        let function = match &self.rotation.function.0 {
            RotationSource::Arn(arn) => own_account_arn(arn),
            RotationSource::Reference(target) => {
                resolve_target(cx.arena, cx.stack, *target, cx.construct, cx.cross)
            }
        };
        let schedule = RotationSchedule {
            secret_id: cx.own_ref(""),
            rotation_lambda_arn: function,
            rotation_rules: RotationRules {
                automatically_after_days: self.rotation.days,
            },
        };
        Ok(vec![
            Resource::new(cx.logical(""), secret)?.keep(Keep::Retain),
            Resource::new(cx.logical("Rotation"), schedule)?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::lambda_arn;
    use crate::constructs::Secret;
    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, resource, template_with};

    const ROTATE: &str = "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate-postgres";

    /// Hostile review 35: Secrets Manager hands the rotation function the secret's value (it
    /// reads the current version and puts the next), and a function named by text of another
    /// account was taken when the secret was added and at synth: that account would read
    /// every password the secret holds. As `Auth::cognito`'s user pool, the function is of
    /// the stack's own account: `${AWS::AccountId}`, or the account of its environment.
    #[test]
    fn a_rotation_function_of_another_account_is_refused() {
        let rotation =
            |account: &str| format!("arn:aws:lambda:us-east-1:{account}:function:rotate");
        // No environment: twelve digits may be any account's.
        let app = App::new("a");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let err = stack
            .add(
                Secret::new("Theirs")
                    .encryption(&key)
                    .rotation(rotation("999999999999"), days!(30)),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "construct `t/Theirs` is invalid: the rotation function `arn:aws:lambda:us-east-1:999999999999:function:rotate` is of the account 999999999999, and this stack names no account"
            ),
            "{err}"
        );
        assert!(
            err.contains("`arn:aws:lambda:REGION:${AWS::AccountId}:function:NAME`"),
            "{err}"
        );
        stack
            .add(
                Secret::new("Ours")
                    .encryption(&key)
                    .rotation(rotation("${AWS::AccountId}"), days!(30)),
            )
            .unwrap();
        app.synth().unwrap();

        // An environment's stack: its own account, written `${AWS::AccountId}`.
        let app = App::new("b");
        let prod = app
            .environment("prod", account!("222222222222"), region!("us-east-1"))
            .unwrap();
        let stack = prod.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let err = stack
            .add(
                Secret::new("Theirs")
                    .encryption(&key)
                    .rotation(rotation("111111111111"), days!(30)),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is of the account 111111111111, not this stack's account 222222222222"),
            "{err}"
        );
        stack
            .add(
                Secret::new("Ours")
                    .encryption(&key)
                    .rotation(rotation("222222222222"), days!(30)),
            )
            .unwrap();
        let t = crate::testing::template_of(&app, "prod-t");
        assert_eq!(
            prop(&t, "OursRotation", "/RotationLambdaARN"),
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:lambda:us-east-1:${AWS::AccountId}:function:rotate" })
        );
        app.synth().unwrap();
    }

    #[test]
    fn the_secret_is_generated_encrypted_and_rotated() {
        let t = template_with(|stack, key, _| {
            stack
                .add(
                    Secret::new("ReportingDb")
                        .encryption(&key)
                        .rotation(ROTATE, days!(30)),
                )
                .unwrap();
        });
        assert_eq!(
            resource(&t, "ReportingDb")["Type"],
            "AWS::SecretsManager::Secret"
        );
        assert_kept(&t, "ReportingDb", "Retain");
        assert_eq!(
            prop(&t, "ReportingDb", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(
            prop(&t, "ReportingDb", "/GenerateSecretString"),
            &json!({
                "PasswordLength": 32,
                "RequireEachIncludedType": true,
                "ExcludeCharacters": " \"'@/\\"
            })
        );
        let properties = &resource(&t, "ReportingDb")["Properties"];
        assert!(properties.get("SecretString").is_none());
        assert!(properties.get("Name").is_none());
        assert_eq!(
            resource(&t, "ReportingDbRotation")["Type"],
            "AWS::SecretsManager::RotationSchedule"
        );
        assert_eq!(
            prop(&t, "ReportingDbRotation", "/SecretId"),
            &json!({ "Ref": "ReportingDb" })
        );
        assert_eq!(
            prop(&t, "ReportingDbRotation", "/RotationLambdaARN"),
            &json!({ "Fn::Sub": ROTATE.replace("arn:aws:", "arn:${AWS::Partition}:") })
        );
        assert_eq!(
            prop(&t, "ReportingDbRotation", "/RotationRules"),
            &json!({ "AutomaticallyAfterDays": 30 })
        );
    }

    #[test]
    fn a_rotation_function_that_is_not_a_lambda_function_is_refused() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let queue = stack
            .add(RawResource::new("Jobs", "AWS::SQS::Queue"))
            .unwrap();
        let err = stack
            .add(
                Secret::new("Db")
                    .encryption(&key)
                    .rotation(queue.function_arn(), days!(30)),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the rotation function `t/Jobs` is not a Lambda function"),
            "{err}"
        );
    }

    #[test]
    fn options_set_the_user_name_length_and_name() {
        let t = template_with(|stack, key, _| {
            let dead_letters = stack
                .add(crate::SecureQueue::new("RotationDlq").encryption(&key))
                .unwrap();
            let logs = stack
                .add(crate::LogGroup::new("RotatorLogs").encryption(&key))
                .unwrap();
            let rotator = stack
                .add(
                    // A rotation function as rule A1 wants it: in a VPC, with reserved
                    // concurrency and a dead-letter queue of the app (rule X1), logging to a
                    // log group of the app (rule L4).
                    RawResource::new("Rotator", "AWS::Lambda::Function")
                        .property("/VpcConfig/SubnetIds/0", "subnet-0123456789abcdef0")
                        .property("ReservedConcurrentExecutions", 1)
                        .property("/DeadLetterConfig/TargetArn", dead_letters.arn())
                        .property("/TracingConfig/Mode", "Active")
                        .property("/LoggingConfig/LogGroup", logs.name()),
                )
                .unwrap();
            stack
                .add(
                    Secret::new("ReportingDb")
                        .username("reporting")
                        .password_length(40)
                        .exclude_characters("")
                        .description("reporting user")
                        .name("clinic/reporting-db")
                        .rotation(rotator.function_arn(), days!(90))
                        .encryption(&key),
                )
                .unwrap();
        });
        assert_eq!(
            prop(&t, "ReportingDb", "/GenerateSecretString"),
            &json!({
                "PasswordLength": 40,
                "RequireEachIncludedType": true,
                "SecretStringTemplate": "{\"username\":\"reporting\"}",
                "GenerateStringKey": "password"
            })
        );
        assert_eq!(prop(&t, "ReportingDb", "/Name"), "clinic/reporting-db");
        assert_eq!(prop(&t, "ReportingDb", "/Description"), "reporting user");
        assert_eq!(
            prop(&t, "ReportingDbRotation", "/RotationLambdaARN"),
            &json!({ "Fn::GetAtt": ["Rotator", "Arn"] })
        );
        assert_eq!(
            prop(
                &t,
                "ReportingDbRotation",
                "/RotationRules/AutomaticallyAfterDays"
            ),
            90
        );
    }

    #[test]
    fn lambda_arns_are_checked() {
        for good in [
            ROTATE,
            "arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres",
            "arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres:live",
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:rotate_1:$LATEST",
        ] {
            assert!(lambda_arn(good), "{good}");
        }
        for bad in [
            "rotate-postgres",
            "arn:aws:lambda:us-east-1:12345678901:function:rotate",
            "arn:aws:lambda:us-east-1:123456789012:layer:rotate",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "arn:aws:lambda:us-east-1:123456789012:function:a:b:c",
            "arn:aws:lambda:us-east-1:123456789012:function:rot ate",
        ] {
            assert!(!lambda_arn(bad), "{bad}");
        }
    }

    #[test]
    fn impossible_secrets_are_errors_naming_the_construct() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let base = || Secret::new("Bad").encryption(&key);
        for (secret, needle) in [
            (
                base().rotation("rotate-postgres", days!(30)),
                "`rotate-postgres` is not the ARN of a Lambda function",
            ),
            (
                base().rotation(ROTATE, days!(30)).password_length(8),
                "a password of 8 characters",
            ),
            (
                base().rotation(ROTATE, days!(30)).name("has space"),
                "is not a secret name",
            ),
            (
                base().rotation(ROTATE, days!(30)).username(""),
                "the user name",
            ),
            // hostile review 20: the ARN suffix's shape.
            (
                base().rotation(ROTATE, days!(30)).name("clinic/db-AbCdEf"),
                "ends with a hyphen and six characters",
            ),
        ] {
            let err = stack.add(secret).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Bad` is invalid"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
    }

    /// hostile review 19: `exclude_characters` takes run-time text, and leaving one
    /// character (or a few) made a "password" of 32 equal characters that the construct
    /// vouched for.
    #[test]
    fn exclusions_that_leave_a_guessable_password_are_refused() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let all_but = |kept: &str| -> String {
            super::PASSWORD_ALPHABET
                .chars()
                .filter(|c| !kept.contains(*c))
                .collect()
        };
        let base = || {
            Secret::new("Bad")
                .encryption(&key)
                .rotation(ROTATE, days!(30))
        };
        for (secret, needle) in [
            (
                base().exclude_characters(all_but("a")),
                "leaves 1 of Secrets Manager's 94 password characters",
            ),
            (
                base().exclude_characters(super::PASSWORD_ALPHABET),
                "leaves 0 of Secrets Manager's 94",
            ),
            (
                base()
                    .exclude_characters(all_but("ab"))
                    .password_length(100),
                "carries 100 bits",
            ),
            (
                base()
                    .exclude_characters(all_but("0123456789abcdef"))
                    .password_length(20),
                "a password of 20 characters carries 80 bits",
            ),
        ] {
            let err = stack.add(secret).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Bad` is invalid"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
        // Not a false refusal: a database that takes no punctuation gets 20 letters and
        // digits (119 bits), and the default exclusions keep the shortest length allowed.
        let punctuation: String = super::PASSWORD_ALPHABET
            .chars()
            .filter(|c| !c.is_ascii_alphanumeric())
            .collect();
        for (id, secret) in [
            (
                "Letters",
                Secret::new("Letters")
                    .encryption(&key)
                    .rotation(ROTATE, days!(30))
                    .exclude_characters(punctuation)
                    .password_length(20),
            ),
            (
                "Short",
                Secret::new("Short")
                    .encryption(&key)
                    .rotation(ROTATE, days!(30))
                    .password_length(20),
            ),
        ] {
            assert!(stack.add(secret).is_ok(), "{id}");
        }
    }
}
