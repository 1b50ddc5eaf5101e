//! Unit tests of parsing and expansion on `proc_macro2` tokens. The spans of
//! the errors are checked by compiling real uses, in the `hipaa-stack` crate.

use proc_macro2::TokenStream;
use quote::quote;

use crate::{expand, parse};

/// The messages of a failed parse, in order.
fn messages<T>(result: syn::Result<T>) -> Vec<String> {
    match result {
        Ok(_) => panic!("the input was accepted"),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The one message of a failed parse.
fn message<T>(result: syn::Result<T>) -> String {
    let mut all = messages(result);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

fn same(actual: TokenStream, expected: TokenStream) {
    assert_eq!(actual.to_string(), expected.to_string());
}

mod main_attribute {
    use super::*;

    fn check(args: TokenStream, item: TokenStream) -> syn::Result<parse::MainFn> {
        parse::main_fn(args, &item)
    }

    #[test]
    fn generates_main_after_the_function() {
        let item = quote! {
            /// Docs stay.
            pub fn clinic(app: &mut App) -> Result<()> { Ok(()) }
        };
        let checked = check(TokenStream::new(), item.clone());
        same(
            expand::main(checked, &item),
            quote! {
                /// Docs stay.
                pub fn clinic(app: &mut App) -> Result<()> { Ok(()) }
                fn main() -> ::std::process::ExitCode {
                    ::hipaa_stack::__private::run(
                        ::hipaa_stack::__private::Program {
                            app: ::core::env!("CARGO_PKG_NAME"),
                            name: ::core::option_env!("CARGO_BIN_NAME"),
                            version: ::core::env!("CARGO_PKG_VERSION"),
                            about: ::core::option_env!("CARGO_PKG_DESCRIPTION"),
                        },
                        clinic,
                    )
                }
            },
        );
    }

    #[test]
    fn arguments_replace_the_package_metadata() {
        let item = quote! { fn clinic(app: &mut App) -> Result<()> { Ok(()) } };
        let checked = check(
            quote!(name = "clinic", version = "2.1.0", about = "The clinic"),
            item.clone(),
        );
        same(
            expand::main(checked, &item),
            quote! {
                fn clinic(app: &mut App) -> Result<()> { Ok(()) }
                fn main() -> ::std::process::ExitCode {
                    ::hipaa_stack::__private::run(
                        ::hipaa_stack::__private::Program {
                            app: ::core::env!("CARGO_PKG_NAME"),
                            name: ::core::option::Option::Some("clinic"),
                            version: "2.1.0",
                            about: ::core::option::Option::Some("The clinic"),
                        },
                        clinic,
                    )
                }
            },
        );
    }

    #[test]
    fn types_are_not_checked() {
        for item in [
            quote! { fn app(x: Whatever) -> Anything { Anything::default() } },
            quote! { const fn app(_: &mut hipaa_stack::App) -> hipaa_stack::Result<()> { Ok(()) } },
            quote! { pub(crate) fn app((a, b): (u8, u8)) -> () {} },
        ] {
            assert!(check(TokenStream::new(), item).is_ok());
        }
    }

    #[test]
    fn refuses_unknown_repeated_and_non_literal_arguments() {
        let usage = "`#[hipaa_stack::main]` takes `name = \"…\"`, `version = \"…\"` and \
                     `about = \"…\"`, each optional (by default the program's package name, \
                     version and description)";
        let item = quote!(
            fn app(a: &mut App) -> R {}
        );
        assert_eq!(message(check(quote!(x), item.clone())), usage);
        assert_eq!(message(check(quote!(title = "x"), item.clone())), usage);
        assert_eq!(
            message(check(quote!(name = "a", name = "b"), item.clone())),
            "`#[hipaa_stack::main]`: `name` is given twice; keep one"
        );
        assert_eq!(
            message(check(quote!(version = 2), item.clone())),
            "`#[hipaa_stack::main]`: `version` takes a string literal that is not empty"
        );
        assert_eq!(
            message(check(quote!(about = ""), item)),
            "`#[hipaa_stack::main]`: `about` takes a string literal that is not empty"
        );
    }

    #[test]
    fn refuses_async() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    async fn app(a: &mut App) -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function cannot be `async`; remove `async`"
        );
    }

    #[test]
    fn refuses_unsafe_and_extern() {
        assert_eq!(
            messages(check(
                TokenStream::new(),
                quote!(
                    unsafe extern "C" fn app(a: &mut App) -> R {}
                )
            )),
            [
                "a `#[hipaa_stack::main]` function cannot be `unsafe`; remove `unsafe`",
                "a `#[hipaa_stack::main]` function cannot have an `extern` ABI; remove it",
            ]
        );
    }

    #[test]
    fn refuses_generics() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app<T>(a: &mut T) -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function cannot be generic; remove the generic parameters"
        );
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app<'a>(a: &'a mut App) -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function cannot be generic; remove the generic parameters"
        );
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app(a: &mut App) -> R
                    where
                        App: Sized,
                    {
                    }
                )
            )),
            "a `#[hipaa_stack::main]` function cannot be generic; remove the `where` clause"
        );
    }

    #[test]
    fn refuses_the_name_main() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn main(app: &mut App) -> Result<()> {}
                )
            )),
            "a `#[hipaa_stack::main]` function cannot be called `main`: rename it, e.g. \
             `fn my_app(app: &mut App)`; `#[hipaa_stack::main]` writes `main` for you"
        );
    }

    #[test]
    fn refuses_other_numbers_of_parameters() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app() -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function takes `app: &mut App` and, if the program has \
             arguments of its own, `args: A` where `A: clap::Args`; this one takes none"
        );
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app(a: &mut App, b: u8, c: u8) -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function takes `app: &mut App` and, if the program has \
             arguments of its own, `args: A` where `A: clap::Args`; this one takes 3"
        );
    }

    #[test]
    fn passes_the_programs_own_arguments_as_a_second_parameter() {
        let item = quote!(
            fn scale(app: &mut App, args: Scale) -> R {}
        );
        let expanded = expand::main(check(TokenStream::new(), item.clone()), &item).to_string();
        assert!(
            expanded.contains(":: hipaa_stack :: __private :: run_with_args"),
            "{expanded}"
        );
        let item = quote!(
            fn clinic(app: &mut App) -> R {}
        );
        let expanded = expand::main(check(TokenStream::new(), item.clone()), &item).to_string();
        assert!(
            expanded.contains(":: hipaa_stack :: __private :: run ("),
            "{expanded}"
        );
    }

    #[test]
    fn refuses_self() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app(&mut self) -> R {}
                )
            )),
            "a `#[hipaa_stack::main]` function is a free function, not a method, so it cannot \
             take `self`; take `app: &mut App` instead"
        );
    }

    #[test]
    fn refuses_a_missing_return_type() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    fn app(a: &mut App) {}
                )
            )),
            "a `#[hipaa_stack::main]` function must return `hipaa_stack::Result<()>`; \
             add `-> hipaa_stack::Result<()>` after the parameters"
        );
    }

    #[test]
    fn refuses_items_that_are_not_functions() {
        assert_eq!(
            message(check(
                TokenStream::new(),
                quote!(
                    struct App;
                )
            )),
            "`#[hipaa_stack::main]` goes on a function, e.g. \
             `fn my_app(app: &mut App) -> hipaa_stack::Result<()>`"
        );
    }

    #[test]
    fn reports_every_problem_at_once() {
        let all = messages(check(
            quote!(x),
            quote!(
                async fn main<T>(self, b: T, c: T) {}
            ),
        ));
        assert_eq!(all.len(), 7, "{all:#?}");
    }

    #[test]
    fn keeps_the_function_on_error_with_a_stand_in_main() {
        let item = quote!(
            async fn app(a: &mut App) -> R {}
        );
        let expanded = expand::main(check(TokenStream::new(), item.clone()), &item).to_string();
        assert!(
            expanded.starts_with(":: core :: compile_error !"),
            "{expanded}"
        );
        assert!(expanded.contains(&item.to_string()), "{expanded}");
        // The stand-in main runs nothing: it only keeps rustc from adding "main not found".
        assert!(expanded.ends_with("fn main () { }"), "{expanded}");
        assert!(!expanded.contains("__private"), "{expanded}");
    }

    #[test]
    fn keeps_a_refused_function_called_main_under_another_name() {
        let item = quote!(
            fn main(app: &mut App) -> R {}
        );
        let expanded = expand::main(check(TokenStream::new(), item.clone()), &item).to_string();
        assert_eq!(expanded.matches("fn main").count(), 1, "{expanded}");
        assert!(
            expanded.contains("fn refused_main (app : & mut App) -> R"),
            "{expanded}"
        );
        assert!(expanded.ends_with("fn main () { }"), "{expanded}");
    }
}

