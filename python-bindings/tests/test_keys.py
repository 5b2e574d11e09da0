import os
import stat

import pytest

import tidemark


def test_public_key_is_the_documented_one():
    k = tidemark.Key.public()
    assert k.is_public
    assert k.fingerprint == "791a69146164995b"


def test_generated_keys_differ_and_round_trip_through_hex():
    a, b = tidemark.Key.generate(), tidemark.Key.generate()
    assert a != b
    assert tidemark.Key.from_hex(a.hex()) == a
    assert hash(tidemark.Key.from_hex(a.hex())) == hash(a)


def test_repr_shows_the_fingerprint_not_the_secret():
    k = tidemark.Key.generate()
    assert k.fingerprint in repr(k)
    assert k.hex() not in repr(k) and k.hex() not in str(k)


def test_passphrase_is_deterministic():
    assert tidemark.Key.from_passphrase("correct horse") == tidemark.Key.from_passphrase("correct horse")
    assert tidemark.Key.from_passphrase("correct horse") != tidemark.Key.from_passphrase("correct horse!")


def test_key_file_written_0600_read_back_and_never_replaced(tmp_path):
    k = tidemark.Key.generate()
    path = tmp_path / "k"
    k.write(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert tidemark.Key.from_file(path) == k
    with pytest.raises(OSError):
        tidemark.Key.generate().write(path)
    assert tidemark.Key.from_file(str(path)) == k


def test_bad_keys_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError):
        tidemark.Key.from_hex("abc")
    with pytest.raises(OSError, match="nope"):
        tidemark.Key.from_file(tmp_path / "nope")


def test_key_argument_accepts_a_path_and_none(tmp_path, orange):
    k = tidemark.Key.generate()
    k.write(tmp_path / "k")
    marked = tidemark.embed(orange, key=tmp_path / "k", payload=7)
    assert tidemark.detect(marked, key=k).payload == 7
    assert tidemark.detect(tidemark.embed(orange, payload=9)).payload == 9  # public key
    with pytest.raises(ValueError, match="key must be"):
        tidemark.embed(orange, key=12345)


def test_world_readable_key_file_is_refused_unless_allowed(tmp_path):
    k = tidemark.Key.generate()
    path = tmp_path / "open.key"
    k.write(path)
    path.chmod(0o644)
    with pytest.raises(ValueError, match="every user"):
        tidemark.Key.from_file(path)
    assert tidemark.Key.from_file(path, allow_open=True) == k
