#!/usr/bin/env bash
# README command one: builds the bundle and starts the demo stack (directory, Keycloak with the bundle,
# People API sandbox) on localhost. Ctrl-C stops everything. Needs Java 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B -Dstyle.color=never package -DskipTests -pl demo -am
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" \
  -Ddemo.properties=demo/target/demo.properties -Ddemo.work.dir=.demo \
  com.claromentis.keycloak.demo.DemoStack "$@"
