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

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
PREDICT = "fn07_predict_params"
MATCHER = "fn07_fix_matcher"
_QD = block("""
qi = keras.Input(shape=(None,), dtype="int32")
di = keras.Input(shape=(None,), dtype="int32")
""")

CASES += [
    # fn07_predict_params: (4833, 9633)
    right(PREDICT, "built", "both models built and counted", """
        def count(shared):
            a = keras.Input(shape=(None,), dtype="int32")
            b = keras.Input(shape=(None,), dtype="int32")
            first = layers.Embedding(300, 16)
            second = first if shared else layers.Embedding(300, 16)
            pool = layers.GlobalAveragePooling1D()
            both = layers.concatenate([pool(first(a)), pool(second(b))])
            return keras.Model([a, b], layers.Dense(1)(both)).count_params()

        predicted_params = (count(True), count(False))
    """),
    right(PREDICT, "floats", "whole floats in a list", "predicted_params = [4833.0, 9633.0]"),
    right(PREDICT, "difference", "the second as the first plus one table", """
        shared = 300 * 16 + 33
        predicted_params = (shared, shared + 300 * 16)
    """),
    wrong(PREDICT, "no-dense-bias", "the Dense(1) without its bias", ("bias",), "predicted_params = (4832, 9632)"),
    wrong(PREDICT, "vocab-only", "the Embedding as one number per word", ("300 x 16", "table", "vector"),
          "predicted_params = (300 + 33, 600 + 33)"),
    wrong(PREDICT, "pool-weights", "the pooling given a weight per feature", ("pooling", "no weights"),
          "predicted_params = (4833 + 32, 9633 + 32)"),
    wrong(PREDICT, "dense-per-text", "a Dense(1) counted per text", ("Dense(1)", "one Dense"),
          "predicted_params = (4800 + 2 * 17, 9600 + 2 * 17)"),
    wrong(PREDICT, "text", "the counts as text", ("whole number",), 'predicted_params = ("4,833", "9,633")'),

    # fn07_fix_matcher: both texts through query_embedding itself, pooled, Dot(axes=1); matcher left alone
    right(MATCHER, "functional-encoder", "a shared functional encoder over query_embedding", _QD + """
        ids = keras.Input(shape=(None,), dtype="int32")
        encoder = keras.Model(ids, layers.GlobalAveragePooling1D()(query_embedding(ids)))
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([encoder(qi), encoder(di)]))
    """),
    wrong(MATCHER, "multiply-sum", "the dot product as multiply and sum: the task names layers.Dot(axes=1)",
          ("Dot",), _QD + """
        pool = layers.GlobalAveragePooling1D()
        q_vec = pool(query_embedding(qi))
        d_vec = pool(query_embedding(di))
        fixed_matcher = keras.Model([qi, di], keras.ops.sum(q_vec * d_vec, axis=-1, keepdims=True))
    """),
    right(MATCHER, "dot-last-axis", "Dot(axes=-1), the layer found by name", _QD + """
        emb = matcher.get_layer("query_embedding")
        p1, p2 = layers.GlobalAveragePooling1D(), layers.GlobalAveragePooling1D()
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=-1)([p1(emb(qi)), p2(emb(di))]))
    """),
    right(MATCHER, "axes-pair", "Dot(axes=(1, 1)), one pooling layer per text, defaults spelt out", _QD + """
        q_vec = layers.GlobalAveragePooling1D(keepdims=False)(query_embedding(qi))
        d_vec = layers.GlobalAveragePooling1D(keepdims=False)(query_embedding(di))
        fixed_matcher = keras.Model(inputs=[qi, di], outputs=layers.Dot(axes=(1, 1), normalize=False)([q_vec, d_vec]))
    """),
    wrong(MATCHER, "cosine", "Dot(axes=1, normalize=True): a cosine, not the dot product",
          ("normalize", "Dot", "dot product"), _QD + """
        pool = layers.GlobalAveragePooling1D()
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1, normalize=True)([pool(query_embedding(qi)),
                                                                                  pool(query_embedding(di))]))
    """),
    wrong(MATCHER, "max-pool", "GlobalMaxPooling1D instead of the average", ("average", "pooling"), _QD + """
        pool = layers.GlobalMaxPooling1D()
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(query_embedding(qi)), pool(query_embedding(di))]))
    """),
    wrong(MATCHER, "weights-copied", "a new Embedding with query_embedding's weights copied in",
          ("query_embedding", "new", "object", "copy"), _QD + """
        words = layers.Embedding(1000, 16)
        words.build((None, None))
        words.set_weights(query_embedding.get_weights())
        pool = layers.GlobalAveragePooling1D()
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(words(qi)), pool(words(di))]))
    """),
    wrong(MATCHER, "trained-overwritten", "query_embedding's trained weights overwritten with doc_embedding's",
          ("trained", "weights", "changed"), _QD + """
        query_embedding.set_weights(doc_embedding.get_weights())
        pool = layers.GlobalAveragePooling1D()
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(query_embedding(qi)), pool(query_embedding(di))]))
    """),
    wrong(MATCHER, "one-input", "one input read twice", ("two inputs", "document", "input"), _QD + """
        pool = layers.GlobalAveragePooling1D()
        fixed_matcher = keras.Model(qi, layers.Dot(axes=1)([pool(query_embedding(qi)), pool(query_embedding(qi))]))
    """),
    wrong(MATCHER, "matcher-rewired", "matcher's doc_embedding overwritten with the trained weights, matcher given",
          ("matcher", "32,000", "parameters", "same layer"), """
        doc_embedding.set_weights(query_embedding.get_weights())
        fixed_matcher = matcher
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
_SHARED_SECRETS = (r"\b4833\b", r"4,833", r"\b9633\b", r"9,633")
CASES += [
    right("fn07_shared_embedding", "keyword-dims-list", "Embedding(input_dim=..., output_dim=...), list outputs", _IDS + """
        emb = keras.layers.Embedding(input_dim=500, output_dim=8)
        pair_model = keras.Model(inputs=[ids_1, ids_2], outputs=[emb(ids_1), emb(ids_2)])
    """),
    wrong("fn07_shared_embedding", "vocab-501", "off by one: Embedding(501, 8)", ("Embedding", "parameters", "500"), _IDS + """
        emb = layers.Embedding(501, 8)
        pair_model = keras.Model([ids_1, ids_2], [emb(ids_1), emb(ids_2)])
    """),
    wrong("fn07_shared_embedding", "joined", "the two embedded sequences joined into one output", ("output", "two"), _IDS + """
        emb = layers.Embedding(500, 8)
        pair_model = keras.Model([ids_1, ids_2], layers.concatenate([emb(ids_1), emb(ids_2)], axis=1))
    """),
    right("fn07_siamese", "subtract-layer-object", "layers.Subtract() layer object, keyword Model", _TWO + """
        encoder = keras.layers.Dense(units=4, activation="relu")
        diff = keras.layers.Subtract()([encoder(left), encoder(right)])
        siamese = keras.Model(inputs=[left, right], outputs=keras.layers.Dense(1, activation="sigmoid")(diff))
    """),
    wrong("fn07_siamese", "one-input", "one input read twice", ("input", "two"), """
        x = keras.Input(shape=(10,))
        encoder = layers.Dense(4, activation="relu")
        siamese = keras.Model(x, layers.Dense(1, activation="sigmoid")(layers.subtract([encoder(x), encoder(x)])))
    """),
    right(PREDICT, "tuple-arithmetic", "the arithmetic written out", """
        predicted_params = (300 * 16 + (2 * 16 + 1), 2 * 300 * 16 + (2 * 16 + 1))
    """),
    wrong(PREDICT, "swapped", "order: the separate version first", ("order", "shared", "first"), """
        predicted_params = (9633, 4833)
    """, secrets=_SHARED_SECRETS),
    wrong(PREDICT, "dense-on-16", "the Dense(1) read as taking 16 features (the concatenation missed)", ("Dense", "concatenat", "features"), """
        predicted_params = (4817, 9617)
    """, secrets=_SHARED_SECRETS),
    right(MATCHER, "given-inputs-reused", "matcher's own Input tensors reused, query_embedding by name", """
        shared = matcher.get_layer("query_embedding")
        q2 = layers.GlobalAveragePooling1D()(shared(query))
        d2 = layers.GlobalAveragePooling1D()(shared(document))
        fixed_matcher = keras.Model([query, document], layers.Dot(axes=1)([q2, d2]))
    """),
    wrong(MATCHER, "doc-embedding-shared", "the untrained doc_embedding shared instead (same count)", ("query_embedding", "trained"), _QD + """
        qv = layers.GlobalAveragePooling1D()(doc_embedding(qi))
        dv = layers.GlobalAveragePooling1D()(doc_embedding(di))
        fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([qv, dv]))
    """),
]
