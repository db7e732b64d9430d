#!/usr/bin/env bash
# The speed benchmarks (benchmarks/README.md): builds the bundle and the benchmark module, then runs the chosen
# benchmark(s) on a real Keycloak with the bundle. Not part of `mvn verify`.
#   ./run-benchmarks.sh [sync|provisioning|directory|graph|signin|all] [-Dbench.*=...]      (default: all, one after the other)
# Options pass through as -Dbench.*, e.g. ./run-benchmarks.sh sync -Dbench.users=2000 -Dbench.stackSamples=10.
# Needs Java 17 and Maven; `directory` also needs Debian's slapd (apt-get install -y slapd ldap-utils).
set -euo pipefail
cd "$(dirname "$0")"
which=all
case "${1:-}" in
  sync|provisioning|directory|graph|signin|all) which=$1; shift ;;
  -*|"") ;;
  *) echo "usage: $0 [sync|provisioning|directory|graph|signin|all] [-Dbench.*=...]" >&2; exit 2 ;;
esac
mvn -q -B -Dstyle.color=never package -DskipTests -pl benchmarks -am
run() {
  java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
    -Dbench.properties=benchmarks/target/benchmark.properties \
    -Dbench.work.dir=benchmarks/target/work \
    -Dbench.results.dir=benchmarks/target \
    "${@:2}" "com.claromentis.keycloak.benchmarks.$1"
}
case "$which" in
  sync) run PeopleApiSyncBenchmark "$@" ;;
  provisioning) run ProvisioningBenchmark "$@" ;;
  directory) run DirectorySyncBenchmark "$@" ;;
  graph) run GraphSyncBenchmark "$@" ;;
  signin) run SignInBenchmark "$@" ;;
  all) run PeopleApiSyncBenchmark "$@" && run ProvisioningBenchmark "$@" && run DirectorySyncBenchmark "$@" \
    && run GraphSyncBenchmark "$@" && run SignInBenchmark "$@" ;;
esac
