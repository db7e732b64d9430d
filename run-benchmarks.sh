#!/usr/bin/env bash
# The speed benchmarks (benchmarks/README.md): builds the bundle and the benchmark module, then runs the chosen
# benchmark(s) on a real Keycloak with the bundle. Not part of `mvn verify`.
#   ./run-benchmarks.sh [--quick] [import|sync|provisioning|directory|graph|signin|all] [-Dbench.*=...]
# Default: all, one after the other (the full mode, about an hour on 2 cores). --quick runs every chosen benchmark
# with smaller counts (a tenth to a fifth of the people, changes and sign-ins; about 10 minutes for all of them on 2 cores).
# Options pass through as -Dbench.* and win over --quick's, e.g. ./run-benchmarks.sh import -Dbench.stackSamples=10.
# Needs Java 17 and Maven; import and directory also need Debian's slapd (apt-get install -y slapd ldap-utils),
# import, provisioning and directory need PostgreSQL (apt-get install -y postgresql) unless run with -Dbench.database=dev-file.
set -euo pipefail
cd "$(dirname "$0")"
quick=false
if [ "${1:-}" = "--quick" ]; then quick=true; shift; fi
which=all
case "${1:-}" in
  import|sync|provisioning|directory|graph|signin|all) which=$1; shift ;;
  -*|"") ;;
  *) echo "usage: $0 [--quick] [import|sync|provisioning|directory|graph|signin|all] [-Dbench.*=...]" >&2; exit 2 ;;
esac
# The smaller counts of --quick, per benchmark (each reads its own knobs).
quick_options() {
  $quick || return 0
  case "$1" in
    ImportBenchmark) echo "-Dbench.users=1000 -Dbench.changed=10 -Dbench.warmUpUsers=300 -Dbench.scaleUsers=10000" ;;
    PeopleApiSyncBenchmark) echo "-Dbench.users=2000 -Dbench.groupSize=100 -Dbench.roleSize=400" ;;
    ProvisioningBenchmark) echo "-Dbench.changes=500 -Dbench.warmUpChanges=100 -Dbench.liveChanges=0 -Dbench.baselineUsers=300 -Dbench.signIns=50 -Dbench.latencyChanges=200" ;;
    DirectorySyncBenchmark) echo "-Dbench.directoryUsers=1000 -Dbench.directoryWarmUpUsers=200" ;;
    GraphSyncBenchmark) echo "-Dbench.graphUsers=2000 -Dbench.graphWarmups=3" ;;
    SignInBenchmark) echo "-Dbench.signIns=40 -Dbench.warmUpSignIns=10" ;;
  esac
}
mvn -q -B -Dstyle.color=never package -DskipTests -pl benchmarks -am
run() {
  local main=$1; shift
  # shellcheck disable=SC2046 # word splitting of the quick options is intended
  java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
    -Dbench.properties=benchmarks/target/benchmark.properties \
    -Dbench.work.dir=benchmarks/target/work \
    -Dbench.results.dir=benchmarks/target \
    $(quick_options "$main") "$@" "com.claromentis.keycloak.benchmarks.$main"
}
case "$which" in
  import) run ImportBenchmark "$@" ;;
  sync) run PeopleApiSyncBenchmark "$@" ;;
  provisioning) run ProvisioningBenchmark "$@" ;;
  directory) run DirectorySyncBenchmark "$@" ;;
  graph) run GraphSyncBenchmark "$@" ;;
  signin) run SignInBenchmark "$@" ;;
  all) run ImportBenchmark "$@" && run ProvisioningBenchmark "$@" && run DirectorySyncBenchmark "$@" \
    && run GraphSyncBenchmark "$@" && run SignInBenchmark "$@" ;;
esac
