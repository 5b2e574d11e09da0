#!/usr/bin/env bash
# The tidemark command as scripts use it: the JSON contract (DESIGN.md section 6), exit codes,
# key handling, and refusal to overwrite inputs. Prints 'N passed, N failed' at the end.
set -u
. "$(dirname "$0")/lib.sh"
img=$TIDEMARK_CORPUS/images/opencv_orange_512x512.jpg
json_field() { python3 -c "import json,sys; d=json.loads(sys.stdin.readline()); print(d$1)"; }

# keygen: 0600, never replaced, key never printed
"$TIDEMARK" keygen -o "$work/k" > "$work/keygen.out"
check "keygen mode 0600" test "$(stat -c %a "$work/k")" = 600
check "keygen does not print the key" bash -c "! grep -q \"$(cat "$work/k")\" '$work/keygen.out'"
check "keygen refuses to replace" bash -c "! '$TIDEMARK' keygen -o '$work/k'"

# A key or passphrase file every user can read is refused (like ssh private keys), unless allowed.
cp "$work/k" "$work/open.key" && chmod 644 "$work/open.key"
"$TIDEMARK" detect "$img" --key-file "$work/open.key" > /dev/null 2> "$work/open.err"; rc=$?
check "world-readable key file: refused" bash -c "test $rc -ne 0 && grep -q 'readable or writable by every user' '$work/open.err'"
check "world-readable key file: not printed" bash -c "! grep -q \"$(cat "$work/k")\" '$work/open.err'"
check "world-readable key file: --allow-open-key-file" "$TIDEMARK" detect "$img" --key-file "$work/open.key" --allow-open-key-file
echo "a passphrase" > "$work/open.pass" && chmod 604 "$work/open.pass"
check "world-readable passphrase file: refused" bash -c "! '$TIDEMARK' detect '$img' --passphrase-file '$work/open.pass' 2>/dev/null"

# embed + detect with a private key; JSON contract
"$TIDEMARK" embed "$img" -o "$work/m.png" --payload 00000000deadbeef --key-file "$work/k" --json > "$work/e.json"
check "embed json status" test "$(json_field "['status']" < "$work/e.json")" = ok
"$TIDEMARK" detect "$work/m.png" --key-file "$work/k" --json > "$work/d.json"; rc=$?
check "detect exit 0" test $rc -eq 0
check "detect payload" test "$(json_field "['payload']" < "$work/d.json")" = 00000000deadbeef
check "detect detected" test "$(json_field "['detected']" < "$work/d.json")" = True
check "detect has z and p_value" python3 -c "import json; d=json.load(open('$work/d.json')); assert d['z']>7 and d['p_value']<1e-9 and d['path']=='$work/m.png'"
# JPEG to JPEG: marked in the DCT coefficients at the input's own quality, unless --quality asks for
# a re-encode or the input is too coarse to carry the mark.
"$TIDEMARK" embed "$img" -o "$work/c.jpg" --payload 00000000c0ffee00 --json > "$work/c.json"
check "jpeg: marked in its coefficients" python3 -c "import json; d=json.load(open('$work/c.json')); assert d['jpeg']=='coefficients' and d['jpeg_quality']>=80 and d['psnr_db']>35, d"
check "jpeg: about the input's size" python3 -c "import os; a=os.path.getsize('$img'); b=os.path.getsize('$work/c.jpg'); assert 0.9*a < b < 1.3*a, (a, b)"
check "jpeg: the coefficient-marked file decodes" bash -c "'$TIDEMARK' detect '$work/c.jpg' --json | grep -q '\"payload\":\"00000000c0ffee00\"'"
"$TIDEMARK" embed "$img" -o "$work/r.jpg" --quality 95 --json > "$work/r.json"
check "jpeg: --quality re-encodes" python3 -c "import json; d=json.load(open('$work/r.json')); assert 'jpeg' not in d and 'reencoded_because' not in d, d"
"$TIDEMARK" embed "$TIDEMARK_CORPUS/images/opencv_building_868x600.jpg" -o "$work/low.jpg" --quality 60 > /dev/null
"$TIDEMARK" embed "$work/low.jpg" -o "$work/low2.jpg" > "$work/low2.txt"
check "jpeg: a coarse input is re-encoded, and says why" grep -q "re-encoded: its quality (about 60) is below 80" "$work/low2.txt"
# key from the environment
TIDEMARK_KEY=$(cat "$work/k") "$TIDEMARK" detect "$work/m.png" --json > "$work/env.json"
check "TIDEMARK_KEY" test "$(json_field "['payload']" < "$work/env.json")" = 00000000deadbeef
# the public key does not read a private mark
"$TIDEMARK" detect "$work/m.png" --json > "$work/pub.json"
check "other key: no payload" test "$(json_field "['payload']" < "$work/pub.json")" = None
# unmarked input: processed, exit 0, nothing found
"$TIDEMARK" detect "$img" --json > "$work/u.json"; rc=$?
check "unmarked exit 0" test $rc -eq 0
check "unmarked not detected" test "$(json_field "['detected']" < "$work/u.json")" = False

