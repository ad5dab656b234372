"""Chapter B7 · Shared layers (``07_shared_layers.ipynb``).

Both exercises are judged as graphs (:func:`checks.graph_like`): which input each branch reads, and that
the layer the task shares is *one* layer object applied twice (two layers with the same configuration
are named as such). A shared layer may sit inside a Sequential or a functional model called twice.

- ``fn07_shared_embedding``: one Embedding(500, 8) on two integer inputs of any length, two outputs.
- ``fn07_siamese``: one Dense(4, relu) on two (10,) inputs, their difference (either order, any spelling),
  then Dense(1, sigmoid).
"""
from __future__ import annotations

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import Exercise

_EMBED = dict(output_dim=8, weights=[[500, 8]], share="embedding", what="the shared Embedding(500, 8)")
PAIR = [N("Embedding", In(0, shape=(None,)), **_EMBED), N("Embedding", In(1, shape=(None,)), **_EMBED)]
PAIR_HINTS = {"share": "Create one layer, emb = layers.Embedding(500, 8), and call that same object on both inputs.",
              "weights": "Embedding(500, 8): input_dim=500 possible word ids, output_dim=8 numbers per word.",
              "shape": "Word ids of any length: keras.Input(shape=(None,), dtype=\"int32\").",
              "input": "The first output embeds the first input, the second output the second input.",
              "outputs": "The model has two outputs: the two embedded sequences."}

_ENCODE = dict(units=4, activation="relu", share="encoder", what="the shared Dense(4, relu)")
DIFFERENCE = N("Subtract", N("Dense", In(0, shape=(10,)), **_ENCODE), N("Dense", In(1, shape=(10,)), **_ENCODE),
               any_order=True, what="layers.subtract of the two encodings")
SIAMESE = [N("Dense", DIFFERENCE, units=1, activation="sigmoid", what="the output Dense(1, sigmoid)")]
SIAMESE_HINTS = {"share": "Create the Dense(4, relu) layer once, keep it in a variable, and call that same object "
                          "on both inputs.",
                 "kind": "Encode both inputs with the one Dense(4, relu), subtract the encodings, then Dense(1, "
                         "activation=\"sigmoid\").",
                 "extra": "Encode both inputs with the one Dense(4, relu), subtract the encodings, then Dense(1, "
                          "activation=\"sigmoid\").",
                 "activation": "The shared encoder has activation=\"relu\", the output activation=\"sigmoid\"."}

EXERCISES = [
    Exercise(
        "fn07_shared_embedding",
        title="One Embedding for two inputs",
        points=1,
        kind="model",
        variable="pair_model",
        prepare=c.model_record(what="pair_model"),
        checks=[c.is_model(what="pair_model"), c.built(), c.graph_like(PAIR, hints=PAIR_HINTS),
                c.param_count(total=4_000)],
        unrecordable="a keras.Model built from keras.Input tensors and Keras' own layers",
    ),
    Exercise(
        "fn07_siamese",
        title="A siamese comparison model",
        points=2,
        kind="model",
        variable="siamese",
        prepare=c.model_record(what="siamese"),
        checks=[c.is_model(what="siamese"), c.built(), c.graph_like(SIAMESE, hints=SIAMESE_HINTS),
                c.param_count(total=49)],
        unrecordable="a keras.Model built from keras.Input tensors and Keras' own layers",
    ),
]
