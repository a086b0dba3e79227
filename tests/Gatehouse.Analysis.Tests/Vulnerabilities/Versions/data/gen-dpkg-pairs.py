#!/usr/bin/env python3
"""Makes dpkg-pairs.tsv: tricky Debian version pairs and dpkg's own answer for each.

Run on a machine with dpkg:  python3 gen-dpkg-pairs.py > dpkg-pairs.tsv
Columns: a <TAB> b <TAB> expected, where expected is -1, 0 or 1 (the sign of a compared with b, from
`dpkg --compare-versions -- a lt b`; the "--" keeps a version such as "-0:1" from reading as an option) or "invalid" when dpkg rejects either version or warns about its syntax
(DpkgVersionScheme treats dpkg's syntax warnings as invalid). The seed is fixed, so the output is reproducible
for one dpkg version; the header line records which dpkg answered.
"""
import random
import subprocess

rng = random.Random(16)

ATOMS = ["0", "1", "2", "9", "10", "01", "001", "00", "99", "100", "123456789012345678901234567890",
         "a", "b", "z", "A", "Z", "alpha", "beta", "rc", "dfsg", "ubuntu", "deb", "build", "git", "bpo",
         ".", "+", "~", "~~", "-", ":", "~rc1", "+b1", "+dfsg", ".0", "+really", "ubuntu1", "~bpo11+1"]


def upstream():
    s = rng.choice(["0", "1", "2", "10", "01", "1.0", "1.2.3", "2.30", "0.9", "9"])
    for _ in range(rng.randint(0, 4)):
        s += rng.choice(ATOMS)
    return s


def revision():
    return rng.choice(["", "", "-1", "-0", "-1ubuntu1", "-2", "-1+deb12u1", "-1~bpo11+1", "-10", "-1.1",
                       "-0ubuntu0.22.04.1", "-1build1", "-a", "-", "-1~", "-~", "-1+b1"])


def epoch():
    return rng.choice(["", "", "", "", "0:", "1:", "2:", "10:", "01:", ":", "a:", "-1:", "+1:", "-0:",
                       "2147483647:", "2147483648:"])


def version():
    return epoch() + upstream() + revision()


def mutate(v):
    """A neighbour of v, so that pairs are close and exercise the fine rules."""
    ops = [lambda s: s + "~", lambda s: s + "~1", lambda s: s + "+1", lambda s: s + ".0", lambda s: s + "0",
           lambda s: s + "a", lambda s: s + "-1", lambda s: "0:" + s, lambda s: "1:" + s,
           lambda s: s.replace("0", "00", 1), lambda s: s.replace(".", "~", 1), lambda s: s.replace("~", "", 1),
           lambda s: s.replace("1", "01", 1), lambda s: s[:-1] if len(s) > 1 else s, lambda s: s.upper(),
           lambda s: s.replace("-", "+", 1), lambda s: s]
    return rng.choice(ops)(v)


FIXED = [("1.0", "1.0-0"), ("1.0", "1.0-"), ("1.0~rc1", "1.0"), ("1.0~~", "1.0~"), ("1.0~~a", "1.0~"),
         ("1.0a", "1.0+"), ("1.0a", "1.0."), ("1.0", "1.0a"), ("1:0", "0:9"), ("0:1.0", "1.0"),
         ("1.0-1", "1.0-1.0"), ("1.0-1", "1.0-01"), ("00001", "1"), ("1.0-1~bpo", "1.0-1"),
         ("2:1.0", "10:1.0"), ("1.0+dfsg-1", "1.0-1"), ("1:2:3-4", "1:2:3-4"), ("1.2-3-4", "1.2-3-5"),
         ("a1.0", "1.0"), ("1.0_1", "1.0"), ("1.0-1_1", "1.0-1"), ("1.0-a:b", "1.0"), ("1:", "1"),
         ("-1", "1"), (":1", "1"), ("x:1", "1"), ("+1:2", "1:2"), ("-0:2", "2"), ("-1:2", "2"),
         ("2147483647:1", "2147483646:1"), ("2147483648:1", "1"), ("1.0-", "1.0"),
         ("123456789012345678901234567890", "123456789012345678901234567891"),
         ("1.0~", "1.0"), ("~1", "1"), ("1.0-~", "1.0-0"), ("1.0-1~", "1.0-1"), ("1.0.", "1.0"),
         ("1.0Z", "1.0a"), ("1.0-Z", "1.0-a"), ("0", "0:0-0"), ("1-1-1", "1-1")]


def dpkg(a, op, b):
    p = subprocess.run(["dpkg", "--compare-versions", "--", a, op, b], capture_output=True, text=True)
    return p.returncode, p.stderr


def answer(a, b):
    rc, err = dpkg(a, "lt", b)
    if err.strip() or rc not in (0, 1):
        return "invalid"
    if rc == 0:
        return "-1"
    rc, _ = dpkg(a, "eq", b)
    return "0" if rc == 0 else "1"


def main():
    pairs = list(FIXED)
    seen = set(pairs)
    while len(pairs) < 760:
        a = version()
        b = mutate(a) if rng.random() < 0.6 else version()
        if (a, b) not in seen:
            seen.add((a, b))
            pairs.append((a, b))
    ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dpkg"], capture_output=True, text=True).stdout
    print(f"# dpkg {ver} --compare-versions answers; made by gen-dpkg-pairs.py (seed 16)")
    for a, b in pairs:
        print(f"{a}\t{b}\t{answer(a, b)}")


main()
