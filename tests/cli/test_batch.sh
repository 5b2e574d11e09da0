#!/usr/bin/env bash
# Batches as generation services run them: directories (mirrored under -o), patterns, @lists,
# stdin, a manifest with hashes, resume after a kill, bad files and unwritable outputs that never
# stop the batch or leave partial files. Prints 'N passed, N failed'.
set -u
. "$(dirname "$0")/lib.sh"
img=$TIDEMARK_CORPUS/images
mkdir -p "$work/in/day1/batch" "$work/in/day2" "$work/in/skip"
cp "$img/opencv_orange_512x512.jpg" "$img/opencv_messi5_548x342.jpg" "$work/in/day1/"
cp "$img/opencv_rubberwhale1_584x388.png" "$work/in/day1/batch/"
cp "$img/opencv_butterfly_493x356.jpg" "$work/in/day2/"
cp "$img/opencv_smarties_413x356.png" "$work/in/skip/"
echo "not an image" > "$work/in/day2/broken.png"
echo "notes" > "$work/in/day2/readme.txt"

# A directory: recursive, mirrored, images only, --exclude honoured, the broken file reported.
"$TIDEMARK" mark "$work/in" -o "$work/out" --producer P1 --exclude skip --manifest "$work/m.jsonl" --json \
  > "$work/run1.json" 2> "$work/err.txt"; rc=$?
check "dir: exit 1 for the broken file" test $rc -eq 1
check "dir: broken file named" grep -q "day2/broken.png" "$work/err.txt"
check "dir: a summary at the end" grep -Eq "^tidemark: 5 files in [0-9.]+ s: 4 marked, 1 failed; [0-9.]+ files/s, [0-9.]+ MP/s$" "$work/err.txt"
check "dir: each record has the picture's size" python3 -c "
import json
sizes = {json.loads(l)['path'].split('/')[-1]: (json.loads(l).get('width'), json.loads(l).get('height')) for l in open('$work/run1.json')}
assert sizes['opencv_messi5_548x342.jpg'] == (548, 342), sizes"
check "dir: tree mirrored" test -f "$work/out/day1/batch/opencv_rubberwhale1_584x388.png" -a -f "$work/out/day2/opencv_butterfly_493x356.jpg"
check "dir: excluded folder skipped" test ! -e "$work/out/skip"
check "dir: non-images skipped" test ! -e "$work/out/day2/readme.txt"
check "dir: no partial output for the broken file" test ! -e "$work/out/day2/broken.png"
check "dir: no temporary files left" bash -c "! find '$work/out' -name '*.tmp*' | grep -q ."
check "manifest: one line per file" test "$(wc -l < "$work/m.jsonl")" -eq 5
check "manifest: hashes are the files' SHA-256" python3 -c "
import hashlib, json
for line in open('$work/m.jsonl'):
    r = json.loads(line)
    assert r['input_sha256'] == hashlib.sha256(open(r['input'], 'rb').read()).hexdigest()
    if r['status'] == 'ok':
        assert r['output_sha256'] == hashlib.sha256(open(r['output'], 'rb').read()).hexdigest()
        assert r['produce_id'] and r['payload']
    else:
        assert 'broken.png' in r['input'] and r['error']"

# Resume: done files are skipped; a file whose output went missing, and one a killed run wrote
# but never recorded, are redone.
rm "$work/out/day2/opencv_butterfly_493x356.jpg"
grep -v orange "$work/m.jsonl" > "$work/m2.jsonl"  # as if killed after writing orange, before recording it
"$TIDEMARK" mark "$work/in" -o "$work/out" --producer P1 --exclude skip --manifest "$work/m2.jsonl" --resume --json \
  > "$work/run2.json" 2> "$work/err2.txt"
check "resume: the summary counts the skipped files" grep -Eq "^tidemark: 5 files in [0-9.]+ s: 2 marked, 1 failed, 2 already done;" "$work/err2.txt"
check "resume: done files skipped" test "$(grep -c '"status":"skipped"' "$work/run2.json")" -eq 2
check "resume: missing output redone" grep -q '"path":"[^"]*butterfly[^"]*","payload"' "$work/run2.json"
check "resume: unrecorded output redone" bash -c "grep orange '$work/run2.json' | grep -q '\"status\":\"ok\"'"
check "resume: manifest now records every image" python3 -c "
import json
ok = {json.loads(l)['input'] for l in open('$work/m2.jsonl') if json.loads(l)['status'] == 'ok'}
assert len(ok) == 4, ok"
check "--resume needs --manifest" bash -c "! '$TIDEMARK' mark '$work/in' -o '$work/o3' --producer P1 --resume"

