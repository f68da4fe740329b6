#!/bin/bash
# template_sample_amtool.sh: `template render` without --template.data
# renders amtool's built-in sample data. Texts that print every field of it
# (in UTC and in another zone) and every define of Alertmanager's default.tmpl
# and email.tmpl are rendered by amtool and by `tocsin-relay template render`
# with the same flags and compared. The sample alerts start 5 and 10 minutes before "now"
# and end now: each time in the output is checked against amtool's to within
# a minute and then replaced by a placeholder; everything else, the zone
# names and offsets of those times included, must be byte-identical. Go's
# time.Now() also carries a monotonic clock reading that a time's String()
# prints (" m=-299.989204940"); tocsin's times have none, so that suffix goes
# with the placeholder and is not compared.
set -u

: "${TOCSIN_RELAY:?}" "${TOCSIN_TEST_TMP:?}"
AMDIR=/usr/share/prometheus/alertmanager
tmp=$TOCSIN_TEST_TMP
mkdir -p "$tmp"

if ! command -v amtool >/dev/null || [ ! -f $AMDIR/default.tmpl ]; then
	echo "template_sample_amtool: amtool or $AMDIR/default.tmpl missing"
	exit 1
fi

# Replaces each Go time (String() form, with or without its monotonic clock
# reading, or RFC 3339) by TIME in both outputs (into FILE.norm), after
# checking that tocsin's has as many times, each within a minute of amtool's.
normalize() {	# amtool-out tocsin-out
	python3 - "$1" "$2" <<'PY'
import datetime, re, sys
S = r"(?:[+-]|&#43;)"	# a sign, html/template escapes "+"
GO = re.compile(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(\.\d+)?( " + S +
                r"\d{4} [A-Za-z]+| ?Z| ?" + S + r"\d\d:\d\d)?( m=" + S + r"\d+\.\d{9})?")
def times(text):
    out = []
    def sub(m):
        t = datetime.datetime.fromisoformat(m.group(1).replace(" ", "T"))
        out.append((t, m.group(3) or ""))
        return "TIME" + (m.group(3) or "")
    return GO.sub(sub, text), out
a, ta = times(open(sys.argv[1], encoding="utf-8").read())
b, tb = times(open(sys.argv[2], encoding="utf-8").read())
ok = len(ta) == len(tb) and all(abs((x[0] - y[0]).total_seconds()) < 60
                                for x, y in zip(ta, tb))
if not ok:
    print("times differ: amtool %s, tocsin %s" % (ta, tb), file=sys.stderr)
for path, text in ((sys.argv[1], a), (sys.argv[2], b)):
    open(path + ".norm", "w", encoding="utf-8").write(text)
sys.exit(0 if ok else 1)
PY
}

texts=(
	'{{ . }}'
	'{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|{{ .GroupLabels }}|{{ .CommonLabels }}|{{ .CommonAnnotations }}'
	'{{ range .Alerts }}{{ .Status }}|{{ .Labels }}|{{ .Annotations }}|{{ .StartsAt }}|{{ .EndsAt }}|{{ .GeneratorURL }}|{{ .Fingerprint }}
{{ end }}'
	'{{ len .Alerts }} firing={{ len .Alerts.Firing }} resolved={{ len .Alerts.Resolved }}{{ range .Alerts.Firing }} F{{ end }}{{ range .Alerts.Resolved }} R{{ end }}'
	'{{ if eq .Status "firing" }}firing{{ else if eq .Status "resolved" }}resolved{{ else }}other: {{ .Status }}{{ end }}'
	'{{ range .Alerts }}{{ .StartsAt.Format "2006-01-02T15:04:05.000Z07:00 MST" }} {{ .EndsAt.UTC }} {{ .StartsAt.IsZero }} {{ .EndsAt.Year }}
{{ end }}'
	'{{ range .Alerts }}{{ .Labels.SortedPairs }} {{ .Annotations.Names }} {{ .Labels.Values }}
{{ end }}{{ .GroupLabels.SortedPairs }} {{ .CommonLabels.Remove (stringSlice "commonlabelkey1") }} {{ .CommonAnnotations.Names }}'
	'{{ template "__subject" . }}'
	'{{ template "__text_alert_list" .Alerts }}'
	'{{ template "slack.default.text" . }}|{{ template "slack.default.title" . }}'
	'{{ template "email.default.subject" . }}'
)
html_texts=(
	'{{ template "email.default.html" . }}'
	'{{ . }}'
)

total=0
same=0
run_case() {	# zone type text
	total=$((total + 1))
	TZ=$1 amtool template render --template.glob="$AMDIR/*.tmpl" \
	    --template.type="$2" --template.text="$3" >"$tmp/am.out" 2>"$tmp/am.err"
	ra=$?
	# amtool is 0.25: tocsin renders with 0.25's semantics to compare.
	TZ=$1 "$TOCSIN_RELAY" template render --template.alertmanager-version=0.25 \
	    --template.glob="$AMDIR/*.tmpl" \
	    --template.type="$2" --template.text="$3" >"$tmp/ts.out" 2>"$tmp/ts.err"
	rt=$?
	# Defines written for .Alerts fail on the whole data in both; their
	# messages print times and are not compared.
	if [ $ra -ne $rt ]; then
		echo "FAILED ($1, $2): exit amtool=$ra tocsin=$rt: $3"
		cat "$tmp/am.err" "$tmp/ts.err"
		return
	fi
	if ! normalize "$tmp/am.out" "$tmp/ts.out" ||
	    ! cmp -s "$tmp/am.out.norm" "$tmp/ts.out.norm"; then
		echo "DIFFERENT ($1, $2): $3"
		diff "$tmp/am.out.norm" "$tmp/ts.out.norm" | head -n 10
		return
	fi
	same=$((same + 1))
}

for zone in UTC Europe/Berlin; do
	for t in "${texts[@]}"; do
		run_case "$zone" text "$t"
	done
	for t in "${html_texts[@]}"; do
		run_case "$zone" html "$t"
	done
done
# Every define of Alertmanager's own templates, as text and as html.
for name in $(cat $AMDIR/default.tmpl $AMDIR/email.tmpl |
    grep -o '{{ define "[^"]*"' | cut -d'"' -f2); do
	run_case UTC text "{{ template \"$name\" . }}"
	run_case UTC html "{{ template \"$name\" . }}"
done

# Pinned without amtool too: the group and both alerts have the status
# "alertstatus".
TZ=UTC "$TOCSIN_RELAY" template render --template.glob="$AMDIR/*.tmpl" \
    --template.text='{{ .Status }} {{ range .Alerts }}{{ .Status }} {{ end }}' >"$tmp/st.out"
if [ "$(cat "$tmp/st.out")" != "alertstatus alertstatus alertstatus " ]; then
	echo "sample status: $(cat "$tmp/st.out")"
	total=$((total + 1))
fi

echo "template_sample_amtool: $total comparisons, $same identical"
[ "$total" -gt 0 ] && [ "$same" -eq "$total" ]
