#!/usr/bin/env python3
# gen_routes.py: generates route trees and label sets for routes_amtool.sh,
# runs `config routes [test]` with both tocsin-relay and amtool, and reports
# every difference in stdout or exit status.
#
#   gen_routes.py DIR RELAY AMTOOL
#
# Everything is generated from a fixed seed, so a failure reproduces.
import json
import os
import random
import subprocess
import sys

# Small per-name pools so that generated label sets often hit the matchers.
POOLS = {
    "severity": ["critical", "warning", "info", "", "CRITICAL", "crit"],
    "team": ["db", "web", "a b", 'q"uote', "a,b", "x=y", "{brace}"],
    "service": ["db", "web", "10", "back\\slash", "a)", "tab\there"],
    "env": ["prod", "staging", "new\nline", "ünïcødé", "日本", "nel\u0085"],
    "alertname": ["Watchdog", "DiskFull", "MemHigh", "emoji\U0001F600", "ctl\u0001"],
    "instance": ["x", "é", "warn-1", "", "a b"],
    "a:b": ["x", "prod"],
}
NAMES = list(POOLS)
VALUES = sorted({v for vs in POOLS.values() for v in vs})
REGEXES = [
    "crit.*", "warn|info", "(?i)prod", ".+", ".*", "[a-c]x?", "\\d+", "a)|(b",
    "(?i)ÜNÏCØDÉ|ünïcødé", "日.", "x{0,2}", "[^a-z]*", "(?s).*line", "\\s",
    "\\S+\\s\\S+", "\\w+", "a,b|x=y", "\\x{1F600}|emoji.+", "(?m)^line$",
    "\\Qa,b\\E", "[[:upper:]]+", "\\pL+", "\\p{Han}+", "nel.", "(a|b)+\\)?",
    "back\\\\slash", "q\"uote", "(?U)c.+", "tab\\there", "ctl\\x01", "Disk.*|Mem.*",
    "(?i)CRIT(ical)?", "d[a-z]", "[dw][be]b?", "\\{brace\\}", "",
]


def pick_value(rng, name):
    if rng.random() < 0.85:
        return rng.choice(POOLS[name])
    return rng.choice(VALUES)


def go_quote_matcher_value(v):
    # The escapes labels.ParseMatcher understands inside double quotes.
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def rand_matcher(rng, hints):
    name = rng.choice(NAMES)
    op = rng.choice(["=", "=", "=", "!=", "=~", "=~", "!~"])
    if "~" in op:
        value = rng.choice(REGEXES)
    else:
        value = pick_value(rng, name)
        if op == "=":
            hints.append((name, value))
    spacing = rng.choice(["", " ", "  "])
    if rng.random() < 0.7 or any(c in value for c in ',"\\\n{} ') or value == "":
        text = go_quote_matcher_value(value)
    else:
        text = value
    return f"{name}{spacing}{op}{spacing}{text}"


def rand_route(rng, depth, receivers, paths, hints, force_matchers=False):
    """A random route; paths collects, for every route, the label pairs its
    equality matchers and those of its ancestors ask for."""
    r = {}
    hints = list(hints)
    kind = rng.random()
    if force_matchers or kind < 0.85:
        pick = rng.random()
        if pick < 0.5:
            entries = [rand_matcher(rng, hints) for _ in range(rng.choice([1, 1, 2, 3]))]
            if rng.random() < 0.3 and len(entries) > 1:
                # one entry holding a whole {...} list
                entries = ["{" + ", ".join(entries) + "}"]
            r["matchers"] = entries
        elif pick < 0.7:
            r["match"] = {n: pick_value(rng, n) for n in rng.sample(NAMES[:6], rng.randint(1, 2))}
            hints += list(r["match"].items())
        elif pick < 0.85:
            r["match_re"] = {n: rng.choice(REGEXES) for n in rng.sample(NAMES[:6], rng.randint(1, 2))}
        else:
            n = rng.choice(NAMES[:6])
            r["match"] = {n: pick_value(rng, n)}
            hints += list(r["match"].items())
            r["match_re"] = {rng.choice(NAMES[:6]): rng.choice(REGEXES)}
            r["matchers"] = [rand_matcher(rng, hints)]
    paths.append(hints)
    if rng.random() < 0.6:
        r["receiver"] = rng.choice(receivers)
    if rng.random() < 0.35:
        r["continue"] = True
    if depth > 0 and rng.random() < 0.5:
        r["routes"] = [rand_route(rng, depth - 1, receivers, paths, hints)
                       for _ in range(rng.randint(1, 4))]
    return r


def config(root_routes, receivers):
    return {
        "route": {"receiver": receivers[0], "routes": root_routes},
        "receivers": [{"name": n} for n in receivers],
    }


