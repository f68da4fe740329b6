"""metric_families.py: metric families as "name type labels" lines, from the
three places the metrics tests compare: a README table, the sources that
register metrics, and what /metrics exposes. Labels are sorted and
comma-separated, "-" for none.

  metric_families.py table README.md "## Metrics" [PREFIX]
      rows of the table(s) under that heading (up to the next "## "),
      only the metrics whose names start with PREFIX (default tocsin_)
  metric_families.py source FILE...
      "name type" of every metrics_counter/gauge/histogram call, and of
      every { "tocsin_...", "gauge", ... } row of a table of families
      written directly (metrics_write_header)
  metric_families.py exposed FILE
      every family of a /metrics answer (le belongs to histograms)
"""
import re
import sys


def table(path, heading, prefix="tocsin_"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^" + re.escape(heading) + r"\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        sys.exit(f"{path} has no '{heading}' section")
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`" + prefix):
            continue
        labels = re.findall(r"`([a-z_]+)`", cells[2])
        print(cells[0].strip("`"), cells[1], ",".join(sorted(labels)) or "-")


def source(paths):
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for kind, name in re.findall(
                r'metrics_(counter|gauge|histogram)\(\s*[^,()]+,\s*"(tocsin_[a-z0-9_]+)"', text):
            print(name, kind)
        for name, kind in re.findall(
                r'\{\s*"(tocsin_[a-z0-9_]+)",\s*"(counter|gauge)"', text):
            print(name, kind)


def exposed(path):
    types, labels = {}, {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if m:
            types[m.group(1)] = m.group(2)
            labels.setdefault(m.group(1), set())
            continue
        m = re.match(r"([a-z_:][a-z0-9_:]*)(\{(.*)\})? ", line)
        if not m or line.startswith("#"):
            continue
        name = m.group(1)
        if name not in types:
            name = re.sub(r"_(bucket|sum|count)$", "", name)
        names = re.findall(r'([a-z_]+)="', m.group(3) or "")
        labels.setdefault(name, set()).update(n for n in names if n != "le")
    for name in sorted(types):
        print(name, types[name], ",".join(sorted(labels[name])) or "-")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "table":
        table(*args)
    elif cmd == "source":
        source(args)
    elif cmd == "exposed":
        exposed(args[0])
    else:
        sys.exit(f"unknown command {cmd}")