# @list, stdin and quoted patterns; a missing input is reported and the others are done.
printf '%s\n' "$img/opencv_orange_512x512.jpg" "# a comment" "$work/nope.jpg" > "$work/list.txt"
"$TIDEMARK" embed @"$work/list.txt" -o "$work/o4/" > /dev/null 2> "$work/err.txt"; rc=$?
check "@list: listed file marked" test -f "$work/o4/opencv_orange_512x512.jpg"
check "@list: missing file reported, exit 1" bash -c "[ $rc -eq 1 ] && grep -q 'nope.jpg: no such file' '$work/err.txt'"
echo "$img/opencv_messi5_548x342.jpg" | "$TIDEMARK" embed - -o "$work/o5/" > /dev/null
check "stdin: listed file marked" test -f "$work/o5/opencv_messi5_548x342.jpg"
"$TIDEMARK" detect "$work/out/day1/*.jpg" --json > "$work/d.json"
check "pattern: expanded in sorted order" test "$(python3 -c "import json; print([json.loads(l)['path'].split('/')[-1] for l in open('$work/d.json')])")" = \
  "['opencv_messi5_548x342.jpg', 'opencv_orange_512x512.jpg']"
check "verify takes a directory" bash -c "'$TIDEMARK' verify '$work/out' --json | grep -c '\"suggested_label\"' | grep -qx 4"

# Reading a batch: several files at once report what one at a time reports, in the same order, and
# a summary counts what was found; an unreadable file is named and the others are read.
"$TIDEMARK" detect "$work/out" "$work/in/day2" --jobs 1 > "$work/dj1.txt" 2> /dev/null
"$TIDEMARK" detect "$work/out" "$work/in/day2" --jobs 3 > "$work/dj3.txt" 2> "$work/dj3.err"; rc=$?
check "detect jobs: same table, same order" cmp "$work/dj1.txt" "$work/dj3.txt"
check "detect jobs: exit 1 for the broken file" test $rc -eq 1
check "detect: a summary at the end" grep -Eq "^tidemark: 6 files in [0-9.]+ s: 4 detected, 1 not detected, 1 failed; [0-9.]+ files/s, [0-9.]+ MP/s$" "$work/dj3.err"
"$TIDEMARK" detect "$work/out" "$work/in/day2" --jobs 3 --json > "$work/dj3.json" 2> /dev/null
check "detect jobs: one JSON line per file, the broken one with its error" python3 -c "
import json
lines = [json.loads(l) for l in open('$work/dj3.json')]
assert len(lines) == 6, lines
assert [l for l in lines if 'error' in l][0]['path'].endswith('broken.png')
assert all(l['width'] > 0 for l in lines if 'error' not in l)"
"$TIDEMARK" verify "$work/out" "$work/in/day2" --jobs 3 > /dev/null 2> "$work/v.err"
check "verify: a summary of the labels to record" grep -Eq "^tidemark: 6 files in [0-9.]+ s: 4 Label 1, 1 no AI signal, 1 failed; [0-9.]+ files/s$" "$work/v.err"

# A folder with nothing to take is not a failure, but it is said.
mkdir -p "$work/nothing"
"$TIDEMARK" embed "$work/nothing" -o "$work/o6" > /dev/null 2> "$work/err6.txt"; rc=$?
check "empty folder: exit 0" test $rc -eq 0
check "empty folder: said" grep -q "nothing: no file in this folder matches" "$work/err6.txt"

# Several files at once: the same bytes and the same report order as one at a time.
"$TIDEMARK" embed "$work/in" -o "$work/j1" --exclude skip --jobs 1 --json 2> /dev/null | python3 -c "import sys,json; print([json.loads(l)['path'] for l in sys.stdin])" > "$work/order1"
"$TIDEMARK" embed "$work/in" -o "$work/j3" --exclude skip --jobs 3 --json 2> /dev/null | python3 -c "import sys,json; print([json.loads(l)['path'] for l in sys.stdin])" > "$work/order3"
check "jobs: report order is input order" cmp "$work/order1" "$work/order3"
check "jobs: identical outputs" diff -r "$work/j1" "$work/j3"