# several inputs into a directory, one bad: the batch goes on, exit 1, one JSON line each
"$TIDEMARK" embed "$img" "$TIDEMARK_CORPUS/bad/truncated_building.jpg" "$TIDEMARK_CORPUS/images/opencv_messi5_548x342.jpg" \
  -o "$work/out/" --json > "$work/batch.json" 2> "$work/batch.err"; rc=$?
check "batch exit 1" test $rc -eq 1
check "batch wrote the good files" test -f "$work/out/opencv_orange_512x512.jpg" -a -f "$work/out/opencv_messi5_548x342.jpg"
check "batch wrote nothing for the bad file" test ! -e "$work/out/truncated_building.jpg"
check "batch error names the file" grep -q "truncated_building.jpg" "$work/batch.err"
check "batch one line per input" test "$(wc -l < "$work/batch.json")" -eq 3
check "no temporary files left" test "$(ls -A "$work/out" | wc -l)" -eq 2

# never overwrite: inputs, or existing outputs without --force
cp "$img" "$work/in.jpg"; before=$(sha256sum < "$work/in.jpg")
check "refuses output == input" bash -c "! '$TIDEMARK' embed '$work/in.jpg' -o '$work/in.jpg'"
check "input unchanged" test "$(sha256sum < "$work/in.jpg")" = "$before"
check "refuses existing output" bash -c "! '$TIDEMARK' embed '$img' -o '$work/m.png'"
check "--force replaces" "$TIDEMARK" embed "$img" -o "$work/m.png" --force
check "--in-place replaces" "$TIDEMARK" embed "$work/in.jpg" --in-place
check "in-place input is marked" bash -c "'$TIDEMARK' detect '$work/in.jpg' --json | grep -q '\"detected\":true'"

# bad input: clear one-line error, non-zero exit
for f in empty.png text_named.jpg truncated_graf1.png; do
  "$TIDEMARK" detect "$TIDEMARK_CORPUS/bad/$f" > /dev/null 2> "$work/err"; rc=$?
  check "bad $f exit 1" test $rc -eq 1
  check "bad $f one line naming the file" bash -c "test \$(wc -l < '$work/err') -eq 1 && grep -q '$f' '$work/err'"
done
check "bad payload is a usage error" bash -c "'$TIDEMARK' embed '$img' -o '$work/x.png' --payload xyz; test \$? -eq 2"
check "bad extension refused" bash -c "! '$TIDEMARK' embed '$img' -o '$work/x.tiff'"
check "pixel limit refuses" bash -c "! '$TIDEMARK' embed '$work/m.png' -o '$work/y.png' --max-pixels 100"
# an image smaller than one tile: refused, the error names the file; detect says "too small"
python3 - "$work/tiny.png" <<'PY'
import struct, sys, zlib
w, h = 60, 50
raw = b"".join(b"\x00" + bytes((x * 4 + y) % 256 for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
"$TIDEMARK" embed "$work/tiny.png" -o "$work/tiny_out.png" 2> "$work/tiny.err"; rc=$?
check "too small: exit 1" test $rc -eq 1
check "too small: error names the file" grep -q "tiny.png: image is 60x50" "$work/tiny.err"
check "too small: nothing written" test ! -e "$work/tiny_out.png"
check "too small: detect says so" bash -c "'$TIDEMARK' detect '$work/tiny.png' --json | grep -q '\"verdict\":\"too small\"'"
check "info --json" bash -c "'$TIDEMARK' info --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert \"cpu\" in d[\"backends\"]'"

finish cli
