"""Shared helpers for the benchmarks: time a callable, summarise, print."""

import statistics
import time


def measure(function, repeat, warmup=5):
    """Run `function` warmup + repeat times; return the timed runs in milliseconds."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_interleaved(functions, repeat, warmup=5):
    """{name: function} → {name: samples in ms}, running one of each in turn: on a shared machine whose load moves
    during the run, every subject meets the same load, so the ratios between them hold (one after the other, the
    baseline could be timed in a quiet minute and the page beside it in a busy one)."""
    for _ in range(warmup):
        for function in functions.values():
            function()
    samples = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples):
    return {"median": statistics.median(samples), "p95": percentile(samples, 0.95), "n": len(samples)}


def print_table(rows, baseline_name):
    """rows: {name: samples}. Prints median and p95, and each row's median as a ratio of the baseline's."""
    baseline = summary(rows[baseline_name])["median"]
    print(f"{'subject':<36} {'n':>6} {'median ms':>10} {'p95 ms':>10} {'× baseline':>11}")
    for name, samples in rows.items():
        figures = summary(samples)
        ratio = figures["median"] / baseline if baseline else float("nan")
        print(f"{name:<36} {figures['n']:>6} {figures['median']:>10.2f} {figures['p95']:>10.2f} {ratio:>11.1f}")
