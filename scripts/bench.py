#!/usr/bin/env python3
"""Benchmark readout against Hugo on the same notes, side by side.

    scripts/bench.py [--sizes 1000 10000 50000] [--runs 5] [--no-hugo] [--no-serve] [--out-dir DIR]

For each size it writes a corpus with ../shared/bench/gen-corpus.py, then
builds it with the release `readout build` and with Hugo, in alternation,
RUNS times each, and prints medians, ratios, peak memory (from
/usr/bin/time -v), pages per second and MB of Markdown per second. It also
measures a floor in each round: reading every input file and copying the
output tree.
With both 10,000 and 50,000 in the sizes, it then builds those two with
readout in turn, RUNS times each, each build followed by its floor, for
the scaling target: the size rows are minutes apart, and the machine's
speed drifts between them. The floor's own ratio, printed beside
readout's, shows how much of the growth is the machine's.
With serve, it times incremental rebuilds in `readout serve` for a statement
body edit, an actor rename, a template change and a CSS change.
With --out-dir (e.g. a tmpfs such as /dev/shm) both tools write their
output there instead of target/bench/out: that takes a slow or busy disk
out of the comparison. Run it on a quiet machine; it prints how it measured.

Each run writes into a folder that does not exist yet, after the last
run's output has been written out to the disk (sync) and dropped from the
page cache, so that the outputs kept do not fill the memory. On a disk
nothing is deleted until every run is over, and a corpus is generated again only
when it is missing or the generator changed: on ext4 without a journal
the kernel skips inodes freed in the last minute (six, while their inode
table is not yet written out) when it makes new files, so a build just
after a large delete spends seconds in the kernel. So after any delete
(of an older benchmark's outputs, or of a corpus being made again) the
script syncs and waits until six minutes have passed before it times
anything. On a tmpfs each output is deleted before the tool's next run
instead, so that the runs do not fill the memory.
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen-corpus.py")
READOUT = os.path.join(ROOT, "target", "release", "readout")
WORK = os.path.join(ROOT, "target", "bench")


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak MB)."""
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    return elapsed, peak


def seconds(times):
    """A list of times, as the script prints them."""
    return " ".join("%.2f" % t for t in times)


def build_readout(site, out):
    """One timed `readout build` of site into out; returns (seconds, peak MB)."""
    return timed([READOUT, "build", "-q", "--root", site, "--output", out])


def du_mb(path, suffix=None):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            if suffix is None or f.endswith(suffix):
                total += os.path.getsize(os.path.join(d, f))
    return total / 1e6


def count_pages(path):
    return sum(1 for _, _, files in os.walk(path) for f in files if f.endswith(".html"))


def floor(site, out, copy):
    """Reading every input file, then copying the output tree to copy."""
    start = time.perf_counter()
    for d, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                fh.read()
    subprocess.run(["cp", "-r", out, copy], check=True)
    return time.perf_counter() - start


def on_tmpfs(path):
    """Whether path (or the folder it will be made in) is on a tmpfs."""
    while not os.path.exists(path):
        path = os.path.dirname(path)
    r = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    return r.stdout.strip() == "tmpfs"


# When the benchmark last deleted files on the disk, kept across runs of it.
DELETED_AT = os.path.join(WORK, ".deleted-at")
# The kernel's window is a minute, or six while the freed inodes' table is
# not yet written out; a sync alone did not end it here, so wait it out whole.
SETTLE_SECONDS = 6 * 60 + 5


def deleted():
    """Notes that files were just deleted on the disk."""
    with open(DELETED_AT, "w") as f:
        f.write("%f\n" % time.time())


def settle():
    """Waits until the last delete on the disk is six minutes old, so that
    it does not slow the runs that follow."""
    os.sync()
    try:
        wait = float(open(DELETED_AT).read()) + SETTLE_SECONDS - time.time()
    except (OSError, ValueError):
        return
    if wait > 0:
        print("waiting %.0f s: files were just deleted, and new ones would be slow to make" % wait, flush=True)
        time.sleep(wait)


