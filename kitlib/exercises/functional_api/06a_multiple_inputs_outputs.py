"""Chapter B6a · Models with multiple inputs and outputs (``06a_multiple_inputs_outputs.ipynb``).

- ``fn06a_ticket_heads``: a two-input, two-output model, judged as a graph (:func:`checks.graph_like`):
  the title's Embedding(1000, 16) and LSTM(8), the tags input, their concatenation (either order), the two
  heads by name, without activations; inputs and outputs may be lists or dicts, in any order.
- ``fn06a_compile_dicts``: ``ticket_model`` (given) compiled so that its total loss is 1.0 x binary
  cross-entropy(priority) + 0.2 x categorical cross-entropy(department), on logits. The kit evaluates the
  model on probe data with dict targets and recomputes the total from the model's raw outputs, so losses
  of one's own, lists in the outputs' order and weights folded into a loss pass; swapped weights or
  losses, probabilities instead of logits and a list in the wrong order are named.
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import ANY, N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import describe_model, to_array

TRUNK = N("Concatenate",
          N("LSTM", N("Embedding", In(0, shape=(None,)), output_dim=16, weights=[[1000, 16]],
                      what="the title's Embedding(1000, 16)"), units=8, activation=ANY, what="the title's LSTM(8)"),
          In(1, shape=(12,)), any_order=True, what="the concatenation")
HEADS = {"priority": N("Dense", TRUNK, units=1, what="the priority head, Dense(1)"),
         "department": N("Dense", TRUNK, units=4, what="the department head, Dense(4)")}
HEAD_HINTS = {"activation": "The heads have no activation: they output raw scores (the losses apply from_logits).",
              "weights": "Embedding(1000, 16): input_dim=1000 possible word ids, output_dim=16 numbers per word.",
              "names": 'Name the heads: layers.Dense(1, name="priority"), layers.Dense(4, name="department").',
              "shape": "title takes word ids of any length: keras.Input(shape=(None,)); tags: keras.Input(shape=(12,)).",
              "kind": "title -> Embedding(1000, 16) -> LSTM(8); concatenate it with tags; both heads read the "
                      "concatenation."}


# --------------------------------------------------------------------------- losses per output


def _ticket_data(model: Any, ctx: Context, n: int = 24):
    import numpy as np

    rng = ctx.rng(7)
    vocab = min([int(layer.input_dim) for layer in model.layers if type(layer).__name__ == "Embedding"] or [100])
    x = []
    for tensor in model.inputs:
        shape = [d for d in tensor.shape[1:]]
        if None in shape:
            x.append(rng.integers(0, vocab, size=(n, 7)).astype("int32"))
        else:
            x.append(rng.integers(0, 2, size=(n, *shape)).astype("float32"))
    y = {"priority": rng.random((n, 1)).astype("float32"),
         "department": np.eye(4, dtype="float32")[rng.integers(0, 4, n)]}
    return x, y


def losses_probe(model: Any, ctx: Context) -> dict:
    """Prepare: which model it is, its compile settings and loss weights, what evaluate() reports on probe data
    with dict targets, and the model's raw outputs on it."""
    from kitlib.environment import silenced_stderr_fd
    from kitlib.exercises.core import clean_text, run_student

    record = describe_model(model, ctx.given, what="ticket_compiled")
    record.update(evaluation=None, error=None, outputs=None, targets=None, loss_weights=None)
    if record["given"] != "ticket_model" or record["compile"] is None:
        return record
    try:
        weights = model.get_compile_config().get("loss_weights")
        record["loss_weights"] = ({str(k): float(v) for k, v in weights.items()} if isinstance(weights, dict) else
                                  [float(v) for v in weights] if isinstance(weights, (list, tuple)) else None)
    except Exception:  # noqa: BLE001 - the weights are only used to explain a mistake
        record["loss_weights"] = None
    x, y = _ticket_data(model, ctx)
    outputs = run_student(model, x, training=False, where="ticket_model called on probe tickets")
    if not isinstance(outputs, dict):
        outputs = dict(zip(model.output_names, outputs))
    record["outputs"] = {str(k): to_array(v, f"output {k!r}") for k, v in outputs.items()}
    record["targets"] = y
    try:
        with silenced_stderr_fd():
            values = model.evaluate(x, y, verbose=0, return_dict=True)
        record["evaluation"] = {str(k): float(v) for k, v in values.items()}
    except Exception as error:  # noqa: BLE001 - the student's settings make evaluate() fail
        record["error"] = clean_text(type(error).__name__, limit=80)
    return record


def _bce(logits, y) -> float:
    import numpy as np

    z = np.asarray(logits, dtype="float64")
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _cce(logits, y) -> float:
    import numpy as np

    z = np.asarray(logits, dtype="float64")
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(np.mean(-(np.asarray(y) * logp).sum(axis=-1)))


