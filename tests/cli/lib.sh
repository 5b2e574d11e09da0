# Shared by the command-line test scripts (sourced): the binary and corpus they need, a scratch
# folder removed on exit (made writable first: some tests lock folders), and the pass/fail tally.
: "${TIDEMARK:?path to the tidemark binary}" "${TIDEMARK_CORPUS:?path to shared/corpus}"
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # check NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}
finish() {  # the last line of a script: the tally, and its exit status
  echo "${1:+$1: }$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
