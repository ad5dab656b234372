"""Chapter A1 · When to use a Sequential model (``01_when_to_use.ipynb``).

- ``seq01_which_need_functional``: the scenarios that need the Functional API, a set of
  letters, compared through its digest.
- ``seq01_chain_layers``: a function that calls a model's layers in a chain, run on probe
  models (fixed ones for the self-check, ones drawn from the hidden probe seed for grading).
  The judge rebuilds the probe models itself and compares what the function returned
  with what the models compute.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, clean_text, expect, run_student
from kitlib.exercises.describe import to_array, what_is

SCENARIOS = "abcdefg"
SALT_SCENARIOS = "seq01_which_need_functional"


def scenario_letters(answer: Any) -> list:
    """Prepare: the chosen scenarios as a sorted list of single lower-case letters.

    Example:
        >>> scenario_letters("b, C, e")
        ['b', 'c', 'e']
    """
    if isinstance(answer, str):
        items = [ch for ch in answer if ch.isalpha()]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = list(answer)
    else:
        raise CheckFailed("your answer should be a set of letters", "a set such as {'a', 'd'}", what_is(answer))
    letters = set()
    for item in items:
        expect(isinstance(item, str) and len(item.strip()) == 1, "each item should be one letter",
               "letters like 'a'", repr(item) if isinstance(item, (str, int, float)) else what_is(item))
        letters.add(item.strip().lower())
    unknown = sorted(letters - set(SCENARIOS))
    expect(not unknown, "letters that are not scenarios", "letters a to g", ", ".join(unknown))
    return sorted(letters)


KNOWN_SCENARIOS = {
    "0de2d49aad548cfb58dd890a6d29a459": "you chose only the models with several inputs or several outputs. Look at "
    "the other rows of the table too: a layer used in two places, and a connection that skips layers",
    "8f63cb6e5bee9637eef3c8b1d1ae6534": "not every model needs the Functional API: a plain stack of layers, one "
    "input and one output, is exactly what keras.Sequential is for",
    "d83ee79db046905d1580f57eb99d4cd4": "you chose none: some of these models cannot be a single stack of layers",
    "50c172f41ff314ebc4bf3af97e236be2": "an LSTM followed by a Dense layer (g) is still one chain of layers with "
    "one input and one output: a Sequential model can do it",
    "41f5cc60d5a208ba6e82d8ec77f6ac34": "Conv2D -> MaxPooling2D -> Flatten -> Dense (d) is one chain of layers: "
    "a Sequential model can do it, however many kinds of layers it has",
    "c317563d8b0803f21890a49beb2e1409": "three Dense layers in a row (a) are the classic Sequential model",
}


def _scenarios_chosen(record) -> None:
    expect(bool(record), "you chose no scenario", hint="Some of these models cannot be a single stack of layers.")


def _is_function(answer: Any, name: str, example: str) -> None:
    expect(callable(answer) and not isinstance(answer, type) and not hasattr(answer, "layers"),
           f"your answer should be a function {example}", "a function", what_is(answer),
           hint=f"Define it with def {example}: ...")


def chain_probes(seed: int | None) -> list:
    """(model, input batch) pairs: small Sequential models of 1 to 20 layers, Dense layers with and without
    activations and separate activation layers. Fixed for ``seed=None`` (the self-check), drawn from
    ``seed`` otherwise (the hidden probes); the same in the kernel and in the trusted re-check."""
    import keras
    import numpy as np
    from keras import layers

    from kitlib.exercises.checks import set_seeded_weights

    if seed is None:
        plans = [(3, [(2, "relu"), (3, "relu"), (4, None)]), (6, [(4, "tanh")]),
                 (8, [(5, None), ("act", "sigmoid"), (2, None), (7, "softmax")]),
                 (4, [(3, "relu" if i % 2 else "tanh") for i in range(20)])]
    else:
        rng = np.random.default_rng([int(seed), 11])
        plans = []
        for depth in (1, int(rng.integers(2, 6)), int(rng.integers(12, 25))):
            steps = []
            for _ in range(depth):
                if rng.random() < 0.2:
                    steps.append(("act", str(rng.choice(["relu", "sigmoid", "tanh"]))))
                else:
                    steps.append((int(rng.integers(1, 6)), rng.choice([None, "relu", "tanh", "softmax"])))
            plans.append((int(rng.integers(2, 7)), steps))
    pairs = []
    for number, (features, steps) in enumerate(plans):
        stack = [keras.Input(shape=(features,))]
        for units, activation in steps:
            if units == "act":
                stack.append(layers.Activation(activation))
            else:
                stack.append(layers.Dense(units, activation=activation))
        model = set_seeded_weights(_ProbeModel.of(stack), (0 if seed is None else int(seed)) * 10 + number + 1)
        x = np.random.default_rng([number, 0 if seed is None else int(seed)]).normal(
            size=(number + 2, features)).astype("float32")
        pairs.append((model, x))
    return pairs


class _ProbeModel:
    """A Sequential probe model that notes when it is called as a whole (the task asks for its layers)."""

    @staticmethod
    def of(stack: list) -> Any:
        import keras

        class ProbeSequential(keras.Sequential):
            calls = 0

            def call(self, *args, **kwargs):
                type(self).calls += 1
                return super().call(*args, **kwargs)

        return ProbeSequential(stack)


def probe_chain_layers(chain_layers: Any, ctx: Context) -> dict:
    """Prepare: run the student's ``chain_layers`` on the probe models; record what it returned
    (or the error it raised) per model, and whether it called the model itself."""
    _is_function(chain_layers, "chain_layers", "chain_layers(model, x)")
    outputs, errors, delegated = [], [], False
    for model, x in chain_probes(ctx.seed):
        where = f"chain_layers(model, x) on a {len(model.layers)}-layer model"
        before = type(model).calls
        try:
            got = run_student(chain_layers, model, x, where=where)
        except StudentError as failure:
            error = failure.error
            outputs.append(None)
            errors.append(clean_text(f"{where} raised {type(error).__name__}: "
                                     f"{(str(error).strip().splitlines() or [''])[0]}", limit=300))
            continue
        delegated = delegated or type(model).calls > before
        errors.append(None)
        outputs.append(None if got is None else to_array(got, f"what {where} returned", "a tensor"))
    return {"outputs": outputs, "errors": errors, "delegated": delegated}


def chain_matches_models(record: dict, ctx: Context) -> None:
    """Judge: each recorded output equals what the (rebuilt) probe model computes itself."""
    import numpy as np

    expect(not record["delegated"], "chain_layers called the model itself (model(x) or model.predict)",
           hint="The task asks you to do what the model does: call each layer of model.layers yourself, "
                "one after another, each on the previous result.")
    probes = chain_probes(ctx.seed)
    expect(len(record["outputs"]) == len(probes), "chain_layers was not run on every test model")
    for (model, x), got, error in zip(probes, record["outputs"], record["errors"]):
        size = f"a {len(model.layers)}-layer model"
        if error:
            raise CheckFailed(error, hint="It must work for any Sequential model: one layer, three, or twenty.")
        expect(got is not None, f"chain_layers returned None on {size}", hint="Return the result of the last layer.")
        want = np.asarray(model(x))
        got = np.asarray(got)
        expect(got.shape == want.shape, f"the shape of what chain_layers returns on {size}", want.shape,
               got.shape, hint="Feed each layer's output into the next layer, starting from x, and return the "
                               "last result.")
        expect(bool(np.allclose(got, want, atol=1e-5)), f"the values chain_layers returns on {size} differ from "
               "what the model computes", hint="Call every layer in model.layers, in order, each on the "
                                              "previous result, starting from x.")


EXERCISES = [
    Exercise(
        "seq01_which_need_functional",
        title="Which models need the Functional API?",
        points=1,
        kind="literal",
        variable="needs_functional",
        prepare=scenario_letters,
        checks=[_scenarios_chosen, c.matches_digest(
            SALT_SCENARIOS, "6bea366dde6d640e529138442d6bcb5e", known=KNOWN_SCENARIOS,
            what="not the right set of scenarios yet",
            hint="For each letter ask: one input and one output? No layer used twice? No connection that skips "
                 "or joins layers? When all three hold, a Sequential model can do it; otherwise it needs the "
                 "Functional API.")],
        unrecordable="a set of letters, e.g. {'a', 'd'}",
    ),
    Exercise(
        "seq01_chain_layers",
        title="A Sequential model is a chain of layers",
        points=2,
        kind="function",
        variable="chain_layers",
        prepare=probe_chain_layers,
        checks=[chain_matches_models],
        judge_needs_keras=True,
        unrecordable="a function chain_layers(model, x) that returns a tensor or an array",
    ),
]
