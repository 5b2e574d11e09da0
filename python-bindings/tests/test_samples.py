"""The Python samples run as users would run them, and print found marks."""
import pathlib
import subprocess
import sys

import pytest

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


def test_ray_sample(tmp_path):
    pytest.importorskip("ray", reason="ray[data] is not installed (scripts/test-python.sh installs it)")
    out = subprocess.run([sys.executable, SAMPLES / "python" / "ray_mark.py", SAMPLES, tmp_path / "out", "--payload", "7"],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    images = [p for p in SAMPLES.iterdir() if p.suffix in (".jpg", ".png")]
    assert len(out) == len(images)
    assert all("payload 7," in line for line in out), out
    assert len(list((tmp_path / "out").iterdir())) == len(images)
