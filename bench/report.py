#!/usr/bin/env python3
"""report.py — turn one bench/run.sh run (its WORK folder) into the Markdown results table.

Reads machine.txt, bodies.txt, floor.tsv, points.tsv (and runner-skip.txt / peer-skip.txt) and
prints: the machine, one table of measurements (runner, peer, cJSON floor per page size), one table
of ratios, and a PASS/MISS line per target of issue 6:
  1 record:        runner req/s >= 10 x peer req/s
  100, 1,000:      runner req/s >= 85 % of the floor's 2-core ceiling; runner p99 <= peer p99 / 10
  all sizes:       peak tree RSS of the runner <= 1/4 of the peer's
Exit status 1 when a point failed or any request got a non-2xx answer, a socket error or a timeout.

Usage: report.py WORK
"""
import os
import sys


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k] = v
    return out


def read_points(path):
    """{(who, n): dict} from points.tsv; a FAILED point maps to None."""
    pts = {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            who, n = cols[0], int(cols[1])
            if cols[2] == "FAILED":
                pts[(who, n)] = None
                continue
            p = {k: int(v) for k, v in (kv.split("=") for kv in cols[2].split()[1:])}
            peak, procs, sum_peaks, samples = (int(x) for x in cols[3].split())
            p.update(rss_kb=peak, procs=procs, sum_peaks_kb=sum_peaks, rss_samples=samples,
                     load1=cols[4], rps=p["requests"] * 1e6 / p["duration_us"])
            pts[(who, n)] = p
    return pts


def read_floor(path):
    floor = {}
    with open(path) as f:
        next(f)
        for line in f:
            c = line.split("\t")
            floor[int(c[0])] = {"median_us": float(c[4]), "min_us": float(c[5]),
                                "ceiling": float(c[6]), "iters": int(c[3])}
    return floor


def ms(us):
    if us is None:
        return "–"
    v = us / 1000.0
    if v >= 1000:
        return "%.2f s" % (v / 1000)
    return ("%.0f ms" if v >= 100 else "%.1f ms" if v >= 10 else "%.2f ms") % v


def num(x):
    return "–" if x is None else ("%.0f" % x if x >= 100 else "%.1f" % x)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py WORK")
    work = sys.argv[1]
    m = read_kv(os.path.join(work, "machine.txt"))
    pts = read_points(os.path.join(work, "points.tsv"))
    floor = read_floor(os.path.join(work, "floor.tsv"))
    bodies = {}
    with open(os.path.join(work, "bodies.txt")) as f:
        for line in f:
            n, size, per = (int(x) for x in line.split())
            bodies[n] = size
    sizes = sorted(bodies)
    skips = []
    for who in ("runner", "peer"):
        p = os.path.join(work, who + "-skip.txt")
        if os.path.exists(p):
            with open(p) as f:
                skips.append(f.read().strip())

    def get(who, n):
        return pts.get((who, n))

    print("## Load run %s\n" % m.get("date_utc", "?"))
    print("Machine: %s cores, %s, kernel %s, %s MB RAM. Load average (1/5/15 min) %s at start, %s "
          "at the end. Repo %s; %s, wrk %s, node %s.\n"
          % (m.get("nproc"), m.get("cpu"), m.get("kernel"), m.get("mem_total_mb"),
             m.get("loadavg_start"), m.get("loadavg_end"), m.get("git"), m.get("shape"),
             m.get("wrk"), m.get("node")))
    for s in skips:
        print("**%s**\n" % s)

    print("| records | body | runner req/s | runner p50 | runner p99 | runner RSS | peer req/s "
          "| peer p50 | peer p99 | peer RSS | cJSON µs (median) | cJSON 2-core req/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    bad = []
    for n in sizes:
        row = ["%d" % n, "%.1f KB" % (bodies[n] / 1024.0)]
        for who in ("runner", "peer"):
            p = get(who, n)
            if p is None:
                row += ["FAILED" if (who, n) in pts else "–", "–", "–", "–"]
                if (who, n) in pts:
                    bad.append("%s %d: failed" % (who, n))
                continue
            errs = p["status_errors"] + p["connect_errors"] + p["read_errors"] + \
                p["write_errors"] + p["timeouts"]
            if errs:
                bad.append("%s %d: %d non-2xx, %d socket errors, %d timeouts"
                           % (who, n, p["status_errors"], p["connect_errors"] + p["read_errors"]
                              + p["write_errors"], p["timeouts"]))
            row += [num(p["rps"]) + ("*" if errs else ""), ms(p["p50_us"]), ms(p["p99_us"]),
                    "%.0f MB" % (p["rss_kb"] / 1024.0)]
        f = floor.get(n)
        row += ["%.1f" % f["median_us"] if f else "–", num(f["ceiling"]) if f else "–"]
        print("| " + " | ".join(row) + " |")
    print("\nRSS = peak of the summed resident set of the server's process tree (front + workers), "
          "sampled every 100 ms during the measured seconds. Load average (1 min) before each "
          "point: " + ", ".join("%s %d: %s" % (w, n, pts[(w, n)]["load1"])
                               for (w, n) in sorted(pts) if pts[(w, n)]) + ".")
    if bad:
        print("\n**Errors** (* in the table): " + "; ".join(bad) + ".")

    print("\n| records | runner / peer req/s | runner / cJSON ceiling | peer p99 / runner p99 "
          "| peer RSS / runner RSS |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    checks = []
    for n in sizes:
        r, p, f = get("runner", n), get("peer", n), floor.get(n)
        rp = r["rps"] / p["rps"] if r and p else None
        rf = r["rps"] / f["ceiling"] if r and f else None
        pr = p["p99_us"] / r["p99_us"] if r and p and r["p99_us"] else None
        mem = p["rss_kb"] / r["rss_kb"] if r and p and r["rss_kb"] else None
        print("| %d | %s | %s | %s | %s |" % (
            n, "%.2fx" % rp if rp is not None else "–", "%.0f %%" % (100 * rf) if rf is not None
            else "–", "%.1fx" % pr if pr is not None else "–",
            "%.1fx" % mem if mem is not None else "–"))
        if n == 1 and rp is not None:
            checks.append(("1 record: runner >= 10x peer req/s", rp >= 10, "%.2fx" % rp))
        if n in (100, 1000):
            if rf is not None:
                checks.append(("%d records: runner >= 85%% of cJSON ceiling" % n, rf >= 0.85,
                               "%.0f %%" % (100 * rf)))
            if pr is not None:
                checks.append(("%d records: runner p99 <= peer p99 / 10" % n, pr >= 10,
                               "peer/runner %.1fx" % pr))
    rmax = max((p["rss_kb"] for (w, _), p in pts.items() if w == "runner" and p), default=None)
    pmax = max((p["rss_kb"] for (w, _), p in pts.items() if w == "peer" and p), default=None)
    if rmax and pmax:
        checks.append(("peak RSS: runner <= 1/4 of peer", rmax * 4 <= pmax,
                       "runner %.0f MB, peer %.0f MB (%.1fx)" % (rmax / 1024.0, pmax / 1024.0,
                                                                pmax / rmax)))
    sums = ["%s %.0f MB" % (w, max(p["sum_peaks_kb"] for (ww, _), p in pts.items()
                                   if ww == w and p) / 1024.0)
            for w in ("runner", "peer") if any(ww == w and p for (ww, _), p in pts.items())]
    if sums:
        print("\nSum of per-process peaks (VmHWM, an upper bound that also counts replaced "
              "workers): " + ", ".join(sums) + ".")
    same = {k: v for k, v in m.items() if k.startswith("same_answer_")}
    if same:
        print("Runner and peer answers byte-identical: " +
              ", ".join("%s records %s" % (k[len("same_answer_"):], v) for k, v in same.items())
              + ".")
    for k, v in m.items():
        if k.startswith("died_"):
            who, n = k[len("died_"):].split("_")
            print("**%s DIED during the %s-record point**; the driver started it again for the "
                  "next point." % (who, n))
            bad.append("%s %s: died" % (who, n))
        if k.startswith("starts_") and int(v) > 1:
            print("%s was started %s times in this run." % (k[len("starts_"):], v))
        if k.startswith("orphans_"):
            print("**%s left %s process(es) running after SIGTERM** (the driver killed them)."
                  % (k[len("orphans_"):], v))
    if checks:
        print("\nTargets:\n")
        for name, ok, val in checks:
            print("- %s %s: %s" % ("PASS" if ok else "MISS", name, val))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
