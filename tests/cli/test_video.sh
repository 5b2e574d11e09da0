#!/usr/bin/env bash
# Video through the command line: marking keeps what a clip carries (frames, timing, audio,
# rotation, 10-bit), the mark survives re-encoding, scaling, trimming, frame-rate change and
# cropping, spliced clips show segments, and bad files fail cleanly without partial outputs.
# Needs ffmpeg/ffprobe (Debian package ffmpeg) for making attacked copies. Prints 'N passed, N failed'.
set -u
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { echo "ffmpeg/ffprobe are needed (apt-get install ffmpeg)"; exit 1; }
. "$(dirname "$0")/lib.sh"
vid=$TIDEMARK_CORPUS/video
P=00000000000000a1
ff() { ffmpeg -nostdin -v error -y "$@"; }
probe() { ffprobe -v error "$@"; }
payload_of() {  # payload_of FILE [detect args]: the payload detect reports, or "none"
  local f=$1; shift
  "$TIDEMARK" detect "$f" --json "$@" | python3 -c "import json,sys; print(json.load(sys.stdin)['payload'] or 'none')"
}

# Mark a 720p H.264 clip (fast preset to keep the suite short).
"$TIDEMARK" embed "$vid/ukui_zoom_720p25.mp4" -o "$work/m.mp4" --payload $P --preset ultrafast --json > "$work/embed.json"
check "embed: exit 0" test $? -eq 0
check "embed: every frame kept" test "$(probe -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/m.mp4")" = 125
check "embed: same size and pixel format" test "$(probe -select_streams v:0 -show_entries stream=width,height,pix_fmt -of csv=p=0 "$work/m.mp4")" = "1280,720,yuv420p"
check "embed: same timestamps" cmp <(probe -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 "$vid/ukui_zoom_720p25.mp4") \
                                   <(probe -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 "$work/m.mp4")
check "embed: PSNR >= 40 dB, frames reported" python3 -c "
import json; r = json.load(open('$work/embed.json')); assert r['psnr_db'] >= 40 and r['frames'] == 125 and r['status'] == 'ok', r"
check "detect: payload" test "$(payload_of "$work/m.mp4")" = $P

# Attacks (each a fresh encode by ffmpeg).
ff -i "$work/m.mp4" -c:v libx264 -crf 28 "$work/crf28.mp4"
check "re-encode x264 CRF 28: payload" test "$(payload_of "$work/crf28.mp4")" = $P
ff -i "$work/m.mp4" -c:v libx265 -crf 28 -x265-params log-level=error "$work/x265.mp4"
check "re-encode x265 CRF 28: payload" test "$(payload_of "$work/x265.mp4")" = $P
ff -i "$work/m.mp4" -vf scale=-2:480 -c:v libx264 -crf 23 "$work/480p.mp4"
check "downscale to 480p: payload" test "$(payload_of "$work/480p.mp4")" = $P
ff -ss 2 -i "$work/m.mp4" -c:v libx264 -crf 23 "$work/trim.mp4"
check "first 2 s trimmed: payload" test "$(payload_of "$work/trim.mp4")" = $P
ff -i "$work/m.mp4" -r 20 -c:v libx264 -crf 23 "$work/fps.mp4"
check "frame rate 25 -> 20: payload" test "$(payload_of "$work/fps.mp4")" = $P
ff -i "$work/m.mp4" -vf "crop=906:508" -c:v libx264 -crf 23 "$work/crop.mp4"
check "crop to 50 % area: payload" test "$(payload_of "$work/crop.mp4")" = $P
# Frames missing from a nominal rate (a sparse, variable-rate copy: frames 0-24, then every 5th):
# sampling follows time, about 2 analysed frames per second of footage, and the mark is found.
ff -i "$work/m.mp4" -vf "select='lt(n\,25)+not(mod(n\,5))'" -fps_mode vfr -c:v libx264 -crf 23 "$work/sparse.mp4"
"$TIDEMARK" detect "$work/sparse.mp4" --json > "$work/sparse.json"
check "sparse frames: payload, sampled by time" python3 -c "
import json; d = json.load(open('$work/sparse.json'))
assert d['payload'] == '$P', d['payload']
assert abs(d['frames_analysed'] - 2 * d['duration_s']) <= 2, (d['frames_analysed'], d['duration_s'])"

# Unmarked clips claim nothing; a splice shows where the mark stops.
check "unmarked clip: nothing" test "$(payload_of "$vid/ukui_zoom_720p25.mp4" --every 5)" = none
ff -i "$work/m.mp4" -i "$vid/ukui_zoom_720p25.mp4" -filter_complex \
  "[0:v]trim=0:2.5,setpts=PTS-STARTPTS[a];[1:v]trim=2.5:5,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]" \
  -map "[v]" -c:v libx264 -crf 20 "$work/splice.mp4"
