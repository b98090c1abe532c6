#!/usr/bin/env bash
# Spark GPU discovery script: prints the node's GPU addresses as Spark's ResourceInformation JSON,
# e.g. {"name": "gpu", "addresses": ["0", "1"]}. Needs nvidia-smi on the node.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
