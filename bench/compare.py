#!/usr/bin/env python3
"""Run wsspec_bench (or read a saved run) and print Markdown tables: our throughput, the peers'
(Boost.Beast, websocketpp), and the ratios to memcpy and to each peer, per stream.

    bench/compare.py --bench build/release/bench/wsspec_bench            # run, then print
    bench/compare.py --bench ... --repetitions 3 --out run.json           # medians; keep the JSON
    bench/compare.py --json run.json                                      # print a saved run

Python 3 standard library only. Ratios use frames (or messages) per second: ours and the row
it is compared with handle the same bytes, so that is the ratio of their times.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

PEERS = [("beast", "Beast"), ("websocketpp", "websocketpp")]
READS = ["whole", "1500", "16384"]

# The targets: (title, regex over our benchmark names, compared with, minimum). "compared with"
# None means an absolute rate: frames/s of our own row.
TARGETS = [
    ("16-byte binary frames, server role fed whole, frames/s (1.5× uWebSockets' 89 M)",
     r"^parse/server/binary/16/whole$", None, 135e6),
    ("16-byte mostly-ASCII text frames, frames/s (1.5× uWebSockets' 42 M)",
     r"^parse/(server|client)/(ascii|mixed)/16/", None, 63e6),
    ("16-byte binary frames, frames/s vs Boost.Beast",
     r"^parse/(server|client)/binary/16/", "beast", 5.0),
    ("large masked binary frames (copy-in + parse + unmask) vs memcpy",
     r"^parse(-copy)?/server/binary/(65536|1048576)/", "memcpy", 0.55),
    ("mostly-ASCII text with UTF-8 validation vs memcpy",
     r"^parse/(server|client)/mixed/(65536|1048576)/", "memcpy", 0.20),
]


def run_bench(args):
    """Runs the benchmark binary; its console output goes to stderr as progress."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = []
    if args.cpu is not None:
        cmd += ["taskset", "-c", str(args.cpu)]
    cmd += [args.bench, f"--benchmark_min_time={args.min_time}",
            f"--benchmark_out={out}", "--benchmark_out_format=json"]
    if args.repetitions > 1:
        cmd += [f"--benchmark_repetitions={args.repetitions}",
                "--benchmark_report_aggregates_only=true"]
    if args.filter:
        cmd += [f"--benchmark_filter={args.filter}"]
    print("running: " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=sys.stderr)
    try:
        with open(out) as f:
            data = json.load(f)
    finally:
        os.unlink(out)
    if proc.returncode != 0:
        print(f"warning: {args.bench} exited with {proc.returncode} (a cross-check failed?)",
              file=sys.stderr)
    data["wsspec_command"] = " ".join(cmd)
    return data


def results(data):
    """name -> benchmark entry: the median when the run had repetitions, else the only run."""
    by_name = {}
    for b in data.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                by_name[name] = b
        elif name not in by_name:
            by_name[name] = b
    return by_name


def rate(entry, key="items_per_second"):
    if entry is None or entry.get("error_occurred"):
        return None
    return entry.get(key)


def fmt_gbs(v):
    return "—" if v is None else f"{v / 1e9:.2f}"


def fmt_items(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.1f} M"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def fmt_ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def memcpy_name(name):
    # parse/<role>/<kind>/<size>/<read> -> memcpy/<role>/<size>/<read>
    parts = name.split("/")
    return f"memcpy/{parts[1]}/{parts[3]}/{parts[4]}"


def reference(res, name, against):
    if against == "memcpy":
        return res.get(memcpy_name(name))
    return res.get(f"{against}/{name}")


