#!/usr/bin/env python3
"""Generates the benchmark corpus: >= 500 MB in >= 10,000 files, archives included.

usage: gen-corpus.py DIR [--seed N] [--scale F]
Deterministic for a given seed. --scale multiplies every count and the size target (default 1.0:
about 10,300 files and 520 MiB; 0.5 gives about half of each, for a loaded machine). Content mixes source-like text (which secret rules read), random
binaries (incompressible), zip / jar / tar.gz archives with members, and a few large files.
"""
import argparse, io, os, random, tarfile, zipfile

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    out, seed, scale = args.dir, args.seed, args.scale
    def n(count): return max(1, int(count * scale))
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    words = ("const let var function return import export class public private static void int string "
             "config user token request response error value items index data result query http url "
             "path file name list map set get post put delete async await try catch throw new").split()

    def text(n):
        lines, size = [], 0
        while size < n:
            line = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
            lines.append(line); size += len(line) + 1
        return ("\n".join(lines)).encode()[:n]

    total, files = 0, 0
    def write(rel, data):
        nonlocal total, files
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f: f.write(data)
        total += len(data); files += 1

    for i in range(n(8200)):                       # source-like text, 2-40 KB
        write(f"src/m{i // 500}/file{i}.{rnd.choice(['js','py','cs','json','yaml','txt'])}", text(rnd.randint(2_000, 40_000)))
    for i in range(n(1500)):                       # binaries, 50-250 KB
        write(f"bin/b{i // 300}/blob{i}.bin", rnd.randbytes(rnd.randint(50_000, 250_000)))
    for i in range(n(300)):                        # zips and jars with 10 members each
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for j in range(10):
                z.writestr(f"pkg/c{j}.txt" if j % 2 else f"pkg/r{j}.bin", text(20_000) if j % 2 else rnd.randbytes(30_000))
        write(f"archives/a{i}.{'jar' if i % 3 == 0 else 'zip'}", buf.getvalue())
    for i in range(n(100)):                        # tar.gz with 10 members each
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as t:
            for j in range(10):
                data = text(15_000) if j % 2 else rnd.randbytes(25_000)
                info = tarfile.TarInfo(f"lib/f{j}.dat"); info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        write(f"archives/t{i}.tar.gz", buf.getvalue())
    i = 0
    while total < 520 * 1024 * 1024 * scale:           # large files until the corpus passes 520 MB
        write(f"large/big{i}.bin", rnd.randbytes(8 * 1024 * 1024)); i += 1
    print(f"{files} files, {total / 1048576:.0f} MiB in {out}")

if __name__ == "__main__":
    main()
