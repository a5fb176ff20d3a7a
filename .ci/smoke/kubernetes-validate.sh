#!/usr/bin/env bash
# Renders the Kubernetes base and each overlay under deploy/kubernetes with 'kubectl kustomize' and validates every
# object offline against the Kubernetes API schemas shipped by the npm package kubernetes-models (pinned in
# deploy/kubernetes/validate/package-lock.json). No cluster is needed. A deliberately broken fixture must fail, so a
# validator that accepts everything fails this script too.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=deploy/kubernetes

if ! command -v kubectl >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl; } >/dev/null 2>&1 \
    || { echo "kubernetes-validate: kubectl is missing and could not be installed (apt-get install -y kubectl)" >&2; exit 1; }
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || { echo "kubernetes-validate: node and npm are required (apt-get install -y nodejs npm)" >&2; exit 1; }
(cd "$dir/validate" && npm ci --no-audit --no-fund --loglevel=error) \
  || { echo "kubernetes-validate: npm ci in $dir/validate failed" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for target in "$dir/base" "$dir"/overlays/*/; do
  target=${target%/}
  name=$(basename "$target")
  if ! kubectl kustomize "$target" > "$out/$name.yaml"; then
    echo "kubernetes-validate: kubectl kustomize $target failed" >&2
    status=1
    continue
  fi
  echo "--- $target"
  node "$dir/validate/validate.mjs" "$out/$name.yaml" || status=1
done

echo "--- negative control: $dir/validate/fixtures/invalid-deployment.yaml must be refused"
if node "$dir/validate/validate.mjs" "$dir/validate/fixtures/invalid-deployment.yaml"; then
  echo "kubernetes-validate: the invalid fixture passed validation: the validator checks nothing" >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "kubernetes-validate: every overlay renders and validates ($(kubectl version --client 2>/dev/null | head -1))"
exit "$status"
