"""Hidden part of chapter B5 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

ENS_IN = "ens_in = keras.Input(shape=(5,))\n"

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
        equivalent_mutants={
            "layers.Dense(4, activation='relu')(...) wrapped in a new keras.Sequential": 'the task composes models: a member whose hidden Dense sits in a Sequential of its own is still a new model with its own weights, called on the shared input and averaged the same way',
        },
        explanation="Each call of the member-building function makes a new model with its own weights, so three "
                    "calls give three separate members. Called on one shared keras.Input, each member is one "
                    "layer of the ensemble, and layers.average takes their element-wise mean. Each member has "
                    "8 x 4 + 4 + 4 x 1 + 1 = 41 parameters; the average adds none: 3 x 41 = 123.",
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
        equivalent_mutants={
            'given tiny_encoder recompiled first (sgd, mse)': 'compiling a given model changes none of its layers: the new model calls the same ones',
            'given tiny_decoder recompiled first (sgd, mse)': 'compiling a given model changes none of its layers: the new model calls the same ones',
            'given tiny_encoder frozen first (trainable = False)': 'freezing a nested model is allowed (an other solution freezes tiny_encoder): tiny_ae still calls the given models with their weights',
            'given tiny_decoder frozen first (trainable = False)': 'freezing a nested model is allowed (an other solution freezes tiny_encoder): tiny_ae still calls the given models with their weights',
        },
        explanation="A model called on a tensor acts as one layer: tiny_encoder(x) and then tiny_decoder(...) "
                    "re-use both models, their layers and their weights, inside the new model. A new keras.Input "
                    "gives tiny_ae its own input; no new layer is needed, so its 32 parameters are the 14 of the "
                    "encoder plus the 18 of the decoder.",
    ),
    Hidden(
        "fn05_read_nested",
        expected=["a", "b", "a"],
        checks=[c.equals_expected("the answers are not right yet")],
        wrong_answers=[
            ("nested_answers = ('b', 'b', 'a')", "one entry of the parent's layers"),
            ("nested_answers = ('c', 'b', 'a')", "InputLayer included"),
            ("nested_answers = ('a', 'a', 'a')", "brings all its weights"),
            ("nested_answers = ('a', 'c', 'a')", "the whole autoencoder"),
            ("nested_answers = ('a', 'b', 'c')", "nothing is copied"),
            ("nested_answers = ('a', 'b', 'b')", "question 3"),
        ],
        other_solutions=[
            "nested_answers = ['a', 'b', 'a']",
            "nested_answers = ('A', 'B', 'A')",
            "nested_answers = tuple('aba')",
        ],
        explanation="autoencoder.layers holds three entries: its InputLayer, the encoder model and the decoder "
                    "model, each nested model one entry however many layers it has. The encoder's row counts all "
                    "of its 18,672 parameters, and its Conv2D layers do not get rows of their own: they are inside "
                    "that one row (plot_model's expand_nested=True would draw them).",
    ),
    Hidden(
        "fn05_fix_ensemble",
        wrong_answers=[
            ("fixed_ensemble = broken_ensemble", "3 outputs"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.concatenate([m(ens_in) for m in (m_a, m_b, m_c)]))",
             "side by side"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.add([m(ens_in) for m in (m_a, m_b, m_c)]))", "adds"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.average([m(ens_in) for m in "
             "(make_member(), make_member(), make_member())]))", "none of the given members"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.average([m_a(ens_in), m_a(ens_in), m_a(ens_in)]))",
             "does not use m_b, m_c"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.Dense(1)(layers.concatenate([m(ens_in) for m in "
             "(m_a, m_b, m_c)])))", "weights of its own"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.maximum([m(ens_in) for m in (m_a, m_b, m_c)]))",
             "not the mean"),
            (ENS_IN + "fixed_ensemble = keras.Model(ens_in, layers.average([keras.models.clone_model(m)(ens_in) "
             "for m in (m_a, m_b, m_c)]))", "none of the given members"),
        ],
        other_solutions=[
            ENS_IN + "outs = [m(ens_in) for m in (m_a, m_b, m_c)]\nfixed_ensemble = keras.Model(ens_in, "
            "(outs[0] + outs[1] + outs[2]) / 3)",
            "start = keras.Input(shape=(5,))\nfixed_ensemble = keras.Model(inputs=start, outputs=layers.Average()("
            "[m_a(start), m_b(start), m_c(start)]), name='ensemble')",
            "fixed_ensemble = keras.Model(broken_ensemble.inputs, layers.average(broken_ensemble.outputs))",
        ],
        equivalent_mutants={
            'given m_a recompiled first (sgd, mse)': 'compiling a given model changes none of its layers: the new model calls the same ones',
            'given m_b recompiled first (sgd, mse)': 'compiling a given model changes none of its layers: the new model calls the same ones',
            'given m_c recompiled first (sgd, mse)': 'compiling a given model changes none of its layers: the new model calls the same ones',
        },
        explanation="broken_ensemble hands keras.Model the three members' outputs as a list, so it has three "
                    "outputs, one prediction per member. An ensemble combines them into one: layers.average "
                    "takes their element-wise mean. Calling the given members m_a, m_b, m_c themselves keeps their "
                    "weights; new or cloned members would predict something else.",
    ),
]
