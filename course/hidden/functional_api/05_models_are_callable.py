"""Hidden part of chapter B5 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

MEMBER = ("def member():\n    i = keras.Input(shape=(8,))\n"
          "    return keras.Model(i, layers.Dense(1)(layers.Dense(4, activation='relu')(i)))\n\n"
          "shared_in = keras.Input(shape=(8,))\n")

HIDDEN = [
    Hidden(
        "fn05_ensemble",
        wrong_answers=[
            (MEMBER + "m = member()\nensemble3 = keras.Model(shared_in, layers.average([m(shared_in), m(shared_in), "
             "m(shared_in)]))", "one member model"),
            ("def member():\n    i = keras.Input(shape=(8,))\n    return keras.Model(i, layers.Dense(1)(layers.Dense(4)(i)))\n"
             "\nshared_in = keras.Input(shape=(8,))\n"
             "ensemble3 = keras.Model(shared_in, layers.average([member()(shared_in) for _ in range(3)]))", "activation"),
            (MEMBER + "ensemble3 = keras.Model(shared_in, layers.add([member()(shared_in) for _ in range(3)]))", "adds"),
            (MEMBER + "ensemble3 = keras.Model(shared_in, layers.maximum([member()(shared_in) for _ in range(3)]))",
             "largest"),
            (MEMBER + "ensemble3 = keras.Model(shared_in, layers.Dense(1)(layers.concatenate("
             "[member()(shared_in) for _ in range(3)])))", "weights of its own"),
            (MEMBER + "ensemble3 = keras.Model(shared_in, layers.average([member()(shared_in) for _ in range(2)]))",
             "separate member models"),
        ],
        other_solutions=[
            "members = [keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation='relu'), layers.Dense(1)]) "
            "for _ in range(3)]\nshared = keras.Input(shape=(8,))\n"
            "ensemble3 = keras.Model(shared, layers.average([m(shared) for m in members]))",
            MEMBER + "a, b, c = member()(shared_in), member()(shared_in), member()(shared_in)\n"
            "ensemble3 = keras.Model(shared_in, (a + b + c) / 3)",
            MEMBER + "outs = [member()(shared_in) for _ in range(3)]\n"
            "ensemble3 = keras.Model(shared_in, keras.ops.mean(keras.ops.stack(outs, axis=0), axis=0))",
            MEMBER + "m1, m2, m3 = member(), member(), member()\n"
            "ensemble3 = keras.Model(inputs=shared_in, outputs=layers.Average()([m1(shared_in), m2(shared_in), "
            "m3(shared_in)]), name='ensemble')",
        ],
    ),
    Hidden(
        "fn05_nested_autoencoder",
        wrong_answers=[
            ("ae_in = keras.Input(shape=(6,))\ntiny_ae = keras.Model(ae_in, layers.Dense(6)(layers.Dense(2, "
             "activation='relu')(ae_in)))", "new layer"),
            ("ae_in = keras.Input(shape=(6,))\ntiny_ae = keras.Model(ae_in, tiny_decoder(keras.models.clone_model("
             "tiny_encoder)(ae_in)))", "copy of tiny_encoder"),
            ("ae_in = keras.Input(shape=(6,))\ntiny_ae = keras.Model(ae_in, layers.Dense(6)(tiny_encoder(ae_in)))",
             "new layer"),
            ("tiny_ae = keras.Model(tiny_encoder.input, tiny_decoder(tiny_encoder.output))", "new keras.Input"),
            ("ae_in = keras.Input(shape=(2,))\ntiny_ae = keras.Model(ae_in, tiny_decoder(ae_in))", "input sample"),
        ],
        other_solutions=[
            "start = keras.Input((6,))\ncode = tiny_encoder(start)\n"
            "tiny_ae = keras.Model(inputs=start, outputs=tiny_decoder(code), name='tiny_ae')",
            "tiny_ae = keras.Sequential([keras.Input(shape=(6,)), tiny_encoder, tiny_decoder])",
            "tiny_encoder.trainable = False\nstart = keras.Input(shape=[6])\n"
            "tiny_ae = keras.Model(start, tiny_decoder(tiny_encoder(start, training=False)))",
        ],
    ),
]