# The outputs on the disk still in the page cache.
CACHED = []


def fresh(base, name, i, on_disk):
    """The output folder of run i of name under base, which does not exist:
    on a disk a new one for each run (deleting would slow what follows),
    on a tmpfs one per name, emptied first (keeping all would fill the memory)."""
    path = os.path.join(base, "%s-%d" % (name, i) if on_disk else name)
    shutil.rmtree(path, ignore_errors=True)
    if on_disk:
        CACHED.append(path)
    return path


def written_out(keep=None):
    """Writes every output out to the disk (sync), then drops all but keep
    (the one the floor copies next) from the page cache. They stay on the
    disk, but no longer fill the memory: every run starts with as much
    free memory as the first. Without this the benchmark's own outputs
    (over 10 GB) filled the memory by its last runs, and the builds timed
    then paid for the kernel taking pages back."""
    os.sync()
    for path in [p for p in CACHED if p != keep]:
        for d, _, files in os.walk(path):
            for f in files:
                fd = os.open(os.path.join(d, f), os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)
    CACHED[:] = [p for p in CACHED if p == keep]


def corpus_for(n):
    """The corpus of n statements, generated unless it is there already
    from the same generator (a new one deletes the old one's files)."""
    corpus = os.path.join(WORK, "corpus-%d" % n)
    with open(GEN, "rb") as f:
        stamp = "%s %d\n" % (hashlib.sha256(f.read()).hexdigest(), n)
    stamp_file = os.path.join(corpus, ".bench-stamp")
    if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
        if os.path.exists(corpus):
            deleted()
        subprocess.run([sys.executable, GEN, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
        with open(stamp_file, "w") as f:
            f.write(stamp)
    return corpus


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve_rebuilds(site):
    """Edits files under a running `readout serve`; returns [(what, ms, pages)]."""
    port = free_port()
    proc = subprocess.Popen([READOUT, "serve", "--root", site, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []

    def wait_for(pattern, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(pattern, line)
            if m:
                return m
        sys.exit("serve did not print %r; it printed:\n%s" % (pattern, "".join(lines[-20:])))

    wait_for(r"serving .* at")
    results = []
    statement = os.path.join(site, "content", "statements", sorted(os.listdir(os.path.join(site, "content", "statements")))[0])
    actor = os.path.join(site, "content", "actors", sorted(os.listdir(os.path.join(site, "content", "actors")))[0])
    template = os.path.join(site, "templates", "event.html")
    css = os.path.join(site, "static", "style.css")
    os.makedirs(os.path.dirname(template), exist_ok=True)
    os.makedirs(os.path.dirname(css), exist_ok=True)
    builtin_template = open(os.path.join(ROOT, "templates", "event.html")).read()
    builtin_css = open(os.path.join(ROOT, "static", "style.css")).read()
    edits = [
        ("statement body", statement, lambda t, i: t + "\nAn edit, number %d.\n" % i),
        ("actor name", actor, lambda t, i: re.sub(r'name = "[^"]*"', 'name = "Renamed %d"' % i, t, count=1)),
        ("template", template, lambda t, i: builtin_template + "{#- edit %d -#}\n" % i),
        ("CSS", css, lambda t, i: builtin_css + "/* edit %d */\n" % i),
    ]
    # Put every file back as it was afterwards, so that later full builds
    # of this corpus use the built-in templates and stylesheet.
    created = [d for d in (os.path.dirname(template), os.path.dirname(css)) if not os.listdir(d)]
    originals = {path: (open(path).read() if os.path.exists(path) else None) for _, path, _ in edits}
    for what, path, change in edits:
        times, pages = [], 0
        text = originals[path] or ""
        for i in range(5):
            with open(path, "w") as f:
                f.write(change(text, i))
            m = wait_for(r"rebuilt (\d+) of (\d+) pages in (\d+) ms")
            pages, ms = int(m.group(1)), int(m.group(3))
            times.append(ms)
            time.sleep(0.3)
        results.append((what, statistics.median(times), pages))
    proc.terminate()
    proc.wait()
    for path, text in originals.items():
        if text is None:
            os.remove(path)
        else:
            with open(path, "w") as f:
                f.write(text)
    for d in created:
        shutil.rmtree(d, ignore_errors=True)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--out-dir", help="write both tools' output here (e.g. a tmpfs)")
    a = ap.parse_args()
    hugo = None if a.no_hugo else shutil.which("hugo")
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    os.makedirs(WORK, exist_ok=True)
    print("machine: %d cores; runs: %d each, alternating; times are wall-clock medians" % (os.cpu_count(), a.runs))
    print("output: %s, a new folder for each run" % (a.out_dir or os.path.join(WORK, "out")))
    if not hugo:
        print("hugo: not run (%s)" % ("--no-hugo" if a.no_hugo else "not installed: apt-get install hugo"))
    out_root = os.path.join(a.out_dir or os.path.join(WORK, "out"), "run-%d" % os.getpid())
    on_disk = not on_tmpfs(out_root)
    # Outputs left by an earlier benchmark that was stopped.
    for old in glob.glob(os.path.join(os.path.dirname(out_root), "run-*")):
        shutil.rmtree(old, ignore_errors=True)
        if on_disk:
            deleted()
    # The corpora first: making one again deletes the old one.
    corpora = {n: corpus_for(n) for n in a.sizes}
    rows = []
    try:
        for n in a.sizes:
            if on_disk:
                settle()
            rows.append(measure(n, corpora[n], a.runs, hugo, os.path.join(out_root, "corpus-%d" % n), on_disk))
        scaling = None
        if 10000 in corpora and 50000 in corpora:
            scaling = in_turn(corpora, a.runs, os.path.join(out_root, "scaling"), on_disk)
        serve = None
        if not a.no_serve:
            n = 10000 if 10000 in corpora else a.sizes[-1]
            serve = (n, serve_rebuilds(os.path.join(corpora[n], "readout")))
        report(rows, scaling, serve)
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
        if on_disk:
            deleted()


def measure(n, corpus, runs, hugo, out_base, on_disk):
    """Builds the corpus of n statements RUNS times with each tool; returns the row."""
    site = os.path.join(corpus, "readout")
    hsite = os.path.join(corpus, "hugo")
    md_mb = du_mb(os.path.join(site, "content"), ".md")
    r_times, r_peaks, h_times, h_peaks, f_times = [], [], [], [], []
    outs = []

    def run_readout():
        out = fresh(out_base, "readout", len(r_times), on_disk)
        t, p = build_readout(site, out)
        r_times.append(t)
        r_peaks.append(p)
        outs.append(out)

    def run_hugo():
        t, p = timed([hugo, "--quiet", "--source", hsite, "--destination", fresh(out_base, "hugo", len(h_times), on_disk)])
        h_times.append(t)
        h_peaks.append(p)

    def run_floor():
        # readout's output from this or the last round (the first round starts with readout).
        f_times.append(floor(site, outs[-1], fresh(out_base, "floor", len(f_times), on_disk)))

    # Each round measures readout, Hugo and the floor one after the other,
    # in an order that turns by one each round: each meets the same machine
    # conditions (a large build leaves the machine busy for a moment after
    # it ends). Before each, the last one's output is written out to the
    # disk, so that no run pays for the writes of the one before.
    steps = [run_readout, run_hugo, run_floor] if hugo else [run_readout, run_floor]
    for i in range(runs):
        for step in steps[i % len(steps):] + steps[: i % len(steps)]:
            written_out(keep=outs[-1] if outs else None)
            step()
    pages = count_pages(outs[-1])
    fl = statistics.median(f_times)
    rm = statistics.median(r_times)
    row = {
        "statements": n, "pages": pages, "markdown MB": md_mb, "readout s": rm,
        "readout peak MB": max(r_peaks), "pages/s": pages / rm, "MB/s": md_mb / rm,
        "floor s": fl, "readout/floor": rm / fl,
    }
    if hugo:
        hm = statistics.median(h_times)
        row.update({"hugo s": hm, "hugo peak MB": max(h_peaks), "readout/hugo": rm / hm})
    print(", ".join("%s: %s" % (k, ("%.2f" % v) if isinstance(v, float) else v) for k, v in row.items()), flush=True)
    each = [("readout", r_times), ("floor", f_times)] + ([("hugo", h_times)] if hugo else [])
    print("  each run, in order: " + "; ".join("%s %s" % (name, seconds(ts)) for name, ts in each), flush=True)
    return row


def in_turn(corpora, runs, out_base, on_disk):
    """readout's builds of 10,000 and 50,000 statements one after the
    other, RUNS times each, so that both sizes meet the same machine (the
    size rows are minutes apart), each followed by the floor of its size;
    returns {size: (readout's median, the floor's median)}."""
    times = {10000: [], 50000: []}
    floors = {10000: [], 50000: []}
    for i in range(runs):
        for n in (10000, 50000) if i % 2 == 0 else (50000, 10000):
            site = os.path.join(corpora[n], "readout")
            written_out()
            out = fresh(out_base, str(n), i, on_disk)
            t, _ = build_readout(site, out)
            times[n].append(t)
            written_out(keep=out)
            floors[n].append(floor(site, out, fresh(out_base, "floor-%d" % n, i, on_disk)))
    for n in times:
        print("  in turn, %d statements: readout %s; floor %s" % (n, seconds(times[n]), seconds(floors[n])), flush=True)
    return {n: (statistics.median(times[n]), statistics.median(floors[n])) for n in times}


def report(rows, scaling, serve):
    """Prints the scaling, the serve rebuilds (statements, [(what, ms,
    pages)]) and which targets are met."""
    targets = []

    def target(name, value, limit, unit=""):
        targets.append("  %-44s %8.2f%s (target %s%s): %s" % (name, value, unit, limit, unit, "met" if value <= limit else "NOT met"))

    by = {r["statements"]: r for r in rows}
    if 10000 in by:
        ten = by[10000]
        if "readout/hugo" in ten:
            target("full build, 10,000: readout / Hugo", ten["readout/hugo"], 0.5)
        target("full build, 10,000: readout / floor", ten["readout/floor"], 1.5)
        target("peak memory, 10,000", ten["readout peak MB"], 300, " MB")
        if 50000 in by:
            print("scaling, 50,000 / 10,000, from the rows above: readout %.2f×, floor %.2f×"
                  % (by[50000]["readout s"] / ten["readout s"], by[50000]["floor s"] / ten["floor s"]))
        if scaling:
            (r10, f10), (r50, f50) = scaling[10000], scaling[50000]
            print("scaling, 50,000 / 10,000, built in turn: readout %.2f s / %.2f s = %.2f×; floor %.2f s / %.2f s = %.2f×"
                  % (r50, r10, r50 / r10, f50, f10, f50 / f10))
            target("scaling, 50,000 / 10,000 (built in turn)", r50 / r10, 5.5, "×")
    if serve:
        n, rebuilds = serve
        print("serve, %d statements: median of 5 rebuilds (from the debounced change to the new site ready)" % n)
        for what, ms, pages in rebuilds:
            print("  %-15s %6.0f ms, %d pages rendered" % (what, ms, pages))
            if n == 10000 and what == "statement body":
                target("serve, 10,000: one statement's body", ms, 20, " ms")
            if n == 10000 and what == "actor name":
                target("serve, 10,000: one actor's name", ms, 150, " ms")
    if targets:
        print("targets:")
        print("\n".join(targets))


if __name__ == "__main__":
    main()
