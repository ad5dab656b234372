"""Chapter B6a · Models with multiple inputs and outputs (``06a_multiple_inputs_outputs.ipynb``).

- ``fn06a_ticket_heads``: a two-input, two-output model, judged as a graph (:func:`checks.graph_like`):
  the title's Embedding(1000, 16) and LSTM(8), the tags input, their concatenation (either order), the two
  heads by name, without activations; inputs and outputs may be lists or dicts, in any order.
- ``fn06a_compile_dicts``: ``ticket_model`` (given) compiled so that its total loss is 1.0 x binary
  cross-entropy(priority) + 0.2 x categorical cross-entropy(department), on logits. The kit evaluates the
  model on probe data with dict targets and recomputes the total from the model's raw outputs, so losses
  of one's own, lists in the outputs' order and weights folded into a loss pass; swapped weights or
  losses, probabilities instead of logits and a list in the wrong order are named.
- ``fn06a_predict_merge`` (predict): the widths of two text branches (LSTM, pooled embedding) and of their
  concatenation with tags; digests per width, targeted messages for the embedding's and the vocabulary's
  sizes and for a branch left out.
- ``fn06a_fix_loss_keys`` (debug): ``ticket_fixme`` (given) compiled with loss and weight dicts keyed by names
  that are not its outputs'; the repair compiles it again. Keys that still miss an output are named, then
  it is judged as ``fn06a_compile_dicts`` is (the total recomputed from the model's raw outputs).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import ANY, N, In
from kitlib.exercises.core import CheckFailed, Context, Exercise, expect
from kitlib.exercises.describe import describe_model, to_array
from kitlib.exercises.functional_api._forms import each_matches, not_trained

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


def losses_probe(model: Any, ctx: Context, given: str = "ticket_model", what: str = "ticket_compiled") -> dict:
    """Prepare: which model it is, its compile settings and loss weights, what evaluate() reports on probe data
    with dict targets, and the model's raw outputs on it."""
    from kitlib.environment import silenced_stderr_fd
    from kitlib.exercises.core import clean_text, run_student

    record = describe_model(model, ctx.given, what=what)
    record.update(evaluation=None, error=None, outputs=None, targets=None, loss_weights=None)
    if record["given"] != given or record["compile"] is None:
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


def fixme_probe(model: Any, ctx: Context) -> dict:
    """Prepare of ``fn06a_fix_loss_keys``: :func:`losses_probe` for ``ticket_fixme``, answered as ``ticket_repaired``."""
    return losses_probe(model, ctx, given="ticket_fixme", what="ticket_repaired")


def is_ticket_fixme(record: dict) -> None:
    expect(record["given"] == "ticket_fixme", "`ticket_repaired` is not ticket_fixme: the task repairs ticket_fixme "
           "itself", hint="Call ticket_fixme.compile(...) again and set ticket_repaired = ticket_fixme.")


def keys_are_output_names(record: dict) -> None:
    """Dict keys of the loss and of loss_weights name the model's outputs (the mistake to repair)."""
    names = sorted(record.get("output_names") or [])
    loss = record["compile"]["loss"]
    for what, value in (("loss", loss if isinstance(loss, dict) and "name" not in loss else None),
                        ("loss_weights", record.get("loss_weights"))):
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(names))
            expect(not unknown, f"the keys of the {what} dict ({', '.join(sorted(value))}) are not all output names: "
                   f"{', '.join(unknown)} {'names' if len(unknown) == 1 else 'name'} no output of the model", hint="Key each dict by the names in "
                                                                           "model.output_names.")


def is_ticket_model(record: dict) -> None:
    expect(record["given"] == "ticket_model", "`ticket_compiled` is not ticket_model: the task compiles ticket_model "
           "itself", hint="Call ticket_model.compile(...) and then set ticket_compiled = ticket_model.")
    is_compiled(record)


