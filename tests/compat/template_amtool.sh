#!/bin/bash
# template_amtool.sh: renders Alertmanager's own default.tmpl/email.tmpl
# defines and our construct/function corpus against every payload with
# amtool and with `tocsin-relay template render`, and compares the bytes.
# tocsin's own templates/tocsin.tmpl is checked the same way. Expected output
# comes from amtool at test time, never from files.
#   TOCSIN_COMPAT_SAMPLE=N  run one (text, payload) pair in N, rotating so
#                           every text and every payload still occurs (the
#                           sanitizer pass of scripts/test; default 1: all)
set -u

: "${TOCSIN_RELAY:?}" "${TOCSIN_SOURCE_DIR:?}" "${TOCSIN_FIXTURES:?}" "${TOCSIN_TEST_TMP:?}"
AMDIR=/usr/share/prometheus/alertmanager
CORPUS=$TOCSIN_SOURCE_DIR/tests/compat/templates
OURS=$TOCSIN_SOURCE_DIR/templates/tocsin.tmpl
tmp=$TOCSIN_TEST_TMP
mkdir -p "$tmp"
rm -rf "$tmp/texts" "$tmp/data" "$tmp/out"
mkdir -p "$tmp/texts" "$tmp/data" "$tmp/out"

if ! command -v amtool >/dev/null || [ ! -f $AMDIR/default.tmpl ]; then
	echo "template_amtool: amtool or $AMDIR/default.tmpl missing (install prometheus-alertmanager)"
	exit 1
fi

# Payloads: the webhook fixtures reduced to template.Data's keys, and ours.
for f in "$TOCSIN_FIXTURES"/*.json "$CORPUS"/payload-*.json; do
	python3 - "$f" "$tmp/data/$(basename "$f")" <<'PY' || exit 1
import json, sys
keys = ("receiver", "status", "alerts", "groupLabels", "commonLabels",
        "commonAnnotations", "externalURL")
d = json.load(open(sys.argv[1], encoding="utf-8"))
json.dump({k: d[k] for k in keys if k in d}, open(sys.argv[2], "w", encoding="utf-8"),
          ensure_ascii=False)
PY
done

# Texts: one file per case; the first line of each file names the type.
n=0
add_text() {	# type text
	n=$((n + 1))
	printf '%s\n%s' "$1" "$2" >"$tmp/texts/$(printf %04d $n)"
}
for name in $(grep -o '{{ define "[^"]*"' $AMDIR/default.tmpl | cut -d'"' -f2); do
	add_text text "{{ template \"$name\" . }}"
	# the same defines through html/template's escaping
	add_text html "{{ template \"$name\" . }}"
done
for name in $(grep -o '{{ define "[^"]*"' $AMDIR/email.tmpl | cut -d'"' -f2); do
	add_text html "{{ template \"$name\" . }}"
	add_text text "{{ template \"$name\" . }}"
done
# tocsin's own default templates, rendered by both from the same file.
for name in $(grep -o '{{ define "[^"]*"' "$OURS" | cut -d'"' -f2); do
	case $name in
	tocsin.email.html) add_text html "{{ template \"$name\" . }}" ;;
	*) add_text text "{{ template \"$name\" . }}" ;;
	esac
done
split_corpus() {	# file type
	awk -v dir="$tmp/texts" -v type="$2" -v start="$n" '
		function flush() {
			if (have) {
				start++
				f = sprintf("%s/%04d", dir, start)
				printf "%s\n%s", type, buf > f
				close(f)
			}
			buf = ""; have = 0
		}
		/^%%$/ { flush(); next }
		{ buf = have ? buf "\n" $0 : $0; have = 1 }
		END { flush(); print start > (dir "/.count") }
	' "$1"
	n=$(cat "$tmp/texts/.count")
}
split_corpus "$CORPUS/texts.tmpl" text
split_corpus "$CORPUS/html.tmpl" html

sample=${TOCSIN_COMPAT_SAMPLE:-1}
pair=0
total=0
same=0
errors=0
errsame=0
for t in "$tmp"/texts/[0-9]*; do
	type=$(head -n 1 "$t")
	text=$(tail -n +2 "$t"; printf x)
	text=${text%x}
	for d in "$tmp"/data/*.json; do
		pair=$((pair + 1))
		[ $(((pair - 1) % sample)) -eq 0 ] || continue
		total=$((total + 1))
		o=$tmp/out/$(basename "$t")-$(basename "$d" .json)
		amtool template render --template.glob="$AMDIR/*.tmpl" \
		    --template.glob="$OURS" \
		    --template.type="$type" --template.data="$d" \
		    --template.text="$text" >"$o.amtool" 2>"$o.amtool.err"
		ra=$?
		"$TOCSIN_RELAY" template render --template.alertmanager-version=0.25 \
		    --template.glob="$AMDIR/*.tmpl" \
		    --template.glob="$OURS" \
		    --template.type="$type" --template.data="$d" \
		    --template.text="$text" >"$o.tocsin" 2>"$o.tocsin.err"
		rt=$?
		if [ $ra -eq 0 ] && [ $rt -eq 0 ] && cmp -s "$o.amtool" "$o.tocsin"; then
			same=$((same + 1))
		elif [ $ra -ne 0 ] && [ $rt -ne 0 ] && cmp -s "$o.amtool" "$o.tocsin"; then
			# both failed with the same partial output; the error
			# texts are counted, not required to match
			same=$((same + 1))
			errors=$((errors + 1))
			if [ "$(sed 's/^amtool: error: //' "$o.amtool.err")" = \
			    "$(sed 's/^tocsin-relay: error: //' "$o.tocsin.err")" ]; then
				errsame=$((errsame + 1))
			fi
		else
			echo "DIFFERENT: $type text $(basename "$t") on $(basename "$d") (exit amtool=$ra tocsin=$rt)"
			echo "  text: $(head -c 200 <<<"$text")"
			diff "$o.amtool" "$o.tocsin" | head -n 8 | sed 's/^/  /'
			head -c 300 "$o.amtool.err" "$o.tocsin.err" | sed 's/^/  /'
		fi
	done
done
[ "$sample" -gt 1 ] && echo "template_amtool: one pair in $sample of $pair"
echo "template_amtool: $total comparisons, $same identical ($errors both errors, $errsame with the same message)"
[ "$total" -gt 0 ] && [ "$same" -eq "$total" ]
