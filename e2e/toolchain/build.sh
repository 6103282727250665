#!/usr/bin/env bash
# Builds the e2e toolchain from Go modules into a cache outside the repository, one directory
# per component keyed by what it is built from (its wrapper module, the pinned versions it
# stamps, the Go version), and reuses what is already there.
#
#   build.sh [NAME...]          build what is missing (about an hour on two cores when cold);
#                               with names, only those components
#   build.sh --check [NAME...]  build nothing; print NAME=DIR per component, exit 1 if one is missing
#   build.sh --test [NAME...]   run the Go tests of the components that have them (the language
#                               host, the stand-in providers; no Pulumi CLI needed) in a temporary
#                               copy, built or not; a build runs them too before it builds
#
# FAF_E2E_CACHE overrides the cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/faf-e2e).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
root="${FAF_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faf-e2e}"
mode=build
if [ "${1:-}" = --check ] || [ "${1:-}" = --test ]; then
  mode="$1"
  shift
fi
only=("$@")

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "e2e toolchain: no go command (Go 1.26 or newer builds the toolchain)" >&2
  exit 1
fi
gover="$(go env GOVERSION)"

# The components, in build order: name, wrapper directory, the versions.env variables it stamps.
components=(
  "etcd:etcd:ETCD_VERSION"
  "kwok:kwok:KWOK_VERSION"
  "pulumi:pulumi:PULUMI_VERSION"
  "language-host:language-host:PULUMI_VERSION"
  "stand-in-providers:stand-in-providers:RANDOM_PLUGIN_VERSION TLS_PLUGIN_VERSION COMMAND_PLUGIN_VERSION"
  "kubernetes-provider:kubernetes-provider:KUBERNETES_PROVIDER_BUILT KUBERNETES_PLUGIN_VERSION PULUMI_VERSION"
  "control-plane:control-plane:KUBERNETES_VERSION"
)

# The directory a component lives in: its name and a hash of everything it is built from.
component_dir() {
  local dir="$1" vars="$2" v
  {
    echo "$gover"
    for v in $vars; do echo "$v=${!v}"; done
    (cd "$here/$dir" && find . -type f ! -name '*-embed.json' | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -c1-12
}

# Builds one component's binaries into $out/bin from a copy of its wrapper module.
build_component() {
  local name="$1" dir="$2" out="$3" src="$3/src"
  rm -rf "$out.partial"
  mkdir -p "$out.partial/bin"
  src="$out.partial/src"
  cp -r "$here/$dir" "$src"
  cd "$src"
  case "$name" in
    kubernetes-provider)
      # The schema the provider serves: from the module it was released with, never from git.
      local mod
      go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
      mod="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
      cp "$mod/cmd/pulumi-resource-kubernetes/schema.json" schema-embed.json
      cp "$mod/cmd/pulumi-resource-kubernetes/terraform-mapping.json" terraform-mapping-embed.json
      chmod u+w ./*-embed.json
      ;;
  esac
  go mod tidy
  # Our own Go code (the language host, the stand-in providers) is tested before it is built.
  if compgen -G "*_test.go" >/dev/null; then
    go test -count=1 .
  fi
  case "$name" in
    etcd)
      go build -trimpath -o "$out.partial/bin/etcd" .
      ;;
    kwok)
      go build -trimpath -ldflags "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" \
        -o "$out.partial/bin/kwok" sigs.k8s.io/kwok/cmd/kwok
      # kwok ships its node and pod stages as files (kwokctl passes them); take them from the module.
      local kwokmod
      kwokmod="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
      mkdir -p "$out.partial/stages"
      cp "$kwokmod"/kustomize/stage/node/fast/node-initialize.yaml "$kwokmod"/kustomize/stage/node/heartbeat/node-heartbeat.yaml \
        "$kwokmod"/kustomize/stage/pod/fast/pod-*.yaml \
        "$out.partial/stages/"
      chmod u+w "$out.partial"/stages/*.yaml
      ;;
    pulumi)
      go build -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        -o "$out.partial/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      ;;
    language-host)
      go build -trimpath -ldflags "-X main.version=$PULUMI_VERSION" -o "$out.partial/bin/pulumi-language-nodejs" .
      ;;
    stand-in-providers)
      go build -trimpath \
        -ldflags "-X main.randomVersion=$RANDOM_PLUGIN_VERSION -X main.tlsVersion=$TLS_PLUGIN_VERSION -X main.commandVersion=$COMMAND_PLUGIN_VERSION" \
        -o "$out.partial/bin/pulumi-resource-random" .
      cp "$out.partial/bin/pulumi-resource-random" "$out.partial/bin/pulumi-resource-tls"
      cp "$out.partial/bin/pulumi-resource-random" "$out.partial/bin/pulumi-resource-command"
      ;;
    kubernetes-provider)
      go build -trimpath \
        -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_BUILT" \
        -o "$out.partial/bin/pulumi-resource-kubernetes" .
      ;;
    control-plane)
      local minor="${KUBERNETES_VERSION#v1.}"
      minor="${minor%%.*}"
      local ld="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
      ld+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
      ld+=" -X k8s.io/component-base/version.gitTreeState=clean"
      for c in kube-apiserver kube-controller-manager kube-scheduler; do
        go build -trimpath -ldflags "$ld" -o "$out.partial/bin/$c" "k8s.io/kubernetes/cmd/$c"
      done
      ;;
  esac
  cd /
  # The go.sum the build resolved, kept for the record; the copied sources are not kept.
  cp "$src/go.sum" "$out.partial/go.sum"
  rm -rf "$src"
  mv "$out.partial" "$out"
}

# Runs a component's Go tests in a temporary copy of its wrapper module (which has no go.sum in git).
test_component() {
  local dir="$1" tmp rc=0
  tmp="$(mktemp -d)"
  cp -r "$here/$dir/." "$tmp/"
  (cd "$tmp" && go mod tidy && go test -count=1 -v . 2>&1 | grep -v '^=== RUN') || rc=$?
  rm -rf "$tmp"
  return "$rc"
}

missing=0
for entry in "${components[@]}"; do
  IFS=: read -r name dir vars <<<"$entry"
  if [ "${#only[@]}" -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then
    continue
  fi
  if [ "$mode" = --test ]; then
    if ls "$here/$dir"/*_test.go >/dev/null 2>&1; then
      echo "e2e toolchain: testing $name"
      if test_component "$dir"; then
        echo "e2e toolchain: $name tests passed"
      else
        echo "e2e toolchain: $name tests FAILED" >&2
        missing=1
      fi
    fi
    continue
  fi
  out="$root/$name-$(component_dir "$dir" "$vars")"
  if [ -d "$out/bin" ]; then
    [ "$mode" = --check ] && echo "$name=$out"
    [ "$mode" = --check ] || echo "e2e toolchain: $name is built ($out)"
    continue
  fi
  if [ "$mode" = --check ]; then
    echo "e2e toolchain: $name is not built (npm run e2e:toolchain builds it into $out)" >&2
    missing=1
    continue
  fi
  echo "e2e toolchain: building $name into $out ($(date -u +%H:%M:%S))"
  start=$SECONDS
  # Each component in a subshell: one that fails is reported, and the others still build. The
  # subshell runs in the background and is waited for, because inside an `if` condition bash
  # ignores `set -e` and a failed step would go on to move a broken build into the cache.
  (build_component "$name" "$dir" "$out") &
  if wait $!; then
    echo "e2e toolchain: $name built in $((SECONDS - start))s"
  else
    echo "e2e toolchain: $name FAILED after $((SECONDS - start))s (its log is above)" >&2
    missing=1
  fi
done
exit "$missing"
