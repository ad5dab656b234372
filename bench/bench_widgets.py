"""Benchmark of kitlib.widgets; prints one JSON document.

    .venv/bin/python bench/bench_widgets.py            # everything
    .venv/bin/python bench/bench_widgets.py --quick    # fewer repeats, no VGG19
    .venv/bin/python bench/bench_widgets.py --only memory

- ``debugger``: ``SequentialDebugger.add()`` including the redraw of the view
  (summary table, error panel), adding the 12th layer of a 12-layer model and
  popping it again; median and p90 after the first call.  Target: median <= 50 ms.
- ``explorer``: changing sample, layer or page in ``LayerOutputExplorer`` after
  each layer was computed once (the view's real handlers: slider, menu, page
  button), next to the pattern of older tools, measured in the same run on the
  same changes: build a feature model for the layer and predict on every change,
  then draw the same picture.  Targets: median <= 50 ms and >= 10x faster.
- ``memory``: the explorer walking through every layer of VGG19 (weights=None,
  224x224x3 inputs): the most activation bytes it ever held, next to the
  largest single layer and to all layers at once (what dumping every layer
  would hold); and, each in a fresh interpreter, the growth of resident memory
  for that walk next to one plain forward pass and to a model returning every
  layer's output (the keract pattern).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(values):
    values = sorted(values)
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "p90_ms": round(values[int(0.9 * (len(values) - 1))] * 1000, 2),
        "n": len(values),
    }


def bench_debugger(repeats: int) -> dict:
    from keras import layers

    from kitlib.widgets import SequentialDebugger

    def stack():
        return [
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(3),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(3),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(32, activation="relu"),
        ]

    dbg = SequentialDebugger((250, 250, 3), layers=stack())
    assert len(dbg.model.layers) == 11
    add_times, pop_times, refused_times = [], [], []
    for i in range(repeats + 1):
        layer = layers.Dense(10, name=f"head_{i}")
        start = time.perf_counter()
        ok = dbg.add(layer)  # includes redraw()
        elapsed = time.perf_counter() - start
        assert ok and len(dbg.model.layers) == 12
        start2 = time.perf_counter()
        dbg.pop()
        pop_elapsed = time.perf_counter() - start2
        start3 = time.perf_counter()
        refused = dbg.add(layers.Conv2D(8, 9))  # 1-D input: refused and explained
        refused_elapsed = time.perf_counter() - start3
        assert not refused and len(dbg.model.layers) == 11
        if i:  # the first call builds caches; the target is "after the first call"
            add_times.append(elapsed)
            pop_times.append(pop_elapsed)
            refused_times.append(refused_elapsed)
    return {
        "model_layers_after_add": 12,
        "add_plus_redraw": _ms(add_times),
        "pop_plus_redraw": _ms(pop_times),
        "refused_add_plus_explanation": _ms(refused_times),
        "target_median_ms": 50,
    }


def bench_explorer(repeats: int) -> dict:
    import keras
    import numpy as np
    from keras import layers

    from kitlib.widgets import LayerOutputExplorer

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    samples = np.random.default_rng(0).random((8, 64, 64, 3), dtype=np.float32)
    explorer = LayerOutputExplorer(model, samples)
    names = explorer.layer_names
    for name in names:  # first computation of every layer (not part of the target)
        explorer.select(name)

    # a fixed script of changes: layer, sample, page
    rng = np.random.default_rng(1)
    script = []
    for _ in range(repeats):
        kind = ("layer", "sample", "page")[len(script) % 3]
        if kind == "layer":
            script.append(("layer", names[int(rng.integers(len(names)))]))
        elif kind == "sample":
            script.append(("sample", int(rng.integers(len(samples)))))
        else:
            script.append(("page", None))

    def apply(change):
        kind, value = change
        if kind == "layer":
            if explorer.layer_menu.value == value:
                value = names[(names.index(value) + 1) % len(names)]
            explorer.layer_menu.value = value
        elif kind == "sample":
            if explorer.sample_slider.value == value:
                value = (value + 1) % len(samples)
            explorer.sample_slider.value = value
        else:
            if not explorer.next_button.disabled:
                explorer.next_button.click()
            else:
                explorer.set_page(0)

    computations_before = explorer.source.computations
    cached, rebuilt = [], []
    for change in script:
        start = time.perf_counter()
        apply(change)
        cached.append(time.perf_counter() - start)
        # the older pattern, same change, same picture: new feature model + predict every time
        layer_name, sample, page = explorer.selected, explorer.sample_slider.value, explorer.page
        start = time.perf_counter()
        layer = model.get_layer(layer_name)
        feature_model = keras.Model(inputs=model.inputs, outputs=[layer.output])
        values = feature_model.predict([samples], verbose=0)
        _render_like_explorer(values[sample], explorer, layer_name, page)  # the same picture
        rebuilt.append(time.perf_counter() - start)
    assert explorer.source.computations == computations_before, "a change recomputed a layer"
    cached_ms, rebuilt_ms = _ms(cached), _ms(rebuilt)
    return {
        "model": "9-layer CNN on 64x64x3, 8 samples",
        "change_cached": cached_ms,
        "change_rebuild_and_predict": rebuilt_ms,
        "speedup_median": round(rebuilt_ms["median_ms"] / max(cached_ms["median_ms"], 1e-6), 1),
        "targets": {"median_ms": 50, "speedup": 10},
    }


def _render_like_explorer(value, explorer, layer_name, page):
    from kitlib.widgets import images

    arr = images.as_view_array(value)
    if arr.ndim == 3:
        return images.feature_grid(arr, page=page)
    if explorer.source.is_classifier_output(layer_name):
        return images.vector_bars(arr, top_k=10)
    return images.vector_bars(arr, page=page)


def _rss_mb():
    """Current resident memory of this process in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_memory(n_samples: int) -> dict:
    """Held activation bytes (in-process) and resident-memory growth (fresh interpreters)."""
    import subprocess

    import keras
    import numpy as np

    from kitlib.modelinfo import layer_rows
    from kitlib.widgets import LayerOutputExplorer

    keras.backend.clear_session()
    vgg = keras.applications.VGG19(weights=None)
    rows = layer_rows(vgg)
    per_layer = [r["activation_bytes"] * n_samples for r in rows]
    samples = np.random.default_rng(0).random((n_samples, 224, 224, 3), dtype=np.float32)
    explorer = LayerOutputExplorer(vgg, samples, cache_bytes=0)  # strict: one layer at a time
    for name in explorer.layer_names:
        explorer.select(name)
        assert len(explorer.source._cache) == 1
    strict_peak = explorer.source.peak_bytes
    del explorer
    default = LayerOutputExplorer(vgg, samples)  # default budget (32 MiB)
    for name in default.layer_names:
        default.select(name)
    default_peak, budget = default.source.peak_bytes, default.source.cache_bytes
    del vgg, default
    rss = {}
    for mode in ("explorer", "one_forward_pass", "all_layers_model"):
        done = subprocess.run(
            [sys.executable, __file__, "--rss-child", mode, "--samples", str(n_samples)],
            capture_output=True, text=True, check=True,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        rss[mode] = {"peak": found["peak_MiB"], "at_end": found["end_MiB"]}
    mib = 1024 * 1024
    return {
        "model": f"VGG19 (weights=None), {n_samples} samples of 224x224x3",
        "layers": len(rows),
        "largest_layer_MiB": round(max(per_layer) / mib, 2),
        "all_layers_at_once_MiB": round(sum(per_layer) / mib, 2),
        "explorer_peak_held_MiB_cache_0": round(strict_peak / mib, 2),
        "explorer_peak_held_MiB_default_budget": round(default_peak / mib, 2),
        "default_budget_MiB": round(budget / mib, 2),
        "holds_at_most_one_layer": strict_peak <= max(per_layer),
        "rss_growth_MiB_fresh_process_peak_and_at_end": {
            "explorer_walk_all_layers_cache_0": rss["explorer"],
            "reference_one_forward_pass": rss["one_forward_pass"],
            "reference_model_with_all_layer_outputs": rss["all_layers_model"],
        },
    }


def rss_child(mode: str, n_samples: int) -> None:
    """Run one memory scenario in this (fresh) interpreter; print its RSS growth as JSON."""
    import gc

    import kitlib

    kitlib.setup(quiet=True)
    import keras
    import numpy as np

    vgg = keras.applications.VGG19(weights=None)
    x = np.random.default_rng(0).random((n_samples, 224, 224, 3), dtype=np.float32)
    import threading

    gc.collect()
    before = _rss_mb()
    samples_taken = [before]
    running = threading.Event()
    running.set()

    def sample():  # transient peaks too: RSS every 5 ms while the scenario runs
        while running.is_set():
            samples_taken.append(_rss_mb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if mode == "explorer":
        from kitlib.widgets import LayerOutputExplorer

        explorer = LayerOutputExplorer(vgg, x, cache_bytes=0)
        for name in explorer.layer_names:
            explorer.select(name)
    elif mode == "one_forward_pass":
        vgg([x], training=False)
    else:
        every = keras.Model(inputs=vgg.inputs, outputs=[layer.output for layer in vgg.layers])
        every([x], training=False)
    time.sleep(0.02)
    after = _rss_mb()
    running.clear()
    sampler.join()
    print(json.dumps({"mode": mode, "peak_MiB": round(max(samples_taken) - before, 1), "end_MiB": round(after - before, 1)}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and no VGG19")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--samples", type=int, default=4, help="samples for the VGG19 memory run")
    parser.add_argument("--only", choices=["debugger", "explorer", "memory"], help="run one part")
    parser.add_argument("--rss-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        return rss_child(args.rss_child, args.samples)
    repeats = args.repeats or (10 if args.quick else 40)

    import kitlib

    kitlib.setup(quiet=True)
    result = {
        "note": "wall-clock timings on a shared machine: compare numbers measured in the same run",
        "cpu_count": os.cpu_count(),
    }
    if args.only in (None, "debugger"):
        result["debugger"] = bench_debugger(repeats)
    if args.only in (None, "explorer"):
        result["explorer"] = bench_explorer(repeats * 2)
    if args.only == "memory" or (args.only is None and not args.quick):
        result["memory"] = bench_memory(args.samples)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
