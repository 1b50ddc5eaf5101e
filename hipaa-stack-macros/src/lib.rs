//! Procedural macros for hipaa-stack: `#[main]` and compile-time checked
//! literals.
//!
//! Do not depend on this crate directly: depend on `hipaa-stack`, which
//! re-exports these macros, and write `#[hipaa_stack::main]`,
//! `hipaa_stack::days!(35)` and so on. The code they generate refers to the
//! library through absolute `::hipaa_stack::…` paths.
//!
//! The literal macros check their input with the same rules
//! (`hipaa-stack-syntax`) that the library applies at run time, so a literal
//! that would be refused at run time is refused at compile time instead, with
//! an error on the literal that states the rule it breaks.
//!
//! The macros are purely syntactic: they never read files or the network.
//! The examples here are not compiled, because a proc-macro crate cannot use
//! `hipaa-stack`; the compiled examples live in the `hipaa-stack` crate.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};

mod expand;
mod parse;
#[cfg(test)]
mod tests;

/// Turns a function that builds the stacks of an app into the program's
/// `main`.
///
/// Put it on a free function that takes the app and returns
/// `hipaa_stack::Result<()>`:
///
/// ```text
/// use hipaa_stack::{App, Result};
///
/// #[hipaa_stack::main]
/// fn clinic(app: &mut App) -> Result<()> {
///     // declare stacks here
///     Ok(())
/// }
/// ```
///
/// The function is kept as written, and a `main` is added that runs it:
///
/// ```text
/// fn main() -> ::std::process::ExitCode {
///     ::hipaa_stack::__private::run(
///         ::hipaa_stack::__private::Program {
///             app: ::core::env!("CARGO_PKG_NAME"),
///             name: ::core::option_env!("CARGO_BIN_NAME"),
///             version: ::core::env!("CARGO_PKG_VERSION"),
///             about: ::core::option_env!("CARGO_PKG_DESCRIPTION"),
///         },
///         clinic,
///     )
/// }
/// ```
///
/// The `env!`s are expanded in the program's crate, so `--help` and `-V` are the
/// program's: its binary name, its version and its package description. The attribute's
/// optional arguments replace them, `#[hipaa_stack::main(name = "clinic", version =
/// "2.1.0", about = "The clinic's stacks")]`; the app's name (its stacks' `hipaa-stack:app`
/// tag) stays the package name.
///
/// A program with arguments of its own takes them as a second parameter, a
/// type deriving `clap::Args` (`hipaa_stack::clap`), and gets them on every
/// command: `fn scale(app: &mut App, args: Scale) -> Result<()>`.
///
/// The attribute takes only `name`, `version` and `about`, each a string literal, each at
/// most once. The function must take one or two
/// parameters (no `self`), return a type, and must not be named `main`,
/// `async`, `unsafe`, `extern` or generic; each of these is a compile error
/// spanned on the offending tokens. The examples are not compiled here; the compiled
/// examples live in the `hipaa-stack` crate.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = TokenStream2::from(item);
    guard(&item, || {
        expand::main(parse::main_fn(args.into(), &item), &item)
    })
}

/// A retention period in days, checked at compile time.
///
/// The input is an integer literal, with no suffix or a `u16`, `u32` or
/// `u64` suffix, from 1 to 36500 (100 years): a retention of 0 days keeps
/// nothing. It expands to `::hipaa_stack::Days::<N>::__from_macro()`, a value
/// that carries the number of days in its type (checked once more in const
/// evaluation).
///
/// ```text
/// let retention = hipaa_stack::days!(2190); // six years
/// ```
///
/// `days!(0)` fails with "invalid number of days \`0\`: a retention of 0 days
/// keeps nothing", spanned on the `0`. The examples are not compiled here;
/// the compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn days(input: TokenStream) -> TokenStream {
    function_like(input, parse::days, expand::days)
}

