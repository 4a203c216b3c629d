#!/usr/bin/env bash
# Side by side: `make test` in two checkouts, alternated (A, B, A, B, ...), wall time per run and the
# median of each, plus each run's pytest summary lines. Usage: scripts/time-make-test.sh DIR_A DIR_B [RUNS]
# Run it on a quiet machine; note what else was running. Both checkouts need their .venv (make install-dev).
set -uo pipefail
a=$(realpath "$1"); b=$(realpath "$2"); runs=${3:-3}
log=$(mktemp -d)
declare -A times
for i in $(seq "$runs"); do
  for dir in "$a" "$b"; do
    start=$(date +%s.%N)
    (cd "$dir" && make test >"$log/run.log" 2>&1); rc=$?
    took=$(echo "$(date +%s.%N) - $start" | bc)
    times[$dir]+="$took "
    printf '%s run %d: %.1f s, exit %d; %s\n' "$dir" "$i" "$took" "$rc" \
      "$(grep -E '^=+ .*(passed|failed)' "$log/run.log" | sed 's/=//g' | paste -sd';')"
  done
done
for dir in "$a" "$b"; do
  printf '%s median: %.1f s\n' "$dir" "$(echo "${times[$dir]}" | tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}')"
done
rm -rf "$log"
