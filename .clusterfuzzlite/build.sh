#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite entry point: everything is in the project's own script.
"$SRC/wsspec/fuzz/oss_fuzz_build.sh"
