#!/usr/bin/env python3
"""rss_peak.py — peak resident memory of a whole process tree during one benchmark point.

Every INTERVAL_MS it walks the tree under ROOT_PID (the process itself and all its descendants,
through /proc/<pid>/task/<tid>/children) and sums their resident set sizes (/proc/<pid>/statm).
It stops on SIGTERM/SIGINT or when ROOT_PID is gone, and writes one line to OUT:
  peak_tree_rss_kb  max_processes  sum_of_peaks_kb  samples
peak_tree_rss_kb is the largest sum seen in one sample (the memory the tree really held at once);
sum_of_peaks_kb adds up each process's own peak (largest sampled RSS, or VmHWM for processes still
alive at the end), an upper bound that also counts workers that exited or were replaced.
Shared pages (libc, a module's .so) are counted once per process, as RSS does.

Usage: rss_peak.py ROOT_PID INTERVAL_MS OUT
"""
import os
import signal
import sys
import time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
stop = False


def on_signal(_sig, _frm):
    global stop
    stop = True


def tree(root):
    """pids of root and its descendants that exist right now."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def rss_kb(pid):
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return None


def hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: rss_peak.py ROOT_PID INTERVAL_MS OUT")
    root, interval, out = int(sys.argv[1]), int(sys.argv[2]) / 1000.0, sys.argv[3]
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    peak, max_procs, samples, per_pid = 0, 0, 0, {}
    while not stop and os.path.exists("/proc/%d" % root):
        total, procs = 0, 0
        for pid in tree(root):
            r = rss_kb(pid)
            if r is None:
                continue
            total += r
            procs += 1
            per_pid[pid] = max(per_pid.get(pid, 0), r)
        peak, max_procs, samples = max(peak, total), max(max_procs, procs), samples + 1
        time.sleep(interval)
    for pid in list(per_pid):
        h = hwm_kb(pid)
        if h is not None:
            per_pid[pid] = max(per_pid[pid], h)
    with open(out, "w") as f:
        f.write("%d %d %d %d\n" % (peak, max_procs, sum(per_pid.values()), samples))


if __name__ == "__main__":
    main()
