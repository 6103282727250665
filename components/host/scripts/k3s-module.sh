# Writes the generated k3s NixOS module (FAF_MODULE) to FAF_MODULE_FILE and switches to it.
# `nixos-rebuild switch` activates everything the host's configuration holds, so this step
# builds first: the configuration with the module as last applied must build to the running
# system, or someone's other changes would be switched with ours (refused unless
# FAF_APPLY_OTHER_CHANGES=true). A failed build changes nothing; a failed switch restores the
# module file and activates the previous system again. Nothing runs when the module is unchanged.
require_host
config="$ROOT$FAF_NIXOS_CONFIG"
file="$ROOT$FAF_MODULE_FILE"
module_name=$(basename "$FAF_MODULE_FILE")

# Read the Nix, not its text: an import in a comment does not count.
parsed=$(nix-instantiate --parse "$config" </dev/null 2>&1) ||
  fail "$FAF_NIXOS_CONFIG does not parse: $parsed. Fix: correct it (nix-instantiate --parse $FAF_NIXOS_CONFIG) and run again."
tr ' []();' '\n' <<<"$parsed" | grep -qxF -- "$file" ||
  fail "$FAF_NIXOS_CONFIG does not import $module_name. Fix: add ./$module_name to its imports, e.g. imports = [ ./hardware-configuration.nix ./$module_name ]; then run pulumi up again."
if grep -Eq '(^|[^A-Za-z0-9_-])k3s(\.[A-Za-z0-9_.-]+)? = ' <<<"$parsed"; then
  fail "$FAF_NIXOS_CONFIG configures services.k3s itself, which would conflict with $module_name. Fix: remove that block; $module_name owns k3s now."
fi

# The cluster token. k3s encrypts its bootstrap data with it: started with another token
# against an existing datastore, it does not come up. k3s keeps a copy (K10<hash>::server:<token>).
token="$ROOT$FAF_TOKEN_FILE"
server_token="$ROOT/var/lib/rancher/k3s/server/token"
datastore="$ROOT/var/lib/rancher/k3s/server/db"
kept=""
[ -s "$server_token" ] && kept=$(sed -e 's/^K10[0-9a-f]*::server://' "$server_token" | tr -d '[:space:]')
if [ ! -s "$token" ]; then
  mkdir -p "$(dirname "$token")"
  if [ -n "$kept" ]; then
    (umask 077 && printf '%s\n' "$kept" >"$token.tmp" && mv "$token.tmp" "$token")
    log "WARNING: the cluster token $FAF_TOKEN_FILE was missing; restored it from k3s's own copy (/var/lib/rancher/k3s/server/token)"
  elif [ -d "$datastore" ] && [ -n "$(ls -A "$datastore")" ]; then
    fail "the cluster token $FAF_TOKEN_FILE is missing, and k3s's datastore ($datastore) exists without its own copy of the token; a new token would leave k3s unable to read its datastore. Fix: restore $FAF_TOKEN_FILE from a backup of the host (the token k3s was first started with), then run again."
  else
    (umask 077 && head -c 32 /dev/urandom | base64 >"$token.tmp" && mv "$token.tmp" "$token")
    log "created the cluster token $FAF_TOKEN_FILE"
  fi
elif [ -n "$kept" ] && [ "$(tr -d '[:space:]' <"$token")" != "$kept" ]; then
  fail "the cluster token $FAF_TOKEN_FILE differs from the token k3s's datastore was created with (/var/lib/rancher/k3s/server/token); k3s would not come up. Fix: put the token back (sed 's/^K10[0-9a-f]*::server://' /var/lib/rancher/k3s/server/token > $FAF_TOKEN_FILE), then run again."
fi

want=$(printf '%s' "$FAF_MODULE" | sha256sum | cut -d' ' -f1)
have=none
[ -f "$file" ] && have=$(sha256sum <"$file" | cut -d' ' -f1)
marker="$ROOT/var/lib/faf/k3s-module.applied"
applied_module="$ROOT/var/lib/faf/k3s-module.applied.nix"
if [ "$have" = "$want" ] && [ "$(cat "$marker" 2>/dev/null || true)" = "$want" ]; then
  log "module unchanged: no rebuild"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f "$file" ]; then cp -p "$file" "$work/previous"; fi
