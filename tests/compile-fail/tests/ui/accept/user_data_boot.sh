#!/bin/bash
set -euo pipefail
TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
export PGPASSWORD="$(aws secretsmanager get-secret-value --secret-id clinic/db --query SecretString --output text)"
