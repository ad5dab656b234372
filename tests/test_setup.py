"""kitlib.setup(): quiet, seeded, reproducible start-up, and a cheap `import kitlib`."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient


def run_python(code: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter; stderr is captured at the file-descriptor level."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


def test_import_kitlib_does_not_import_tensorflow():
    result = run_python("""
        import sys, kitlib, kitlib.exercises, kitlib.lab, kitlib.doctor
        heavy = sorted(m for m in ("tensorflow", "keras", "matplotlib") if m in sys.modules)
        print(",".join(heavy) or "none")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


def test_setup_prints_one_status_line_and_nothing_on_stderr():
    result = run_python("""
        import kitlib
        kitlib.setup()
        import keras, numpy as np
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        model.compile("rmsprop", "mse")
        model.fit(np.ones((8, 4)), np.ones((8, 2)), verbose=0)
        model.predict(np.ones((1, 4)), verbose=0)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kitlib ")
    for part in ("TensorFlow 2.", "Keras 3.", "seed 42", "data:"):
        assert part in lines[0]


def test_setup_seeds_and_resets_names():
    code = """
        import kitlib
        kitlib.setup(quiet=True)
        import keras, numpy as np
        keras.layers.Dense(3)  # bumps the name counter
        kitlib.setup(quiet=True)
        layer = keras.layers.Dense(3)
        model = keras.Sequential([keras.Input((5,)), layer])
        print(layer.name, float(np.sum(model.predict(np.ones((1, 5)), verbose=0))))
    """
    first, second = run_python(code), run_python(code)
    assert first.returncode == 0, first.stderr
    name, value = first.stdout.split()
    assert name == "dense"
    assert first.stdout == second.stdout  # same seed, same weights, same output


def test_setup_installs_the_stale_answer_hook_in_ipython():
    """kitlib.setup() (not kitlib.environment) registers kitlib.exercises.session's hook: a failed answer cell
    leaves its name stale."""
    result = run_python("""
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_cell("import kitlib; kitlib.setup(quiet=True)")
        shell.run_cell("model = undefined_name")
        from kitlib.exercises import session
        hooks = [c.__module__ for c in shell.events.callbacks["post_run_cell"]]
        print(hooks.count("kitlib.exercises.session"), session.failure_of("model"))
    """)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]   # above it: IPython's traceback of the failed cell
    assert last.split()[0] == "1" and "NameError" in last, result.stdout


def test_warnings_reach_stdout_not_stderr():
    result = run_python("""
        import kitlib, warnings
        kitlib.setup(quiet=True)
        import keras
        warnings.warn("a learner should see this", UserWarning)
        keras.layers.Dense(2, input_shape=(4,))   # Keras 3 warns about input_shape=
    """)
    assert result.returncode == 0
    assert result.stderr == ""
    assert "⚠ UserWarning: a learner should see this" in result.stdout
    assert "input_shape" in result.stdout


@pytest.mark.slow
def test_setup_in_a_real_kernel_keeps_graded_cells_free_of_stderr():
    """What nbgrader sees: no stream named stderr in any cell output."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("import kitlib; kitlib.setup()"),
        nbformat.v4.new_code_cell(
            "import keras, numpy as np\n"
            "m = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])\n"
            "m.compile('rmsprop', 'mse')\n"
            "m.fit(np.ones((16, 4)), np.ones((16, 2)), epochs=1, verbose=0)\n"
            "m.save('/tmp/kit_setup_test.keras'); keras.models.load_model('/tmp/kit_setup_test.keras')\n"
            "print('done')"),
    ]
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()
    outputs = [o for cell in nb.cells for o in cell.outputs]
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert text.startswith("kitlib ") and "done" in text
    assert not [o for o in nb.cells[0].outputs if o.output_type == "execute_result"], "the status line shows twice"
