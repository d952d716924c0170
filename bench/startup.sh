#!/usr/bin/env bash
# Measures how long `jimg --version` takes from the shell (wall time, and CPU time of the JVM),
# with and without the launcher's start-up aids, one line per variant (median and min of N runs, ms).
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

cds="-XX:SharedArchiveFile=$jsa -Xlog:cds=off"
variants=(
  "java -jar (JDK default CDS only)|$java -jar $jar --version"
  "java -Xshare:off -jar (no CDS at all)|$java -Xshare:off -jar $jar --version"
  "java -XX:TieredStopAtLevel=1 -jar|$java -XX:TieredStopAtLevel=1 -jar $jar --version"
  "java + static CDS archive|$java $cds -jar $jar --version"
  "java + static CDS + TieredStopAtLevel=1|$java $cds -XX:TieredStopAtLevel=1 -jar $jar --version"
  "./jimg (launcher: staleness check, CDS, C1)|$root/jimg --version"
  "JIMG_CDS=0 ./jimg (launcher without CDS)|env JIMG_CDS=0 $root/jimg --version"
)

echo "jimg --version start-up, $runs runs each, $(nproc) CPUs, $("$java" -version 2>&1 | head -1)," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null; then
  args=()
  for v in "${variants[@]}"; do
    args+=(--command-name "${v%%|*}" "${v#*|}")
  done
  hyperfine --style basic --warmup 2 --runs "$runs" "${args[@]}"
  exit
fi

median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }
# Round-robin over the variants, so that a busy moment on a shared machine hits them all alike.
n=${#variants[@]}
declare -a walls cpus
for v in "${variants[@]}"; do ${v#*|} >/dev/null 2>&1; done # warm the file cache
for ((i = 0; i < runs; i++)); do
  for ((k = 0; k < n; k++)); do
    cmd=${variants[k]#*|}
    start=$(date +%s%N)
    # bash's time keyword: user and system CPU seconds of the child and its children
    cpu=$({ TIMEFORMAT='%U %S'; time $cmd >/dev/null 2>&1; } 2>&1)
    end=$(date +%s%N)
    read -r user sys <<<"$cpu"
    walls[k]+="$(((end - start) / 1000000)) "
    cpus[k]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }') "
  done
done
printf '%-45s %15s %15s %12s\n' variant "wall median" "wall min" "CPU median"
for ((k = 0; k < n; k++)); do
  wall_median=$(tr ' ' '\n' <<<"${walls[k]}" | grep . | median)
  wall_min=$(tr ' ' '\n' <<<"${walls[k]}" | grep . | sort -n | head -1)
  cpu_median=$(tr ' ' '\n' <<<"${cpus[k]}" | grep . | median)
  printf '%-45s %12d ms %12d ms %9d ms\n' "${variants[k]%%|*}" "$wall_median" "$wall_min" "$cpu_median"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