/// An IPv4 or IPv6 CIDR block, checked at compile time.
///
/// The input is a string literal holding an address and a prefix length:
/// at most 32 for IPv4, as in `"10.20.0.0/16"`, and at most 128 for IPv6, as
/// in `"fd00:10::/48"`. The prefix length is required, the bits of the
/// address after the prefix must be zero, and IPv4 octets have no leading
/// zeros. It expands to a call of `::hipaa_stack::Cidr::__from_macro` in a
/// `const` block, which checks the block once more when the program is compiled.
///
/// ```text
/// let vpc = hipaa_stack::cidr!("10.20.0.0/16");
/// ```
///
/// The internet, `cidr!("0.0.0.0/0")` or `cidr!("::/0")`, expands to a call
/// to `::hipaa_stack::literal::Internet::IPV4` or `IPV6` instead: a type of its
/// own, not a `Cidr`, so that a security group rule that would open SSH, RDP,
/// a database port or every port to the internet does not compile.
///
/// `cidr!("10.20.1.0/16")` fails with "invalid CIDR block \`10.20.1.0/16\`:
/// the host bits after a /16 prefix must be zero; did you mean
/// \`10.20.0.0/16\`?", spanned on the literal. The examples are not compiled
/// here; the compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn cidr(input: TokenStream) -> TokenStream {
    function_like(input, parse::cidr, expand::cidr)
}

/// An S3 bucket name, checked at compile time.
///
/// The input is a string literal of 3 to 63 lower-case letters, digits and
/// hyphens, starting and ending with a letter or digit. Dots are refused,
/// because a dotted name cannot be reached over virtual-hosted HTTPS without
/// certificate errors and hipaa-stack buckets accept TLS only. The prefixes
/// `xn--`, `sthree-` and `amzn-s3-demo-` and the suffixes `-s3alias`,
/// `--ol-s3`, `--x-s3` and `--table-s3` are reserved by S3. It expands to
/// `::hipaa_stack::BucketName::__from_macro("…")` in a `const` block, which
/// checks the name once more when the program is compiled.
///
/// ```text
/// let name = hipaa_stack::bucket_name!("patient-records");
/// ```
///
/// `bucket_name!("My_Bucket")` fails with "invalid bucket name
/// \`My_Bucket\`: bucket names use only lower-case letters, digits and
/// hyphens", spanned on the literal. The examples are not compiled here; the
/// compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn bucket_name(input: TokenStream) -> TokenStream {
    function_like(input, parse::bucket_name, expand::bucket_name)
}

/// A CloudFormation stack name, checked at compile time.
///
/// The input is a string literal: an ASCII letter, then ASCII letters,
/// digits and hyphens, at most 128 characters in all. It expands to
/// `::hipaa_stack::StackName::__from_macro("…")` in a `const` block, which
/// checks the name once more when the program is compiled.
///
/// ```text
/// let name = hipaa_stack::stack_name!("clinic-data");
/// ```
///
/// `stack_name!("clinic_data")` fails with "invalid stack name
/// \`clinic_data\`: stack names use only ASCII letters, digits and hyphens",
/// spanned on the literal. The examples are not compiled here; the compiled
/// examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn stack_name(input: TokenStream) -> TokenStream {
    function_like(input, parse::stack_name, expand::stack_name)
}

/// An AWS region, checked at compile time, for a stack pinned to a region
/// (`app.stack_in(.., region!("us-west-2"))`).
///
/// The input is a string literal: lower-case words joined by hyphens, ending in
/// a number, like `"us-east-1"` or `"us-gov-west-1"`. It expands to
/// `::hipaa_stack::Region::__from_macro("…")` in a `const` block, which checks
/// the name once more when the program is compiled.
///
/// ```text
/// let dr = hipaa_stack::region!("us-west-2");
/// ```
///
/// `region!("us-east")` fails with "invalid region \`us-east\`: …", spanned on
/// the literal. The compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn region(input: TokenStream) -> TokenStream {
    function_like(input, parse::region, expand::region)
}

