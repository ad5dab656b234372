"""Benchmark of the architecture rules (tests/test_architecture.py); prints one JSON document.

    .venv/bin/python bench/bench_architecture.py            # 15 rounds
    .venv/bin/python bench/bench_architecture.py --repeats 31

Each round, interleaved so both see the same machine load, measures in CPU seconds (process time) and
wall seconds:

- ``parse``: reading and ``ast.parse`` of every kitlib module, the floor any AST rule pays;
- ``rules``: the three rules run cold (every file parsed again): the import graph, its circles, what the
  student side reaches, private Keras outside ``keras_compat.py``.

``rules_over_parse`` (medians of this one run) says what the rules cost beyond reading the source, however
busy the machine is; ``rules_cpu_s`` is the number to compare with the fast tier's budget (the rules were
meant to stay well under a second).
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kitlib"


def _rules_module():
    spec = importlib.util.spec_from_file_location("kit_architecture_rules", ROOT / "tests" / "test_architecture.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file loads
    spec.loader.exec_module(module)
    return module


def _timed(action) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    action()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rules = _rules_module()
    files = sorted(PACKAGE.rglob("*.py"))

    def parse_all() -> None:
        for path in files:
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def run_rules() -> None:
        rules._parsed.cache_clear()
        graph = rules.import_graph(PACKAGE)
        assert rules.import_cycles(graph) == [], "an import circle: run tests/test_architecture.py"
        rules.teacher_reaches(graph)
        rules.private_keras_outside_compat(PACKAGE)

    samples: dict[str, list[tuple[float, float]]] = {"parse": [], "rules": []}
    for _ in range(args.repeats):
        samples["parse"].append(_timed(parse_all))
        samples["rules"].append(_timed(run_rules))
    median = {name: (statistics.median(c for c, _ in values), statistics.median(w for _, w in values))
              for name, values in samples.items()}
    print(json.dumps({
        "repeats": args.repeats,
        "modules": len(files),
        "lines": sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files),
        "median_cpu_s": {name: round(cpu, 4) for name, (cpu, _) in median.items()},
        "median_wall_s": {name: round(wall, 4) for name, (_, wall) in median.items()},
        "rules_cpu_s": round(median["rules"][0], 4),
        "rules_cpu_max_s": round(max(c for c, _ in samples["rules"]), 4),
        "rules_over_parse": round(median["rules"][0] / median["parse"][0], 2) if median["parse"][0] else None,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
