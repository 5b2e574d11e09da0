"""Ray Data helpers on a local Ray cluster (2 CPUs): marking with several actors, per-row
payloads, image files read and written by Ray, keys read on the workers."""
import numpy as np
import pytest

import tidemark

ray = pytest.importorskip("ray", reason="ray[data] is not installed (scripts/test-python.sh installs it)")
import tidemark.ray_data as tmr  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


@pytest.fixture()
def key_file(tmp_path, key):
    path = tmp_path / "key"
    key.write(path)
    return str(path)


def test_marks_and_detects_a_dataset_of_arrays(cluster, orange, messi, key, key_file):
    images = [orange, messi, orange[:300, :400].copy()]
    ds = ray.data.from_items([{"image": im, "id": i} for i, im in enumerate(images)])
    marked = tmr.mark_dataset(ds, key_file=key_file, payload=77, concurrency=2, batch_size=2)
    rows = sorted(tmr.detect_dataset(marked, key_file=key_file).take_all(), key=lambda r: r["id"])
    assert [r["id"] for r in rows] == [0, 1, 2]
    for row, original in zip(rows, images):
        assert row["tidemark_detected"] and row["tidemark_payload"] == 77
        assert row["image"].shape == original.shape and not np.array_equal(row["image"], original)
        assert tidemark.detect(row["image"], key=key).payload == 77  # the pixels themselves carry it
    # Another key finds nothing in them.
    assert not any(r["tidemark_detected"] for r in tmr.detect_dataset(marked).take_all())


def test_image_files_with_a_payload_per_row(cluster, tmp_path, orange, messi, key, key_file):
    from PIL import Image

    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(orange).save(src / "a.png")
    Image.fromarray(messi).save(src / "b.png")
    ds = ray.data.read_images(str(src), include_paths=True)
    ds = ds.map(lambda row: {**row, "payload": 1000 + ord(row["path"][-5])})  # a.png -> 1097, b.png -> 1098
    marked = tmr.mark_dataset(ds, key_file=key_file, payload_column="payload")
    out = tmp_path / "out"
    marked.write_images(str(out), column="image", file_format="png")
    found = sorted(tidemark.detect(np.array(Image.open(p)), key=key).payload for p in out.iterdir())
    assert found == [1097, 1098]


def test_key_from_the_workers_environment(cluster, orange, key, monkeypatch):
    ds = ray.data.from_items([{"image": orange}])
    with pytest.raises(Exception, match="TIDEMARK_TEST_UNSET_KEY"):
        tmr.mark_dataset(ds, key_env="TIDEMARK_TEST_UNSET_KEY").take_all()
    with pytest.raises(ValueError, match="not both"):
        tmr._load_key("a", "B")
