#!/bin/sh
# Makes the .docx fixtures from the sources in src/, with pandoc and
# LibreOffice (the tests need neither). Run from this folder, then
# `go test ./generator/docx -run Golden -update` and read the diff.
#   apt-get install -y pandoc libreoffice-writer-nogui
set -eu
cd "$(dirname "$0")/src"
pandoc safeguarding.md -o ../safeguarding-pandoc.docx
pandoc retention.md -o ../retention-pandoc.docx
pandoc acceptable-use.md -o ../acceptable-use-pandoc.docx
pandoc complaints.md -o ../complaints-pandoc.docx
out=$(mktemp -d)
soffice --headless --convert-to 'docx:MS Word 2007 XML' --outdir "$out" policy-centre.fodt >/dev/null
mv "$out/policy-centre.docx" ../policy-centre-lo-split.docx
soffice --headless --convert-to 'docx:MS Word 2007 XML' --outdir "$out" visitors.fodt >/dev/null
mv "$out/visitors.docx" ../visitors-lo.docx

# The benchmark's long policy, from a generated source, as pandoc writes it
# and as LibreOffice saves it again.
python3 long.py
pandoc long.md -o ../bench/long-pandoc.docx
rm long.md
soffice --headless --convert-to 'docx:MS Word 2007 XML' --outdir "$out" ../bench/long-pandoc.docx >/dev/null
mv "$out/long-pandoc.docx" ../bench/long-lo.docx

rmdir "$out"
