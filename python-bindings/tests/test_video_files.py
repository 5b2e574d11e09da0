"""Video files from Python: embed_video / detect_video round trip through FFmpeg, the file
functions routing clips, mark_file + verify_file on a clip, progress and interruption, and bad
input (nothing left behind)."""
import os

import pytest

import tidemark

pytestmark = pytest.mark.skipif(not tidemark.has_video, reason="built without the video layer (no FFmpeg libav)")


@pytest.fixture(scope="module")
def clip(corpus):
    return corpus / "video" / "ukui_zoom_720p25.mp4"  # 720p H.264, 125 frames


def test_embed_video_round_trip(clip, tmp_path):
    out = tmp_path / "marked.mp4"
    seen = []
    info = tidemark.embed_video(clip, out, payload=0xA1, preset="ultrafast", progress=lambda *p: seen.append(p))
    assert info["frames"] == 125 and (info["width"], info["height"]) == (1280, 720)
    assert info["payload"] == "00000000000000a1" and info["output_codec"] == "libx264"
    assert info["psnr_db"] > 40
    assert [p[0] for p in seen] == list(range(1, 126))  # every frame written, in order
    assert seen[-1][1] == 125 and seen[-1][3] == pytest.approx(5.0, abs=0.1)  # expected frames, duration
    report = tidemark.detect_video(out)
    assert report["payload"] == 0xA1 and report["payload_hex"] == "00000000000000a1"
    assert report["frames_decoded"] >= 8 and report["p_value"] < 1e-20
    assert report["width"] == 1280 and report["codec"] == "h264"
    assert report["segments"][0]["payload"] == 0xA1


def test_unmarked_clip_claims_nothing(clip):
    report = tidemark.detect_video(clip, max_frames=4)
    assert report["payload"] is None and not report["detected"]
    assert report["frames_analysed"] == 4


def test_outputs_are_never_replaced_unasked(clip, tmp_path):
    out = tmp_path / "marked.mp4"
    out.write_bytes(b"keep me")
    with pytest.raises(OSError, match="overwrite=True"):
        tidemark.embed_video(clip, out, preset="ultrafast")
    assert out.read_bytes() == b"keep me"
    tidemark.embed_video(clip, out, preset="ultrafast", overwrite=True)
    assert tidemark.detect_video(out, max_frames=3)["payload"] == 0


def test_an_interrupted_job_leaves_nothing(clip, tmp_path):
    out = tmp_path / "marked.mp4"

    def interrupt(frames, expected, seconds, duration):
        if frames == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tidemark.embed_video(clip, out, preset="ultrafast", progress=interrupt)
    assert os.listdir(tmp_path) == []


def test_file_functions_route_clips(clip, tmp_path):
    out = tmp_path / "marked.mkv"
    info = tidemark.embed_file(clip, out, payload=7, preset="ultrafast")
    assert info["kind"] == "video" and info["frames"] == 125
    assert tidemark.detect_video(out, max_frames=4)["payload"] == 7
    with pytest.raises(tidemark.UnsupportedError, match="detect_video"):
        tidemark.detect_file(out)
    with pytest.raises(tidemark.UnsupportedError, match="embed_video"):
        tidemark.Embedder().embed_file(clip, tmp_path / "x.mp4")


@pytest.mark.skipif(not tidemark.has_labels, reason="built without the labels layer")
def test_mark_and_verify_a_clip(clip, tmp_path):
    out = tmp_path / "labelled.mp4"
    m = tidemark.mark_file(clip, out, "913100000000000000", visible=True)
    assert m["frames"] == 125 and m["produce_id"].startswith("tm-")
    report = tidemark.verify_file(out)
    assert report["kind"] == "video"
    assert report["watermark"]["payload"] == m["payload"] and report["watermark"]["detected"]
    assert [label["fields"]["ProduceID"] for label in report["aigc"]["labels"]] == [m["produce_id"]]


def test_bad_clips_and_options_fail_clearly(corpus, clip, tmp_path):
    out = tmp_path / "marked.mp4"
    with pytest.raises(tidemark.DecodeError, match="truncated_clip.mp4"):
        tidemark.embed_video(corpus / "bad" / "truncated_clip.mp4", out)
    with pytest.raises(ValueError, match="bitrate"):
        tidemark.embed_video(clip, out, bitrate="fast")
    with pytest.raises(ValueError, match="unknown video encoder"):
        tidemark.embed_video(clip, out, codec="no-such-codec")
    with pytest.raises(ValueError, match="this is the input"):
        tidemark.embed_video(clip, clip, overwrite=True)
    with pytest.raises(tidemark.LimitError, match="ukui_zoom_720p25.mp4"):
        tidemark.detect_video(clip, max_pixels=100_000)
    assert os.listdir(tmp_path) == []


def test_a_hardware_encoder_that_cannot_run_says_why(clip, tmp_path):
    out = tmp_path / "nvenc.mp4"
    try:
        info = tidemark.embed_video(clip, out, codec="h264_nvenc", crf=20)
    except ValueError as e:  # no NVIDIA driver, no NVENC on this GPU, or an FFmpeg without it
        message = str(e)
        assert "h264_nvenc" in message
        if "unknown video encoder" not in message:
            assert "(" in message and "GPU and driver" in message  # the cause libav logged
        assert not out.exists()
    else:
        assert info["output_codec"] == "h264_nvenc"
        assert tidemark.detect_video(out, max_frames=4)["payload"] == 0


def test_thread_count_changes_speed_not_results(clip, tmp_path):
    one, every = tmp_path / "one.mp4", tmp_path / "every.mp4"
    tidemark.embed_video(clip, one, payload=7, preset="ultrafast", threads=1)
    tidemark.embed_video(clip, every, payload=7, preset="ultrafast")
    assert one.read_bytes() == every.read_bytes()
    assert tidemark.detect_video(one, max_frames=6, threads=1) == tidemark.detect_video(one, max_frames=6)


def test_hardware_decoding_says_where_frames_were_decoded(corpus, clip, tmp_path):
    assert tidemark.detect_video(clip, max_frames=2)["decoder"] == "software"
    auto = tidemark.detect_video(clip, max_frames=2, hwdecode="auto")
    assert auto["frames_analysed"] == 2
    if auto["decoder"] == "software":  # no CUDA device here: the reason, and "cuda" refuses
        assert auto["decoder_note"].startswith("no CUDA device: ")
        with pytest.raises(ValueError, match="ukui_zoom_720p25.mp4: cannot decode on the GPU: no CUDA device"):
            tidemark.embed_video(clip, tmp_path / "gpu.mp4", hwdecode="cuda")
        assert tidemark.verify_file(clip, hwdecode="auto")["watermark"]["decoder_note"] == auto["decoder_note"]
    else:
        assert auto["decoder"] == "cuda" and "decoder_note" not in auto
    with pytest.raises(ValueError, match="no CUDA decoder for cinepak"):
        tidemark.embed_video(corpus / "video" / "opencv_tree_cinepak_320x240.avi", tmp_path / "c.mp4", hwdecode="cuda")
    with pytest.raises(ValueError, match="use off, auto or cuda"):
        tidemark.detect_video(clip, hwdecode="nvdec")
    assert os.listdir(tmp_path) == []