def context_lines(data):
    ctx = data.get("context", {})
    lines = []
    model = cpu_model()
    if model:
        lines.append(f"- CPU: {model}, {ctx.get('num_cpus', '?')} cores visible, "
                     f"{ctx.get('mhz_per_cpu', '?')} MHz reported")
    gov = governor()
    lines.append(f"- frequency governor: {gov if gov else 'not readable (virtual machine)'}")
    caches = ", ".join(f"L{c['level']} {c['type'].lower()} {c['size'] // 1024} KiB"
                       for c in ctx.get("caches", []))
    if caches:
        lines.append(f"- caches (per benchmark library): {caches}")
    for key, label in [("compiler", "compiler"), ("wsspec_build", "wsspec build"),
                       ("library_build_type", "Google Benchmark library build"),
                       ("wsspec_mask", "masking kernel"), ("wsspec_utf8", "UTF-8 kernel"),
                       ("load_avg", "load average at start"), ("date", "date")]:
        if key in ctx:
            lines.append(f"- {label}: {ctx[key]}")
    if "wsspec_command" in data:
        lines.append(f"- command: `{data['wsspec_command']}`")
    return lines


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def governor():
    try:
        with open("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor") as f:
            return f.read().strip()
    except OSError:
        return None


def ceiling(res, name):
    """For a masked stream: memcpy+unmask (copy, then unmask in place, no parsing) over memcpy,
    the best any in-place parser could score."""
    parts = name.split("/")
    if parts[1] != "server":
        return "—"
    c = res.get(f"memcpy+unmask/server/{parts[3]}/{parts[4]}")
    return fmt_ratio(rate(c), rate(res.get(memcpy_name(name))))


def targets_table(res):
    out = ["| target | stream | ratio or rate | needs | met | ceiling¹ |",
           "|---|---|---:|---:|:---:|---:|"]
    verdicts = []
    for title, pattern, against, need in TARGETS:
        for name in sorted((n for n in res if re.match(pattern, n)), key=sort_key):
            ours = rate(res[name])
            if against is None:
                if ours is None:
                    continue
                met = ours >= need
                verdicts.append((title, met))
                out.append(f"| {title} | `{name}` | {fmt_items(ours)}/s | {fmt_items(need)}/s | "
                           f"{'yes' if met else '**no**'} | — |")
                continue
            ref = rate(reference(res, name, against))
            if ours is None or ref is None:
                continue
            ratio = ours / ref
            met = ratio >= need
            verdicts.append((title, met))
            out.append(f"| {title} | `{name}` | {ratio:.2f}× | {need:.2f}× | "
                       f"{'yes' if met else '**no**'} | "
                       f"{ceiling(res, name) if against == 'memcpy' else '—'} |")
    summary = []
    for title, _, _, _ in TARGETS:
        rows = [m for t, m in verdicts if t == title]
        if rows:
            summary.append(f"- {title}: met in {sum(rows)} of {len(rows)} streams")
    out += ["", "¹ `memcpy+unmask` over `memcpy`: the same copy followed by an in-place unmask of "
            "each read and no parsing at all, the most an in-place parser can reach here."]
    return out, summary


def sort_key(name):
    parts = name.split("/")
    size = next((int(re.match(r"\d+", p).group()) for p in parts if re.match(r"\d+", p)), 0)
    read = parts[-1]
    return (parts[1], parts[2] if len(parts) > 2 else "", size,
            READS.index(read) if read in READS else 9)


def parse_table(res, prefix, read):
    names = sorted((n for n in res if n.startswith(prefix + "/") and n.endswith("/" + read)),
                   key=sort_key)
    if not names:
        return []
    peers = [(key, label) for key, label in PEERS if any(f"{key}/{n}" in res for n in names)]
    # Fragmented streams have no memcpy row of their own.
    with_memcpy = prefix in ("parse", "parse-copy")
    head = "| stream | ours GB/s | ours items/s |" + (" × memcpy |" if with_memcpy else "")
    rule = "|---|---:|---:|" + ("---:|" if with_memcpy else "")
    for _, label in peers:
        head += f" {label} GB/s | {label} items/s | ours × {label} |"
        rule += "---:|---:|---:|"
    out = [head, rule]
    for n in names:
        ours = res[n]
        row = (f"| `{n[len(prefix) + 1:]}` | {fmt_gbs(rate(ours, 'bytes_per_second'))} | "
               f"{fmt_items(rate(ours))} |")
        if with_memcpy:
            row += f" {fmt_ratio(rate(ours), rate(res.get(memcpy_name(n))))} |"
        for key, _ in peers:
            p = res.get(f"{key}/{n}")
            row += (f" {fmt_gbs(rate(p, 'bytes_per_second'))} | {fmt_items(rate(p))} | "
                    f"{fmt_ratio(rate(ours), rate(p))} |")
        out.append(row)
    return out


