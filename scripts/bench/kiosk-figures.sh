#!/usr/bin/env bash
# Scripted firmware figures (not unit tests), each printed with the machine's load so they can be read in context:
#   journal [COMMITS=500]   journal commits/s against a plain write+fsync loop on the same disk (BenchmarkDotNet),
#                           and fsyncs per commit counted with strace around N commits
#   startup [RUNS=5]        `sevakiosk run` from process start to the log line "ready for cash", no hardware
#   idle [SECONDS=60]       CPU of the running firmware while idle with every device polled, from /proc/PID/stat, after
#                           IDLE_SETTLE (60) s: in-process simulators (one process) and the validator on a pty (firmware alone)
#   soak [N=10000] [EVERY]  resident memory over N demo sessions back to back in one kiosk runtime
#   soak-summary FILE [FROM=1000]  a soak's JSON lines as a table (every 1,000 sessions) and least-squares slopes
#                           (± standard error) of RSS, malloc in use and SQLite memory per 1,000 sessions from FROM on
# The data directory is BENCH_DATA_DIR (default /tmp); the firmware runs from a Release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
data_root=${BENCH_DATA_DIR:-/tmp}
host_dll=firmware/SevaKiosk.Firmware.Host/bin/Release/net10.0/sevakiosk.dll
sim_dll=simulator/SevaKiosk.Simulator.Cli/bin/Release/net10.0/sevakiosk-sim.dll
bench_dll=tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll
pids=()
dirs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for dir in "${dirs[@]}"; do rm -rf "$dir"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) ($1)"; }
now_ms() { date +%s%3N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Starts `sevakiosk run` with its log in $2 and waits for "ready for cash": sets $kiosk_pid and $ready_ms (from start).
start_kiosk() {
  local data=$1 log=$2; shift 2
  local t0; t0=$(now_ms)
  dotnet "$host_dll" run --data "$data" "$@" 2>"$log" >/dev/null &
  kiosk_pid=$!; pids+=("$kiosk_pid")
  for _ in $(seq 1200); do
    if grep -q "ready for cash" "$log"; then ready_ms=$(( $(now_ms) - t0 )); return 0; fi
    kill -0 "$kiosk_pid" 2>/dev/null || { echo "sevakiosk exited:" >&2; cat "$log" >&2; return 1; }
    sleep 0.05
  done
  echo "sevakiosk did not get ready in 60 s" >&2; return 1
}

stop_kiosk() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

journal() {
  local commits=${1:-500}
  dotnet build tests/Benchmarks -c Release --nologo -v quiet >/dev/null
  load "before"
  echo "disk: $(df -h --output=source,fstype "$data_root" | tail -1) ($data_root)"
  BENCH_DATA_DIR=$data_root dotnet "$bench_dll" --filter '*JournalCommitBenchmarks*' --exporters markdown 2>&1 \
    | sed -n '/^| *Method/,/^$/p'
  command -v strace >/dev/null || { echo "strace is not installed: skipping the fsync count" >&2; return 0; }
  local zero many
  zero=$(BENCH_DATA_DIR=$data_root strace -f -c -e trace=fsync,fdatasync -o /dev/stdout dotnet "$bench_dll" journal-probe 0 | awk '$NF ~ /^(fsync|fdatasync)$/ {n += $4} END {print n + 0}')
  many=$(BENCH_DATA_DIR=$data_root strace -f -c -e trace=fsync,fdatasync -o "$data_root/strace-$$.txt" dotnet "$bench_dll" journal-probe "$commits")
  local calls; calls=$(awk '$NF ~ /^(fsync|fdatasync)$/ {n += $4} END {print n + 0}' "$data_root/strace-$$.txt"); rm -f "$data_root/strace-$$.txt"
  echo "$many (under strace)"
  awk -v z="$zero" -v m="$calls" -v n="$commits" 'BEGIN {printf "fsync+fdatasync: %d for %d commits, %d with none: %.2f per commit\n", m, n, z, (m - z) / n}'
  load "after"
}

startup() {
  local runs=${1:-5}
  dotnet build firmware/SevaKiosk.Firmware.Host -c Release --nologo -v quiet >/dev/null
  load "before"
  local times=()
  for i in $(seq "$runs"); do
    local dir; dir=$(mktemp -d "$data_root/sevakiosk-startup.XXXXXX"); dirs+=("$dir")
    start_kiosk "$dir/data" "$dir/log"
    local ms=$ready_ms host_ms; host_ms=$(grep -o 'started in [0-9]* ms' "$dir/log" | head -1 || true)
    stop_kiosk "$kiosk_pid"
    echo "run $i: ready for cash after $ms ms from process start (host: $host_ms)"
    times+=("$ms")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "startup to \"ready for cash\": median %d ms, min %d ms, max %d ms over %d runs\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
  load "after"
}

idle_one() {
  local label=$1 seconds=$2; shift 2
  local dir; dir=$(mktemp -d "$data_root/sevakiosk-idle.XXXXXX"); dirs+=("$dir")
  start_kiosk "$dir/data" "$dir/log" "$@"
  # Steady state: tiered JIT recompiles the polling loops during the first half minute or so.
  sleep "${IDLE_SETTLE:-60}"
  local hz before after; hz=$(getconf CLK_TCK); before=$(cpu_ticks "$kiosk_pid")
  sleep "$seconds"
  after=$(cpu_ticks "$kiosk_pid")
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$kiosk_pid/status")
  stop_kiosk "$kiosk_pid"
  awk -v d=$((after - before)) -v hz="$hz" -v s="$seconds" -v l="$label" -v r="$rss" \
    'BEGIN {printf "idle CPU, %s: %.2f%% of one core (%d ticks of 1/%d s in %d s), RSS %.0f MiB\n", l, 100 * d / hz / s, d, hz, s, r / 1024}'
}

idle() {
  local seconds=${1:-60}
  dotnet build firmware/SevaKiosk.Firmware.Host -c Release --nologo -v quiet >/dev/null
  dotnet build simulator/SevaKiosk.Simulator.Cli -c Release --nologo -v quiet >/dev/null
  load "before"
  idle_one "everything in one process (firmware, simulated validator and printer, embedded broker, demo backend)" "$seconds"

  # The validator as its own process on a pty, so the firmware's figure excludes the simulated device's work.
  local dir; dir=$(mktemp -d "$data_root/sevakiosk-idle-sim.XXXXXX"); dirs+=("$dir")
  mkfifo "$dir/in"
  dotnet "$sim_dll" device validator --protocol ssp --pty --channels 10,20,50,100,200,500,2000 <"$dir/in" >"$dir/out" &
  local sim=$!; pids+=("$sim")
  exec 7>"$dir/in"
  for _ in $(seq 600); do grep -q '"port"' "$dir/out" 2>/dev/null && break; sleep 0.05; done
  local port; port=$(head -1 "$dir/out" | sed 's/.*"port":"\([^"]*\)".*/\1/')
  local sim_before; sim_before=$(cpu_ticks "$sim")
  idle_one "firmware alone, SSP validator polled on $port (printer emulator and embedded broker still in-process)" "$seconds" --set "Validator:Port=$port"
  local sim_after; sim_after=$(cpu_ticks "$sim")
  echo "  (the validator simulator used $(( sim_after - sim_before )) ticks meanwhile, start-up included)"
  exec 7>&-
  load "after"
}

soak() {
  local n=${1:-10000} every=${2:-}
  dotnet build tests/Benchmarks -c Release --nologo -v quiet >/dev/null
  load "before"
  BENCH_DATA_DIR=$data_root dotnet "$bench_dll" soak "$n" ${every:+"$every"}
  load "after"
}

soak_summary() {
  local file=$1 from=${2:-1000}
  echo "| Sessions | Seconds | RSS MiB | Managed MiB | malloc in use / held MiB | SQLite MiB | gen2 GCs | Unacknowledged |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  # One awk over the JSON lines: no jq on a bare board. Fields are read by name from each line.
  awk -v from="$from" '
    function field(name,   m) { return match($0, "\"" name "\":[-0-9.]+") ? substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3) : "" }
    # Slope with its standard error, so a slope inside the samples spread reads as such: sqrt(SSE/(n-2)/Sxx).
    function fit(label, y, sx, sy, sxx, sxy, n,   b, a, k, sse, se) {
      if (n < 3) return
      b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n
      for (k = 1; k <= n; k++) sse += (y[k] - a - b * x[k]) ^ 2
      se = sqrt(sse / (n - 2) / (sxx - sx * sx / n))
      printf "least-squares slope of %s from %d sessions on: %.2f ± %.2f MiB per 1,000 sessions (%d samples)\n", label, from, 1000 * b, 1000 * se, n
    }
    /"sessions":/ {
      s = field("sessions"); rss = field("rssMiB"); use = field("mallocInUseMiB"); sql = field("sqliteMiB")
      if (s % 1000 == 0) printf "| %d | %s | %s | %s | %s / %s | %s | %s | %s |\n", s, field("seconds"), rss, field("managedMiB"), use, field("mallocHeldMiB"), sql, field("gen2"), field("unacknowledged")
      if (s + 0 >= from) {
        n++; x[n] = s; r[n] = rss; u[n] = use; q[n] = sql
        if (min == "" || rss + 0 < min) min = rss + 0
        if (rss + 0 > max) max = rss + 0
      }
    }
    /"done":/ { last = $0 }
    END {
      print ""
      for (k = 1; k <= n; k++) { sx += x[k]; sxx += x[k] * x[k]; sr += r[k]; sxr += x[k] * r[k]; su += u[k]; sxu += x[k] * u[k]; sq += q[k]; sxq += x[k] * q[k] }
      fit("RSS", r, sx, sr, sxx, sxr, n); fit("malloc in use", u, sx, su, sxx, sxu, n); fit("SQLite memory", q, sx, sq, sxx, sxq, n)
      printf "RSS from %d sessions on: min %.1f, max %.1f MiB\n", from, min, max
      if (last != "") print "end: " last
    }' "$file"
}

case "${1:-}" in
  journal|startup|idle|soak) cmd=$1; shift; "$cmd" "$@" ;;
  soak-summary) shift; soak_summary "$@" ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
