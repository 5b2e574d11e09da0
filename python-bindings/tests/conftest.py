"""Shared fixtures: corpus images (../shared/corpus beside the repository, or TIDEMARK_CORPUS) and
the tidemark command built by the README's test command (or TIDEMARK_CLI)."""
import os
import pathlib

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def _corpus() -> pathlib.Path:
    return pathlib.Path(os.environ.get("TIDEMARK_CORPUS", REPO.parent / "shared" / "corpus"))


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped, with a message, without one)")


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path:
    path = _corpus()
    if not (path / "images").is_dir():
        pytest.fail(f"test corpus not found at {path}: set TIDEMARK_CORPUS")
    return path


def load_rgb(path: pathlib.Path, mode: str = "RGB") -> np.ndarray:
    try:
        from PIL import Image
    except ImportError:  # a bare GPU machine: a textured stand-in of the photo's size
        return _stand_in(path)
    with Image.open(path) as im:
        return np.array(im.convert(mode))


def _stand_in(path: pathlib.Path) -> np.ndarray:
    w, h = (int(n) for n in path.stem.rsplit("_", 1)[1].split("x"))
    rng = np.random.default_rng(len(path.name))
    coarse = rng.random((h // 16 + 2, w // 16 + 2, 3))
    smooth = np.kron(coarse, np.ones((16, 16, 1)))[:h, :w]
    texture = rng.normal(0, 0.08, (h, w, 3))
    return np.clip((smooth * 0.7 + 0.15 + texture) * 255, 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def orange(corpus) -> np.ndarray:
    """512 x 512 RGB photo."""
    return load_rgb(corpus / "images" / "opencv_orange_512x512.jpg")


@pytest.fixture(scope="session")
def messi(corpus) -> np.ndarray:
    """548 x 342 RGB photo (not square, not a multiple of the tile)."""
    return load_rgb(corpus / "images" / "opencv_messi5_548x342.jpg")


@pytest.fixture(scope="session")
def key():
    import tidemark

    return tidemark.Key.from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("TIDEMARK_CLI", REPO / "build" / "release" / "cli" / "tidemark"))
    if not path.is_file():
        pytest.skip(f"the tidemark command is not built at {path} (cmake --preset release && cmake --build build/release)")
    return path
