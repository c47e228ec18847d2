#!/usr/bin/env bash
# Print the path of a Python interpreter >= 3.12, or exit 1 saying what to install.
#
# Search order:
#   1. $PYTHON, if set (explicit override)
#   2. python3.13, python3.12 on PATH (pyenv shims are run, so a shim for a
#      version that is not selected simply fails and is skipped)
#   3. $(pyenv root)/versions/3.1[2-9]*/bin/python
#   4. ~/.pyenv/versions/3.1[2-9]*/bin/python
#   5. python3 on PATH
# Every candidate is executed to check its real version.
set -u

MIN_MAJOR=3
MIN_MINOR=12

# ok CANDIDATE -> prints the interpreter's absolute path and returns 0 if it is >= 3.12
ok() {
    local exe=$1 out
    out=$("$exe" -c "import sys
if sys.version_info >= (${MIN_MAJOR}, ${MIN_MINOR}):
    print(sys.executable)
else:
    sys.exit(1)" 2>/dev/null) || return 1
    [ -n "$out" ] || return 1
    printf '%s\n' "$out"
}

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for name in python3.13 python3.12; do
    p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
roots=()
if command -v pyenv >/dev/null 2>&1; then
    r=$(pyenv root 2>/dev/null) && [ -n "$r" ] && roots+=("$r")
fi
roots+=("${HOME:-/root}/.pyenv")
for r in "${roots[@]}"; do
    for p in "$r"/versions/3.1[2-9]*/bin/python; do
        [ -x "$p" ] && candidates+=("$p")
    done
done
p=$(command -v python3 2>/dev/null) && candidates+=("$p")

for c in ${candidates[@]+"${candidates[@]}"}; do
    if found=$(ok "$c"); then
        printf '%s\n' "$found"
        exit 0
    fi
done

cat >&2 <<MSG
find-python.sh: no Python >= ${MIN_MAJOR}.${MIN_MINOR} found.
  Tried: \$PYTHON, python3.13 and python3.12 on PATH, pyenv versions 3.12+, python3.
  Install one, e.g.:
    pyenv install 3.12      (then re-run; no need to make it the global version)
  or on Debian 13 / Ubuntu 24.04:  sudo apt-get install python3 python3-venv
  or point PYTHON at an interpreter:  make venv PYTHON=/path/to/python3.12
MSG
exit 1
