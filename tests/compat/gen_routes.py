#!/usr/bin/env python3
# gen_routes.py: generates route trees and label sets for routes_amtool.sh,
# runs `config routes [test]` with both tocsin-relay and amtool, and reports
# every difference in stdout or exit status.
#
#   gen_routes.py DIR RELAY AMTOOL [CONFIGS]
#
# CONFIGS is a directory of hand-written configs (tests/compat/configs) that
# both programs load; their trees are compared too.
# Everything is generated from a fixed seed, so a failure reproduces.
import glob
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


# Matcher strings with Alertmanager's syntax corners: every one is loaded by
# both programs (a `matchers:` entry), valid or not.
SYNTAX = [
    'a=b', 'a==b', 'a!b', '  a  =~  "x"  ', 'a="b', 'a=b"', 'a="b"c"', '{a=b,c=d}',
    '{a=b,}', '{}', '{,}', '1a=b', 'a.b=c', 'a:b=c', 'a="x\\\\"', 'a=x\\', 'a=b,',
    ',a=b', 'a=b,,c=d', '{a=b', 'a=b}', '{{a=b}}', '', 'a= ', 'a=', 'a="x,y"',
    'a="x\\",y"', '{a="b", c!="d", e=~"f", g!~"h"}', 'z=a,a=z,a=y,a!=y,a=~y,a!~y',
    'a=ü', 'a="é\\u0001"', 'a="tab\there"', ' a = " spaced " ', '{a=b, c}',
    '{a=b, c ,d=e}', 'a=!~b', 'a="', 'x="a\\"b\\\\c\\nd"', 'a=\t b \t', 'a=\u00a0b',
    'a="\\q"', 'a=""', 'a=" "', '_=1', ':=1', 'a =~ ', 'a!~', '{a=b}}', 'a=}',
]
REGEX_SYNTAX = [
    '(', '(?=x)', '(?!x)', '(?<=x)', '(?<!x)', '(?>x)', '(a)\\1', '(?P=n)', '(?P<n>x)',
    '(?P<1n>x)', '(?P<>x)', '(?P<n-x>x)', '(?P<n', '(?<n>x)', '(?#c)', '(?x)a', '(?i-)a',
    '(?-i)a', '(?)a', '(?i)a', '(?ims-U:a)', 'x++', 'x*+', 'x?+', 'x{2}{3}', 'x{2}?',
    'x{2}?*', 'x**', '*x', 'x|*', '(*UTF)x', '^*x', '\\b+', 'x{1001}', 'x{1000}', 'x{2,1}',
    'x{,3}', 'x{01}', 'x{1,1001}', 'x{99999999999}', 'x{', 'x{a}', 'x}', ']', '[]a]',
    '[^]a]', '[a-]', '[-a]', '[z-a]', '[a-\\d]', '[\\d-z]', '[[:alpha:]]', '[[:foo:]]',
    '[[:^alpha:]]', '[[a]', '[\\b]', '\\C', '\\e', '\\Z', '\\z', '\\h', '\\R', '\\K',
    '\\G', '\\N', '\\X', '\\g1', '\\k<n>', '\\x41', '\\x4', '\\x{41}', '\\x{}', '\\x{110000}',
    '\\101', '\\0', '\\08', '\\18', '\\pL', '\\p{Greek}', '\\p{^Greek}', '\\PL', '\\p{Foo}',
    '\\p{L&}', '\\p{Xan}', '\\p{greek}', '\\p', '\\p{', '\\Qa.b\\E+', '\\Qa.b', 'a\\',
    '\\_', '\\ü', 'a)|(b', '(a{500}){3}', '[a', 'a[', '(?s:.)', '(?U)a+', '$', '^',
    '\\A\\z', '\\b\\B', '\\w\\W\\d\\D\\s\\S', '[\\w\\W\\d\\D\\s\\S]', '[\\pL\\p{Greek}]',
    '[\\Q]', '[\\x41-\\x5a]', '[\\n]', '[\\v]', '\\v', '(?i)(?i)*', 'a**?', 'a{2}{,3}',
    '((((a))))', '(|a)', 'a||b', '()', '(?:)', '[[.a.]]', '[[=a=]]', '\\8', '\\pN+',
]
REGEX_ATOMS = [
    'a', 'b', 'x', 'ü', '日', ' ', '-', ',', '.', '[a-c]', '[^a]', '[[:alpha:]]', '[\\d\\s]',
    '\\w', '\\s', '\\S', '\\d', '\\pL', '\\p{Greek}', '\\PL', '\\.', '\\\\', '\\x41',
    '\\x{e9}', '\\101', '\\n', '\\t', '\\v', '\\f', '^', '$', '\\b', '\\B', '\\A', '\\z',
    '(?i)', '(?s)', '(?m)', '(?U)', 'A', 'É', '[é-ü]', '[\\n-\\r]', '\\Qa.\\E',
    '[[:upper:]]', '[^[:lower:]]', '[[:punct:][:^alpha:]]', 'k', 's', 'σ',
]
REGEX_QUANT = ['', '', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '*?', '+?', '??', '{0}', '{0,1}?']
REGEX_VALUE_CHARS = ['a', 'b', 'c', 'x', 'ü', 'Ü', '日', ' ', '\n', '.', '-', 'A', 'É', 'é',
                     '1', '_', ',', '\t', '\v', '\r', 'α', 'Ω', '\\',
                     '\u212a', 'ſ', 'K', 'ς', 'Σ']


