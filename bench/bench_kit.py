"""Benchmark of the kit's foundation; prints one JSON document.

    .venv/bin/python bench/bench_kit.py                 # everything
    .venv/bin/python bench/bench_kit.py --no-notebooks  # import cost and data generation only
    .venv/bin/python bench/bench_kit.py --notebooks 'functional_api/0[12]*'

- ``import``: the cost of ``import kitlib`` next to ``import keras`` and an empty
  interpreter, measured interleaved in one run (median of N fresh interpreters),
  so the ratio holds however busy the machine is.
- ``substitutes``: seconds to generate each offline substitute dataset.
- ``notebooks``: for every chapter under course/source, the wall time of a
  fresh-kernel run top to bottom and the kernel's peak memory (RSS of the kernel
  and its children, sampled every 50 ms).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_interpreter(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def bench_import(repeats: int) -> dict:
    cases = {"python": "pass", "kitlib": "import kitlib", "keras": "import keras"}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):  # interleaved: each round sees the same machine load
        for name, code in cases.items():
            samples[name].append(time_interpreter(code))
    median = {name: statistics.median(values) for name, values in samples.items()}
    kitlib_cost = median["kitlib"] - median["python"]
    keras_cost = median["keras"] - median["python"]
    return {
        "repeats": repeats,
        "median_s": {k: round(v, 4) for k, v in median.items()},
        "import_kitlib_over_python_s": round(kitlib_cost, 4),
        "import_keras_over_python_s": round(keras_cost, 4),
        "kitlib_cost_as_share_of_keras": round(kitlib_cost / keras_cost, 4) if keras_cost > 0 else None,
    }


def bench_substitutes() -> dict:
    from kitlib.data import substitutes

    results = {}
    for name, make, count in (("digits", substitutes.make_digits, 70_000),
                              ("images", substitutes.make_images, 60_000)):
        start = time.perf_counter()
        x, y = make(count, seed=0)
        results[name] = {"samples": int(len(x)), "seconds": round(time.perf_counter() - start, 3),
                         "shape": list(x.shape), "dtype": str(x.dtype)}
    return results


class PeakMemory:
    """Samples the RSS of a process tree in a thread; ``peak_mb`` after ``stop()``."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self._process = psutil.Process(pid)
        self._interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self._process] + self._process.children(recursive=True)
                total = sum(p.memory_info().rss for p in procs)
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self._interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def run_notebook(path: Path, timeout: int = 600) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        sampler = PeakMemory(pid)
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        finally:
            peak = sampler.stop()
    seconds = time.perf_counter() - start
    errors = [o.get("ename", "") for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    stderr = sum(1 for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")
    return {"seconds": round(seconds, 2), "peak_memory_mb": round(peak, 1), "errors": errors,
            "stderr_outputs": stderr}


def bench_notebooks(pattern: str) -> dict:
    results = {}
    for path in sorted((ROOT / "course" / "source").glob(pattern)):
        rel = path.relative_to(ROOT / "course" / "source").as_posix()
        results[rel] = run_notebook(path)
        print(f"# {rel}: {results[rel]}", file=sys.stderr, flush=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--notebooks", default="*/*.ipynb", help="glob under course/source")
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    os.environ.setdefault("KITLIB_OFFLINE", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "import": bench_import(args.repeats),
        "substitutes": bench_substitutes(),
    }
    if not args.no_notebooks:
        report["notebooks"] = bench_notebooks(args.notebooks)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
