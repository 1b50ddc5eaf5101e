#!/usr/bin/env node
// cdk-nag's HIPAA Security pack over CloudFormation templates written by hipaa-stack.
//
//   node tests/peers/cdk-nag/check.js [--keep-going] DIR_OR_TEMPLATE...
//
// Each `*.template.json` (a directory is searched one level deep) is loaded into a CDK stack of
// its own with `cloudformation_include.CfnInclude`, which keeps every resource's logical id and
// its `Metadata`, so cdk-nag reads the suppressions the template carries itself
// (`Metadata.cdk_nag.rules_to_suppress`, each with its reason). The pack is applied as an
// aspect, the app is synthesized into a temporary directory, and one JSON document goes to
// standard output:
//
//   { "cdkNag": "2.38.2", "pack": "HIPAA.Security", "templates": 2, "checks": 123,
//     "findings": [ { "template", "resource", "type", "rule", "finding", "level",
//                     "suppressed", "reason" } ] }
//
// `checks` counts every rule the pack ran on a resource (compliant or not), so a caller can
// tell "nothing found" from "nothing checked". `level` is `Error` or `Warning`, or
// `ValidationFailure` when a rule could not judge a resource (cdk-nag's own report of a rule
// that threw, e.g. on a value known only at deploy). Exit status 0 when the templates were
// checked, whatever the findings; 2 on a usage or load error.
//
// With `--keep-going`, a template that `CfnInclude` cannot load (it refuses, e.g., a boolean
// written `"FALSE"`, a `Ref` to nothing, or a property of another shape than CDK's own types,
// found by rendering each stack first with `Stack._toCloudFormation`, CDK's internal render
// that synthesis calls) is left out and listed in the report's `unloaded`
// (`{ "template", "error" }`) instead of stopping the run, so that a caller judging many
// small templates at once (the compliant corpus, `tests/tests/integration/peers.rs`) can
// tell which ones cdk-nag never judged; `templates` then counts only the loaded ones.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Aspects, Stack } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { HIPAASecurityChecks } = require('cdk-nag');

function templatesOf(args) {
  const files = [];
  for (const arg of args) {
    if (fs.statSync(arg).isDirectory()) {
      for (const name of fs.readdirSync(arg).sort()) {
        if (name.endsWith('.template.json')) files.push(path.join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

// Collects what the pack reports; cdk-nag calls one of these per rule and resource.
class Collector {
  constructor(templateOf) {
    this.templateOf = templateOf;
    this.checks = 0;
    this.findings = [];
  }
  record(data, level, suppressed, reason, finding) {
    const resource = data.resource;
    const stack = Stack.of(resource);
    this.findings.push({
      template: this.templateOf.get(stack.stackName),
      resource: stack.resolve(resource.logicalId),
      type: resource.cfnResourceType,
      rule: data.ruleId,
      finding: finding ?? '',
      level,
      suppressed,
      reason: reason ?? '',
      info: data.ruleInfo,
    });
  }
  onCompliance() {
    this.checks += 1;
  }
  onNotApplicable() {}
  onNonCompliance(data) {
    this.checks += 1;
    this.record(data, data.ruleLevel, false, '', data.findingId);
  }
  onSuppressed(data) {
    this.checks += 1;
    this.record(data, data.ruleLevel, true, data.suppressionReason, data.findingId);
  }
  onError(data) {
    this.checks += 1;
    this.record(data, 'ValidationFailure', false, data.errorMessage);
  }
  onSuppressedError(data) {
    this.checks += 1;
    this.record(data, 'ValidationFailure', true, data.errorSuppressionReason);
  }
}

// Loads `files` into one app (one stack each), applies the pack and synthesizes; throws
// when a template cannot be loaded or synthesized.
function judge(files, first, outdir, collector) {
  const app = new App({ outdir });
  files.forEach((file, i) => {
    const stackName = `Template${first + i}`;
    collector.templateOf.set(stackName, path.basename(file));
    const stack = new Stack(app, stackName, { stackName });
    new CfnInclude(stack, 'Template', { templateFile: file });
  });
  Aspects.of(app).add(
    new HIPAASecurityChecks({ verbose: true, reports: false, additionalLoggers: [collector] }),
  );
  app.synth({ validateOnSynthesis: false });
}

function main(args) {
  const keepGoing = args[0] === '--keep-going';
  if (keepGoing) args = args.slice(1);
  if (args.length === 0) {
    process.stderr.write('usage: check.js [--keep-going] DIR_OR_TEMPLATE...\n');
    return 2;
  }
  const files = templatesOf(args);
  if (files.length === 0) {
    process.stderr.write(`no *.template.json in ${args.join(' ')}\n`);
    return 2;
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  try {
    const collector = new Collector(new Map());
    const unloaded = [];
    if (keepGoing) {
      // A template that CfnInclude refuses, or whose resources CDK cannot render (a
      // property of the wrong shape for CDK's own types), is left out; the others are
      // judged in one app. Should that app still fail, each is judged in an app of its own,
      // and what the pack found in one that fails is dropped, as it was not judged whole.
      const loadable = [];
      files.forEach((file) => {
        try {
          const stack = new Stack(new App({ outdir }), 'Probe');
          new CfnInclude(stack, 'Template', { templateFile: file });
          stack._toCloudFormation();
          loadable.push(file);
        } catch (e) {
          unloaded.push({ template: path.basename(file), error: String(e && e.message ? e.message : e) });
        }
      });
      try {
        judge(loadable, 0, path.join(outdir, 'all'), collector);
      } catch {
        collector.findings.length = 0;
        collector.checks = 0;
        loadable.forEach((file, i) => {
          const findings = collector.findings.length;
          const checks = collector.checks;
          try {
            judge([file], i, path.join(outdir, `t${i}`), collector);
          } catch (e) {
            collector.findings.length = findings;
            collector.checks = checks;
            unloaded.push({ template: path.basename(file), error: String(e && e.message ? e.message : e) });
          }
        });
      }
    } else {
      judge(files, 0, outdir, collector);
    }
    const report = {
      cdkNag: require('cdk-nag/package.json').version,
      awsCdkLib: require('aws-cdk-lib/package.json').version,
      pack: 'HIPAA.Security',
      templates: files.length - unloaded.length,
      checks: collector.checks,
      findings: collector.findings,
    };
    if (keepGoing) report.unloaded = unloaded;
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`cdk-nag check failed: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 2;
}
