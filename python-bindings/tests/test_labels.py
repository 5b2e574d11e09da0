"""mark_file / verify_file: the CLI's mark and verify jobs from Python, with the same results."""
import json
import subprocess

import pytest

import tidemark

pytestmark = pytest.mark.skipif(not tidemark.has_labels, reason="built without the labels layer")
PRODUCER = "001191110102MACQD9K64010000"


def test_mark_then_verify(tmp_path, corpus):
    key = tidemark.Key.generate()
    info = tidemark.mark_file(corpus / "images" / "opencv_orange_512x512.jpg", tmp_path / "m.png", PRODUCER, key,
                              produce_id="req-7", sign=True, visible=True)
    assert info["produce_id"] == "req-7" and info["visible_label_glyph_height"] >= 0.05 * 512
    assert json.loads(info["aigc"])["PropagateID"] == "req-7"
    report = tidemark.verify_file(tmp_path / "m.png", keys=[key])
    assert report["watermark"]["detected"] and report["watermark"]["payload"] == info["payload"]
    assert report["aigc"]["count"] == 1 and report["aigc"]["conforms"]
    assert report["agreement"] == {"produce_id_matches_watermark": True, "signature": "valid"}
    assert report["suggested_label"]["label"] == "1"
    public_view = tidemark.verify_file(tmp_path / "m.png")
    assert not public_view["watermark"]["detected"]  # a private key's mark is invisible to the public key


def test_generated_produce_ids_and_overwrite_rules(tmp_path, corpus):
    src = corpus / "images" / "opencv_messi5_548x342.jpg"
    first = tidemark.mark_file(src, tmp_path / "a.jpg", PRODUCER)
    assert first["produce_id"].startswith("tm-")
    with pytest.raises(OSError, match="exists"):
        tidemark.mark_file(src, tmp_path / "a.jpg", PRODUCER)
    second = tidemark.mark_file(src, tmp_path / "a.jpg", PRODUCER, overwrite=True)
    assert second["produce_id"] != first["produce_id"]
    with pytest.raises(ValueError, match="Annex E"):
        tidemark.mark_file(src, tmp_path / "b.jpg", "ACME Corp")
    with pytest.raises(ValueError, match="private key"):
        tidemark.mark_file(src, tmp_path / "b.jpg", PRODUCER, sign=True)
    assert not (tmp_path / "b.jpg").exists()


def test_verify_matches_the_cli(tmp_path, corpus, cli):
    tidemark.mark_file(corpus / "images" / "opencv_orange_512x512.jpg", tmp_path / "m.webp", PRODUCER, produce_id="r1")
    ours = tidemark.verify_file(tmp_path / "m.webp")
    out = subprocess.run([cli, "verify", tmp_path / "m.webp", "--json"], check=True, capture_output=True, text=True)
    theirs = json.loads(out.stdout)
    assert ours == theirs


def test_verify_errors_name_the_file(corpus):
    with pytest.raises(tidemark.DecodeError, match="truncated_building.jpg"):
        tidemark.verify_file(corpus / "bad" / "truncated_building.jpg")