restore_module() {
  if [ -f "$work/previous" ]; then cp -p "$work/previous" "$file"; else rm -f "$file"; fi
}
# A flake sees only files git knows: mark the module as intended to be added.
directory=$(dirname "$file")
if [[ "$FAF_REBUILD_ARGS" == *--flake* ]] && git -C "$directory" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
  ! git -C "$directory" ls-files --error-unmatch "$module_name" >/dev/null 2>&1; then
  git -C "$directory" add --intent-to-add "$module_name"
  log "git add --intent-to-add $module_name (the flake would not see it otherwise)"
fi
build() { # label -> prints the system it built
  # Word splitting is the point: the setting is a command line, checked against a strict pattern.
  # shellcheck disable=SC2086
  if ! (cd "$work" && nixos-rebuild build $FAF_REBUILD_ARGS </dev/null >"$work/build.log" 2>&1); then
    restore_module
    fail "nixos-rebuild build $FAF_REBUILD_ARGS of $1 failed; nothing was switched and $module_name is as it was: $(tail -n 15 "$work/build.log" | tr '\n' ' '). Fix: run nixos-rebuild build $FAF_REBUILD_ARGS on the host and correct what it reports."
  fi
  readlink -f "$work/result"
}
current=$(readlink -f "$ROOT/run/current-system")

# 1. The configuration as it stands, with the module as last switched to (an empty module
# before the first switch), must build to the running system.
if [ -f "$applied_module" ]; then
  cp "$applied_module" "$file"
elif [ -f "$work/previous" ] && [ "$have" = "$(cat "$marker" 2>/dev/null || true)" ]; then
  : # switched to by an earlier version of this step, which kept only its hash
else
  printf '{ ... }: { }\n' >"$file"
fi
baseline=$(build "the host's configuration with the module as last applied")
if [ "$baseline" != "$current" ]; then
  changes=$(nix --extra-experimental-features nix-command store diff-closures "$current" "$baseline" </dev/null 2>&1 | head -n 40 | tr '\n' ';' || true)
  if [ "$FAF_APPLY_OTHER_CHANGES" = true ]; then
    log "WARNING: the host's configuration holds changes outside $module_name, switched too (faf:host.applyOtherChanges): $changes"
  else
    restore_module
    fail "the host's configuration holds changes outside $module_name that are not active yet ($current is running; the configuration builds $baseline); switching would apply them too: $changes Fix: review and apply (or revert) them yourself with nixos-rebuild switch $FAF_REBUILD_ARGS, or set faf:host.applyOtherChanges: true to switch them together with the module."
  fi
fi

# 2. The configuration with the new module.
printf '%s' "$FAF_MODULE" >"$file.tmp"
mv "$file.tmp" "$file"
target=$(build "the configuration with the new $module_name")
if [ "$target" = "$current" ]; then
  log "wrote $FAF_MODULE_FILE; the running system already matches it: no switch"
else
  log "nixos-rebuild switch $FAF_REBUILD_ARGS (the module changed)"
  # shellcheck disable=SC2086
  if ! nixos-rebuild switch $FAF_REBUILD_ARGS </dev/null >"$work/switch.log" 2>&1; then
    restore_module
    # Put the previous system back, as what boots and as what runs.
    nix-env --profile /nix/var/nix/profiles/system --set "$current" </dev/null
    "$current/bin/switch-to-configuration" switch </dev/null ||
      fail "nixos-rebuild switch failed, and activating the previous system $current again failed too. Fix: nixos-rebuild switch --rollback, then journalctl -b -n 200. Switch log: $(tail -n 15 "$work/switch.log" | tr '\n' ' ')"
    fail "nixos-rebuild switch failed; the previous system ($current) is active again and $module_name is as it was. Switch log: $(tail -n 15 "$work/switch.log" | tr '\n' ' ') Fix: correct what it reports (systemctl --failed, journalctl -b), then run again."
  fi
  log "switched to the new configuration"
fi
mkdir -p "$(dirname "$marker")"
cp "$file" "$applied_module"
printf '%s\n' "$want" >"$marker"