"$TIDEMARK" detect "$work/splice.mp4" --json > "$work/splice.json"
check "splice: marked then unmarked segments" python3 -c "
import json; r = json.load(open('$work/splice.json')); s = r['segments']
assert r['payload'] == '$P', r
assert s[0]['payload'] == '$P' and s[0]['start_s'] < 0.5 and 1.5 < s[0]['end_s'] < 2.6, s
assert s[-1]['payload'] is None and s[-1]['end_s'] > 4, s"

# Audio is copied untouched; rotation and container metadata are kept.
ff -i "$vid/twowings_pan_1080p30_aac.mp4" -t 1.5 -c copy -metadata title="A title" -metadata:s:v:0 rotate=90 "$work/rot.mp4"
"$TIDEMARK" embed "$work/rot.mp4" -o "$work/rot_m.mp4" --payload $P --preset ultrafast > /dev/null
check "audio: same packets" cmp <(ffmpeg -nostdin -v error -i "$work/rot.mp4" -map 0:a -c copy -f md5 -) \
                                <(ffmpeg -nostdin -v error -i "$work/rot_m.mp4" -map 0:a -c copy -f md5 -)
rotation() { probe -select_streams v:0 -show_entries stream_side_data=rotation -of csv=p=0 "$1"; }
check "rotation kept" test -n "$(rotation "$work/rot.mp4")" -a "$(rotation "$work/rot.mp4")" = "$(rotation "$work/rot_m.mp4")"
check "container title kept" bash -c "ffprobe -v error -show_entries format_tags=title -of csv=p=0 '$work/rot_m.mp4' | grep -q 'A title'"
check "1080p with audio: payload" test "$(payload_of "$work/rot_m.mp4")" = $P

# 10-bit: marked in its own depth, no 8-bit round trip.
ff -i "$vid/ukui_zoom_720p25.mp4" -t 1 -pix_fmt yuv420p10le -c:v libx264 -crf 16 -preset ultrafast "$work/ten.mkv"
"$TIDEMARK" embed "$work/ten.mkv" -o "$work/ten_m.mkv" --payload $P --preset ultrafast --json > "$work/ten.json"
check "10-bit: stays 10-bit" test "$(probe -select_streams v:0 -show_entries stream=pix_fmt -of csv=p=0 "$work/ten_m.mkv")" = yuv420p10le
check "10-bit: payload" test "$(payload_of "$work/ten_m.mkv" --every 1)" = $P

# An old codec in AVI (Cinepak, RGB frames): converted once to the encoder's YUV, marked.
# (Most of its 444 frames are empty 'repeat' packets: 68 pictures.)
"$TIDEMARK" embed "$vid/opencv_tree_cinepak_320x240.avi" -o "$work/tree_m.mkv" --payload $P --preset ultrafast > /dev/null
check "cinepak avi: marked and readable" test "$(payload_of "$work/tree_m.mkv" --every 1)" = $P

# mark: watermark + GB 45438 label in the container + visible label on the first 2 s; verify.
"$TIDEMARK" mark "$vid/ukui_zoom_720p25.mp4" -o "$work/lab.mp4" --producer P1 --produce-id clip-1 --visible --preset ultrafast \
  --json > "$work/mark.json"
check "mark video: exit 0" test $? -eq 0
check "mark video: label in moov/udta/meta (read by ffprobe)" bash -c \
  "ffprobe -v error -show_entries format_tags=AIGC -of default=nw=1:nk=1 '$work/lab.mp4' | grep -q '\"ProduceID\":\"clip-1\"'"
