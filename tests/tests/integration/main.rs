//! Integration tests of hipaa-stack, built as one binary with a module per area.
//!
//! They run the examples as users do (the real binaries, built by `cargo build -p NAME`),
//! snapshot what they write, and validate the templates with cfn-lint.

mod aws_rules;
mod cfn_lint;
mod cli;
mod compliant_props;
mod controls_doc;
mod database_logs;
mod default_groups;
mod deploy;
mod deploy_names;
mod deploy_pace;
mod deploy_probe17d;
mod deploy_states;
mod docproc;
mod environments;
mod examples;
mod fake;
mod faults;
mod frontdoor_rules;
mod graph_props;
mod images;
mod input_props;
mod moto;
mod network_acls;
mod peers;
mod portal;
mod replica_keys;
mod report;
mod rules;
mod safety;
mod service_rules;
mod spellings;
mod support;
