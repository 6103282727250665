#!/usr/bin/env bash
# pulumi-run.sh <stack> <out dir> <pulumi command and flags...>
# Runs one Pulumi command on a stack with the policy pack (policy/), keeps its output in
# <out>/<command>-<stack>.txt and writes a Markdown summary beside it (<command>-<stack>.md) and a
# status: ok, changes (--expect-no-changes found drift) or error. Exits with Pulumi's code.
set -uo pipefail
stack=$1 out=$2
shift 2
command=$1
mkdir -p "$out"
log="$out/$command-$stack.txt"
summary="$out/$command-$stack.md"

pulumi login --non-interactive "${PULUMI_BACKEND_URL:?PULUMI_BACKEND_URL is not set (a repository secret)}" >/dev/null || exit 1
pulumi "$@" --stack "$stack" --non-interactive --color never --policy-pack policy 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

status=ok
if [ "$code" -ne 0 ]; then
  if grep -q "no changes were expected but changes were proposed" "$log"; then status=changes; else status=error; fi
fi
echo "$status" >"$out/$command-$stack.status"

# The summary: what Pulumi counted, every policy violation, then the whole output folded (cut
# to fit a comment; the job log keeps all of it).
{
  echo "#### \`pulumi $command\` of \`$stack\`: $status (exit $code)"
  echo
  echo '```'
  sed -n '/^Resources:/,/^$/p' "$log"
  grep -E '(mandatory|advisory)\]|Policy Violations|error:' "$log" | head -40
  echo '```'
  echo
  echo "<details><summary>Full output</summary>"
  echo
  echo '```'
  head -c 12000 "$log"
  [ "$(wc -c <"$log")" -gt 12000 ] && echo "... (cut: the job log has the rest)"
  echo '```'
  echo
  echo "</details>"
} >"$summary"
exit "$code"
