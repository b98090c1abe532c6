#!/usr/bin/env bash
# A GPU discovery script for machines without GPUs: reports two fake addresses, so the e2e suite
# can prove the resource wiring real GPU nodes use (the job itself runs with device=cpu).
echo '{"name": "gpu", "addresses": ["0", "1"]}'