def simple_table(res, prefix, columns=("bytes_per_second", "items_per_second")):
    names = sorted((n for n in res if n.startswith(prefix)),
                   key=lambda n: (re.sub(r"\d+", "", n), sort_key(n)))
    if not names:
        return []
    out = ["| benchmark | GB/s | items/s |", "|---|---:|---:|"]
    for n in names:
        out.append(f"| `{n}` | {fmt_gbs(rate(res[n], columns[0]))} | "
                   f"{fmt_items(rate(res[n], columns[1]))} |")
    return out


def allocations(res):
    """Heap allocations per item in the timed loop, per family: the largest figure seen."""
    out = ["| family | rows | max allocations per item |", "|---|---:|---:|"]
    families = {}
    for n, b in res.items():
        if "allocs_per_item" not in b or b.get("error_occurred"):
            continue
        parts = n.split("/")
        fam = "/".join(parts[:2]) if parts[0] in ("beast", "websocketpp") else parts[0]
        families.setdefault(fam, []).append(b["allocs_per_item"])
    for fam in sorted(families):
        v = families[fam]
        out.append(f"| `{fam}/` | {len(v)} | {max(v):.3g} |")
    return out


def report(data):
    res = results(data)
    lines = ["## Machine and run", ""] + context_lines(data) + [""]
    tgt, summary = targets_table(res)
    lines += ["## Targets", ""] + summary + [""] + tgt + [""]
    lines += ["## Heap allocations in the timed loop", ""] + allocations(res) + [""]
    for read in READS:
        t = parse_table(res, "parse", read)
        if t:
            what = "the whole stream in one buffer" if read == "whole" else f"{read}-byte reads"
            lines += [f"## Receive path (`parse/`), {what}", ""] + t + [""]
    for read in READS:
        t = parse_table(res, "parse-copy", read)
        if t:
            what = "the whole stream" if read == "whole" else f"{read}-byte reads"
            lines += [f"## Receive path copying out of the read buffer (`parse-copy/`), {what}",
                      ""] + t + [""]
    for read in READS:
        t = parse_table(res, "assemble", read)
        if t:
            lines += [f"## Fragmented messages (`assemble/`), {read}", ""] + t + [""]
    for prefix, title in [("frames/", "Frame parser alone (`frames/`)"),
                          ("memcpy/", "memcpy of the same streams (`memcpy/`)"),
                          ("memcpy+unmask/", "memcpy, then unmask in place (`memcpy+unmask/`)"),
                          ("mask/", "Masking alone (`mask/`)"),
                          ("utf8/", "UTF-8 validation alone (`utf8/`)"),
                          ("encode/", "Strict encoder (`encode/`)"),
                          ("handshake/", "Opening handshake (`handshake/`)")]:
        t = simple_table(res, prefix)
        if t:
            lines += [f"## {title}", ""] + t + [""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--bench", help="path to wsspec_bench: run it")
    src.add_argument("--json", help="a saved run (Google Benchmark JSON) to print")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="--benchmark_min_time, seconds (a plain number in Benchmark 1.7.1)")
    ap.add_argument("--repetitions", type=int, default=1, help="report the median of N runs")
    ap.add_argument("--filter", help="--benchmark_filter regex")
    ap.add_argument("--cpu", type=int, help="pin the run to this CPU with taskset")
    ap.add_argument("--out", help="save the run's JSON here")
    args = ap.parse_args()
    if args.bench:
        data = run_bench(args)
    else:
        with open(args.json) as f:
            data = json.load(f)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(data, f, indent=1)
    print(report(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
