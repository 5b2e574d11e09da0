#!/usr/bin/env bash
# tidemark mark / verify as a platform and a generation service use them, checked with exiftool
# (an independent reader): the label in every format, metadata kept, one label per file, the
# label stripped while the watermark survives, bad metadata reported. Prints 'N passed, N failed'.
set -u
command -v exiftool > /dev/null || { echo "exiftool missing (Debian: libimage-exiftool-perl)"; exit 1; }
. "$(dirname "$0")/lib.sh"
field() { python3 -c "import json,sys; d=json.loads(sys.stdin.readline()); print(d$1)"; }
producer=001191110102MACQD9K64010000
payload_of() { python3 -c "import hashlib,sys; print(hashlib.sha256(b'tidemark ProduceID v1\0'+sys.argv[1].encode()).hexdigest()[:16])" "$1"; }

# An input with EXIF, IPTC-style XMP and a comment, to see that marking keeps them.
cp "$TIDEMARK_CORPUS/images/opencv_orange_512x512.jpg" "$work/in.jpg"
exiftool -q -overwrite_original -Artist="Ada Lovelace" -Copyright="CC BY 4.0" -XMP-dc:Title="Orange" "$work/in.jpg"

for ext in jpg png webp; do
  out=$work/out.$ext
  "$TIDEMARK" mark "$work/in.jpg" -o "$out" --producer $producer --produce-id "req-$ext" --json > "$work/mark.json"
  check "$ext: mark status" test "$(field "['status']" < "$work/mark.json")" = ok
  check "$ext: payload derived from ProduceID" test "$(field "['payload']" < "$work/mark.json")" = "$(payload_of "req-$ext")"
  check "$ext: a JPEG written as JPEG is marked in its coefficients, others are encoded" \
        test "$(field ".get('jpeg')" < "$work/mark.json")" = "$([ $ext = jpg ] && echo coefficients || echo None)"
  check "$ext: exiftool reads TC260:AIGC" bash -c "exiftool -s3 -XMP-TC260:AIGC '$out' | grep -q '\"ProduceID\":\"req-$ext\"'"
  check "$ext: exiftool reads the propagator fields" bash -c "exiftool -s3 -XMP-TC260:AIGC '$out' | grep -q '\"ContentPropagator\":\"$producer\",\"PropagateID\":\"req-$ext\"'"
  check "$ext: exiftool reads DigitalSourceType" test "$(exiftool -s3 -XMP-iptcExt:DigitalSourceType "$out")" = \
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
  check "$ext: EXIF kept" test "$(exiftool -s3 -EXIF:Artist "$out")" = "Ada Lovelace"
  check "$ext: other XMP kept" test "$(exiftool -s3 -XMP-dc:Title "$out")" = "Orange"
  "$TIDEMARK" verify "$out" --json > "$work/v.json"
  check "$ext: verify finds one conforming label" python3 -c "
import json; d=json.load(open('$work/v.json'))
assert d['aigc']['count']==1 and d['aigc']['conforms'], d['aigc']
assert d['aigc']['labels'][0]['fields']['ProduceID']=='req-$ext'
assert d['watermark']['detected'] and d['watermark']['payload']=='$(payload_of "req-$ext")'
assert d['agreement']['produce_id_matches_watermark'] is True
assert d['digital_source_type']['says_ai'] and d['suggested_label']['label']=='1'
assert d['c2pa']['present'] is False"
done

# A visible label changes the pixels: the JPEG is decoded and re-encoded.
"$TIDEMARK" mark "$work/in.jpg" -o "$work/visible.jpg" --producer $producer --visible --json > "$work/visible.json"
check "visible label: re-encoded" python3 -c "import json; d=json.load(open('$work/visible.json')); assert d['status']=='ok' and 'jpeg' not in d, d"

# Re-saved by tidemark: the label survives.
"$TIDEMARK" embed "$work/out.png" -o "$work/resaved.jpg" --quality 90 > /dev/null
check "label survives a tidemark re-save" bash -c "exiftool -s3 -XMP-TC260:AIGC '$work/resaved.jpg' | grep -q req-png"

# Stripped of all metadata: the label is reported missing, the watermark still found -> Label "3".
cp "$work/out.jpg" "$work/stripped.jpg"
exiftool -q -overwrite_original -all= "$work/stripped.jpg"
"$TIDEMARK" verify "$work/stripped.jpg" --json > "$work/v.json"
check "stripped: no label, watermark found, suggest 3" python3 -c "
import json; d=json.load(open('$work/v.json'))
assert not d['aigc']['present'] and d['watermark']['detected'] and d['suggested_label']['label']=='3', d"
"$TIDEMARK" verify "$work/stripped.jpg" > "$work/v.txt"
check "stripped: readable report says why" grep -q 'record Label "3"' "$work/v.txt"

# A second label in EXIF UserComment (Annex B form): reported as a duplicate; re-marking leaves one.
cp "$work/out.jpg" "$work/dup.jpg"
exiftool -q -overwrite_original '-UserComment={"AIGC":{"Label":"1","ContentProducer":"OTHER","ProduceID":"x","ContentPropagator":"OTHER","PropagateID":"x"}}' "$work/dup.jpg"
"$TIDEMARK" verify "$work/dup.jpg" --json > "$work/v.json"
check "duplicate labels reported" python3 -c "
import json; d=json.load(open('$work/v.json'))
assert d['aigc']['count']==2 and any('exactly one' in p for p in d['aigc']['problems']), d['aigc']
assert {l['location'] for l in d['aigc']['labels']}=={'XMP TC260:AIGC','EXIF UserComment'}
assert not d['aigc']['conforms']"
"$TIDEMARK" mark "$work/dup.jpg" -o "$work/relabelled.jpg" --producer $producer --produce-id req-2 > /dev/null
"$TIDEMARK" verify "$work/relabelled.jpg" --json > "$work/v.json"
check "re-marking keeps exactly one label" python3 -c "
import json; d=json.load(open('$work/v.json')); assert d['aigc']['count']==1 and d['aigc']['conforms'], d['aigc']"
check "re-marking keeps the rest of EXIF" test "$(exiftool -s3 -EXIF:Artist "$work/relabelled.jpg")" = "Ada Lovelace"

