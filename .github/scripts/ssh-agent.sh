#!/usr/bin/env bash
# Starts an SSH agent holding $SSH_KEY (the hosts' deploy key) for the rest of the job: the host
# steps of prod and test connect as root over SSH (README, "Delivery").
set -euo pipefail
if [ -z "${SSH_KEY:-}" ]; then
  echo "::warning::FAF_SSH_PRIVATE_KEY is not set: steps that reach the hosts over SSH will fail"
  exit 0
fi
eval "$(ssh-agent -s)" >/dev/null
printf '%s\n' "$SSH_KEY" | ssh-add - 2>/dev/null
{
  echo "SSH_AUTH_SOCK=$SSH_AUTH_SOCK"
  echo "SSH_AGENT_PID=$SSH_AGENT_PID"
} >>"${GITHUB_ENV:-/dev/null}"