def is_compiled(record: dict) -> None:
    expect(record["compile"] is not None, f"{record['given']} is not compiled",
           hint=f"Call {record['given']}.compile(optimizer=..., loss=..., loss_weights=...).")


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
            other = "department" if name == "priority" else "priority"
            other_loss = (losses.get(other) or {}).get("name") if isinstance(losses.get(other), dict) else None
            if loss == swapped[name] and other_loss == swapped[other]:
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
        raise CheckFailed(f"evaluating {record['given']} with targets for priority and department failed with your loss "
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


# --------------------------------------------------------------------------- predict the widths

_WIDTHS = each_matches(
    "fn06a_predict_merge",
    ["825ac1eaca7622053009efd578b571c0", "c5b94e9ffd45566557361104e0d10e54", "4ffb503c145e3c05ca8f396dfea9d47a"],
    [{"f0e7d83f6d457d70f3bfdeb63f51f01f": "the title branch: the LSTM reads the whole sequence into one vector, with "
      "one number per unit of the LSTM",
      "60742dcf0cad6dbd4e24030f9b1167f0": "the title branch: 500 is the embedding's vocabulary (the word ids it "
      "knows), not a width"},
     {"bd84e34787a4836d94cfb34da6e612cf": "the body branch: 500 is the embedding's vocabulary (the word ids it "
      "knows), not a width",
      "4355eebf4642b96acc27414e7ec50710": "the body branch has no LSTM: GlobalAveragePooling1D averages the word "
      "vectors, keeping the embedding's width"},
     {"2938238ba4e343466458168a73b59416": "the merged width: the 5 tags are concatenated too",
      "7956f78b304a6d6c7a97637b09c867a9": "the merged width: the title branch t is concatenated too",
      "110a445d14d8ff14f0c99b4f7b01c40c": "the merged width: the sum of the three widths that go in",
      "7daeaf673fbab644ba753017c8af5f61": "the merged width: concatenate joins the features of its inputs side by "
      "side, it does not stack them"}],
    ["the width of the title branch is not right yet", "the width of the body branch is not right yet",
     "the merged width is not right yet"],
    ["An LSTM(units) gives one vector of units numbers per sample.",
     "Embedding(vocabulary, width) turns each word id into width numbers; pooling over the words keeps the width.",
     "concatenate puts its inputs' features side by side: their widths add up."])

EXERCISES = [
    Exercise(
        "fn06a_ticket_heads",
        title="A small two-input, two-output ticket model",
        points=2,
        kind="model",
        variable="ticket_small",
        prepare=c.model_record(what="ticket_small"),
        checks=[c.is_model(what="ticket_small"), c.built(), c.graph_like(HEADS, hints=HEAD_HINTS),
                c.calls_layers_itself(what="ticket_small"),
                c.param_count(total=16_905)],
        unrecordable="a keras.Model built from keras.Input tensors and Keras' own layers",
        activity="build",
        hints=("Look at build_ticket_model in 'The ticket model': the same structure, with one text input fewer.",
               "Name the two Dense heads (name='priority', name='department') and give keras.Model a dict of "
               "outputs keyed by those names; layers.concatenate joins the LSTM's output and the tags."),
    ),
    Exercise(
        "fn06a_compile_dicts",
        title="Losses and loss weights per output",
        points=2,
        kind="model",
        variable="ticket_compiled",
        given=("ticket_model",),
        keep_given=("ticket_model:weights,trainable",),  # compiled by the answer, its weights and flags as given
        prepare=losses_probe,
        checks=[c.is_model(what="ticket_compiled"), is_ticket_model, weighted_total, not_trained("ticket_model")],
        unrecordable="ticket_model, compiled with Keras' own losses or functions of your own",
        activity="build",
        hints=("Look at 'One loss per output': the guide's weights are the ones the task asks for.",
               "Give compile() a dict of losses and a dict of loss_weights, both keyed by output name, so that "
               "the order of model.output_names does not matter; both heads give logits."),
    ),
    Exercise(
        "fn06a_predict_merge",
        title="Predict the widths where branches meet",
        points=1,
        kind="literal",
        variable="merge_widths",
        prepare=c.numbers_answer(3, values="widths (title branch, body branch, merged)", example="(10, 20, 30)"),
        checks=[_WIDTHS],
        unrecordable="a tuple of 3 whole numbers, e.g. (10, 20, 30)",
        activity="predict",
        hints=("The cell after the ticket model prints the shapes that go into the guide's concatenation.",
               "Follow each branch: an LSTM gives one vector of its units; Embedding(vocabulary, width) gives "
               "width numbers per word and pooling over the words keeps them; concatenate adds the widths."),
    ),
    Exercise(
        "fn06a_fix_loss_keys",
        title="Repair losses keyed by the wrong names",
        points=2,
        kind="model",
        variable="ticket_repaired",
        given=("ticket_fixme",),
        keep_given=("ticket_fixme",),  # compiled again, nothing else
        given_may_change=("compiled",),
        prepare=fixme_probe,
        checks=[c.is_model(what="ticket_repaired"), is_ticket_fixme, is_compiled, keys_are_output_names,
                weighted_total, not_trained("ticket_fixme")],
        unrecordable="ticket_fixme, compiled again with Keras' own losses or functions of your own",
        activity="debug",
        hints=("Read the error the broken cell prints, then compare the keys of the loss dict with "
               "ticket_fixme.output_names.",
               "Keras matches each key of the loss and loss_weights dicts with an output of the same name; the "
               "names come from the heads' name= arguments."),
    ),
]
