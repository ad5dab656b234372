"""B7 · Shared layers: fn07_shared_embedding, fn07_siamese."""
from exercise_gallery.functional_api import block, right, wrong

PAIR = "fn07_shared_embedding"
SIAMESE = "fn07_siamese"

_IDS = block("""
ids_1 = keras.Input(shape=(None,), dtype="int32")
ids_2 = keras.Input(shape=(None,), dtype="int32")
""")
_TWO = block("""
left = keras.Input(shape=(10,))
right = keras.Input(shape=(10,))
""")

CASES = [
    # ---- fn07_shared_embedding: two int inputs of any length, one Embedding(500, 8), two outputs (None, None, 8)
    right(PAIR, "float-inputs-keywords", "inputs without dtype, keyword arguments", """
        shared = layers.Embedding(input_dim=500, output_dim=8)
        a = keras.Input(shape=(None,))
        b = keras.Input(shape=(None,))
        pair_model = keras.Model(inputs=[a, b], outputs=[shared(a), shared(b)])
    """),
    right(PAIR, "dict-outputs-int64", "dict outputs, int64 ids, named inputs", """
        shared = layers.Embedding(500, 8)
        a = keras.Input(shape=(None,), dtype="int64", name="text_a")
        b = keras.Input(shape=(None,), dtype="int64", name="text_b")
        pair_model = keras.Model([a, b], {"a": shared(a), "b": shared(b)})
    """),
    right(PAIR, "shared-sequential", "the Embedding inside a Sequential model called on both", _IDS + """
        encoder = keras.Sequential([layers.Embedding(500, 8)])
        pair_model = keras.Model([ids_1, ids_2], [encoder(ids_1), encoder(ids_2)])
    """),
    right(PAIR, "tuple-outputs-list-shape", "tuples for inputs and outputs, shape as a list", """
        shared = layers.Embedding(500, 8)
        a = keras.Input(shape=[None], dtype="int32")
        b = keras.Input(shape=[None], dtype="int32")
        pair_model = keras.Model((a, b), (shared(a), shared(b)))
    """),
    wrong(PAIR, "two-embeddings", "provenance: two Embedding layers, nothing shared",
          ("one Embedding", "shared", "same", "Embedding layers"), _IDS + """
        pair_model = keras.Model([ids_1, ids_2], [layers.Embedding(500, 8)(ids_1), layers.Embedding(500, 8)(ids_2)])
    """),
    wrong(PAIR, "embedding-swapped", "Embedding(8, 500): vocabulary and size swapped (same count)",
          ("shape", "Embedding", "output"), _IDS + """
        shared = layers.Embedding(8, 500)
        pair_model = keras.Model([ids_1, ids_2], [shared(ids_1), shared(ids_2)])
    """),
    wrong(PAIR, "first-input-twice", "other data: the first input embedded twice, the second unused",
          ("second input", "both inputs", "input"), _IDS + """
        shared = layers.Embedding(500, 8)
        pair_model = keras.Model([ids_1, ids_2], [shared(ids_1), shared(ids_1)])
    """),
    wrong(PAIR, "fixed-length", "inputs of a fixed length (20) instead of any length", ("length", "None", "shape"), """
        shared = layers.Embedding(500, 8)
        a = keras.Input(shape=(20,), dtype="int32")
        b = keras.Input(shape=(20,), dtype="int32")
        pair_model = keras.Model([a, b], [shared(a), shared(b)])
    """),
    wrong(PAIR, "pooled", "structure: the sequences averaged into one vector each", ("shape", "output"), _IDS + """
        shared = layers.Embedding(500, 8)
        pool = layers.GlobalAveragePooling1D()
        pair_model = keras.Model([ids_1, ids_2], [pool(shared(ids_1)), pool(shared(ids_2))])
    """),

    # ---- fn07_siamese: one Dense(4, relu) on two (10,) inputs, layers.subtract, Dense(1, sigmoid)
    right(SIAMESE, "operator-minus-reversed", "right - left with the operator", _TWO + """
        encode = layers.Dense(4, activation="relu")
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(encode(right) - encode(left)))
    """),
    right(SIAMESE, "shared-sequential-activation", "a shared Sequential encoder, separate sigmoid layer", _TWO + """
        encoder = keras.Sequential([layers.Dense(4, activation="relu")])
        d = layers.Subtract()([encoder(left), encoder(right)])
        siamese = keras.Model(inputs=[left, right], outputs=layers.Activation("sigmoid")(layers.Dense(1)(d)))
    """),
    right(SIAMESE, "shared-functional-ops", "a shared functional encoder, keras.ops.subtract", _TWO + """
        e_in = keras.Input(shape=(10,))
        encoder = keras.Model(e_in, layers.Dense(4, activation="relu")(e_in))
        d = keras.ops.subtract(encoder(left), encoder(right))
        siamese = keras.Model([left, right], layers.Dense(1, activation=keras.activations.sigmoid)(d))
    """),
    wrong(SIAMESE, "two-encoders", "provenance: two Dense(4) layers, the encoder not shared",
          ("one Dense", "shared", "same"), _TWO + """
        d = layers.subtract([layers.Dense(4, activation="relu")(left), layers.Dense(4, activation="relu")(right)])
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(d))
    """),
    wrong(SIAMESE, "no-sigmoid", "activation: the output without sigmoid", ("activation", "sigmoid"), _TWO + """
        encode = layers.Dense(4, activation="relu")
        siamese = keras.Model([left, right], layers.Dense(1)(layers.subtract([encode(left), encode(right)])))
    """),
    wrong(SIAMESE, "encoder-no-relu", "activation: the encoder without ReLU", ("activation", "relu"), _TWO + """
        encode = layers.Dense(4)
        d = layers.subtract([encode(left), encode(right)])
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(d))
    """),
    wrong(SIAMESE, "added", "merge: add instead of subtract (same count)", ("subtract", "difference"), _TWO + """
        encode = layers.Dense(4, activation="relu")
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(layers.add([encode(left),
                                                                                                encode(right)])))
    """),
    wrong(SIAMESE, "abs-difference", "merge: absolute difference (an extra operation)",
          ("subtract", "difference", "abs"), _TWO + """
        encode = layers.Dense(4, activation="relu")
        d = keras.ops.abs(layers.subtract([encode(left), encode(right)]))
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(d))
    """),
]
