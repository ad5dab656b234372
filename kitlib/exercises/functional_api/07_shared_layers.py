"""Chapter B7 · Shared layers (``07_shared_layers.ipynb``).

Both exercises are judged as graphs (:func:`checks.graph_like`): which input each branch reads, and that
the layer the task shares is *one* layer object applied twice (two layers with the same configuration
are named as such). A shared layer may sit inside a Sequential or a functional model called twice.

- ``fn07_shared_embedding``: one Embedding(500, 8) on two integer inputs of any length, two outputs.
- ``fn07_siamese``: one Dense(4, relu) on two (10,) inputs, their difference (either order, any spelling),
  then Dense(1, sigmoid).
- ``fn07_predict_params`` (predict): the parameters of a two-input model with one shared Embedding(300, 16),
  and of the same model with two separate embeddings; a salted digest, with targeted messages for the
  usual slips (the shared table counted twice, the Dense layer's inputs or bias miscounted).
- ``fn07_fix_matcher`` (debug): the notebook's ``matcher`` embeds its two texts with two different
  Embedding layers; the repair embeds both with the notebook's trained ``query_embedding`` (that layer
  object, not a new one or a copy) and leaves ``matcher`` as it was (its own two embeddings, none frozen).
"""
from __future__ import annotations

from typing import Any

from kitlib.exercises import checks as c
from kitlib.exercises.checks import N, In
from kitlib.exercises.core import Context, Exercise, expect
from kitlib.exercises.describe import describe_model

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

# --------------------------------------------------------------------------- predict: shared parameters

SALT_PARAMS = "fn07_predict_params"
KNOWN_PARAMS = {
    "0214bc10bfcca177516b04f26aa4ee88": "you counted the shared Embedding once per call: one layer object has one "
    "table of weights, however many inputs it is called on, so the first number counts one table",
    "928f39198dde0ab16307cf160e24167b": "the second model has two separate Embedding layers: each one has a table "
    "of its own, so the second number counts two tables",
    "e4d05a14ac8a3ca20fef95fe7cabd683": "the Dense(1) layer reads the concatenation of the two averaged texts, so it "
    "has one weight per number of both vectors (plus its bias)",
    "5360f9cbcaf75741c904484f7a4b6fc8": "the Dense(1) layer has a bias as well as one weight per input number",
    "5fa3ca425b7c0f7fbf80ffd11c3348ad": "the Dense(1) layer at the end has parameters too",
    "a847ffeb537c423864eac9aa5ca644cb": "the two numbers are in the wrong order: first the model with the shared "
    "embedding, then the one with two separate embeddings",
    "84365c8cf594f2abdad7363df9e7bc84": "an Embedding(input_dim, output_dim) is a table with one row of output_dim "
    "numbers for each of the input_dim word ids: input_dim x output_dim weights",
}
PARAMS = c.matches_digest(SALT_PARAMS, "4a0d40b7a8a8c59aa7f20fd15cf253eb", known=KNOWN_PARAMS,
                          what="the numbers of parameters are not right yet",
                          hint="Count layer by layer: the Embedding table, the pooling (no weights), the "
                               "concatenation (no weights), the Dense(1) on the concatenated vector.")

# --------------------------------------------------------------------------- debug: one embedding for both texts

_WORDS = dict(output_dim=16, weights=[[1000, 16]], share="words", given="query_embedding",
              what="the trained query_embedding")
MATCHER = [N("Dot", N("GlobalAveragePooling1D", N("Embedding", In(0, shape=(None,)), **_WORDS)),
             N("GlobalAveragePooling1D", N("Embedding", In(1, shape=(None,)), **_WORDS)),
             any_order=True, normalize=False, what="the Dot of the two averaged texts")]
