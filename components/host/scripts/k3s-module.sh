# Writes the generated k3s NixOS module (FAF_MODULE) to FAF_MODULE_FILE and runs
# nixos-rebuild switch only when the module changed or its last switch did not finish.
config="$ROOT$FAF_NIXOS_CONFIG"
file="$ROOT$FAF_MODULE_FILE"
module_name=$(basename "$FAF_MODULE_FILE")
grep -Eq "(^|[^A-Za-z0-9_-])$module_name([^A-Za-z0-9_-]|$)" "$config" ||
  fail "$FAF_NIXOS_CONFIG does not import $module_name. Fix: add ./$module_name to its imports, e.g. imports = [ ./hardware-configuration.nix ./$module_name ]; then run pulumi up again."

if grep -Eq '^[^#]*services\.k3s' "$config"; then
  fail "$FAF_NIXOS_CONFIG configures services.k3s itself, which would conflict with $module_name. Fix: remove that block; $module_name owns k3s now."
fi

token="$ROOT$FAF_TOKEN_FILE"
if [ ! -s "$token" ]; then
  mkdir -p "$(dirname "$token")"
  (umask 077 && head -c 32 /dev/urandom | base64 >"$token.tmp" && mv "$token.tmp" "$token")
  log "created the cluster token $FAF_TOKEN_FILE"
fi

want=$(printf '%s' "$FAF_MODULE" | sha256sum | cut -d' ' -f1)
have=none
[ -f "$file" ] && have=$(sha256sum <"$file" | cut -d' ' -f1)
if [ "$want" != "$have" ]; then
  printf '%s' "$FAF_MODULE" >"$file.tmp"
  mv "$file.tmp" "$file"
  log "wrote $FAF_MODULE_FILE"
fi
# A flake sees only files git knows: mark the module as intended to be added.
directory=$(dirname "$file")
if [[ "$FAF_REBUILD" == *--flake* ]] && git -C "$directory" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
  ! git -C "$directory" ls-files --error-unmatch "$module_name" >/dev/null 2>&1; then
  git -C "$directory" add --intent-to-add "$module_name"
  log "git add --intent-to-add $module_name (the flake would not see it otherwise)"
fi

applied="$ROOT/var/lib/faf/k3s-module.applied"
if [ "$(cat "$applied" 2>/dev/null || true)" != "$want" ]; then
  log "$FAF_REBUILD (the module changed)"
  # Word splitting is the point: the setting is a command line, checked against a strict pattern.
  # shellcheck disable=SC2086
  $FAF_REBUILD
  mkdir -p "$(dirname "$applied")"
  printf '%s\n' "$want" >"$applied"
  log "switched to the new configuration"
else
  log "module unchanged: no rebuild"
fi