"$TIDEMARK" verify "$work/lab.mp4" --json > "$work/verify.json"
check "verify video: one conforming label, watermark agrees" python3 -c "
import json; r = json.load(open('$work/verify.json'))
assert r['kind'] == 'video' and r['aigc']['count'] == 1 and r['aigc']['conforms'], r['aigc']
assert r['aigc']['labels'][0]['location'].startswith('moov/udta/meta keys/ilst'), r['aigc']
assert r['watermark']['detected'] and r['agreement']['produce_id_matches_watermark'] is True, r
assert r['suggested_label']['label'] == '1'"
dark_share() {  # per cent of near-black pixels in the bottom-right label area at time $2
  ffmpeg -nostdin -v error -ss "$2" -i "$1" -frames:v 1 -vf "crop=150:60:1110:650,format=gray" -f rawvideo - |
    python3 -c "import sys; d = sys.stdin.buffer.read(); print(100 * sum(v < 50 for v in d) // len(d))"
}
check "visible label: shown at 1 s (dark plate)" test "$(dark_share "$work/lab.mp4" 1)" -gt 30
check "visible label: gone at 3 s" test "$(dark_share "$work/lab.mp4" 3)" -eq 0
"$TIDEMARK" mark "$work/lab.mp4" -o "$work/relab.mp4" --producer P2 --preset ultrafast > /dev/null
"$TIDEMARK" verify "$work/relab.mp4" --json > "$work/reverify.json"
check "re-marking keeps one label" python3 -c "
import json; r = json.load(open('$work/reverify.json')); assert r['aigc']['count'] == 1, r['aigc']
assert r['aigc']['labels'][0]['fields']['ContentProducer'] == 'P2'"
ff -i "$work/lab.mp4" -map_metadata -1 -c copy "$work/stripped.mp4"
"$TIDEMARK" verify "$work/stripped.mp4" --json > "$work/stripped.json"
check "label stripped: reported missing, watermark still found" python3 -c "
import json; r = json.load(open('$work/stripped.json'))
assert r['aigc']['count'] == 0 and r['watermark']['detected'] and r['suggested_label']['label'] == '3', r"
"$TIDEMARK" mark "$work/rot.mp4" -o "$work/rot_lab.mp4" --producer P1 --preset ultrafast > /dev/null
check "mark video: input metadata kept (title, rotation)" bash -c "ffprobe -v error -show_entries format_tags=title -of default=nw=1:nk=1 '$work/rot_lab.mp4' | grep -q 'A title' && test \"\$(ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation -of csv=p=0 '$work/rot_lab.mp4')\" = \"$(rotation "$work/rot.mp4")\""
"$TIDEMARK" mark "$vid/ukui_zoom_720p25.mp4" -o "$work/lab.mkv" --producer P1 --preset ultrafast > /dev/null
check "mark to Matroska: label in its tags" bash -c "'$TIDEMARK' verify '$work/lab.mkv' --json | grep -q '\"count\":1'"
"$TIDEMARK" mark "$vid/ukui_zoom_720p25.mp4" -o "$work/lab.avi" --producer P1 --preset ultrafast > /dev/null 2> "$work/err_avi.txt"; rc=$?
check "mark to AVI: refused (no place for the label), no output" bash -c "test $rc -eq 1 && test ! -e '$work/lab.avi' && grep -q 'did not keep' '$work/err_avi.txt'"

