#!/usr/bin/env bash
# What the drift workflow found for one stack, read from the files its steps leave in <dir>:
#   preview-exit, preview.txt         pulumi preview --refresh --expect-no-changes (no preview-exit: it did not run)
#   audit-exit, audit.md, audit.json  ssm-runas audit (no audit-exit: it did not run)
#
# `report` prints the Markdown for the job summary and for the stack's issue, at most <max bytes>. Its first
# three lines are what the issue job reads: the marker the stack's issue is found by, the verdict (clean,
# findings, failed) and a digest of the findings, which tells a new finding from yesterday's.
# `check` prints one error annotation per finding or failure and exits 1 unless the stack is clean.
#
# Usage: drift-report.sh report <stack> <dir> <preview: true|false> <run url> <max bytes>
#        drift-report.sh check <dir> <preview: true|false>
set -euo pipefail

usage() {
  echo "usage: $0 report <stack> <dir> <preview: true|false> <run url> <max bytes>" >&2
  echo "       $0 check <dir> <preview: true|false>" >&2
  exit 2
}

# The preview's state (clean, findings, failed, skipped), its exit code (none: it did not run) and a line that
# says what they mean. Pulumi 3.226.1 and later exit 7 when --expect-no-changes finds changes and 5 when a
# policy pack refuses, apart from every other failure.
preview_state() {
  code=none
  if [ "$preview" != "true" ]; then
    code=skipped state=skipped text="not run: the audit alone (the \`preview\` input, or \`DRIFT_PULUMI_PREVIEW\` is \`false\`)"
    return
  fi
  if [ ! -f "$dir/preview-exit" ]; then
    state=failed text="did not run: a step before it failed (see the run's log)"
    return
  fi
  code=$(cat "$dir/preview-exit")
  case "$code" in
    0) state=clean text="no changes: what is deployed is what the program declares" ;;
    7) state=findings text="**drift**: applying the program would change what is deployed (exit 7)" ;;
    5) state=findings text="**the policy pack refused** what is deployed (exit 5)" ;;
    *) state=failed text="**failed** (exit $code): see the log below" ;;
  esac
}

# The same for the audit: exit 0 every cell compliant, 1 some are not, 2 the audit failed.
audit_state() {
  code=none
  if [ ! -f "$dir/audit-exit" ]; then
    state=failed text="did not run: a step before it failed (see the run's log)"
    return
  fi
  code=$(cat "$dir/audit-exit")
  case "$code" in
    0) state=clean text="every account × region compliant" ;;
    1) state=findings text="**not compliant**: some account × region cells fail (exit 1)" ;;
    *) state=failed text="**the audit failed** (exit $code): see the run's log" ;;
  esac
}

classify() {
  preview_state
  preview_result=$state preview_text=$text preview_code=$code
  audit_state
  audit_result=$state audit_text=$text audit_code=$code
  if [ "$preview_result" = findings ] || [ "$audit_result" = findings ]; then
    verdict=findings
  elif [ "$preview_result" = failed ] || [ "$audit_result" = failed ]; then
    verdict=failed
  else
    verdict=clean
  fi
}

# The summary's counts but COMPLIANT, e.g. "MISSING=1 WRONG_USER=3": what changed since the last run.
audit_counts() {
  [ -f "$dir/audit.json" ] || return 0
  node -e '
    const { summary = {} } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const counts = Object.entries(summary).filter(([status, n]) => status !== "COMPLIANT" && n > 0);
    console.log(counts.sort().map(([status, n]) => `${status}=${n}`).join(" "));
  ' "$dir/audit.json" 2>/dev/null || echo "unreadable"
}

# A code fence longer than any run of backticks in the file, so that nothing in it can close the block.
fence_for() {
  local longest
  longest=$( (grep -o '`\+' "$1" || true) | awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }')
  printf '`%.0s' $(seq 1 $((longest < 3 ? 3 : longest + 1)))
}

# At most <bytes> of a file: the whole of it, or its head and tail around a line that says what was cut.
excerpt() {
  local file=$1 bytes=$2 size
  size=$(wc -c <"$file")
  if [ "$size" -le "$bytes" ]; then
    cat "$file"
    return
  fi
  head -c $((bytes / 2)) "$file"
  echo
  echo "… $((size - bytes)) bytes cut: the whole log is in the artifact drift-$stack …"
  tail -c $((bytes / 2)) "$file"
}

report() {
  classify
  local digest="preview=$preview_code audit=$audit_code"
  local counts
  counts=$(audit_counts)
  if [ -n "$counts" ]; then
    digest="$digest $counts"
  fi
  echo "<!-- ssm-runas-sync drift: $stack -->"
  echo "<!-- verdict: $verdict -->"
  echo "<!-- digest: $digest -->"
  case "$verdict" in
    clean) echo "## \`$stack\`: no drift, every account × region compliant" ;;
    findings) echo "## Drift in \`$stack\`" ;;
    failed) echo "## The drift check of \`$stack\` could not run" ;;
  esac
  echo
  echo "| check | result |"
  echo "| --- | --- |"
  echo "| \`pulumi preview --refresh --expect-no-changes\` | $preview_text |"
  echo "| \`ssm-runas audit\` | $audit_text |"
  echo
  echo "Found by [this run]($run_url). Its artifact \`drift-$stack\` holds the audit's HTML report"
  echo "(\`report.html\`: every account × region), \`audit.json\` and the whole preview log."
  # What is left for the two excerpts once the headings are written, the preview's share first: the audit's
  # Markdown lists the non-compliant cells, the more useful half.
  local room=$((max_bytes - 2000))
  local preview_room=$((room * 2 / 5))
  if [ -f "$dir/preview.txt" ]; then
    local fence
    fence=$(fence_for "$dir/preview.txt")
    echo
    echo "### \`pulumi preview --refresh\`"
    echo
    echo "${fence}diff"
    excerpt "$dir/preview.txt" "$preview_room"
    [ -z "$(tail -c 1 "$dir/preview.txt")" ] || echo
    echo "$fence"
    room=$((room - $(wc -c <"$dir/preview.txt" | awk -v cap="$preview_room" '{ print ($1 < cap ? $1 : cap) }')))
  fi
  if [ -f "$dir/audit.md" ]; then
    echo
    echo "### \`ssm-runas audit\`"
    echo
    local size
    size=$(wc -c <"$dir/audit.md")
    if [ "$size" -le "$room" ]; then
      cat "$dir/audit.md"
    else
      head -c "$room" "$dir/audit.md"
      echo
      echo
      echo "… cut at $room of $size bytes: every cell is in \`report.html\` and \`audit.json\` (artifact \`drift-$stack\`)."
    fi
  fi
}

check() {
  classify
  case "$preview_result" in
    findings | failed) echo "::error::pulumi preview --refresh --expect-no-changes: ${preview_text//\*\*/}" ;;
  esac
  case "$audit_result" in
    findings | failed) echo "::error::ssm-runas audit: ${audit_text//\*\*/}" ;;
  esac
  [ "$verdict" = clean ]
}

mode=${1:-}
case "$mode" in
  report)
    [ $# -eq 6 ] || usage
    stack=$2 dir=$3 preview=$4 run_url=$5 max_bytes=$6
    [[ "$max_bytes" =~ ^[0-9]+$ ]] && [ "$max_bytes" -ge 10000 ] || usage
    report
    ;;
  check)
    [ $# -eq 3 ] || usage
    dir=$2 preview=$3
    check
    ;;
  *) usage ;;
esac
