//! Parsing and validation: turns the tokens a macro was given into checked
//! values, or into `syn::Error`s spanned on the offending tokens.
//!
//! Nothing here generates code; see `expand` for that.

use std::net::IpAddr;
use std::num::IntErrorKind;

use hipaa_stack_syntax::{
    Violation, check_account_id, check_bucket_name, check_days, check_region, check_stack_name,
    parse_cidr, parse_date, user_data_piece_problem,
};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{FnArg, Item, ItemFn, Lit, LitInt, LitStr, ReturnType, Signature};

/// The message of every error that should be impossible.
const BUG: &str = "bug in hipaa-stack-macros, please report it";

/// An error for a state this crate should never reach.
pub(crate) fn bug(span: Span) -> syn::Error {
    syn::Error::new(span, BUG)
}

/// The function under `#[hipaa_stack::main]`, once checked.
pub(crate) struct MainFn {
    /// The name of the user's function, which the generated `main` calls.
    pub(crate) ident: syn::Ident,
    /// Whether it takes the program's own arguments as a second parameter.
    pub(crate) with_args: bool,
    /// What the attribute's arguments override of the program's Cargo metadata.
    pub(crate) metadata: Metadata,
}

/// The arguments of `#[hipaa_stack::main(name = "…", version = "…", about = "…")]`: each
/// replaces what the program's own package says (`CARGO_BIN_NAME`, `CARGO_PKG_VERSION`,
/// `CARGO_PKG_DESCRIPTION`) in `--help` and `-V`.
#[derive(Default)]
pub(crate) struct Metadata {
    /// The program's name in `--help` and `-V`.
    pub(crate) name: Option<LitStr>,
    /// The version `-V` prints.
    pub(crate) version: Option<LitStr>,
    /// The one-line description `--help` starts with.
    pub(crate) about: Option<LitStr>,
}

/// A checked `days!` literal.
pub(crate) struct Days {
    /// The number of days, in `1..=36500`.
    pub(crate) days: u16,
    /// Where the literal was written.
    pub(crate) span: Span,
}

/// A checked `cidr!` literal.
pub(crate) struct Cidr {
    /// The network address, with all host bits zero.
    pub(crate) address: IpAddr,
    /// The prefix length, at most 32 for IPv4 and 128 for IPv6.
    pub(crate) prefix_len: u8,
}

/// A checked `bucket_name!` or `stack_name!` literal.
pub(crate) struct Name {
    /// The name, as the string literal means it.
    pub(crate) value: String,
    /// Where the literal was written.
    pub(crate) span: Span,
}

/// How the attribute is spelled in messages.
const MAIN: &str = "`#[hipaa_stack::main]`";

/// Checks the arguments and the item of `#[hipaa_stack::main]`.
///
/// Every problem found is reported, combined into one `syn::Error`.
pub(crate) fn main_fn(args: TokenStream, item: &TokenStream) -> syn::Result<MainFn> {
    let mut errors = Vec::new();
    let metadata = main_args(args).unwrap_or_else(|error| {
        errors.push(error);
        Metadata::default()
    });
    let ident = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => {
            errors.extend(check_main_fn(&function));
            Some((function.sig.inputs.len() == 2, function.sig.ident))
        }
        Ok(other) => {
            errors.push(syn::Error::new_spanned(
                other,
                format!(
                    "{MAIN} goes on a function, \
                     e.g. `fn my_app(app: &mut App) -> hipaa_stack::Result<()>`"
                ),
            ));
            None
        }
        Err(error) => {
            errors.push(error);
            None
        }
    };
    match (combine(errors), ident) {
        (Some(error), _) => Err(error),
        (None, Some((with_args, ident))) => Ok(MainFn {
            ident,
            with_args,
            metadata,
        }),
        (None, None) => Err(bug(Span::call_site())),
    }
}