def handmade():
    # Severity first, then teams; the shape most homelab configs have.
    recv = ["default", "pager", "team-db", "team-web", "slack", "mail"]
    routes = [
        {"matchers": ['severity="critical"'], "receiver": "pager", "continue": True},
        {"match": {"service": "db"}, "receiver": "team-db", "routes": [
            {"matchers": ["severity=~\"warn.*|info\""], "receiver": "mail"},
            {"matchers": ['env!="prod"', 'instance=~".+"'], "continue": True},
            {"match_re": {"alertname": "Disk.*|Mem.*"}, "receiver": "slack"},
        ]},
        {"matchers": ['{team="web", env=~"prod|staging"}'], "receiver": "team-web", "continue": True,
         "routes": [{"matchers": ['severity!~"info|warning"'], "receiver": "pager"}]},
        {"matchers": ["alertname=Watchdog"], "receiver": "default"},
        {"receiver": "slack", "routes": [{"match": {"env": "prod"}, "receiver": "mail"}]},
    ]
    return config(routes, recv)


def label_args(rng, extra, paths):
    labels = {}
    if paths and rng.random() < 0.7:
        # Aim at one route: its equality matchers, then some noise.
        for name, value in rng.choice(paths):
            labels[name] = value
        if labels and rng.random() < 0.2:
            del labels[rng.choice(list(labels))]
    for name in rng.sample(NAMES, rng.randint(0, 3)):
        if name not in labels or rng.random() < 0.2:
            labels[name] = pick_value(rng, name) if rng.random() < 0.8 else rng.choice(extra)
    args = []
    for name, value in labels.items():
        style = rng.random()
        if style < 0.5 or any(c in value for c in '"\\'):
            args.append(f"{name}={go_quote_matcher_value(value)}")
        elif style < 0.9:
            args.append(f"{name}={value}")
        else:
            args.append(f" {name} = {go_quote_matcher_value(value)} ")
    r = rng.random()
    if r < 0.03:
        args.append(rng.choice(["a=~b", "{a=b}", "a!b", "severity!=x", "", "1x=y"]))
    elif r < 0.06 and args:
        args.append(args[0].split("=")[0] + "=override")
    return args


def run(argv):
    p = subprocess.run(argv, capture_output=True)
    return p.stdout, p.returncode


def main():
    out, relay, amtool = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = random.Random(20261123)
    os.makedirs(out, exist_ok=True)
    configs = [("handmade", handmade(), [[("severity", "critical")], [("service", "db")],
                                          [("team", "web"), ("env", "prod")]])]
    for i in range(5):
        recv = ["default"] + [f"r{j}" for j in range(rng.randint(2, 6))]
        n = rng.randint(2, 6)
        paths = []
        routes = [rand_route(rng, 3, recv, paths, [], True) for _ in range(n)]
        configs.append((f"random{i}", config(routes, recv), paths))
    # Extra values: strings regexes in the trees are likely to match.
    extra = ["critical-1", "warning", "prod", "PROD", "Prod", "ax", "xb", "bx", "123", "a b c",
             "b", "a", "ab", "DiskFull", "MemHigh", "\U0001F600", "emoji!", "ÜNÏCØDÉ",
             "日本語", " ", "cx", "ccc", "line", "new\nline\nline", "a,b", "ctl\u0001"]
    total = same = 0
    for name, cfg, paths in configs:
        path = os.path.join(out, name + ".yml")
        with open(path, "w", encoding="utf-8") as f:
            # JSON is YAML. Characters stay as they are, except NEL,
            # which YAML would read as a line break.
            f.write(json.dumps(cfg, indent=1, ensure_ascii=False).replace("\u0085", "\\u0085"))
        checks = [["config", "routes", "--config.file=" + path]]
        for _ in range(140):
            args = label_args(rng, extra, paths)
            checks.append(["config", "routes", "test", "--config.file=" + path] + args)
            if rng.random() < 0.5:
                checks.append(["config", "routes", "test", "--tree", "--config.file=" + path] + args)
        for _ in range(6):
            args = label_args(rng, extra, paths)
            a_out, _ = run([amtool, "config", "routes", "test", "--config.file=" + path] + args)
            expect = a_out.decode("utf-8", "replace").split("\n")[0]
            if rng.random() < 0.5:
                expect = expect + ",nope"
            checks.append(["config", "routes", "test", "--verify.receivers=" + expect,
                           "--config.file=" + path] + args)
        for argv in checks:
            total += 1
            got = run([relay] + argv)
            want = run([amtool] + argv)
            if got == want:
                same += 1
                continue
            if total - same > 25:
                continue
            print(f"DIFF: {json.dumps(argv)}")
            print(f"  amtool (exit {want[1]}): {want[0]!r}")
            print(f"  tocsin (exit {got[1]}): {got[0]!r}")
    print(f"routes_amtool: {total} comparisons, {same} identical")
    return 0 if total == same and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
