#!/usr/bin/env bash
# The Python package's tests: builds the bindings into a virtual environment (build/python-venv)
# with pip, then runs pytest. The CLI parity tests use build/release/cli/tidemark when built.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q numpy pillow pytest
# Ray Data for the scale-out helper's tests (a local cluster)
"$venv/bin/python" -m pip install -q "ray[data]"
# the reference dwtDct encoder and decoder, to check ours bit for bit (its torch import is stubbed)
"$venv/bin/python" -m pip install -q --no-deps invisible-watermark==0.2.0 PyWavelets opencv-python-headless
"$venv/bin/python" -m pip install -q ./python-bindings
TIDEMARK_CLI="$PWD/build/release/cli/tidemark" "$venv/bin/python" -m pytest -q -rs python-bindings/tests
