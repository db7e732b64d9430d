#!/usr/bin/env bash
# README command two: every unit test and every integration test on a real Keycloak 26.7.3, then a representative
# subset of them again on 26.7.0 (integration-tests/pom.xml; -Dit.compat.skip=true skips that second pass).
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