mod days {
    use super::*;

    #[test]
    fn expands_to_an_unsuffixed_const_argument() {
        for (input, days) in [
            (quote!(35), 35_u16),
            (quote!(35u16), 35),
            (quote!(2190_u32), 2190),
            (quote!(36_500u64), 36_500),
            (quote!(1), 1),
            (quote!(0x10), 16),
        ] {
            match parse::days(input) {
                Ok(checked) => {
                    let days = proc_macro2::Literal::u16_unsuffixed(days);
                    same(
                        expand::days(checked),
                        quote!(::hipaa_stack::Days::<#days>::__from_macro()),
                    );
                }
                Err(error) => panic!("{error}"),
            }
        }
    }

    #[test]
    fn refuses_values_out_of_range() {
        assert_eq!(
            message(parse::days(quote!(0))),
            "invalid number of days `0`: a retention of 0 days keeps nothing"
        );
        assert_eq!(
            message(parse::days(quote!(36501))),
            "invalid number of days `36501`: a retention is at most 36500 days (100 years)"
        );
        assert_eq!(
            message(parse::days(quote!(123456789012345678901234567890))),
            "invalid number of days `123456789012345678901234567890`: a retention is at most \
             36500 days (100 years)"
        );
    }

    #[test]
    fn refuses_other_suffixes() {
        assert_eq!(
            message(parse::days(quote!(35i32))),
            "`days!` takes a literal with no suffix or a `u16`, `u32` or `u64` suffix, not \
             `i32`; write e.g. `days!(35)`"
        );
    }

    #[test]
    fn refuses_what_is_not_an_integer_literal() {
        for input in [
            quote!(),
            quote!(3.5),
            quote!("35"),
            quote!(-1),
            quote!(DAYS),
            quote!(35, 36),
            quote!(7 * 5),
        ] {
            assert_eq!(
                message(parse::days(input)),
                "`days!` takes a whole number of days as a literal, e.g. `days!(35)`"
            );
        }
    }
}

mod cidr {
    use super::*;

