"""The Python package and the tidemark command give the same bytes and the same results."""
import json
import subprocess

import numpy as np
import pytest

import tidemark

pytestmark = pytest.mark.skipif(not tidemark.has_file_io, reason="built without image I/O")


def test_embed_file_matches_the_cli_byte_for_byte(tmp_path, corpus, cli):
    key = tidemark.Key.generate()
    key.write(tmp_path / "k")
    src = corpus / "images" / "opencv_messi5_548x342.jpg"
    subprocess.run([cli, "embed", src, "-o", tmp_path / "cli.png", "--payload", "00000000cafef00d",
                    "--key-file", tmp_path / "k"], check=True, capture_output=True)
    info = tidemark.embed_file(src, tmp_path / "py.png", key=tmp_path / "k", payload=0xCAFEF00D)
    assert info["width"] == 548 and info["height"] == 342 and info["format"] == "jpeg"
    assert (tmp_path / "py.png").read_bytes() == (tmp_path / "cli.png").read_bytes()

    # Arrays decoded by Python mark to the same pixels as the file path through the library.
    from PIL import Image

    with Image.open(src) as im:
        pixels = np.array(im.convert("RGB"))
    with Image.open(tmp_path / "cli.png") as im:
        cli_pixels = np.array(im)
    ours = tidemark.embed(pixels, key=key, payload=0xCAFEF00D)
    # libjpeg versions may round the IDCT differently; the mark itself must be the same.
    assert np.abs(ours.astype(int) - cli_pixels).max() <= 2
    assert tidemark.detect(ours, key=key).payload == 0xCAFEF00D


def test_detect_file_matches_the_cli(tmp_path, corpus, cli):
    src = corpus / "images" / "opencv_orange_512x512.jpg"
    tidemark.embed_file(src, tmp_path / "m.jpg", payload="00000000000000ee", quality=90)
    out = subprocess.run([cli, "detect", tmp_path / "m.jpg", "--json"], check=True, capture_output=True, text=True)
    theirs = json.loads(out.stdout.splitlines()[0])
    ours = tidemark.detect_file(tmp_path / "m.jpg")
    assert theirs["payload"] == ours.payload_hex == "00000000000000ee"
    assert theirs["detected"] is ours.detected is True
    assert theirs["z"] == pytest.approx(ours.z, rel=1e-9)
    assert theirs["verdict"] == ours.verdict


def test_a_jpeg_is_marked_in_its_coefficients_as_the_cli_does(tmp_path, corpus, cli):
    src = corpus / "images" / "opencv_orange_512x512.jpg"
    info = tidemark.embed_file(src, tmp_path / "py.jpg", payload="00000000000000ef")
    subprocess.run([cli, "embed", src, "-o", tmp_path / "cli.jpg", "--payload", "00000000000000ef"], check=True,
                   capture_output=True)
    assert info["jpeg_coefficients_quality"] >= 80
    assert (tmp_path / "py.jpg").read_bytes() == (tmp_path / "cli.jpg").read_bytes()
    assert tidemark.detect_file(tmp_path / "py.jpg").payload_hex == "00000000000000ef"
    reencoded = tidemark.embed_file(src, tmp_path / "q.jpg", payload=1, quality=95)
    assert "jpeg_coefficients_quality" not in reencoded
    with pytest.raises(ValueError):
        tidemark.embed_file(src, tmp_path / "bad.jpg", payload=1, quality=0)


def test_png_level_matches_the_cli(tmp_path, corpus, cli):
    src = corpus / "images" / "opencv_messi5_548x342.jpg"
    subprocess.run([cli, "embed", src, "-o", tmp_path / "cli9.png", "--png-level", "9"], check=True, capture_output=True)
    tidemark.embed_file(src, tmp_path / "py9.png", png_level=9)
    tidemark.embed_file(src, tmp_path / "py.png")
    assert (tmp_path / "py9.png").read_bytes() == (tmp_path / "cli9.png").read_bytes()
    assert (tmp_path / "py9.png").stat().st_size < (tmp_path / "py.png").stat().st_size
    with pytest.raises(ValueError, match="png_level"):
        tidemark.embed_file(src, tmp_path / "bad.png", png_level=10)
