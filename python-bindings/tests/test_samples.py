"""The Python samples run as users would run them, and print found marks."""
import pathlib
import subprocess
import sys

import tidemark

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples"


def test_numpy_sample(tmp_path):
    src = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".jpg")
    out = subprocess.run([sys.executable, SAMPLES / "python" / "mark_numpy.py", src, tmp_path / "m.png"],
                         check=True, capture_output=True, text=True).stdout
    assert "verdict='detected'" in out and "payload=0x000000000000002a" in out
    assert (tmp_path / "m.png").stat().st_size > 0


def test_diffusers_style_sample():
    out = subprocess.run([sys.executable, SAMPLES / "python" / "diffusers_style.py"],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert len(out) == 4
    for i, line in enumerate(out):
        assert f"request {1000 + i}" in line and f"payload=0x{1000 + i:016x}" in line