# Bad inputs: clear error naming the file, non-zero exit, no output and no temporary left behind.
mkdir "$work/bad"
"$TIDEMARK" embed "$TIDEMARK_CORPUS/bad/truncated_clip.mp4" -o "$work/bad/t.mp4" 2> "$work/err1.txt"; rc=$?
check "truncated: exit 1" test $rc -eq 1
check "truncated: error names the file" grep -q "truncated_clip.mp4" "$work/err1.txt"
echo "not a video" > "$work/text.mp4"
"$TIDEMARK" embed "$work/text.mp4" -o "$work/bad/x.mp4" 2> "$work/err2.txt"; rc=$?
check "text named .mp4: exit 1, named" bash -c "test $rc -eq 1 && grep -q text.mp4 '$work/err2.txt'"
ff -f lavfi -i "sine=frequency=440:duration=1" -c:a aac "$work/audio_only.mp4"
"$TIDEMARK" embed "$work/audio_only.mp4" -o "$work/bad/a.mp4" 2> "$work/err3.txt"; rc=$?
check "no video stream: exit 1, said" bash -c "test $rc -eq 1 && grep -q 'no video stream' '$work/err3.txt'"
"$TIDEMARK" detect "$work/audio_only.mp4" > /dev/null 2>&1; rc=$?
check "detect, no video stream: exit 1" test $rc -eq 1
check "bad inputs: nothing left in the output folder" test -z "$(ls -A "$work/bad")"
"$TIDEMARK" embed "$vid/ukui_zoom_720p25.mp4" -o "$work/wrong.png" > /dev/null 2> "$work/err4.txt"; rc=$?
check "video to an image name: refused" bash -c "test $rc -ne 0 && grep -q 'video output name' '$work/err4.txt'"
"$TIDEMARK" embed "$vid/ukui_zoom_720p25.mp4" -o "$work/enc.mp4" --codec no-such-codec > /dev/null 2> "$work/err5.txt"; rc=$?
check "unknown encoder: refused" bash -c "test $rc -ne 0 && grep -q 'unknown video encoder' '$work/err5.txt'"
check "unknown encoder: no output" test ! -e "$work/enc.mp4"
"$TIDEMARK" embed "$vid/ukui_zoom_720p25.mp4" -o "$work/enc.mp4" --preset no-such-preset > /dev/null 2> "$work/err7.txt"; rc=$?
check "bad preset: refused with libav's reason" bash -c "test $rc -eq 1 && grep -q 'libx264 encoder: .*(.*preset' '$work/err7.txt'"
# NVENC, where this libav has it: --crf is its constant quality. Where it cannot run (no NVIDIA
# driver, or a GPU without NVENC such as the H100), the error names the encoder and the cause
# libav logged, and nothing is written.
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q h264_nvenc; then
  "$TIDEMARK" embed "$vid/ukui_zoom_720p25.mp4" -o "$work/nv.mp4" --codec h264_nvenc --crf 20 --payload $P > /dev/null 2> "$work/err8.txt"; rc=$?
  unusable=$("$TIDEMARK" info --json | python3 -c "import json,sys; print(json.load(sys.stdin)['video']['unusable_encoders'].get('h264_nvenc', ''))")
  if [ $rc -eq 0 ]; then
    check "h264_nvenc --crf: payload" test "$(payload_of "$work/nv.mp4")" = $P
    check "info: h264_nvenc not listed as unusable" test -z "$unusable"
  else
    check "info: h264_nvenc unusable here, with the reason" test -n "$unusable"
    check "h264_nvenc unavailable: exit 1, the encoder and the cause said" bash -c "test $rc -eq 1 && grep -q 'h264_nvenc encoder: .*(.*)' '$work/err8.txt'"
    if ! PATH=$PATH:/sbin:/usr/sbin ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
      check "h264_nvenc, no driver: libcuda named" grep -q libcuda "$work/err8.txt"
    fi
    check "h264_nvenc: --crf taken as its constant quality" bash -c "! grep -q 'no CRF' '$work/err8.txt'"
    check "h264_nvenc unavailable: no output" test ! -e "$work/nv.mp4"
  fi
fi

# Decoding on the GPU (--hwdecode): auto falls back to software and says why; cuda refuses a
# codec libav has no CUDA decoder for, and (without a device) any clip, naming file and cause.
cuda_decoding=$("$TIDEMARK" info --json | python3 -c "import json,sys; print(json.load(sys.stdin)['video']['cuda_decoding'])")
"$TIDEMARK" detect "$work/m.mp4" --hwdecode auto --every 25 --json > "$work/hw.json"
check "--hwdecode auto: payload, the decoder reported" python3 -c "
import json; d = json.load(open('$work/hw.json'))
assert d['payload'] == '$P', d
assert d['decoder'] == ('cuda' if '$cuda_decoding' == 'True' else 'software'), d
assert ('decoder_note' in d) == ('$cuda_decoding' != 'True'), d"
"$TIDEMARK" embed "$vid/opencv_tree_cinepak_320x240.avi" -o "$work/hw.mp4" --hwdecode cuda > /dev/null 2> "$work/err9.txt"; rc=$?
check "--hwdecode cuda, Cinepak: exit 1, file and cause said, no output" bash -c \
  "test $rc -eq 1 && grep -q 'cinepak_320x240.avi: libav has no CUDA decoder for cinepak' '$work/err9.txt' && test ! -e '$work/hw.mp4'"
if [ "$cuda_decoding" != True ]; then
  "$TIDEMARK" detect "$work/m.mp4" --hwdecode cuda > /dev/null 2> "$work/err10.txt"; rc=$?
  check "--hwdecode cuda without a device: exit 1, said" bash -c "test $rc -eq 1 && grep -q 'm.mp4: cannot decode on the GPU: no CUDA device' '$work/err10.txt'"
  check "info: GPU decoding unavailable, with the reason" bash -c "'$TIDEMARK' info | grep -q 'decoding on the GPU (--hwdecode) unavailable: no CUDA device'"
fi
"$TIDEMARK" detect "$work/m.mp4" --hwdecode nvdec > /dev/null 2>&1; rc=$?
check "--hwdecode nvdec: a usage error" test $rc -eq 2

"$TIDEMARK" detect "$vid/ukui_zoom_720p25.mp4" --max-pixels 100000 > /dev/null 2> "$work/err6.txt"; rc=$?
check "frame size over --max-pixels: refused" bash -c "test $rc -eq 1 && grep -q 'exceed the limit' '$work/err6.txt'"

finish