/// Parses the attribute's arguments: `name`, `version` and `about`, each at most once, each
/// a string literal.
fn main_args(args: TokenStream) -> syn::Result<Metadata> {
    use syn::parse::Parser;
    const USAGE: &str = "takes `name = \"…\"`, `version = \"…\"` and `about = \"…\"`, each \
                         optional (by default the program's package name, version and \
                         description)";
    let mut metadata = Metadata::default();
    if args.is_empty() {
        return Ok(metadata);
    }
    let pairs = syn::punctuated::Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated
        .parse2(args.clone())
        .map_err(|error| syn::Error::new(error.span(), format!("{MAIN} {USAGE}")))?;
    let mut errors = Vec::new();
    for pair in pairs {
        let key = pair.path.get_ident().map(ToString::to_string);
        let slot = match key.as_deref() {
            Some("name") => &mut metadata.name,
            Some("version") => &mut metadata.version,
            Some("about") => &mut metadata.about,
            _ => {
                errors.push(syn::Error::new_spanned(
                    &pair.path,
                    format!("{MAIN} {USAGE}"),
                ));
                continue;
            }
        };
        let value = match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) if lit.suffix().is_empty() && !lit.value().trim().is_empty() => lit.clone(),
            other => {
                errors.push(syn::Error::new_spanned(
                    other,
                    format!(
                        "{MAIN}: `{}` takes a string literal that is not empty",
                        pair.path.to_token_stream()
                    ),
                ));
                continue;
            }
        };
        if slot.is_some() {
            errors.push(syn::Error::new_spanned(
                &pair.path,
                format!(
                    "{MAIN}: `{}` is given twice; keep one",
                    pair.path.to_token_stream()
                ),
            ));
        } else {
            *slot = Some(value);
        }
    }
    combine(errors).map_or(Ok(metadata), Err)
}

/// Combines `errors` into one, or `None` when there are none.
fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, next| {
        all.combine(next);
        all
    })
}