    fn expanded(input: TokenStream) -> String {
        match parse::cidr(input) {
            Ok(checked) => expand::cidr(checked).to_string(),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn expands_ipv4() {
        assert_eq!(
            expanded(quote!("10.20.0.0/16")),
            expand::checked(quote!(::hipaa_stack::Cidr::__from_macro(
                ::core::net::IpAddr::V4(::core::net::Ipv4Addr::new(10, 20, 0, 0)),
                16
            )))
            .to_string()
        );
    }

    #[test]
    fn expands_ipv6() {
        assert_eq!(
            expanded(quote!("fd00:10::/48")),
            expand::checked(quote!(::hipaa_stack::Cidr::__from_macro(
                ::core::net::IpAddr::V6(::core::net::Ipv6Addr::new(64768, 16, 0, 0, 0, 0, 0, 0)),
                48
            )))
            .to_string()
        );
    }

    #[test]
    fn expands_the_internet_to_a_type_of_its_own() {
        assert_eq!(
            expanded(quote!("0.0.0.0/0")),
            quote!(::hipaa_stack::literal::Internet::IPV4).to_string()
        );
        assert_eq!(
            expanded(quote!("::/0")),
            quote!(::hipaa_stack::literal::Internet::IPV6).to_string()
        );
        // Any other block holding an address of the internet, however small, is a
        // `PublicCidr`: half the internet is the internet.
        for public in [
            "0.0.0.0/1",
            "128.0.0.0/1",
            "203.0.113.7/32",
            "8000::/1",
            "2001:db8::/32",
        ] {
            assert!(
                expanded(quote!(#public))
                    .contains(":: hipaa_stack :: literal :: PublicCidr :: __from_macro"),
                "{public}"
            );
        }
        // A block of private, shared, loopback or link-local addresses is a `Cidr`.
        for private in [
            "10.0.0.0/8",
            "100.64.0.0/10",
            "169.254.169.254/32",
            "fd00::/8",
        ] {
            assert!(
                expanded(quote!(#private)).contains(":: hipaa_stack :: Cidr :: __from_macro"),
                "{private}"
            );
        }
    }

    #[test]
    fn reads_raw_strings() {
        assert_eq!(
            expanded(quote!(r"0.0.0.0/0")),
            expanded(quote!("0.0.0.0/0"))
        );
    }

    #[test]
    fn refuses_bad_blocks_with_the_rule() {
        assert_eq!(
            message(parse::cidr(quote!("10.20.1.0/16"))),
            "invalid CIDR block `10.20.1.0/16`: the host bits after a /16 prefix must be zero; \
             did you mean `10.20.0.0/16`?"
        );
        assert_eq!(
            message(parse::cidr(quote!("10.20.0.0"))),
            "invalid CIDR block `10.20.0.0`: a CIDR block needs a prefix length after a `/`, \
             e.g. `10.20.0.0/16`"
        );
    }

    #[test]
    fn refuses_what_is_not_a_string_literal() {
        for input in [
            quote!(),
            quote!(10.20),
            quote!(b"10.20.0.0/16"),
            quote!(BLOCK),
            quote!("10.20.0.0/16" "x"),
        ] {
            assert_eq!(
                message(parse::cidr(input)),
                "`cidr!` takes a CIDR block as a string literal, e.g. `cidr!(\"10.20.0.0/16\")`"
            );
        }
    }

    #[test]
    fn refuses_suffixed_strings() {
        let input: TokenStream = "\"10.20.0.0/16\"suffix".parse().unwrap();
        assert_eq!(
            message(parse::cidr(input)),
            "`cidr!` takes a CIDR block as a string literal, e.g. `cidr!(\"10.20.0.0/16\")`"
        );
    }
}

mod names {
    use super::*;

    #[test]
    fn bucket_name_expands() {
        match parse::bucket_name(quote!("patient-records")) {
            Ok(checked) => same(expand::bucket_name(checked), {
                let c = expand::checked(quote!(::hipaa_stack::BucketName::__from_macro(
                    "patient-records"
                )));
                quote!(::hipaa_stack::BucketName::__from_checked(#c))
            }),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn escapes_are_resolved_before_the_check() {
        let input: TokenStream = r#""patient\x2drecords""#.parse().unwrap();
        match parse::bucket_name(input) {
            Ok(checked) => same(expand::bucket_name(checked), {
                let c = expand::checked(quote!(::hipaa_stack::BucketName::__from_macro(
                    "patient-records"
                )));
                quote!(::hipaa_stack::BucketName::__from_checked(#c))
            }),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn stack_name_expands() {
        match parse::stack_name(quote!("clinic-data")) {
            Ok(checked) => same(expand::stack_name(checked), {
                let c = expand::checked(quote!(::hipaa_stack::StackName::__from_macro(
                    "clinic-data"
                )));
                quote!(::hipaa_stack::StackName::__from_checked(#c))
            }),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn refuse_names_that_break_a_rule() {
        assert_eq!(
            message(parse::bucket_name(quote!("My_Bucket"))),
            "invalid bucket name `My_Bucket`: bucket names use only lower-case letters, digits \
             and hyphens"
        );
        assert_eq!(
            message(parse::stack_name(quote!("1st-stack"))),
            "invalid stack name `1st-stack`: stack names start with an ASCII letter"
        );
        assert_eq!(
            message(parse::region(quote!("US-EAST-1"))),
            "invalid region `US-EAST-1`: region names are lower-case words joined by hyphens \
             and end in a number, like `us-east-1`"
        );
        assert_eq!(
            message(parse::region(quote!(us_east_1))),
            "`region!` takes an AWS region as a string literal, e.g. `region!(\"us-west-2\")`"
        );
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert_eq!(
            message(parse::account(quote!("1234-5678-9012"))),
            "invalid account id `1234-5678-9012`: account ids are exactly twelve digits, like \
             `123456789012`, without hyphens or spaces"
        );
        assert_eq!(
            message(parse::account(quote!(123456789012))),
            "`account!` takes an AWS account id as a string literal, e.g. \
             `account!(\"123456789012\")`"
        );
        match parse::account(quote!("012345678901")) {
            Ok(checked) => same(expand::account(checked), {
                let c = expand::checked(quote!(::hipaa_stack::AccountId::__from_macro(
                    "012345678901"
                )));
                quote!(::hipaa_stack::AccountId::__from_checked(#c))
            }),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn region_expands() {
        match parse::region(quote!("us-west-2")) {
            Ok(checked) => same(expand::region(checked), {
                let c = expand::checked(quote!(::hipaa_stack::Region::__from_macro("us-west-2")));
                quote!(::hipaa_stack::Region::__from_checked(#c))
            }),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn refuse_what_is_not_a_string_literal() {
        assert_eq!(
            message(parse::bucket_name(quote!(patient_records))),
            "`bucket_name!` takes a bucket name as a string literal, e.g. \
             `bucket_name!(\"patient-records\")`"
        );
        assert_eq!(
            message(parse::stack_name(quote!(42))),
            "`stack_name!` takes a stack name as a string literal, e.g. \
             `stack_name!(\"clinic-data\")`"
        );
    }
}

mod user_data {
    use super::*;

    #[test]
    fn a_literal_with_a_secret_is_refused_here() {
        for input in [
            quote!("export PGPASSWORD=hunter2\n"),
            quote!("echo {{resolve:secretsmanager:db}}"),
            quote!(r"API_TOKEN='abc'"),
            // Shell that hides a command: read as the shell reads it, or refused unread.
            quote!("mysql -u admin \\\n  -phunter2 ehr\n"),
            quote!("c\"u\"rl -u admin:hunter2 https://example.com\n"),
            quote!("a=mysql; $a -phunter2\n"),
            quote!("echo bXlzcWwgLXBodW50ZXIy | base64 -d | sh\n"),
            quote!(r"printf '\155ysql -phunter2' | sh"),
            quote!(r#"echo 'rocommunity public' >> /etc/snmp/snmpd.conf"#),
        ] {
            let text = message(parse::user_data(input));
            assert!(
                text.starts_with("invalid user data: user data may not"),
                "{text}"
            );
        }
    }

    /// A piece longer than EC2 accepts (16 KiB before base64) is refused before it is read,
    /// so that no check runs over text no instance could be given; one at the limit is read.
    #[test]
    fn a_literal_longer_than_ec2_accepts_is_refused_here() {
        let at_limit = format!("#!/bin/bash\n{}\n", "#".repeat(16 * 1024 - 13));
        assert_eq!(at_limit.len(), 16 * 1024);
        assert!(parse::user_data(quote!(#at_limit)).is_ok());
        let over = format!("{at_limit}#");
        let text = message(parse::user_data(quote!(#over)));
        assert!(
            text.starts_with("invalid user data: user data may not be longer than 16384 bytes"),
            "{text}"
        );
    }

    #[test]
    fn other_expressions_are_left_to_const_evaluation() {
        let input = quote!(include_str!("boot.sh"));
        match parse::user_data(input) {
            Ok(expr) => same(
                expand::user_data(expr),
                quote!({
                    struct __HipaaStackUserData;
                    impl ::hipaa_stack::__private::UserDataSource for __HipaaStackUserData {
                        const TEXT: &'static str = include_str!("boot.sh");
                    }
                    #[allow(long_running_const_eval)]
                    const _: () = if let ::core::option::Option::Some(rule) =
                        ::hipaa_stack::UserDataText::__problem(
                            <__HipaaStackUserData as ::hipaa_stack::__private::UserDataSource>::TEXT,
                        ) {
                        ::core::panic!("{}", rule)
                    };
                    ::hipaa_stack::UserDataText::__from_source::<__HipaaStackUserData>()
                }),
            ),
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn empty_or_malformed_input_is_refused_with_the_usage() {
        for input in [
            quote!(),
            quote!(=> nonsense),
            // Literals that are no script: a byte string, a C string, a number, a string
            // with a suffix.
            quote!(b"export PGPASSWORD=hunter2\n"),
            quote!(c"#!/bin/bash"),
            quote!(42),
        ] {
            let text = message(parse::user_data(input));
            assert_eq!(
                text,
                "`user_data!` takes the script as a string literal or `include_str!(\"boot.sh\")`, e.g. `user_data!(\"#!/bin/bash\\n\")`"
            );
        }
    }
}
