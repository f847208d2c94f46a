#!/usr/bin/env bash
# Makes sure what the tests use is installed and running, installing from the distribution's packages
# (Debian/Ubuntu apt) only what is missing: Redis (running on 127.0.0.1:6379), Chromium and ChromeDriver,
# coturn (turnserver, turnutils_uclient), Prometheus' promtool, a Chinese font for the pages' screenshots, the shared libraries webrtc-java links, and Node.js with npm (the document relay's
# interop test runs tus-js-client, which it installs itself from its package-lock.json). Idempotent; every step is bounded in time.
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v turnserver >/dev/null || need+=(coturn)
command -v promtool >/dev/null || need+=(prometheus)
# A Chinese font, so the web pages' screenshots (docs/screenshots) show Chinese rather than empty boxes.
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
# webrtc-java's native library (the client SDK's media tests) links these; it needs no sound server or display.
for lib in libpulse.so.0:libpulse0 libudev.so.1:libudev1 libX11.so.6:libx11-6 libXfixes.so.3:libxfixes3 \
    libXrandr.so.2:libxrandr2 libXcomposite.so.1:libxcomposite1 libXext.so.6:libxext6; do
  ldconfig -p | grep -qF "${lib%%:*}" || need+=("${lib##*:}")
done

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "test-env: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 $SUDO apt-get update -qq
  # --no-install-recommends keeps the prometheus package from pulling the whole server stack's extras.
  timeout 1200 $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Redis: the cluster tests talk to a real one on 127.0.0.1:6379.
if ! timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "test-env: starting redis-server on 127.0.0.1:6379" >&2
  mkdir -p /tmp/doorstep-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/doorstep-redis --logfile /tmp/doorstep-redis/redis.log
  for _ in $(seq 1 50); do
    timeout 2 redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

# The Debian prometheus package starts a server on :9090 when a service manager runs; tests need only promtool.
echo "test-env: ready (redis $(redis-cli -h 127.0.0.1 -p 6379 ping), $(promtool --version 2>&1 | head -1))" >&2
