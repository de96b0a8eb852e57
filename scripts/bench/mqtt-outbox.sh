#!/usr/bin/env bash
# Scripted MQTT measurements (not unit tests): outbox drain of N queued transactions to Mosquitto against a plain MQTTnet
# QoS 1 publish loop to the same broker in the same run, memory while draining, credit-to-PUBACK latency p50/p99.
# Starts its own Mosquitto (password file, per-machine ACL, set_tcp_nodelay) and the demo backend (sevakiosk-sim backend,
# which applies and acknowledges every transaction in its SQLite ledger) on loopback, and stops both.
# Usage: scripts/bench/mqtt-outbox.sh [COUNT=100000] [LATENCY_SAMPLES=2000] [ACK_COUNT=20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
samples=${2:-2000}
ack_count=${3:-20000}
work=$(mktemp -d /tmp/sevakiosk-bench.XXXXXX)
broker_pid=""
backend_pid=""
cleanup() {
  [[ -n "$backend_pid" ]] && kill "$backend_pid" 2>/dev/null || true
  [[ -n "$broker_pid" ]] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v mosquitto >/dev/null || { echo "mosquitto is not installed (scripts/install-deps.sh)" >&2; exit 1; }
dotnet build tests/SevaKiosk.Mqtt.Bench -c Release --nologo -v quiet >/dev/null
dotnet build simulator/SevaKiosk.Simulator.Cli -c Release --nologo -v quiet >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
machine=kiosk-bench
: > "$work/passwd"
mosquitto_passwd -b "$work/passwd" "$machine" bench-pw
mosquitto_passwd -b "$work/passwd" backend backend-pw
cat > "$work/acl" <<ACL
user backend
topic readwrite kiosk/v1/#

pattern write kiosk/v1/%u/tx
pattern read kiosk/v1/%u/tx/ack
pattern read kiosk/v1/%u/cmd
pattern read kiosk/v1/%u/state/desired
pattern read kiosk/v1/%u/backend/response
pattern write kiosk/v1/%u/#
ACL
cat > "$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous false
password_file $work/passwd
acl_file $work/acl
persistence false
set_tcp_nodelay true
max_queued_messages 1000000
user $(id -un)
log_dest none
CONF
mosquitto -c "$work/mosquitto.conf" & broker_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

start_backend() {
  rm -f "$work/backend-in"; mkfifo "$work/backend-in"
  dotnet simulator/SevaKiosk.Simulator.Cli/bin/Release/net10.0/sevakiosk-sim.dll backend --broker "mqtt://127.0.0.1:$port" \
    --username backend --password backend-pw --ledger "$work/backend-$1.db" < "$work/backend-in" > "$work/backend-$1.log" & backend_pid=$!
  exec 4>"$work/backend-in"   # keep the backend's stdin open
  for _ in $(seq 200); do grep -q '"connected"' "$work/backend-$1.log" && break; sleep 0.05; done
}
bench() {
  dotnet tests/SevaKiosk.Mqtt.Bench/bin/Release/net10.0/SevaKiosk.Mqtt.Bench.dll --broker "mqtt://127.0.0.1:$port" \
    --machine "$machine" --password bench-pw --count "$count" --latency "$samples" --ack-count "$ack_count" --data "$work" \
    --backend-control "$work/backend-in" "$@"
}

echo "mosquitto $(mosquitto -h | head -1 | awk '{print $3}') on 127.0.0.1:$port; $(nproc) cores; $(uname -m)"
start_backend rates
bench
# The rate phases leave the backend a backlog of dropped messages; the path to tx/ack is measured with a fresh one.
kill "$backend_pid"; wait "$backend_pid" 2>/dev/null || true; exec 4>&-
start_backend ack
bench --only-ack