MATCHER_HINTS = {"share": "Call the one layer query_embedding on both inputs (and not doc_embedding).",
                 "given": "Re-use matcher's trained layer object query_embedding for both texts: not a new "
                          "Embedding, not a copy.",
                 "input": "The first input is the query, the second the document, as in matcher.",
                 "kind": "Keep matcher's architecture: embedding -> GlobalAveragePooling1D for each text, then "
                         "layers.Dot(axes=1) of the two vectors.",
                 "missing": "Keep matcher's architecture: embedding -> GlobalAveragePooling1D for each text, then "
                            "layers.Dot(axes=1) of the two vectors.",
                 "normalize": "matcher's Dot gives the plain dot product: Dot(axes=1), without normalize=True "
                              "(which divides by the lengths: a cosine).",
                 "extra": "Keep matcher's architecture: embedding -> GlobalAveragePooling1D for each text, then "
                          "layers.Dot(axes=1) of the two vectors."}


def matcher_record(model: Any, ctx: Context) -> dict:
    """Prepare: the repaired model described with the notebook's layers labelled, and the given ``matcher``
    as it is now (its two embeddings, their trainable flags)."""
    record = describe_model(model, ctx.given, what="fixed_matcher")
    matcher = ctx.given["matcher"]
    record["matcher"] = {"embeddings": sorted(layer.name for layer in matcher.layers
                                              if type(layer).__name__ == "Embedding"),
                         "frozen": sorted(layer.name for layer in matcher.layers if not layer.trainable),
                         "is_matcher": model is matcher}
    return record


def matcher_left_alone(record: dict) -> None:
    given = record["matcher"]
    expect(not given["is_matcher"], "fixed_matcher is the broken matcher itself: the task asks for a new model",
           hint="Build a new keras.Model from two keras.Input tensors.")
    expect(not given["frozen"], "a layer of the given matcher is frozen now (trainable=False): the task leaves "
           "matcher as it was", None, ", ".join(given["frozen"]),
           hint="Do not change the trainable flag of query_embedding: sharing a layer needs no other change.")


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
        activity="build",
        hints=("Look at the notebook's shared_model: one layer object, called on two inputs.",
               "Create the Embedding(500, 8) once and keep it in a variable; call that variable on each "
               "keras.Input(shape=(None,), dtype=\"int32\"), and give keras.Model both inputs and both results."),
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
        activity="build",
        hints=("The encoder is one layer used twice, as shared_embedding is in the notebook.",
               "Keep the Dense(4, relu) in a variable and call it on both inputs; layers.subtract takes the list "
               "of the two encodings, and the output layer is a Dense(1) with a sigmoid."),
    ),
    Exercise(
        "fn07_predict_params",
        title="Predict the parameters of a shared embedding",
        points=1,
        kind="literal",
        variable="predicted_params",
        prepare=c.numbers_answer(2, example="(1234, 5678)", what="predicted_params"),
        checks=[PARAMS],
        unrecordable="a tuple of two whole numbers, e.g. (1234, 5678)",
        activity="predict",
        hints=("The summary of shared_model above lists its one Embedding once, with input_dim x output_dim "
               "weights.",
               "Add up layer by layer: pooling and concatenation have no weights; a Dense(1) has one weight per "
               "input number plus one bias; a layer called twice is counted once, two layers twice."),
    ),
    Exercise(
        "fn07_fix_matcher",
        title="Repair a matcher that embeds its texts twice",
        points=2,
        kind="model",
        variable="fixed_matcher",
        given=("query_embedding", "doc_embedding", "matcher"),
        keep_given=("matcher:weights", "query_embedding:weights"),  # the trained embedding re-used as trained
        prepare=matcher_record,
        checks=[c.is_model(what="fixed_matcher"), matcher_left_alone, c.graph_like(MATCHER, hints=MATCHER_HINTS),
                c.param_count(total=16_000)],
        unrecordable="a keras.Model built from keras.Input tensors, query_embedding and Keras' own layers",
        activity="debug",
        hints=("Compare matcher's summary with shared_model's: how many Embedding layers does each have?",
               "A layer is shared when the same object is called on both inputs: call query_embedding on the "
               "document input too, and build a new keras.Model with the same pooling and Dot as matcher."),
    ),
]
