#!/usr/bin/env bash
# Run every atheris harness in this folder, one after another (never in
# parallel), each for a bounded time.
#
#   fuzz/run_all.sh [seconds per target, default 300] [python, default python3]
#
# Working corpora, logs and crash artefacts go under $FUZZ_OUT
# (default /tmp/aioclient-fuzz), never into the repository. Extra libFuzzer
# flags can be given in $FUZZ_FLAGS; known findings can be silenced with
# FUZZ_IGNORE=tag,... (see each harness's docstring).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
secs="${1:-300}"
py="${2:-python3}"
out="${FUZZ_OUT:-/tmp/aioclient-fuzz}"
mkdir -p "$out/logs"
status=0
for harness in "$here"/fuzz_*.py; do
    target="$(basename "$harness" .py)"
    target="${target#fuzz_}"
    echo "== $target (${secs}s)"
    "$py" "$harness" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$out/$target-" ${FUZZ_FLAGS:-} \
        "$out/corpus-$target" >"$out/logs/$target.log" 2>&1
    rc=$?
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|Finding|Error" \
        "$out/logs/$target.log" | tail -5
    if [ "$rc" -ne 0 ]; then
        echo "   exit $rc; the end of $out/logs/$target.log:"
        tail -40 "$out/logs/$target.log"
        status=1
    fi
done
exit $status