def rand_regex(rng, depth=0):
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.15 and depth < 2:
            inner = rand_regex(rng, depth + 1)
            if rng.random() < 0.4:
                inner += "|" + rand_regex(rng, depth + 1)
            atom = rng.choice(["(", "(?:", "(?i:", "(?P<g>", "(?s:"]) + inner + ")"
        else:
            atom = rng.choice(REGEX_ATOMS)
        parts.append(atom + rng.choice(REGEX_QUANT))
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts) + 1), "|")
    return "".join(parts)


def rand_value(rng):
    return "".join(rng.choice(REGEX_VALUE_CHARS) for _ in range(rng.randint(0, 5)))


def yaml_dump(path, cfg):
    with open(path, "w", encoding="utf-8") as f:
        # JSON is YAML. Characters stay as they are, except NEL, which YAML
        # would read as a line break.
        f.write(json.dumps(cfg, indent=1, ensure_ascii=False).replace("\u0085", "\\u0085"))


def run(argv):
    p = subprocess.run(argv, capture_output=True)
    return p.stdout, p.returncode, p.stderr


class Compare:
    def __init__(self, relay, amtool, sample=1):
        self.relay, self.amtool = relay, amtool
        self.total = self.same = 0
        # TOCSIN_COMPAT_SAMPLE=N: bulk checks run one in N (see sampled()).
        self.sample, self.offered = sample, 0

    def sampled(self, argv):
        """A bulk check (one of many label sets): with a sample size N, only
        every Nth is run. The sanitizer pass uses this; the plain pass runs
        them all."""
        self.offered += 1
        if (self.offered - 1) % self.sample == 0:
            self.check(argv)

    def check(self, argv, messages=False):
        """Runs argv with both programs; stdout and exit status must be
        identical. With messages, when amtool fails, its error message
        (which names the bad matcher or regexp) must appear in ours."""
        self.total += 1
        got = run([self.relay] + argv)
        want = run([self.amtool] + argv)
        ok = got[:2] == want[:2]
        if ok and messages and want[1] != 0:
            msg = want[2].decode("utf-8", "replace")
            msg = [line for line in msg.splitlines() if line.startswith("amtool: error: ")]
            if msg and msg[0].isprintable():
                ok = msg[0][len("amtool: error: "):] in got[2].decode("utf-8", "replace")
        if ok:
            self.same += 1
        elif self.total - self.same <= 25:
            print(f"DIFF: {json.dumps(argv)}")
            print(f"  amtool (exit {want[1]}): {want[0]!r} {want[2][-300:]!r}")
            print(f"  tocsin (exit {got[1]}): {got[0]!r} {got[2][-300:]!r}")
        return want


