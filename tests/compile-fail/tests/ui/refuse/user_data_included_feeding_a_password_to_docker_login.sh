#!/bin/bash
set -euo pipefail
printf 'hunter2' | docker login --username deploy --password-stdin registry.example.com
docker pull registry.example.com/app:1.4.2
