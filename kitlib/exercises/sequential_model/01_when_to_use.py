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


# Per option (course side: option_digests of the answer): whether the letter belongs to the answer.
OPTIONS_SCENARIOS = {
    "a": "34f27bed53d101f3a5dd9455a66ec5f1", "b": "16b73af1509a6b041f5627dc0f00aaf0",
    "c": "c23e96f7cf4ff3e545679ea0e833fc40", "d": "3af5e9810618a8cb00a0d4295ace8b77",
    "e": "ea5ac1f1d755743e7df76d00d0581aa2", "f": "8f9f8a515714bf4294492cc598cccc8b",
    "g": "86f5a6a5ff89b916754ae019e3d0f0a8",
}
SCENARIO_FEEDBACK = {
    "a": "three Dense layers in a row are the classic Sequential model",
    "b": "a photo and a text are two inputs, and a Sequential model has exactly one",
    "c": "adding block 1's output to block 3's is a connection that skips layers",
    "d": "Conv2D -> MaxPooling2D -> Flatten -> Dense is one chain of layers, however many kinds of layers it has",
    "e": "one Embedding layer applied to two sentences is one layer used in two places",
    "f": "a price and a type are two outputs, and a Sequential model has exactly one",
    "g": "an LSTM followed by a Dense layer is still one chain, with one input and one output",
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
        for position, (units, activation) in enumerate(steps, start=1):
            name = f"layer_{position}"  # what an error inside the student's function names, not Keras' dense_514
            if units == "act":
                stack.append(_ProbeModel.layer(layers.Activation)(activation, name=name))
            else:
                stack.append(_ProbeModel.layer(layers.Dense)(units, activation=activation, name=name))
        model = set_seeded_weights(_ProbeModel.of(stack), (0 if seed is None else int(seed)) * 10 + number + 1)
        x = np.random.default_rng([number, 0 if seed is None else int(seed)]).normal(
            size=(number + 2, features)).astype("float32")
        pairs.append((model, x))
    return pairs


class _ProbeModel:
    """A Sequential probe model that notes when it is called as a whole (the task asks for its layers), of
    layers that note when a model runs them: the probe itself, or a new container of the same layers
    (``keras.Sequential(model.layers)(x)``, a functional model of them), rather than the student's own calls."""

    in_model = 0  # layer calls made from inside some model's call while the student's function ran
    watching = False
    called: list = []  # the names of the probe layers called while the student's function ran, in order

    @staticmethod
    def layer(base: type) -> type:
        class ProbeLayer(base):
            def call(self, inputs):  # one positional argument, as Sequential requires of its layers
                if _ProbeModel.watching:
                    _ProbeModel.called.append(self.name)
                    if _called_by_a_model():
                        _ProbeModel.in_model += 1
                return super().call(inputs)

        ProbeLayer.__name__ = base.__name__
        return ProbeLayer

    @staticmethod
    def of(stack: list) -> Any:
        import keras

        class ProbeSequential(keras.Sequential):
            calls = 0

            def call(self, *args, **kwargs):
                type(self).calls += 1
                return super().call(*args, **kwargs)

        return ProbeSequential(stack)


def _called_by_a_model() -> bool:
    """Whether the layer call under way was made by a Keras model's own call (a frame of a model's method)."""
    import sys

    import keras

    frame = sys._getframe(2)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if isinstance(owner, keras.Model) and frame.f_code.co_name in ("call", "__call__", "_run_through_graph"):
            return True
        frame = frame.f_back
    return False


def probe_chain_layers(chain_layers: Any, ctx: Context) -> dict:
    """Prepare: run the student's ``chain_layers`` on the probe models; record what it returned
    (or the error it raised) per model, and whether it called the model itself."""
    _is_function(chain_layers, "chain_layers", "chain_layers(model, x)")
    outputs, errors, delegated, changed, orders = [], [], False, None, []
    for model, x in chain_probes(ctx.seed):
        where = f"chain_layers(model, x) on a {len(model.layers)}-layer model"
        before, contained, state = type(model).calls, _ProbeModel.in_model, given_state.fingerprint(model)
        _ProbeModel.watching, _ProbeModel.called = True, []
        orders.append(_ProbeModel.called)
        try:
            got = run_student(chain_layers, model, x, where=where)
        except StudentError as failure:
            error = failure.error
            outputs.append(None)
            errors.append(clean_text(f"{where} raised {type(error).__name__}: "
                                     f"{(str(error).strip().splitlines() or [''])[0]}", limit=300))
            continue
        finally:
            _ProbeModel.watching = False
        delegated = delegated or type(model).calls > before or _ProbeModel.in_model > contained
        changed = changed or given_state.argument_changes("chain_layers", "model", state,
                                                          given_state.fingerprint(model))
        errors.append(None)
        outputs.append(None if got is None else to_array(got, f"what {where} returned", "a tensor"))
    return {"outputs": outputs, "errors": errors, "delegated": delegated, "changed": changed, "orders": orders}


def _chain_slip(model: Any, called: list | None) -> str:
    """What the layer calls of a failed run say about it: no layer of the given model called (the function
    works on another model), or its layers called out of their order. Empty when neither shows."""
    if called is None:
        return ""
    names = [layer.name for layer in model.layers]
    if not called:
        return ("chain_layers called none of the layers of the model it was given as its argument: call the "
                "layers of that model (model.layers), whatever model the check passes, one after another")
    positions = [names.index(name) for name in called if name in names]
    if positions and positions[0] != 0:
        return ("chain_layers started with another layer than the first one of model.layers: the layers must "
                "run in their order, from the first (the one that reads x) to the last")
    if any(later < earlier for earlier, later in zip(positions, positions[1:])):
        return ("chain_layers called the layers of the model out of their order: model.layers lists them "
                "from the first (the one that reads x) to the last")
    return ""


_IN_ORDER = "Call every layer in model.layers, in order, each on the previous result, starting from x."


def chain_matches_models(record: dict, ctx: Context) -> None:
    """Judge: each recorded output equals what the (rebuilt) probe model computes itself."""
    import numpy as np

    expect(not record["delegated"], "chain_layers called the model itself, or a new model made of its layers "
           "(model(x), model.predict, keras.Sequential(model.layers)(x)): a model ran the layers, not your code",
           hint="The task asks you to do what the model does: call each layer of model.layers yourself, "
                "one after another, each on the previous result.")
    expect(not record.get("changed"), record.get("changed") or "",
           hint="Only call the layers: chain_layers must not compile, freeze or set the weights of the model it gets.")
    probes = chain_probes(ctx.seed)
    expect(len(record["outputs"]) == len(probes), "chain_layers was not run on every test model")
    orders = record.get("orders") or [None] * len(probes)
    for (model, x), got, error, called in zip(probes, record["outputs"], record["errors"], orders):
        size = f"a {len(model.layers)}-layer model"
        slip = _chain_slip(model, called)
        if error and slip:
            raise CheckFailed(f"{slip} ({error})", hint=_IN_ORDER)
        if error:
            raise CheckFailed(error, hint="It must work for any Sequential model: one layer, three, or twenty.")
        expect(got is not None, f"chain_layers returned None on {size}", hint="Return the result of the last layer.")
        want = np.asarray(model(x))
        got = np.asarray(got)
        expect(got.shape == want.shape, f"the shape of what chain_layers returns on {size}", want.shape,
               got.shape, hint="Feed each layer's output into the next layer, starting from x, and return the "
                               "last result.")
        expect(bool(np.allclose(got, want, atol=1e-5)), f"the values chain_layers returns on {size} differ from "
               "what the model computes" + (f": {slip}" if slip else ""), hint=_IN_ORDER)


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

# Each part alone (course side: part_digests of the answer), for a message about the parts that are wrong.
PARTS_PARAMS = ("104260e2056d1306474cf4ca97364413", "7bfdf296f7b64d02382482ded0f81791",
                "41e73a6a8e1f9eb8f47335e350b589b1")

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
OPTIONS_GRAPH = {
    "a": "90f7004a1e63a879e746bbdd5b92caba", "b": "30b657d8b34724c5c5ac4f98e1c78002",
    "c": "afeba65656667ce80cf610b4e9b619aa", "d": "e572ed66bee6acc14521914640f5fc09",
    "e": "c197887c346967af155f3b2bbee47a76", "f": "8677472504f3f470aabaef795cffa5c2",
    "g": "88f769050d17bdb381767be997359121",
}
GRAPH_FEEDBACK = {
    "a": "the first Dense layer sends its output to two layers (b and c); in a Sequential model each layer's "
    "output goes to the next layer only",
    "b": _NOT_BREAKING.format("b"),
    "c": "the Add layer takes two tensors (from a and from b); a layer of a Sequential model receives exactly one",
    "d": _NOT_BREAKING.format("d"),
    "e": _NOT_BREAKING.format("e") + " (it reads the second input, but the input is not a layer)",
    "f": "the Concatenate layer takes two tensors (from d and from e); a layer of a Sequential model receives "
    "exactly one",
    "g": _NOT_BREAKING.format("g") + " (it is the last layer)",
}

EXERCISES = [
    Exercise(
        "seq01_predict_params",
        title="Count the parameters of each layer",
        points=1,
        kind="literal",
        variable="layer_params",
        activity="predict",
        prepare=c.numbers_answer(3, example="(10, 20, 30)", names=("layer 1's number", "layer 2's number",
                                                                   "layer 3's number")),
        checks=[c.matches_digest(SALT_PARAMS, "9c1c90df33ed80979f7c83b31bf59634", known=KNOWN_PARAMS,
                                 what="not the right numbers of parameters yet", parts=PARTS_PARAMS,
                                 names=("layer 1's number", "layer 2's number", "layer 3's number"),
                                 order="layer 1 first", part_hints=(
                                     "it receives the model's 5 input numbers",
                                     "it receives as many numbers as the layer before it has units",
                                     "it receives as many numbers as the layer before it has units"),
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
        prepare=c.letters_answer(SCENARIOS),
        checks=[_scenarios_chosen, c.options_by_digest(
            SALT_SCENARIOS, OPTIONS_SCENARIOS, SCENARIO_FEEDBACK, known=KNOWN_SCENARIOS,
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
        prepare=c.letters_answer("abcdefg", at_least_one=True),
        checks=[c.options_by_digest(SALT_GRAPH, OPTIONS_GRAPH, GRAPH_FEEDBACK, known=KNOWN_GRAPH,
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
