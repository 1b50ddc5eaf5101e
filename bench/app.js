#!/usr/bin/env node
// The AWS CDK app that `scripts/bench` measures beside `scale synth --buckets N`
// (examples/scale): the same app in the CDK's own terms.
//
//   node bench/app.js [--buckets N] [--out DIR]      (defaults: 5000, bench.out)
//
// - `scale-shared`: a customer-managed KMS key (rotation every 365 days, retained) and an
//   access-log bucket (SSE-S3, public access blocked, `BucketOwnerEnforced`, versioned,
//   noncurrent versions expired, TLS 1.2 only, S3 server access logs admitted from the account).
// - `scale-0001` …: 50 buckets a stack, each encrypted with the shared key (bucket key on),
//   public access blocked, `BucketOwnerEnforced`, versioned with noncurrent versions expired,
//   TLS 1.2 only (a bucket policy), server access logs to the shared bucket under
//   `STACK/BUCKET/`, retained. The key and the log bucket are imports of `scale-shared`.
// - cdk-nag's HIPAA Security pack on the whole app (an aspect, no CSV reports).
//
// Synthesized as the CDK's fastest configuration: `app.synth()` in this process (no CLI),
// without the template validation of policy plugins and without stack traces in metadata
// (the default of `cdk synth`). Prints the stack and resource counts and the number of
// cdk-nag findings on standard error.
'use strict';

const { App, Aspects, Duration, RemovalPolicy, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const s3 = require('aws-cdk-lib/aws-s3');
const { HIPAASecurityChecks } = require('cdk-nag');

function args(argv) {
  const out = { buckets: 5000, perStack: 50, out: 'bench.out' };
  for (let i = 0; i < argv.length; i += 1) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--buckets':
        out.buckets = Number(value);
        i += 1;
        break;
      case '--per-stack':
        out.perStack = Number(value);
        i += 1;
        break;
      case '--out':
        out.out = value;
        i += 1;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}; usage: app.js [--buckets N] [--per-stack N] [--out DIR]`);
    }
  }
  if (!Number.isInteger(out.buckets) || out.buckets < 0 || !Number.isInteger(out.perStack) || out.perStack < 1) {
    throw new Error('--buckets and --per-stack take whole numbers');
  }
  return out;
}

// The lifecycle rule of every bucket: noncurrent versions a year, unfinished uploads a week.
const lifecycle = () => [
  {
    id: 'ExpireNoncurrentVersions',
    noncurrentVersionExpiration: Duration.days(365),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  },
];

function main() {
  const opts = args(process.argv.slice(2));
  const app = new App({
    outdir: opts.out,
    analyticsReporting: false,
    context: { 'aws:cdk:disable-stack-trace': true },
  });

  const shared = new Stack(app, 'scale-shared');
  const key = new kms.Key(shared, 'PhiKey', {
    description: 'encrypts every bucket',
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const logs = new s3.Bucket(shared, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    lifecycleRules: lifecycle(),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  logs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowS3ServerAccessLogs',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [logs.arnForObjects('*')],
      conditions: { StringEquals: { 'aws:SourceAccount': shared.account } },
    }),
  );

  let stacks = 1;
  for (let first = 0, index = 1; first < opts.buckets; first += opts.perStack, index += 1) {
    const name = `scale-${String(index).padStart(4, '0')}`;
    const stack = new Stack(app, name);
    stacks += 1;
    // The shared bucket by name (an import of `scale-shared`): the log bucket's policy admits
    // every bucket of the account, as the shared stack's does in hipaa-stack.
    const logsHere = s3.Bucket.fromBucketName(stack, 'AccessLogs', logs.bucketName);
    for (let n = first; n < Math.min(first + opts.perStack, opts.buckets); n += 1) {
      new s3.Bucket(stack, `Records${n}`, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        lifecycleRules: lifecycle(),
        serverAccessLogsBucket: logsHere,
        serverAccessLogsPrefix: `${name}/Records${n}/`,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
  }

  Aspects.of(app).add(new HIPAASecurityChecks({ reports: false }));
  const assembly = app.synth({ validateOnSynthesis: false });

  let resources = 0;
  let findings = 0;
  for (const artifact of assembly.stacks) {
    resources += Object.keys(artifact.template.Resources ?? {}).length;
    findings += artifact.messages.filter((m) => /HIPAA\.Security-/.test(String(m.entry.data))).length;
  }
  process.stderr.write(
    `${stacks} stacks, ${resources} resources, ${findings} cdk-nag findings (HIPAA.Security) in ${opts.out}\n`,
  );
}

main();