# Malformed XMP: marking refuses (it would lose the packet), verify reports it without crashing.
python3 - "$work/out.jpg" "$work/badxmp.jpg" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
body = b'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><unclosed>'
seg = b'\xff\xe1' + (len(body) + 2).to_bytes(2, 'big') + body
# drop the existing XMP segment, insert the broken one after SOI
out, i = bytearray(data[:2]), 2
while data[i] == 0xFF and data[i + 1] not in (0xDA, 0xD9):
    n = int.from_bytes(data[i + 2:i + 4], 'big')
    if not data[i + 4:i + 4 + 29].startswith(b'http://ns.adobe.com/xap/1.0/'):
        out += data[i:i + 2 + n]
    i += 2 + n
open(sys.argv[2], 'wb').write(bytes(out[:2]) + seg + bytes(out[2:]) + data[i:])
PY
"$TIDEMARK" mark "$work/badxmp.jpg" -o "$work/never.jpg" --producer $producer 2> "$work/err.txt"; rc=$?
check "malformed XMP: mark exits 1" test $rc -eq 1
check "malformed XMP: message names file and cause" grep -q "badxmp.jpg.*malformed" "$work/err.txt"
check "malformed XMP: nothing written" test ! -e "$work/never.jpg"
"$TIDEMARK" verify "$work/badxmp.jpg" --json > "$work/v.json"; rc=$?
check "malformed XMP: verify reads the file" test $rc -eq 0
check "malformed XMP: verify lists the problem" python3 -c "
import json; d=json.load(open('$work/v.json')); assert any('could not be parsed' in p for p in d['aigc']['problems']), d"

# Field values are validated before anything is written.
"$TIDEMARK" mark "$work/in.jpg" -o "$work/x.jpg" --producer "ACME Corp" 2> "$work/err.txt"; rc=$?
check "illegal producer: exit 2" test $rc -eq 2
check "illegal producer: names the rule" grep -q "Annex E" "$work/err.txt"
check "illegal producer: nothing written" test ! -e "$work/x.jpg"
check "--produce-id with several inputs refused" bash -c "! '$TIDEMARK' mark '$work/in.jpg' '$work/out.png' -o '$work/d/' --producer P --produce-id one"
check "--sign with the public key refused" bash -c "! '$TIDEMARK' mark '$work/in.jpg' -o '$work/s.jpg' --producer P --sign"
check "--cn refuses a text without the required elements" bash -c "! '$TIDEMARK' mark '$work/in.jpg' -o '$work/s.jpg' --producer P --visible --visible-text 'Made by AI' --cn"

# Signed label: valid with the key; the public key cannot read the private watermark.
"$TIDEMARK" keygen -o "$work/k" > /dev/null
"$TIDEMARK" mark "$work/in.jpg" -o "$work/signed.png" --producer $producer --produce-id req-s --sign --key-file "$work/k" --visible --cn > /dev/null
"$TIDEMARK" verify "$work/signed.png" --key-file "$work/k" --json > "$work/v.json"
check "signed: signature valid with the key" python3 -c "
import json; d=json.load(open('$work/v.json'))
assert d['agreement']['signature']=='valid' and d['agreement']['produce_id_matches_watermark'] is True, d['agreement']
assert d['aigc']['labels'][0]['fields']['ReservedCode1'].startswith('TM1-HMAC:')"
"$TIDEMARK" verify "$work/signed.png" --json > "$work/v.json"
check "signed: without the key the signature is not checkable" python3 -c "
import json; d=json.load(open('$work/v.json')); assert 'not checkable' in d['agreement']['signature'], d['agreement']"

# Marks other generators' reference code adds (vectors made by invisible-watermark itself).
vectors=$(cd "$(dirname "$0")/../data/dwtdct" && pwd)
"$TIDEMARK" verify "$vectors/sdxl_bgr.png" "$vectors/flux_rgb_as_bgr.png" --json > "$work/v.json"
check "verify reports SDXL and FLUX dwtDct marks as traces" python3 -c "
import json; a, b = [json.loads(l) for l in open('$work/v.json')]
assert 'SDXL payload' in a['foreign_marks']['found'][0]['name'] and a['foreign_marks']['found'][0]['variant']=='standard', a['foreign_marks']
assert 'FLUX' in b['foreign_marks']['found'][0]['name'] and b['foreign_marks']['found'][0]['variant']=='chroma-swapped', b['foreign_marks']
assert a['suggested_label']['label']=='3' and 'SDXL' in a['suggested_label']['why']"
"$TIDEMARK" verify "$work/in.jpg" --json > "$work/v.json"
check "verify claims no foreign mark on an unmarked photo" python3 -c "
import json; d=json.load(open('$work/v.json')); assert d['foreign_marks']['checked'] and not d['foreign_marks']['found']"

# Unreadable files: exit 1, named; the batch goes on.
"$TIDEMARK" verify "$TIDEMARK_CORPUS/bad/truncated_graf1.png" "$work/out.png" --json > "$work/v.json" 2> "$work/err.txt"; rc=$?
check "verify: bad file exit 1" test $rc -eq 1
check "verify: bad file named" grep -q truncated_graf1.png "$work/err.txt"
check "verify: the good file is still reported" test "$(sed -n 2p "$work/v.json" | field "['aigc']['count']")" = 1

finish