/// The problems with the signature of a `#[hipaa_stack::main]` function.
fn check_main_fn(function: &ItemFn) -> Vec<syn::Error> {
    let Signature {
        asyncness,
        unsafety,
        abi,
        ident,
        generics,
        paren_token,
        inputs,
        output,
        ..
    } = &function.sig;
    let mut errors = Vec::new();
    let mut error = |tokens: &dyn ToTokens, message: String| {
        errors.push(syn::Error::new_spanned(tokens, message));
    };

    if let Some(asyncness) = asyncness {
        error(
            asyncness,
            format!("a {MAIN} function cannot be `async`; remove `async`"),
        );
    }
    if let Some(unsafety) = unsafety {
        error(
            unsafety,
            format!("a {MAIN} function cannot be `unsafe`; remove `unsafe`"),
        );
    }
    if let Some(abi) = abi {
        error(
            abi,
            format!("a {MAIN} function cannot have an `extern` ABI; remove it"),
        );
    }
    if ident == "main" {
        error(
            ident,
            format!(
                "a {MAIN} function cannot be called `main`: rename it, \
                 e.g. `fn my_app(app: &mut App)`; {MAIN} writes `main` for you"
            ),
        );
    }
    if !generics.params.is_empty() {
        error(
            generics,
            format!("a {MAIN} function cannot be generic; remove the generic parameters"),
        );
    }
    if let Some(where_clause) = &generics.where_clause {
        error(
            where_clause,
            format!("a {MAIN} function cannot be generic; remove the `where` clause"),
        );
    }
    for input in inputs {
        if let FnArg::Receiver(receiver) = input {
            error(
                receiver,
                format!(
                    "a {MAIN} function is a free function, not a method, so it cannot take \
                     `self`; take `app: &mut App` instead"
                ),
            );
        }
    }
    let count = inputs.len();
    match count {
        1 | 2 => {}
        0 => errors.push(syn::Error::new(
            paren_token.span.join(),
            format!(
                "a {MAIN} function takes `app: &mut App` and, if the program has arguments of \
                 its own, `args: A` where `A: clap::Args`; this one takes none"
            ),
        )),
        _ => {
            let extra: Vec<_> = inputs.iter().skip(2).collect();
            errors.push(syn::Error::new_spanned(
                quote::quote!(#(#extra),*),
                format!(
                    "a {MAIN} function takes `app: &mut App` and, if the program has arguments \
                     of its own, `args: A` where `A: clap::Args`; this one takes {count}"
                ),
            ));
        }
    }
    if let ReturnType::Default = output {
        errors.push(syn::Error::new(
            paren_token.span.close(),
            format!(
                "a {MAIN} function must return `hipaa_stack::Result<()>`; \
                 add `-> hipaa_stack::Result<()>` after the parameters"
            ),
        ));
    }
    errors
}

/// Parses the input of `days!` and checks it with `check_days`.
pub(crate) fn days(input: TokenStream) -> syn::Result<Days> {
    const USAGE: &str = "`days!` takes a whole number of days as a literal, e.g. `days!(35)`";
    let lit = literal(input, USAGE, |lit| match lit {
        // syn reads `-1` as one negative literal.
        Lit::Int(lit) if !lit.base10_digits().starts_with('-') => Some(lit),
        _ => None,
    })?;
    if !matches!(lit.suffix(), "" | "u16" | "u32" | "u64") {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`days!` takes a literal with no suffix or a `u16`, `u32` or `u64` suffix, \
                 not `{}`; write e.g. `days!(35)`",
                lit.suffix()
            ),
        ));
    }
    let days = match lit.base10_digits().parse::<u64>() {
        Ok(days) => check_days(days).map_err(|violation| violated(lit.span(), &violation))?,
        Err(error) if *error.kind() == IntErrorKind::PosOverflow => {
            return Err(too_many_days(&lit));
        }
        Err(_) => return Err(bug(lit.span())),
    };
    Ok(Days {
        days,
        span: lit.span(),
    })
}

/// The error for a `days!` literal too large even for a `u64`: the message of
/// the largest `u64`, but naming the literal as written.
fn too_many_days(lit: &LitInt) -> syn::Error {
    match check_days(u64::MAX) {
        Err(violation) => syn::Error::new(
            lit.span(),
            format!(
                "invalid {} `{}`: {}",
                violation.what(),
                lit.base10_digits(),
                violation.rule()
            ),
        ),
        Ok(_) => bug(lit.span()),
    }
}

/// Parses the input of `cidr!` and checks it with `parse_cidr`.
pub(crate) fn cidr(input: TokenStream) -> syn::Result<Cidr> {
    let lit = string_literal(
        input,
        "`cidr!` takes a CIDR block as a string literal, e.g. `cidr!(\"10.20.0.0/16\")`",
    )?;
    let (address, prefix_len) =
        parse_cidr(&lit.value()).map_err(|violation| violated(lit.span(), &violation))?;
    Ok(Cidr {
        address,
        prefix_len,
    })
}

/// Parses the input of `bucket_name!` and checks it with `check_bucket_name`.
pub(crate) fn bucket_name(input: TokenStream) -> syn::Result<Name> {
    name(
        input,
        "`bucket_name!` takes a bucket name as a string literal, \
         e.g. `bucket_name!(\"patient-records\")`",
        check_bucket_name,
    )
}

/// Parses the input of `stack_name!` and checks it with `check_stack_name`.
pub(crate) fn stack_name(input: TokenStream) -> syn::Result<Name> {
    name(
        input,
        "`stack_name!` takes a stack name as a string literal, \
         e.g. `stack_name!(\"clinic-data\")`",
        check_stack_name,
    )
}

/// Parses the input of `region!` and checks it with `check_region`.
pub(crate) fn region(input: TokenStream) -> syn::Result<Name> {
    name(
        input,
        "`region!` takes an AWS region as a string literal, e.g. `region!(\"us-west-2\")`",
        check_region,
    )
}

