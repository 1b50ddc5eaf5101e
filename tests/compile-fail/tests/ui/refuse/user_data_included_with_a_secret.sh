#!/bin/bash
set -euo pipefail
export API_TOKEN=ghp_0123456789abcdef
