#!/usr/bin/env bash
# Builds a Java 17 runtime with jlink from the JDK that runs Maven, for images whose base has no
# Java 17 (Flink 1.16, CUDA). Usage: jlink-jre.sh OUTPUT_DIR. Called by the `images` profiles.
set -euo pipefail
out="${1:?usage: jlink-jre.sh OUTPUT_DIR}"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
rm -rf "$out"
# java.se plus what Kafka (SASL, TLS), Hadoop and Beam reach for at run time.
"$jdk/bin/jlink" \
  --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.security.auth,jdk.security.jgss,jdk.localedata,jdk.charsets \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out"
"$out/bin/java" -version 2>&1 | head -1
