#!/usr/bin/env bash
# Validates docker-compose.yml (both the default stack and the Redis variant) with a compose tool. There is no Docker
# engine here, so nothing is started; 'config -q' parses, interpolates and checks the file against the schema.
set -uo pipefail
cd "$(dirname "$0")/../.."

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v apt-get >/dev/null 2>&1 && { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; } >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "compose-validate: no compose tool could be installed; docker-compose.yml not validated"
  exit 0
fi

"${compose[@]}" -f docker-compose.yml config -q || { echo "compose-validate: docker-compose.yml is invalid" >&2; exit 1; }
"${compose[@]}" --env-file redis.env -f docker-compose.yml config -q || { echo "compose-validate: docker-compose.yml with redis.env is invalid" >&2; exit 1; }
echo "compose-validate: docker-compose.yml is valid (${compose[*]})"
