#!/bin/bash
# template_am034.sh: Alertmanager v0.34.0's own template test cases
# (tests/compat/am034/template_test.json, transcribed from
# template/template_test.go at that tag) through `tocsin-relay template
# render`, with its default semantics: every case whose data is a
# template.Data (written to --template.data as JSON, so the CLI's reading of
# absent statuses and null label sets is exercised) or none at all (those
# texts do not read dot, so template render's sample data stands in for
# Go's nil). Cases whose dot is a slice, map or time run in
# unit/test_template_am034, which can build such values.
set -u

: "${TOCSIN_RELAY:?}" "${TOCSIN_SOURCE_DIR:?}" "${TOCSIN_TEST_TMP:?}"
mkdir -p "$TOCSIN_TEST_TMP"

python3 - "$TOCSIN_RELAY" "$TOCSIN_SOURCE_DIR/tests/compat/am034/template_test.json" \
    "$TOCSIN_TEST_TMP" <<'PY'
import json, os, subprocess, sys

relay, cases_file, tmp = sys.argv[1:4]
doc = json.load(open(cases_file, encoding="utf-8"))
ran = failed = 0
for i, c in enumerate(doc["cases"]):
    data = c.get("data")
    if data is not None and data["type"] != "Data":
        continue
    if c.get("routeLabelsRendered"):
        continue    # only a webhook's route labels arrive rendered
    args = [relay, "template", "render", "--template.glob=" + tmp + "/none/*.tmpl",
            "--template.text=" + c["in"],
            "--template.type=" + ("html" if c.get("html") else "text")]
    if data is not None:
        path = os.path.join(tmp, "data-%d.json" % i)
        json.dump(data["value"], open(path, "w", encoding="utf-8"))
        args.append("--template.data=" + path)
    p = subprocess.run(args, capture_output=True)
    out, err = p.stdout.decode(), p.stderr.decode()
    if "expErr" in c:
        ok = p.returncode == 1 and out == "" and \
            err == "tocsin-relay: error: " + c["expErr"] + "\n"
    elif c.get("fail"):
        ok = p.returncode == 1 and err.startswith("tocsin-relay: error: ")
    else:
        ok = p.returncode == 0 and out == c["exp"] and err == ""
    ran += 1
    if not ok:
        failed += 1
        print("DIFFERENT: %s/%s\n  got %r (exit %d) %r\n  want %r" % (
            c["test"], c["title"], out, p.returncode, err,
            c.get("expErr", "(an error)" if c.get("fail") else c.get("exp"))))
print("template_am034: %d of %d cases through template render, %d failed" % (
    ran, len(doc["cases"]), failed))
sys.exit(1 if failed or ran < 40 else 0)
PY
