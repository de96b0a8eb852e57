#!/usr/bin/env bash
# Runs every test. Installs the Debian packages the tests need (scripts/apt-packages.txt) when it can, then
# `dotnet test` on the solution. Safe to run repeatedly; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build SevaKiosk.slnx -c Release --nologo -v quiet
dotnet test SevaKiosk.slnx -c Release --no-build --nologo -v quiet \
  --logger "console;verbosity=normal" "$@"
