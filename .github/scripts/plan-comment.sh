#!/usr/bin/env bash
# The pull request's plan comment, as Markdown on stdout: for each stack, `diff -u` of plan.md as synth renders
# it on the base branch and on the pull request. Its first line is the marker the posting step finds the
# comment by, so that every push updates one comment instead of adding another.
# Usage: plan-comment.sh <base branch> <stack> <base plan.md> <head plan.md> [<stack> <base> <head>]...
set -euo pipefail

if [ $# -lt 4 ] || [ $(( ($# - 1) % 3 )) -ne 0 ]; then
  echo "usage: $0 <base branch> <stack> <base plan.md> <head plan.md> [<stack> <base> <head>]..." >&2
  exit 2
fi
base_branch=$1
shift
# GitHub refuses a comment longer than 65,536 characters: the diffs share 60,000 bytes (a byte is at most a
# character), the rest is for the headings.
share=$(( 60000 / ($# / 3) ))
diff_file=$(mktemp)
trap 'rm -f "$diff_file"' EXIT

echo "<!-- ssm-runas-sync plan diff -->"
echo "## Deployment plan: what changes against \`$base_branch\`"
echo
echo "\`diff -u\` of \`plan.md\` as \`npm run synth\` renders it on \`$base_branch\` and on this pull request: every"
echo "StackSet instance, SCP attachment, management-account stack, exempt principal and the writer's code hash."
echo "The whole plans are in the \`synth-<stack>\` artifacts of the checks."
while [ $# -gt 0 ]; do
  stack=$1 base=$2 head=$3
  shift 3
  echo
  echo "### \`$stack\`"
  echo
  if [ ! -f "$head" ]; then
    echo "This pull request renders no plan.md for $stack."
    continue
  fi
  if [ ! -f "$base" ]; then
    echo "\`$base_branch\` renders no plan.md for $stack (it predates the plan, or its synth failed): every line is new."
    echo
    base=/dev/null
  fi
  status=0
  diff -u --label "$stack/plan.md ($base_branch)" --label "$stack/plan.md (pull request)" "$base" "$head" \
    >"$diff_file" || status=$?
  if [ "$status" -eq 0 ]; then
    echo "No change."
  elif [ "$status" -eq 1 ]; then
    echo '```diff'
    head -c "$share" "$diff_file"
    if [ "$(wc -c <"$diff_file")" -gt "$share" ]; then
      echo
      echo "… cut at $share bytes: see the synth-$stack artifact for the whole plan."
    fi
    echo '```'
  else
    exit "$status"
  fi
done
