#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each against a seed corpus made from ../shared/corpus, two
# at a time, and prints one summary line per target (executions, coverage, crashes). Crash inputs
# land in BUILD/fuzz/artifacts/; turn each into a regression test.
#   fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?build dir (cmake --preset fuzz)}; seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd); corpus=${TIDEMARK_CORPUS:-$here/../../shared/corpus}
work=$build/fuzz/work; art=$build/fuzz/artifacts
mkdir -p "$work" "$art"
rm -f "$build"/fuzz/summary.*
seed() {  # seed NAME FILES...: a fresh corpus folder with small copies of the files
  local d=$work/$1; shift; mkdir -p "$d"
  for f in "$@"; do [ -f "$f" ] && head -c 65536 "$f" > "$d/$(basename "$f")"; done
}
seed fuzz_image_decode "$corpus"/images/*.png "$corpus"/images/*.jpg "$corpus"/images/*.webp "$corpus"/bad/*
seed fuzz_containers "$corpus"/video/*.mp4 "$corpus"/images/*.jpg "$corpus"/images/*.png "$corpus"/bad/truncated_clip.mp4
mkdir -p "$work/fuzz_labels" "$work/fuzz_text_args" "$work/fuzz_detector"
printf '\x01{"AIGC":{"Label":"1","ContentProducer":"P","ProduceID":"x"}}' > "$work/fuzz_labels/wrapped"
printf '\x00<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="{}"/></rdf:RDF></x:xmpmeta>' > "$work/fuzz_labels/xmp"
printf '00000000000000a1' > "$work/fuzz_text_args/payload"
head -c 4096 "$corpus/images/opencv_orange_512x512.jpg" > "$work/fuzz_detector/pixels"
run_one() {
  local t=$1 exe=$build/fuzz/$1
  [ -x "$exe" ] || { echo "$t: not built"; return; }
  "$exe" "$work/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$art/$t-" -print_final_stats=1 > "$build/fuzz/$t.log" 2>&1 && status=ok || status=FAILED
  local execs cov
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz/$t.log" | grep -o '[0-9]*$' || echo ?)
  cov=$(grep -o 'cov: [0-9]*' "$build/fuzz/$t.log" | tail -1 | grep -o '[0-9]*' || echo ?)
  echo "$t: $status, $execs executions, coverage $cov edges, ${seconds}s"
}
targets=(fuzz_image_decode fuzz_labels fuzz_containers fuzz_text_args fuzz_detector)
failed=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run_one "${targets[i]}" > "$build/fuzz/summary.$i" &
  [ $((i + 1)) -lt ${#targets[@]} ] && run_one "${targets[i + 1]}" > "$build/fuzz/summary.$((i + 1))" &
  wait
done
cat "$build"/fuzz/summary.[0-9]* | tee "$build/fuzz/summary.txt"
! grep -q FAILED "$build/fuzz/summary.txt"
