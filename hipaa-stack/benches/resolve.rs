//! Synth of a large app: 10,000 resources in 50 stacks, every bucket importing the shared
//! stack's key and access-log bucket across stacks.
//!
//! `cargo bench -p hipaa-stack --bench resolve` prints, for each phase, the median of
//! several runs. It is a program that prints figures, not a test: nothing here can fail
//! on a slow machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hipaa_stack::prelude::*;

const STACKS: usize = 50;
const BUCKETS_PER_STACK: usize = 102;
const RUNS: usize = 7;

fn build() -> App {
    let app = App::new("bench");
    let shared = app.stack("shared").expect("valid name");
    let key = shared.add(KmsKey::new("PhiKey")).expect("valid key");
    let logs = shared
        .add(AccessLogBucket::new("AccessLogs"))
        .expect("valid bucket");
    for s in 1..STACKS {
        let stack = app
            .stack(format!("data-{s:02}").as_str())
            .expect("valid name");
        for b in 0..BUCKETS_PER_STACK {
            stack
                .add(
                    SecureBucket::new(format!("Records{b}"))
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .expect("valid bucket");
        }
    }
    app
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut build_times = Vec::new();
    let mut synth_times = Vec::new();
    let mut resources = 0;
    let mut bytes = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let app = black_box(build());
        build_times.push(start.elapsed());

        let start = Instant::now();
        let assembly = black_box(app.synth().expect("the app synthesizes"));
        synth_times.push(start.elapsed());

        resources = assembly.graph().resources.len();
        bytes = assembly
            .stacks()
            .iter()
            .map(|s| s.template_json().len())
            .sum();
    }
    let build = median(build_times);
    let synth = median(synth_times);
    println!(
        "{resources} resources in {STACKS} stacks, {:.1} MB of templates (median of {RUNS} runs)",
        bytes as f64 / 1e6
    );
    println!(
        "  build the app            {:>8.1} ms",
        build.as_secs_f64() * 1e3
    );
    println!(
        "  synth (render, resolve, check, serialize) {:>8.1} ms",
        synth.as_secs_f64() * 1e3
    );
    println!(
        "  total                    {:>8.1} ms",
        (build + synth).as_secs_f64() * 1e3
    );
}
