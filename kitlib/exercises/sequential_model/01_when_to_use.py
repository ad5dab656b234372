"""Chapter A1 · When to use a Sequential model (``01_when_to_use.ipynb``).

- ``seq01_which_need_functional``: the scenarios that need the Functional API, a set of
  letters, compared through its digest.
- ``seq01_chain_layers``: a function that calls a model's layers in a chain, run on probe
  models (fixed ones for the self-check, ones drawn from the hidden probe seed for grading).
  The judge rebuilds the probe models itself and compares what the function returned
  with what the models compute.
- ``seq01_predict_params``: predict the parameter count of each layer of a small stack (three
  numbers, compared through a salted digest; the typical counting slips get their own message).
- ``seq01_read_graph``: read a drawn graph and pick the layers that break the single chain (a set
  of letters through a digest; one targeted message for each option missed or chosen too many).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c, given_state
from kitlib.exercises.core import CheckFailed, Context, Exercise, StudentError, clean_text, expect, run_student
from kitlib.exercises.describe import to_array, what_is

SCENARIOS = "abcdefg"
SALT_SCENARIOS = "seq01_which_need_functional"


def scenario_letters(answer: Any) -> list:
    """Prepare: the chosen scenarios as a sorted list of single lower-case letters.

    Example:
        >>> scenario_letters("g, B")
        ['b', 'g']
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
    outputs, errors, delegated, changed = [], [], False, None
    for model, x in chain_probes(ctx.seed):
        where = f"chain_layers(model, x) on a {len(model.layers)}-layer model"
        before, state = type(model).calls, given_state.fingerprint(model)
        try:
            got = run_student(chain_layers, model, x, where=where)
        except StudentError as failure:
            error = failure.error
            outputs.append(None)
            errors.append(clean_text(f"{where} raised {type(error).__name__}: "
                                     f"{(str(error).strip().splitlines() or [''])[0]}", limit=300))
            continue
        delegated = delegated or type(model).calls > before
        changed = changed or given_state.argument_changes("chain_layers", "model", state, given_state.fingerprint(model))
        errors.append(None)
        outputs.append(None if got is None else to_array(got, f"what {where} returned", "a tensor"))
    return {"outputs": outputs, "errors": errors, "delegated": delegated, "changed": changed, "wraps": c.container_made(chain_layers)}


def chain_matches_models(record: dict, ctx: Context) -> None:
    """Judge: each recorded output equals what the (rebuilt) probe model computes itself."""
    import numpy as np

    expect(not record["delegated"], "chain_layers called the model itself (model(x) or model.predict)",
           hint="The task asks you to do what the model does: call each layer of model.layers yourself, "
                "one after another, each on the previous result.")
    expect(not record.get("changed"), record.get("changed") or "",
           hint="Only call the layers: chain_layers must not compile, freeze or set the weights of the model it gets.")
    wraps = record.get("wraps")
    expect(not wraps, f"chain_layers wraps the layers in a new keras.{wraps} container and calls that",
           hint="The task asks you to call each layer yourself, one after another, each on the previous result.")
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


SALT_PARAMS = "seq01_predict_params"
KNOWN_PARAMS = {
    "5da6f9626d78eeae1e27e6ad82965bd8": "these numbers count the kernels only: every unit of a Dense layer also "
    "has one bias",
    "5f42a1d59abbcfef642b51327491e56b": "a Dense layer has one bias per unit (its output), not one per input",
    "27b708cd3aadf6a72ca08eb0a8444052": "the numbers of layers 2 and 3: each layer receives what the layer before "
    "it gives, not the model's 5 input numbers",
    "f791e5fb4a332692a9e942841e1a254c": "the numbers of layers 2 and 3: a layer receives as many numbers as the "
    "layer before it has units",
    "8dbc84eaf3c49d84958b3e9e883a3ee2": "these numbers are the units; the parameters of a Dense layer are its "
    "kernel (inputs x units) and its bias (units)",
}

SALT_GRAPH = "seq01_read_graph"
_FANS_OUT = ("letter a, the first Dense layer, sends its output to two layers (b and c): in a Sequential model "
             "each layer's output goes to the next layer only")