def syntax_phase(cmp, rng, out):
    """Matcher strings, one config each: accepted or rejected alike, printed
    alike, rejected with Alertmanager's message."""
    strings = SYNTAX + ['a=~"' + r.replace("\\", "\\\\").replace('"', '\\"') + '"'
                        for r in REGEX_SYNTAX]
    strings += [rand_matcher(rng, []) for _ in range(30)]
    for i, m in enumerate(strings):
        path = os.path.join(out, f"syntax{i}.yml")
        yaml_dump(path, config([{"matchers": [m], "receiver": "hit"}], ["default", "hit"]))
        cmp.check(["config", "routes", "--config.file=" + path], messages=True)


def regex_phase(cmp, rng, out):
    """Random regexes: the same ones must be valid, and each must match the
    same values. Valid ones become sibling routes with continue, so one
    `routes test` answers for all of them at once."""
    valid = []
    for i in range(120):
        r = rand_regex(rng)
        path = os.path.join(out, f"regex{i}.yml")
        yaml_dump(path, config([{"match_re": {"v": r}, "receiver": "hit"}], ["default", "hit"]))
        if cmp.check(["config", "routes", "--config.file=" + path], messages=True)[1] == 0:
            valid.append(r)
    routes, recv = [], ["default"]
    for i, r in enumerate(valid):
        # matchers: and match_re: anchor differently on paper; both must agree.
        if i % 2:
            routes.append({"matchers": ['v=~"' + r.replace("\\", "\\\\").replace('"', '\\"') + '"'],
                           "receiver": f"m{i}", "continue": True})
        else:
            routes.append({"match_re": {"v": r}, "receiver": f"m{i}", "continue": True})
        recv.append(f"m{i}")
    path = os.path.join(out, "regexes.yml")
    yaml_dump(path, config(routes, recv))
    cmp.check(["config", "routes", "--config.file=" + path])
    values = [rand_value(rng) for _ in range(60)]
    # Values built to match: a few random regexes' literal parts.
    values += ["a", "ab", "x" * 3, "ü日", "A\nb", "", "Éé", "aaa", "-,", " \t"]
    for v in values:
        cmp.sampled(["config", "routes", "test", "--config.file=" + path,
                     "v=" + go_quote_matcher_value(v)])


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
    cmp = Compare(relay, amtool, max(1, int(os.environ.get("TOCSIN_COMPAT_SAMPLE", "1"))))
    for name, cfg, paths in configs:
        path = os.path.join(out, name + ".yml")
        yaml_dump(path, cfg)
        checks = [["config", "routes", "--config.file=" + path]]
        for _ in range(140):
            args = label_args(rng, extra, paths)
            checks.append(["config", "routes", "test", "--config.file=" + path] + args)
            if rng.random() < 0.5:
                checks.append(["config", "routes", "test", "--tree", "--config.file=" + path] + args)
        for _ in range(6):
            args = label_args(rng, extra, paths)
            a_out = run([amtool, "config", "routes", "test", "--config.file=" + path] + args)[0]
            expect = a_out.decode("utf-8", "replace").split("\n")[0]
            if rng.random() < 0.5:
                expect = expect + ",nope"
            checks.append(["config", "routes", "test", "--verify.receivers=" + expect,
                           "--config.file=" + path] + args)
        cmp.check(checks[0])
        for argv in checks[1:]:
            cmp.sampled(argv)
    if len(sys.argv) > 4:
        for path in sorted(glob.glob(os.path.join(sys.argv[4], "*.yml"))):
            cmp.check(["config", "routes", "--config.file=" + path])
            for args in ([], ["severity=critical"], ["severity=warning", "team=db"]):
                cmp.check(["config", "routes", "test", "--tree", "--config.file=" + path] + args)
    syntax_phase(cmp, rng, out)
    regex_phase(cmp, rng, out)
    sampled = ""
    if cmp.sample > 1:
        sampled = f" (label-set checks: one in {cmp.sample} of {cmp.offered})"
    print(f"routes_amtool: {cmp.total} comparisons, {cmp.same} identical{sampled}")
    return 0 if cmp.total == cmp.same and cmp.total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
