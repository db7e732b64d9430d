#!/usr/bin/env bash
# README command two: every unit test and every integration test on a real Keycloak 26.7.0.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