def _losses_by_output(record: dict) -> dict:
    """Each output's loss settings by output name (a list of losses follows model.output_names)."""
    loss = record["compile"]["loss"]
    names = record.get("output_names") or []
    if isinstance(loss, dict) and "name" not in loss:
        return dict(loss)
    if isinstance(loss, list):
        return dict(zip(names, loss))
    return {name: loss for name in names}


def is_ticket_model(record: dict) -> None:
    expect(record["given"] == "ticket_model", "`ticket_compiled` is not ticket_model: the task compiles ticket_model "
           "itself", hint="Call ticket_model.compile(...) and then set ticket_compiled = ticket_model.")
    expect(record["compile"] is not None, "ticket_model is not compiled",
           hint="Call ticket_model.compile(optimizer=..., loss=..., loss_weights=...).")


def weighted_total(record: dict) -> None:
    losses = _losses_by_output(record)
    for name, target in (("priority", "a number between 0 and 1 (binary)"),
                         ("department", "one of 4 classes, one-hot")):
        setting = losses.get(name)
        if not isinstance(setting, dict) or setting.get("custom") or setting.get("name") is None:
            continue
        loss = setting["name"]
        want = "binary_crossentropy" if name == "priority" else "categorical_crossentropy"
        if loss != want:
            swapped = {"priority": "categorical_crossentropy", "department": "binary_crossentropy"}
            if loss == swapped[name]:
                raise CheckFailed(f"the {name} output gets the {loss.replace('_', ' ')}: the losses are swapped between "
                                  "the outputs", hint="A list of losses follows model.output_names, where department "
                                                      "comes first: key the losses by output name with a dict.")
            if name == "department" and loss == "sparse_categorical_crossentropy":
                raise CheckFailed("the department loss: SparseCategoricalCrossentropy expects integer class ids, but "
                                  "the department targets are one-hot vectors of 4",
                                  hint="Use CategoricalCrossentropy(from_logits=True) for department.")
            raise CheckFailed(f"the {name} loss: {loss.replace('_', ' ')} does not fit its target ({target})",
                              hint="priority: BinaryCrossentropy(from_logits=True); department: "
                                   "CategoricalCrossentropy(from_logits=True).")
        if not setting.get("from_logits"):
            raise CheckFailed(f"the {name} loss treats the head's outputs as probabilities, but the heads have no "
                              "activation: they give raw scores (logits)", hint="Pass from_logits=True to both losses.")
    if record["error"]:
        raise CheckFailed("evaluating ticket_model with targets for priority and department failed with your loss "
                          "settings", hint="priority's target is one number between 0 and 1, department's a one-hot "
                                           "vector of 4: give each output the loss that fits it, keyed by output name.")
    outputs, targets = record["outputs"], record["targets"]
    bce, cce = _bce(outputs["priority"], targets["priority"]), _cce(outputs["department"], targets["department"])
    got = (record["evaluation"] or {}).get("loss")
    expect(got is not None, "evaluate() reports no total loss for ticket_model",
           hint="Give a loss for each output in compile().")

    def close(value: float) -> bool:
        return abs(got - value) <= 1e-3 * max(1.0, abs(value))

    if close(1.0 * bce + 0.2 * cce):
        return
    if close(0.2 * bce + 1.0 * cce):
        raise CheckFailed("the loss weights are swapped: priority should count 1.0 and department 0.2",
                          hint="Key loss_weights by output name.")
    if close(bce + cce):
        raise CheckFailed("both losses count fully: the department loss should count only 0.2",
                          hint="loss_weights sets how much each output's loss counts.")
    raise CheckFailed("the total loss on probe tickets is not 1.0 x binary cross-entropy(priority) + 0.2 x "
                      "categorical cross-entropy(department), both on logits",
                      hint="Key losses and loss_weights by output name (dicts), so that their order does not matter.")


EXERCISES = [
    Exercise(
        "fn06a_ticket_heads",
        title="A small two-input, two-output ticket model",
        points=2,
        kind="model",
        variable="ticket_small",
        prepare=c.model_record(what="ticket_small"),
        checks=[c.is_model(what="ticket_small"), c.built(), c.graph_like(HEADS, hints=HEAD_HINTS),
                c.param_count(total=16_905)],
        unrecordable="a keras.Model built from keras.Input tensors and Keras' own layers",
    ),
    Exercise(
        "fn06a_compile_dicts",
        title="Losses and loss weights per output",
        points=2,
        kind="model",
        variable="ticket_compiled",
        given=("ticket_model",),
        prepare=losses_probe,
        checks=[c.is_model(what="ticket_compiled"), is_ticket_model, weighted_total],
        unrecordable="ticket_model, compiled with Keras' own losses or functions of your own",
    ),
]
