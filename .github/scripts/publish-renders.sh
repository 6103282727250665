#!/usr/bin/env bash
# publish-renders.sh <environment> <render dir>
# Replaces rendered/<environment>/ on the renders branch (default `rendered`, what Argo CD's
# Applications read: components/platform/argocd.ts) with the render of the deployed commit, and
# pushes it. Other environments' folders are kept. Retries when another deploy pushed first.
set -euo pipefail
environment=${1:?usage: publish-renders.sh <environment> <render dir>}
source_dir=$(cd "${2:?usage: publish-renders.sh <environment> <render dir>}" && pwd)
[ -d "$source_dir/manifests" ] || { echo "$source_dir has no manifests/: render the stack first (npm run render)" >&2; exit 2; }
remote=${RENDERS_REMOTE:-origin}
branch=${RENDERS_BRANCH:-rendered}
commit=$(git rev-parse HEAD)

work=$(mktemp -d)
tree="$work/tree"
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  git worktree remove --force "$tree" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for attempt in 1 2 3 4 5; do
  parent=()
  if git fetch -q "$remote" "+refs/heads/$branch:refs/remotes/$remote/$branch" 2>/dev/null; then
    git worktree add -q --detach "$tree" "refs/remotes/$remote/$branch"
    parent=(-p "$(git rev-parse "refs/remotes/$remote/$branch")")
  else
    # The first publication: a branch with no history of its own, holding only rendered/.
    git worktree add -q --detach "$tree" HEAD
    git -C "$tree" read-tree --empty
  fi
  rm -rf "$tree/rendered/$environment"
  mkdir -p "$tree/rendered/$environment"
  cp -R "$source_dir/." "$tree/rendered/$environment/"
  # -f: the project's .gitignore ignores rendered/.
  git -C "$tree" add -f -A "rendered/$environment"
  new_tree=$(git -C "$tree" write-tree)
  if [ "${#parent[@]}" -gt 0 ] && [ "$new_tree" = "$(git rev-parse "refs/remotes/$remote/$branch^{tree}")" ]; then
    echo "rendered/$environment on $branch is already the render of $commit"
    exit 0
  fi
  new_commit=$(git -c user.name="faf-infra deploy" -c user.email="faf-infra-deploy@users.noreply.github.com" \
    commit-tree "$new_tree" "${parent[@]}" -m "rendered/$environment: the render of $commit")
  if git push -q "$remote" "$new_commit:refs/heads/$branch"; then
    echo "published rendered/$environment of $commit to $branch ($new_commit)"
    exit 0
  fi
  echo "push to $branch refused (attempt $attempt): another deploy published first; retrying" >&2
  git worktree remove --force "$tree"
  sleep "$attempt"
done
echo "could not publish rendered/$environment to $branch after 5 attempts" >&2
exit 1
