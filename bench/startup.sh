#!/usr/bin/env bash
# Measures how long `jimg --version` takes from the shell, with and without the launcher's start-up
# aids, and prints one line per variant (median and min of N runs, in milliseconds).
# Uses hyperfine when installed; otherwise a loop timed with `date +%s%N`.
#
# Usage: bench/startup.sh [RUNS]      (default 15; run from anywhere)
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${1:-15}
jar=$root/cli/target/jimg.jar
jsa=$root/cli/target/jimg.jsa
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# build the jar and the CDS archive first, so the loop times only start-up
"$root/jimg" --version >/dev/null
[[ -s $jsa ]] || { echo "startup.sh: no CDS archive was made at $jsa" >&2; }

cds="-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
variants=(
  "java -jar (JDK default CDS only)|$java -jar $jar --version"
  "java -Xshare:off -jar (no CDS at all)|$java -Xshare:off -jar $jar --version"
  "java -XX:TieredStopAtLevel=1 -jar|$java -XX:TieredStopAtLevel=1 -jar $jar --version"
  "java + dynamic CDS archive|$java $cds -jar $jar --version"
  "java + dynamic CDS + TieredStopAtLevel=1|$java $cds -XX:TieredStopAtLevel=1 -jar $jar --version"
  "./jimg (launcher: staleness check + CDS)|$root/jimg --version"
  "JIMG_CDS=0 ./jimg (launcher without CDS)|env JIMG_CDS=0 $root/jimg --version"
)

echo "jimg --version start-up, $runs runs each, $(nproc) CPUs, $("$java" -version 2>&1 | head -1)"
if command -v hyperfine >/dev/null; then
  args=()
  for v in "${variants[@]}"; do
    args+=(--command-name "${v%%|*}" "${v#*|}")
  done
  hyperfine --style basic --warmup 2 --runs "$runs" "${args[@]}"
  exit
fi

for v in "${variants[@]}"; do
  name=${v%%|*}
  cmd=${v#*|}
  $cmd >/dev/null 2>&1 # warm the file cache
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    $cmd >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
  min=$(head -1 <<<"$sorted")
  printf '%-45s median %5d ms   min %5d ms\n' "$name" "$median" "$min"
done