/// Parses the input of `account!` and checks it with `check_account_id`.
pub(crate) fn account(input: TokenStream) -> syn::Result<Name> {
    name(
        input,
        "`account!` takes an AWS account id as a string literal, e.g. `account!(\"123456789012\")`",
        check_account_id,
    )
}

/// A checked date: year, month, day.
pub(crate) struct Date {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

/// Checks the input of `date!`.
pub(crate) fn date(input: TokenStream) -> syn::Result<Date> {
    let lit = string_literal(
        input,
        "`date!` takes a date as a string literal, e.g. `date!(\"2027-03-31\")`",
    )?;
    let (year, month, day) =
        parse_date(&lit.value()).map_err(|violation| violated(lit.span(), &violation))?;
    Ok(Date { year, month, day })
}

/// Checks the input of `user_data!`: a string literal is checked here, with the error on
/// the literal; any other expression (`include_str!("boot.sh")`, `concat!(..)`) is left to
/// the check in const evaluation that the expansion runs.
pub(crate) fn user_data(input: TokenStream) -> syn::Result<syn::Expr> {
    const USAGE: &str = "`user_data!` takes the script as a string literal or \
                         `include_str!(\"boot.sh\")`, e.g. `user_data!(\"#!/bin/bash\\n\")`";
    if input.is_empty() {
        return Err(syn::Error::new(Span::call_site(), USAGE));
    }
    let expr: syn::Expr =
        syn::parse2(input.clone()).map_err(|_| syn::Error::new_spanned(&input, USAGE))?;
    // A literal of another kind (a byte string `b"…"`, a C string, a number) or a string
    // with a suffix is no script: refused here with the usage, not left to a type error.
    if let syn::Expr::Lit(syn::ExprLit { lit, .. }) = &expr
        && !matches!(lit, Lit::Str(text) if text.suffix().is_empty())
    {
        return Err(syn::Error::new_spanned(lit, USAGE));
    }
    if let syn::Expr::Lit(syn::ExprLit {
        lit: Lit::Str(lit), ..
    }) = &expr
        && let Some(rule) = user_data_piece_problem(&lit.value())
    {
        return Err(syn::Error::new(
            lit.span(),
            format!("invalid user data: {rule}"),
        ));
    }
    Ok(expr)
}

/// Parses a string literal and checks its value with `check`.
fn name(
    input: TokenStream,
    usage: &str,
    check: fn(&str) -> Result<(), Violation>,
) -> syn::Result<Name> {
    let lit = string_literal(input, usage)?;
    let value = lit.value();
    check(&value).map_err(|violation| violated(lit.span(), &violation))?;
    Ok(Name {
        value,
        span: lit.span(),
    })
}

/// The input as a single string literal without a suffix, or an error with
/// the message `usage`.
fn string_literal(input: TokenStream, usage: &str) -> syn::Result<LitStr> {
    literal(input, usage, |lit| match lit {
        Lit::Str(lit) if lit.suffix().is_empty() => Some(lit),
        _ => None,
    })
}

/// The input as a single literal that `select` accepts, or an error with the
/// message `usage` spanned on the whole input (on the macro call when the
/// input is empty).
fn literal<T>(
    input: TokenStream,
    usage: &str,
    select: impl FnOnce(Lit) -> Option<T>,
) -> syn::Result<T> {
    if input.is_empty() {
        return Err(syn::Error::new(Span::call_site(), usage));
    }
    syn::parse2::<Lit>(input.clone())
        .ok()
        .and_then(select)
        .ok_or_else(|| syn::Error::new_spanned(input, usage))
}

/// The error for a literal that breaks a rule: the violation's own text.
fn violated(span: Span, violation: &Violation) -> syn::Error {
    syn::Error::new(span, violation)
}