_NOT_BREAKING = "layer {} takes one tensor and gives one tensor to one layer: a chain could hold it"
KNOWN_GRAPH = {
    "aae32a0c15c305fb6320a1ad69bf1f07": _FANS_OUT,
    "943fa9b4a465fa437d67110e5838cbe8": "letter c, the Add layer, takes two tensors (from a and from b): a layer of "
    "a Sequential model receives exactly one",
    "ad0ea492959a3f14daadfc25688832de": "letter f, the Concatenate layer, takes two tensors (from d and from e): a "
    "layer of a Sequential model receives exactly one",
    "ea8f3908dad12897346a8ee90f6c4b07": "letter b: " + _NOT_BREAKING.format("b"),
    "86f4ee5cf06b7302c5e015bd2fcbb8f5": "letter d: " + _NOT_BREAKING.format("d"),
    "0ff0889e127931ce4eff2c885e0e7a89": "letter e: " + _NOT_BREAKING.format("e") + " (it reads the second input, "
    "but the input is not a layer)",
    "c2ea5987ccbf63ee8049b8045f4a832d": "letter g: " + _NOT_BREAKING.format("g") + " (it is the last layer)",
    "bdec76fe69ed29a6b36d96b76be85202": "letter a is missing and letter e is one too many: look at arrows, not at "
    "inputs: which layer sends its output to two layers?",
}

EXERCISES = [
    Exercise(
        "seq01_predict_params",
        title="Count the parameters of each layer",
        points=1,
        kind="literal",
        variable="layer_params",
        activity="predict",
        prepare=c.whole_numbers(3, example="(10, 20, 30)", names=("layer 1's number", "layer 2's number",
                                                                   "layer 3's number")),
        checks=[c.matches_digest(SALT_PARAMS, "9c1c90df33ed80979f7c83b31bf59634", known=KNOWN_PARAMS,
                                 what="not the right numbers of parameters yet",
                                 hint="Go layer by layer: what comes in, how many units, and what each unit owns.")],
        hints=("Look at the cell that explains the 33 parameters of the first model: the same rule applies here.",
               "A Dense layer owns a kernel of shape (inputs, units) and a bias of shape (units,); its inputs are "
               "the model's input for the first layer and the previous layer's units after that."),
        unrecordable="three whole numbers, e.g. (10, 20, 30)",
    ),
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
        activity="read",
        hints=("The table 'When a Sequential model is not enough' lists four situations: hold each scenario "
               "against each row.",
               "A scenario needs the Functional API when it has several inputs or outputs, a layer fed by two "
               "tensors (Add, Concatenate), one layer object used twice, or a connection that skips layers; a "
               "long chain of different layer types is still a chain."),
        unrecordable="a set of letters, e.g. {'a', 'd'}",
    ),
    Exercise(
        "seq01_read_graph",
        title="Find the layers that break the chain",
        points=1,
        kind="literal",
        variable="breaks_chain",
        activity="read",
        prepare=c.letter_choices("abcdefg"),
        checks=[c.matches_digest(SALT_GRAPH, "45e4fc329e2cb8cb2bc3de6a2df6466e", known=KNOWN_GRAPH,
                                 what="not the right set of letters yet",
                                 hint="Count the arrows into and out of each lettered layer.")],
        hints=("In the graph, follow the arrows of each lettered layer: how many come in, how many go out?",
               "A Sequential model is one chain: every layer gets exactly one tensor from the layer before it and "
               "gives its output to the next layer only. A layer with two arrows in, or with two arrows out, "
               "cannot sit in such a chain."),
        unrecordable="a set of letters, e.g. {'a', 'd'}",
    ),
    Exercise(
        "seq01_chain_layers",
        title="Run a Sequential model by hand",
        points=2,
        kind="function",
        variable="chain_layers",
        prepare=probe_chain_layers,
        checks=[chain_matches_models],
        judge_needs_keras=True,
        activity="build",
        hints=("Look at the cell 'Calling the model = calling the layers in a chain': it does it by hand for "
               "three layers.",
               "model.layers is a list: loop over it and keep one variable that each layer's output replaces "
               "(h = layer(h)), starting from x; return it at the end. Calling model(x) itself is not allowed."),
        unrecordable="a function chain_layers(model, x) that returns a tensor or an array",
    ),
]
