#!/usr/bin/env bash
# Set up (first run only) and solve every bundled example scenario, all variants, and every
# bundled portfolio (scenarios/portfolio/portfolio.yaml).
# The deliberately infeasible example ends with exit code 4 (infeasible), as documented.
source "$(dirname "$0")/env.sh"
status=0
for file in scenarios/*.yaml scenarios/*/*.yaml; do
  echo "### $file"
  set +e
  if grep -q '^sourceopt_portfolio:' "$file"; then
    .venv/bin/sourceopt portfolio "$file" "$@"  # a portfolio of the category files beside it
  else
    .venv/bin/sourceopt solve "$file" --all-variants "$@"
  fi
  code=$?
  set -e
  expected=0
  case "$file" in *infeasible*) expected=4 ;; esac
  if [ "$code" -ne "$expected" ]; then
    echo "!!! $file: exit code $code, expected $expected" >&2
    status=1
  fi
  echo
done
exit $status
