# Sourced by scripts/demo and scripts/bench-deploy: starts the local AWS endpoint (moto server
# through tests/moto/hipaa_moto.py) on a free loopback port, exports the standard variables
# that point AWS programs at it, and stops it when the calling script exits.
#
#   source scripts/local-aws.sh   # then $LOCAL_AWS is http://127.0.0.1:PORT

scripts/venv
local_aws_log=$(mktemp)
.venv/bin/python tests/moto/hipaa_moto.py -H 127.0.0.1 -p 0 >/dev/null 2>"$local_aws_log" &
local_aws_pid=$!
local_aws_stop() {
    kill "$local_aws_pid" 2>/dev/null || true
    wait "$local_aws_pid" 2>/dev/null || true
    rm -f "$local_aws_log"
}
trap local_aws_stop EXIT

LOCAL_AWS=""
for _ in $(seq 1 60); do
    LOCAL_AWS=$(grep -ao 'http://127\.0\.0\.1:[0-9]*' "$local_aws_log" | head -n 1 || true)
    [ -n "$LOCAL_AWS" ] && break
    kill -0 "$local_aws_pid" 2>/dev/null || { cat "$local_aws_log" >&2; echo "the local endpoint did not start" >&2; exit 1; }
    sleep 0.5
done
[ -n "$LOCAL_AWS" ] || { echo "the local endpoint did not start within 30 s" >&2; exit 1; }

export AWS_ENDPOINT_URL="$LOCAL_AWS" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
unset AWS_PROFILE AWS_SESSION_TOKEN || true