# SIGINT in the middle: files in flight finish and are recorded, no temporary file is left, exit
# 130; --resume then does the rest; every input ends up recorded done exactly once.
mkdir -p "$work/many"
for i in $(seq -w 1 40); do cp "$img/mate_greenmeadow_1280x1024.jpg" "$work/many/m$i.jpg"; done
"$TIDEMARK" mark "$work/many" -o "$work/mo" --producer P1 --manifest "$work/int.jsonl" --jobs 2 > /dev/null 2> "$work/int.err" &
pid=$!
for _ in $(seq 1 100); do [ "$(cat "$work/int.jsonl" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?
check "SIGINT: exit 130" test $rc -eq 130
check "SIGINT: says how to finish" grep -q "resume" "$work/int.err"
check "SIGINT: stopped before the end" test "$(wc -l < "$work/int.jsonl")" -lt 40
check "SIGINT: no temporary files" bash -c "! find '$work/mo' -name '.*tmp*' | grep -q ."
check "SIGINT: every recorded output intact" python3 -c "
import hashlib, json
for l in open('$work/int.jsonl'):
    r = json.loads(l); assert r['status'] == 'ok'
    assert hashlib.sha256(open(r['output'], 'rb').read()).hexdigest() == r['output_sha256']"
"$TIDEMARK" mark "$work/many" -o "$work/mo" --producer P1 --manifest "$work/int.jsonl" --resume > /dev/null 2>&1
check "resume after SIGINT: each input done exactly once" python3 -c "
import json, collections
ok = collections.Counter(json.loads(l)['input'] for l in open('$work/int.jsonl') if json.loads(l)['status'] == 'ok')
assert len(ok) == 40 and set(ok.values()) == {1}, ok"
check "resume after SIGINT: 40 outputs" test "$(ls "$work/mo" | wc -l)" -eq 40

# An output that cannot be written (a file stands where a folder should be): clear errors,
# exit 1, nothing left behind. As non-root, a read-only directory too.
echo x > "$work/blocker"
"$TIDEMARK" embed "$work/in/day1" -o "$work/blocker/sub/" > /dev/null 2> "$work/err.txt"; rc=$?
check "unwritable: exit non-zero" test $rc -ne 0
check "unwritable: names the path" grep -q "blocker" "$work/err.txt"
check "unwritable: the blocking file untouched" test "$(cat "$work/blocker")" = x
mkdir -p "$work/o6" && echo x > "$work/o6/day1"  # a file where the day1 output folder should go
"$TIDEMARK" embed "$work/in" -o "$work/o6" --exclude skip > /dev/null 2> "$work/err.txt"; rc=$?
check "blocked subfolder: its files reported, exit 1" bash -c "[ $rc -eq 1 ] && [ \$(grep -c 'o6/day1.*cannot create' '$work/err.txt') -eq 3 ]"
check "blocked subfolder: the batch went on" test -f "$work/o6/day2/opencv_butterfly_493x356.jpg"
mkdir -p "$work/ro" && chmod a-w "$work/ro"
if [ "$(id -u)" -ne 0 ]; then
  "$TIDEMARK" embed "$work/in/day1" -o "$work/ro/" 2> "$work/err.txt"; rc=$?
  check "read-only: exit 1" test $rc -eq 1
  check "read-only: names the output" grep -q "ro/" "$work/err.txt"
  check "read-only: nothing written" test -z "$(find "$work/ro" -type f)"
fi

# A full disk: a file-size limit makes writes fail part-way (EFBIG, as ENOSPC would on a full
# disk). The file that does not fit fails cleanly and is recorded; the others are written; no
# partial or temporary file is left.
mkdir -p "$work/full_in"
cp "$img/opencv_orange_512x512.jpg" "$work/full_in/a_small.jpg"
cp "$img/opencv_graf1_800x640.png" "$work/full_in/b_large.png"   # ~1 MB as PNG
cp "$img/opencv_messi5_548x342.jpg" "$work/full_in/c_small.jpg"
(trap '' XFSZ; ulimit -f 600; exec "$TIDEMARK" embed "$work/full_in" -o "$work/full_out" --manifest "$work/full.jsonl") \
  > /dev/null 2> "$work/err.txt"; rc=$?
check "disk full: exit 1" test $rc -eq 1
check "disk full: the failing file named with the cause" grep -q "b_large.png.*File too large" "$work/err.txt"
check "disk full: the others written" test -s "$work/full_out/a_small.jpg" -a -s "$work/full_out/c_small.jpg"
check "disk full: no partial output, no temporary file" bash -c "test ! -e '$work/full_out/b_large.png' && test -z \"\$(find '$work/full_out' -name '.*')\""
check "disk full: manifest records 2 ok, 1 error" python3 -c "
import json; rows = [json.loads(l) for l in open('$work/full.jsonl')]
assert sorted(r['status'] for r in rows) == ['error', 'ok', 'ok'], rows
assert [r for r in rows if r['status'] == 'error'][0]['input'].endswith('b_large.png')"

finish
