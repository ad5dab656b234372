"""B5 · Models are callable: fn05_ensemble, fn05_nested_autoencoder."""
from exercise_gallery.functional_api import block, right, wrong

ENSEMBLE = "fn05_ensemble"
NESTED = "fn05_nested_autoencoder"

_MEMBER = block("""
def member():
    i = keras.Input(shape=(8,))
    return keras.Model(i, layers.Dense(1)(layers.Dense(4, activation="relu")(i)))
""")

CASES = [
    # ---- fn05_ensemble: three separate Input(8) -> Dense(4, relu) -> Dense(1) members, averaged
    right(ENSEMBLE, "sequential-members", "Sequential members in a shared functional graph", """
        members = [keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
                   for _ in range(3)]
        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.average([m(shared) for m in members]))
    """),
    right(ENSEMBLE, "average-layer-names", "layers.Average(), members named m1..m3", _MEMBER + """
        m1, m2, m3 = member(), member(), member()
        shared = keras.Input((8,))
        ensemble3 = keras.Model(inputs=shared, outputs=layers.Average()([m1(shared), m2(shared), m3(shared)]),
                                name="ensemble")
    """),
    right(ENSEMBLE, "operators", "(a + b + c) / 3 with operators", _MEMBER + """
        shared = keras.Input(shape=(8,))
        a, b, c = member()(shared), member()(shared), member()(shared)
        ensemble3 = keras.Model(shared, (a + b + c) / 3)
    """),
    right(ENSEMBLE, "ops-mean", "keras.ops.mean of the stacked outputs, Activation layers in the members", """
        def member():
            i = keras.Input(shape=(8,))
            h = layers.Activation("relu")(layers.Dense(4)(i))
            return keras.Model(i, layers.Dense(1)(h))

        shared = keras.Input(shape=(8,))
        outs = [member()(shared) for _ in range(3)]
        ensemble3 = keras.Model(shared, keras.ops.mean(keras.ops.stack(outs, axis=0), axis=0))
    """),
    wrong(ENSEMBLE, "one-member-thrice", "provenance: the same member model called three times",
          ("separate", "three", "3"), _MEMBER + """
        m = member()
        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.average([m(shared), m(shared), m(shared)]))
    """),
    wrong(ENSEMBLE, "no-relu", "activation: members without their ReLU", ("activation", "relu"), """
        def member():
            i = keras.Input(shape=(8,))
            return keras.Model(i, layers.Dense(1)(layers.Dense(4)(i)))

        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.average([member()(shared) for _ in range(3)]))
    """),
    wrong(ENSEMBLE, "sum", "combination: summed, not averaged", ("average", "mean"), _MEMBER + """
        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.add([member()(shared) for _ in range(3)]))
    """),
    wrong(ENSEMBLE, "maximum", "combination: maximum, not average", ("average", "mean"), _MEMBER + """
        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.maximum([member()(shared) for _ in range(3)]))
    """),
    wrong(ENSEMBLE, "learned-combiner", "structure: concatenated and a Dense(1) on top",
          ("average", "mean"), _MEMBER + """
        shared = keras.Input(shape=(8,))
        joined = layers.concatenate([member()(shared) for _ in range(3)])
        ensemble3 = keras.Model(shared, layers.Dense(1)(joined))
    """),

    # ---- fn05_nested_autoencoder: new keras.Input(6) -> tiny_encoder -> tiny_decoder, no new layers
    right(NESTED, "two-steps-named", "intermediate variable, keyword arguments, a name", """
        start = keras.Input((6,))
        code = tiny_encoder(start)
        tiny_ae = keras.Model(inputs=start, outputs=tiny_decoder(code), name="tiny_ae")
    """),
    right(NESTED, "sequential", "a Sequential of the two models", """
        tiny_ae = keras.Sequential([keras.Input(shape=(6,)), tiny_encoder, tiny_decoder])
    """),
    right(NESTED, "list-shape-call-kwarg", "shape as a list, models called with training=False", """
        start = keras.Input(shape=[6])
        tiny_ae = keras.Model(start, tiny_decoder(tiny_encoder(start, training=False), training=False))
    """),
    right(NESTED, "frozen-encoder", "tiny_encoder frozen before nesting (a frozen nested model)", """
        tiny_encoder.trainable = False
        start = keras.Input(shape=(6,))
        tiny_ae = keras.Model(start, tiny_decoder(tiny_encoder(start)))
    """, note="the task says nothing about training; freezing changes no property it states"),
    wrong(NESTED, "new-layers", "provenance: new Dense layers instead of the two models",
          ("tiny_encoder", "tiny_decoder", "new layers"), """
        start = keras.Input(shape=(6,))
        tiny_ae = keras.Model(start, layers.Dense(6)(layers.Dense(2, activation="relu")(start)))
    """),
    wrong(NESTED, "cloned-encoder", "provenance: a fresh copy of tiny_encoder (clone_model)",
          ("tiny_encoder", "copy", "clone"), """
        start = keras.Input(shape=(6,))
        tiny_ae = keras.Model(start, tiny_decoder(keras.models.clone_model(tiny_encoder)(start)))
    """),
    wrong(NESTED, "new-decoder-layer", "provenance: a new Dense(6) in place of tiny_decoder (same count)",
          ("tiny_decoder",), """
        start = keras.Input(shape=(6,))
        tiny_ae = keras.Model(start, layers.Dense(6)(tiny_encoder(start)))
    """),
    wrong(NESTED, "encoder-graph-inlined", "structure: continues the encoder's own graph, no new Input",
          ("keras.Input", "new input", "call"), """
        tiny_ae = keras.Model(tiny_encoder.input, tiny_decoder(tiny_encoder.output))
    """, note="the task asks for a model from a new keras.Input that calls the two models"),
    wrong(NESTED, "order-reversed-shapes", "only the decoder: the encoder forgotten",
          ("tiny_encoder", "input"), """
        start = keras.Input(shape=(2,))
        tiny_ae = keras.Model(start, tiny_decoder(start))
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
NESTED = "fn05_read_nested"
FIX = "fn05_fix_ensemble"
_ENS = block("""
ens_in = keras.Input(shape=(5,))
""")

CASES += [
    # fn05_read_nested: ("a", "b", "a")
    right(NESTED, "upper", "capitals", 'nested_answers = ("A", "B", "A")'),
    right(NESTED, "split", "split from a string", 'nested_answers = tuple("a b a".split())'),
    right(NESTED, "spaces-list", "a list with spaces", 'nested_answers = ["a", " b", "a "]'),
    wrong(NESTED, "all-wrong", "every answer wrong (the first one reported)", ("one entry",),
          'nested_answers = ("b", "a", "c")'),
    wrong(NESTED, "q2-whole", "question 2: (c) the whole autoencoder", ("whole autoencoder", "decoder"),
          'nested_answers = ("a", "c", "a")'),
    wrong(NESTED, "string", "one string", ("tuple",), 'nested_answers = "aba"'),
    wrong(NESTED, "numbers", "option numbers", ("letters",), "nested_answers = (1, 2, 1)"),
    wrong(NESTED, "two", "two letters", ("3 questions",), 'nested_answers = ("a", "b")'),

    # fn05_fix_ensemble: m_a, m_b, m_c themselves, on one input, averaged to (None, 1)
    right(FIX, "stack-mean", "keras.ops.mean of the stacked predictions", _ENS + """
        stacked = keras.ops.stack([m_a(ens_in), m_b(ens_in), m_c(ens_in)], axis=0)
        fixed_ensemble = keras.Model(ens_in, keras.ops.mean(stacked, axis=0))
    """),
    right(FIX, "rescaled-sum", "layers.add, then Rescaling(1/3)", _ENS + """
        total = layers.add([m_a(ens_in), m_b(ens_in), m_c(ens_in)])
        fixed_ensemble = keras.Model(ens_in, layers.Rescaling(1 / 3)(total))
    """),
    right(FIX, "concat-mean", "concatenated, then the mean over the last axis, kept", _ENS + """
        joined = layers.concatenate([m(ens_in) for m in (m_a, m_b, m_c)])
        fixed_ensemble = keras.Model(ens_in, keras.ops.mean(joined, axis=-1, keepdims=True))
    """),
    wrong(FIX, "three-inputs", "one input per member", ("one input", "input"), """
        i1, i2, i3 = keras.Input(shape=(5,)), keras.Input(shape=(5,)), keras.Input(shape=(5,))
        fixed_ensemble = keras.Model([i1, i2, i3], layers.average([m_a(i1), m_b(i2), m_c(i3)]))
    """),
    wrong(FIX, "two-members", "m_c left out", ("m_c",), _ENS + """
        fixed_ensemble = keras.Model(ens_in, layers.average([m_a(ens_in), m_b(ens_in)]))
    """),
    wrong(FIX, "weighted", "a weighted mean (0.5, 0.25, 0.25)", ("mean", "average"), _ENS + """
        fixed_ensemble = keras.Model(ens_in, 0.5 * m_a(ens_in) + 0.25 * m_b(ens_in) + 0.25 * m_c(ens_in))
    """),
    wrong(FIX, "mean-no-keepdims", "the mean over the concatenation without keepdims: shape (None,)",
          ("shape", "(None, 1)"), _ENS + """
        joined = layers.concatenate([m(ens_in) for m in (m_a, m_b, m_c)])
        fixed_ensemble = keras.Model(ens_in, keras.ops.mean(joined, axis=-1))
    """),
    wrong(FIX, "member-overwritten", "m_a's weights overwritten with m_b's before averaging",
          ("m_a", "weights", "changed"), _ENS + """
        m_a.set_weights(m_b.get_weights())
        fixed_ensemble = keras.Model(ens_in, layers.average([m(ens_in) for m in (m_a, m_b, m_c)]))
    """),
    wrong(FIX, "member-retrained", "the members trained again on made-up data", ("trained", "weights", "changed"),
          _ENS + """
        for m in (m_a, m_b, m_c):
            m.compile(optimizer="sgd", loss="mse")
            m.fit(np.ones((8, 5), "float32"), np.zeros((8, 1), "float32"), epochs=1, verbose=0)
        fixed_ensemble = keras.Model(ens_in, layers.average([m(ens_in) for m in (m_a, m_b, m_c)]))
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    wrong(ENSEMBLE, "branches-not-models", "structure: three branches of layers, no member models (same count)", ("model", "nested", "member"), """
        shared = keras.Input(shape=(8,))
        outs = [layers.Dense(1)(layers.Dense(4, activation="relu")(shared)) for _ in range(3)]
        ensemble3 = keras.Model(shared, layers.Average()(outs))
    """),
    wrong(ENSEMBLE, "two-members", "two members averaged", ("member", "three", "3", "models"), _MEMBER + """
        m1, m2 = member(), member()
        shared = keras.Input(shape=(8,))
        ensemble3 = keras.Model(shared, layers.Average()([m1(shared), m2(shared)]))
    """),
    wrong("fn05_nested_autoencoder", "extra-activation-layer", "a new (parameter-free) sigmoid layer after the decoder", ("layer", "new", "two models", "sigmoid", "Activation"), """
        x = keras.Input(shape=(6,))
        tiny_ae = keras.Model(x, layers.Activation("sigmoid")(tiny_decoder(tiny_encoder(x))))
    """),
    wrong("fn05_nested_autoencoder", "decoder-layer-not-model", "the decoder's Dense layer called instead of the model", ("tiny_decoder", "model", "calls"), """
        x = keras.Input(shape=(6,))
        tiny_ae = keras.Model(x, tiny_decoder.layers[-1](tiny_encoder(x)))
    """),
    right("fn05_read_nested", "list", "a list", """
        nested_answers = ["a", "b", "a"]
    """),
    wrong("fn05_read_nested", "q1-flattened", "question 1: (b) every inner layer counted", ("question 1",), """
        nested_answers = ("b", "b", "a")
    """),
    wrong("fn05_read_nested", "q3-copy", "question 3: (c) calling a model copies its weights", ("question 3",), """
        nested_answers = ("a", "b", "c")
    """),
    right(FIX, "broken-graph-averaged", "broken_ensemble's own inputs and outputs, averaged", """
        fixed_ensemble = keras.Model(broken_ensemble.inputs, layers.Average()(broken_ensemble.outputs))
    """),
    right(FIX, "divide-add", "keras.ops.divide of layers.add", """
        x = keras.Input(shape=(5,))
        fixed_ensemble = keras.Model(x, keras.ops.divide(layers.add([m_a(x), m_b(x), m_c(x)]), 3.0))
    """),
    wrong(FIX, "cloned-members", "fresh copies of the members (clone_model) averaged", ("m_a", "given", "copies", "members"), """
        x = keras.Input(shape=(5,))
        copies = [keras.models.clone_model(m) for m in (m_a, m_b, m_c)]
        fixed_ensemble = keras.Model(x, layers.Average()([c(x) for c in copies]))
    """),
    wrong(FIX, "one-member-thrice", "m_a called three times", ("m_b", "m_c", "members", "each"), """
        x = keras.Input(shape=(5,))
        fixed_ensemble = keras.Model(x, layers.Average()([m_a(x), m_a(x), m_a(x)]))
    """),
]
