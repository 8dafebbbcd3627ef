#!/bin/sh
# check-layers.sh: fail when an include crosses a layer boundary (DESIGN.md).
# ui -> core -> {omemo, store, xmpp}; omemo -> {xmpp, store}; GTK only in ui.
src=${1:?usage: check-layers.sh SRCDIR}
status=0

complain () {
  echo "layer violation: $1"
  status=1
}

check () {
  # check FOLDER PATTERN WHY
  hits=$(grep -rnE "$2" "$src/$1" --include='*.c' --include='*.h' 2>/dev/null)
  [ -z "$hits" ] || complain "$3:
$hits"
}

for layer in xmpp store omemo core; do
  check "$layer" '#include[[:space:]]*[<"](gtk/|gdk/|adwaita\.h|ui/)' "$layer must not include GTK, libadwaita or ui"
done
check xmpp '#include[[:space:]]*[<"](sqlite3\.h|store/|omemo/|core/|libsecret/|signal/)' "xmpp must not know storage, OMEMO, core or secrets"
check store '#include[[:space:]]*[<"](xmpp/|omemo/|core/|libsecret/|signal/|libxml/)' "store sits beside xmpp and knows neither it nor the layers above"
check omemo '#include[[:space:]]*[<"](core/|libsecret/)' "omemo must not include core"
check xmpp 'sqlite3_' "xmpp must not call SQLite"
check ui '(natter_store_|sqlite3_|xmpp_[a-z_]+ *\()' "ui binds to core only: no store calls, no SQL, no stanzas"

# A -private.h header stays inside its folder.
for f in $(find "$src" -name '*.c' -o -name '*.h'); do
  folder=$(basename "$(dirname "$f")")
  grep -oE '#include[[:space:]]*"[a-z]+/[^"]*-private\.h"' "$f" | while read -r inc; do
    target=$(echo "$inc" | sed -E 's/.*"([a-z]+)\/.*/\1/')
    [ "$target" = "$folder" ] || { echo "layer violation: $f includes $inc from another folder"; exit 1; }
  done || status=1
done

[ $status -eq 0 ] && echo "layers are clean"
exit $status
