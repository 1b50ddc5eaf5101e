//! Code generation: turns checked values from `parse` into the tokens each
//! macro expands to.
//!
//! The generated code names the library only through absolute paths
//! (`::hipaa_stack::…`), so it works wherever the user's crate depends on
//! `hipaa-stack`, whatever the user imported.

use std::net::IpAddr;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::LitStr;

use crate::parse::{Cidr, Date, Days, MainFn, Name};

/// The expansion of `#[hipaa_stack::main]`: the user's function unchanged,
/// plus a `main` that runs it. When the function was refused, the errors
/// and the unchanged function, so that IDEs keep working on it.
pub(crate) fn main(checked: syn::Result<MainFn>, item: &TokenStream) -> TokenStream {
    match checked {
        Ok(MainFn {
            ident,
            with_args,
            metadata,
        }) => {
            let run = if with_args {
                quote! { run_with_args }
            } else {
                quote! { run }
            };
            // Expanded in the user's crate, so `env!` reads the user's package.
            let name = metadata.name.map_or_else(
                || quote! { ::core::option_env!("CARGO_BIN_NAME") },
                |name| quote! { ::core::option::Option::Some(#name) },
            );
            let version = metadata.version.map_or_else(
                || quote! { ::core::env!("CARGO_PKG_VERSION") },
                |version| quote! { #version },
            );
            let about = metadata.about.map_or_else(
                || quote! { ::core::option_env!("CARGO_PKG_DESCRIPTION") },
                |about| quote! { ::core::option::Option::Some(#about) },
            );
            quote! {
                #item
                fn main() -> ::std::process::ExitCode {
                    ::hipaa_stack::__private::#run(
                        ::hipaa_stack::__private::Program {
                            app: ::core::env!("CARGO_PKG_NAME"),
                            name: #name,
                            version: #version,
                            about: #about,
                        },
                        #ident,
                    )
                }
            }
        }
        Err(error) => {
            let error = error.into_compile_error();
            // A stand-in `main` keeps rustc from adding "`main` function not found" (or,
            // for a refused function called `main`, "`main` function has wrong type") to
            // our message. A function called `main` is kept under another name.
            let item = match syn::parse2::<syn::ItemFn>(item.clone()) {
                Ok(mut function) if function.sig.ident == "main" => {
                    function.sig.ident = syn::Ident::new("refused_main", function.sig.ident.span());
                    quote! { #[allow(dead_code)] #function }
                }
                _ => item.clone(),
            };
            quote! {
                #error
                #item
                fn main() {}
            }
        }
    }
}

/// The expansion of `days!(N)`: `::hipaa_stack::Days::<N>`, with `N`
/// unsuffixed and spanned on the user's literal.
pub(crate) fn days(Days { days, span }: Days) -> TokenStream {
    let mut days = Literal::u16_unsuffixed(days);
    days.set_span(span);
    quote! { ::hipaa_stack::Days::<#days>::__from_macro() }
}

/// The expansion of `cidr!("…")`: a call of `Cidr::__from_macro` with the
/// address built from its octets or segments, and the prefix length.
///
/// The internet, `0.0.0.0/0` or `::/0` (the only blocks with a prefix of 0,
/// since host bits are zero), expands to `::hipaa_stack::literal::Internet`
/// instead: a type of its own, so that it cannot be passed where an address
/// range is expected, and a security group rule can open only HTTPS and HTTP
/// to it. Any other block that holds an address of the internet expands to a
/// `::hipaa_stack::literal::PublicCidr`, for the same reason: `0.0.0.0/1` is
/// half the internet.
pub(crate) fn cidr(
    Cidr {
        address,
        prefix_len,
    }: Cidr,
) -> TokenStream {
    // Any other block that holds an address of the internet (`0.0.0.0/1`, a partner's
    // `203.0.113.0/24`) is a `PublicCidr`, which security groups treat as the internet.
    let public = !hipaa_stack_syntax::is_off_internet(address, prefix_len);
    if prefix_len == 0 {
        return if address.is_ipv6() {
            quote! { ::hipaa_stack::literal::Internet::IPV6 }
        } else {
            quote! { ::hipaa_stack::literal::Internet::IPV4 }
        };
    }
    let address = match address {
        IpAddr::V4(v4) => {
            let octets = v4.octets().map(Literal::u8_unsuffixed);
            quote! { ::core::net::IpAddr::V4(::core::net::Ipv4Addr::new(#(#octets),*)) }
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments().map(Literal::u16_unsuffixed);
            quote! { ::core::net::IpAddr::V6(::core::net::Ipv6Addr::new(#(#segments),*)) }
        }
    };
    let prefix_len = Literal::u8_unsuffixed(prefix_len);
    if public {
        checked(quote! { ::hipaa_stack::literal::PublicCidr::__from_macro(#address, #prefix_len) })
    } else {
        checked(quote! { ::hipaa_stack::Cidr::__from_macro(#address, #prefix_len) })
    }
}

/// A call of a hidden constructor, which returns a `Result`, evaluated in a `const` block:
/// the value was checked by `parse` already, and the library checks it once more when the
/// program is compiled, so the constructor never trusts its caller.
pub(crate) fn checked(call: TokenStream) -> TokenStream {
    quote! {
        const {
            match #call {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(rule) => ::core::panic!("{}", rule),
            }
        }
    }
}

/// The expansion of `bucket_name!("…")`.
pub(crate) fn bucket_name(name: Name) -> TokenStream {
    let name = string(name);
    let checked = checked(quote! { ::hipaa_stack::BucketName::__from_macro(#name) });
    quote! { ::hipaa_stack::BucketName::__from_checked(#checked) }
}

/// The expansion of `stack_name!("…")`.
pub(crate) fn stack_name(name: Name) -> TokenStream {
    let name = string(name);
    let checked = checked(quote! { ::hipaa_stack::StackName::__from_macro(#name) });
    quote! { ::hipaa_stack::StackName::__from_checked(#checked) }
}

/// The expansion of `region!("…")`.
pub(crate) fn region(name: Name) -> TokenStream {
    let name = string(name);
    let checked = checked(quote! { ::hipaa_stack::Region::__from_macro(#name) });
    quote! { ::hipaa_stack::Region::__from_checked(#checked) }
}

/// The expansion of `account!("…")`.
pub(crate) fn account(name: Name) -> TokenStream {
    let name = string(name);
    let checked = checked(quote! { ::hipaa_stack::AccountId::__from_macro(#name) });
    quote! { ::hipaa_stack::AccountId::__from_checked(#checked) }
}

/// A plain string literal holding the checked value, spanned on the user's
/// literal (which may have been written raw or with escapes).
fn string(Name { value, span }: Name) -> LitStr {
    LitStr::new(&value, span)
}

/// The expansion of `date!("YYYY-MM-DD")`.
pub(crate) fn date(Date { year, month, day }: Date) -> TokenStream {
    let (year, month, day) = (
        Literal::u16_unsuffixed(year),
        Literal::u8_unsuffixed(month),
        Literal::u8_unsuffixed(day),
    );
    checked(quote! { ::hipaa_stack::Date::__from_macro(#year, #month, #day) })
}

/// The expansion of `user_data!(..)`: a `const` item that checks the text, and the hidden
/// constructor, which checks it again, so text made at run time does not build and a secret
/// in text read with `include_str!` is a compile error. A `const` item of no generic
/// parameter is evaluated by `cargo check` as much as by `cargo build`, with the error on
/// the macro's call (the constructor alone, being generic, is checked only when it is
/// instantiated, by `cargo build`).
pub(crate) fn user_data(text: syn::Expr) -> TokenStream {
    quote! {
        {
            struct __HipaaStackUserData;
            impl ::hipaa_stack::__private::UserDataSource for __HipaaStackUserData {
                const TEXT: &'static str = #text;
            }
            #[allow(long_running_const_eval)]
            const _: () = if let ::core::option::Option::Some(rule) =
                ::hipaa_stack::UserDataText::__problem(
                    <__HipaaStackUserData as ::hipaa_stack::__private::UserDataSource>::TEXT,
                ) {
                ::core::panic!("{}", rule)
            };
            ::hipaa_stack::UserDataText::__from_source::<__HipaaStackUserData>()
        }
    }
}
