#!/bin/sh
# check-potfiles.sh: every file with translatable strings is in POTFILES.in,
# and every file POTFILES.in names exists.
root=${1:?usage: check-potfiles.sh SOURCE-ROOT}
cd "$root" || exit 2
status=0
listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$')

for f in $(git ls-files --cached --others --exclude-standard 2>/dev/null || find src data -type f); do
  case "$f" in
    src/*.c|src/*.ui|data/*.in|data/*.xml) ;;
    *) continue ;;
  esac
  if grep -qE '(^|[^a-zA-Z0-9_])(_|N_|C_|NC_)[[:space:]]*\(|translatable="yes"' "$f" ||
     { case "$f" in data/*.desktop.in|data/*.metainfo.xml.in|data/*.gschema.xml) true ;; *) false ;; esac; }; then
    echo "$listed" | grep -qxF "$f" || { echo "missing from po/POTFILES.in: $f"; status=1; }
  fi
done
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in names a missing file: $f"; status=1; }
done
[ $status -eq 0 ] && echo "POTFILES.in is complete"
exit $status