/// An AWS account id, checked at compile time, for the account an environment deploys
/// to (`app.environment("production", account!("123456789012"), region!("us-east-1"))`).
///
/// The input is a string literal of exactly twelve digits. It expands to
/// `::hipaa_stack::AccountId::__from_macro("…")` in a `const` block, which checks the id
/// once more when the program is compiled.
///
/// ```text
/// let production = hipaa_stack::account!("123456789012");
/// ```
///
/// `account!("1234-5678-9012")` fails with "invalid account id \`1234-5678-9012\`: …",
/// spanned on the literal. The compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn account(input: TokenStream) -> TokenStream {
    function_like(input, parse::account, expand::account)
}

/// A calendar date, checked at compile time, for the expiry of a waiver.
///
/// The input is a string literal `YYYY-MM-DD` naming a real day, as in `"2027-03-31"`. It
/// expands to a call of `::hipaa_stack::Date::__from_macro` in a `const` block.
///
/// ```text
/// let expiry = hipaa_stack::date!("2027-03-31");
/// ```
///
/// `date!("2027-02-29")` fails with "invalid date \`2027-02-29\`: that month has 28 days in
/// 2027", spanned on the literal. The compiled examples live in the `hipaa-stack` crate.
#[proc_macro]
pub fn date(input: TokenStream) -> TokenStream {
    function_like(input, parse::date, expand::date)
}

/// Text for an instance's user data, checked at compile time.
///
/// The input is a string literal or any expression that is text at compile time, such as
/// `include_str!("boot.sh")` or `concat!(..)`; text made at run time does not compile. The
/// text may not hold a dynamic reference (`{{resolve:…}}`), a private key, an AWS access
/// key id, a literal assigned to a name ending in `password`, `secret`, `token`, `auth` or a
/// key word (directly or copied through other variables, `X=…; DB_PASSWORD=$X`), an HTTP
/// `Authorization` header, a Redis `requirepass` or a `.pgpass` line with its credential,
/// or a password passed to a command as a flag or an operand (`mysql -p…`,
/// `htpasswd -b FILE USER …`, read through quotes, line continuations and `$IFS`); shell
/// that hides what it runs (a word split across lines, escapes that spell letters, a
/// command named by a variable given a password flag, written text decoded with
/// `base64 -d`, a variable named at boot given written text, `eval "$N=…"`) is refused
/// because it cannot be read. It expands to a unit type whose associated constant holds
/// the text, a `const` item that checks the constant (evaluated by `cargo check` as by
/// `cargo build`, with the error on the macro's call), and
/// `::hipaa_stack::UserDataText::__from_source::<that type>()`, which checks it again in
/// const evaluation when it is instantiated (a constant cannot be text made at run time); a
/// string literal is also checked here, with the error on the literal.
///
/// ```text
/// let boot = hipaa_stack::UserData::script(hipaa_stack::user_data!("#!/bin/bash\n"));
/// ```
///
/// `user_data!("export PGPASSWORD=hunter2")` fails with "invalid user data: user data may
/// not assign a literal to a password, …". The compiled examples live in the
/// `hipaa-stack` crate.
#[proc_macro]
pub fn user_data(input: TokenStream) -> TokenStream {
    function_like(input, parse::user_data, expand::user_data)
}

/// Runs a function-like macro: `parse` checks the input, `expand` turns the
/// checked value into code, and errors become `compile_error!`s.
fn function_like<T>(
    input: TokenStream,
    parse: fn(TokenStream2) -> syn::Result<T>,
    expand: fn(T) -> TokenStream2,
) -> TokenStream {
    let input = TokenStream2::from(input);
    guard(&TokenStream2::new(), || {
        parse(input).map_or_else(syn::Error::into_compile_error, expand)
    })
}

/// Runs `expand`, turning a panic (which would be a bug of this crate) into
/// a "bug in hipaa-stack-macros" error followed by `fallback`, so the macros
/// never panic at the user.
fn guard(fallback: &TokenStream2, expand: impl FnOnce() -> TokenStream2) -> TokenStream {
    catch_unwind(AssertUnwindSafe(expand))
        .unwrap_or_else(|_| {
            let error = parse::bug(Span::call_site()).into_compile_error();
            quote::quote! { #error #fallback }
        })
        .into()
}
