"""Hidden part of chapter B6a (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

INPUTS = "title = keras.Input(shape=(None,), name='title')\ntags = keras.Input(shape=(12,), name='tags')\n"
TRUNK = INPUTS + "x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])\n"
BCE = "keras.losses.BinaryCrossentropy(from_logits=True)"
CCE = "keras.losses.CategoricalCrossentropy(from_logits=True)"
DONE = "\nticket_compiled = ticket_model"

HIDDEN = [
    Hidden(
        "fn06a_ticket_heads",
        wrong_answers=[
            (TRUNK + "ticket_small = keras.Model([title, tags], layers.Dense(5, name='heads')(x))", "names"),
            (TRUNK + "ticket_small = keras.Model([title, tags], {'priority': layers.Dense(1, activation='sigmoid', "
             "name='priority')(x), 'department': layers.Dense(4, activation='softmax', name='department')(x)})",
             "activation"),
            (INPUTS + "x = layers.concatenate([layers.LSTM(8)(layers.Embedding(16, 1000)(title)), tags])\n"
             "ticket_small = keras.Model([title, tags], [layers.Dense(1, name='priority')(x), "
             "layers.Dense(4, name='department')(x)])", "Embedding"),
            ("title = keras.Input(shape=(10,), name='title')\ntags = keras.Input(shape=(12,), name='tags')\n"
             "x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])\n"
             "ticket_small = keras.Model([title, tags], [layers.Dense(1, name='priority')(x), "
             "layers.Dense(4, name='department')(x)])", "shape of one sample"),
            (INPUTS + "x = layers.concatenate([layers.GlobalAveragePooling1D()(layers.Embedding(1000, 16)(title)), "
             "tags])\nticket_small = keras.Model([title, tags], [layers.Dense(1, name='priority')(x), "
             "layers.Dense(4, name='department')(x)])", "LSTM"),
        ],
        other_solutions=[
            INPUTS + "words = layers.LSTM(8)(layers.Embedding(1000, 16)(title))\nx = layers.Concatenate()([tags, words])\n"
            "ticket_small = keras.Model([tags, title], [layers.Dense(1, name='priority')(x), "
            "layers.Dense(4, name='department')(x)])",
            "title = keras.Input(shape=(None,), dtype='int32', name='title')\ntags = keras.Input(shape=(12,), name='tags')\n"
            "x = keras.ops.concatenate([layers.LSTM(units=8)(layers.Embedding(input_dim=1000, output_dim=16)(title)), "
            "tags], axis=-1)\nticket_small = keras.Model(inputs={'title': title, 'tags': tags}, outputs={"
            "'priority': layers.Dense(1, activation=None, name='priority')(x), "
            "'department': layers.Dense(units=4, name='department')(x)})",
            "title = keras.Input(shape=(None,))\ntags = keras.Input(shape=(12,))\n"
            "x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])\n"
            "ticket_small = keras.Model([title, tags], {'priority': layers.Dense(1, name='priority')(x), "
            "'department': layers.Dense(4, name='department')(x)})",
        ],
        explanation="Two keras.Input tensors start the graph; the title goes through its Embedding and LSTM, "
                    "layers.concatenate joins the LSTM's 8 numbers with the 12 tags, and two Dense heads read the "
                    "20 features. Naming the heads and keying the outputs by those names lets losses and targets "
                    "be given by name later. Counts: 16,000 + 800 + 21 + 84 = 16,905.",
    ),
    Hidden(
        "fn06a_compile_dicts",
        wrong_answers=[
            ("ticket_model.compile(optimizer='rmsprop', loss={'priority': 'binary_crossentropy', "
             "'department': 'categorical_crossentropy'}, loss_weights={'priority': 1.0, 'department': 0.2})" + DONE,
             "from_logits=True"),
            (f"ticket_model.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority': 0.2, 'department': 1.0})" + DONE, "swapped"),
            (f"ticket_model.compile(optimizer='rmsprop', loss=[{BCE}, {CCE}], loss_weights=[1.0, 0.2])" + DONE,
             "swapped between the outputs"),
            (f"ticket_model.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': "
             "keras.losses.SparseCategoricalCrossentropy(from_logits=True)}, loss_weights={'priority': 1.0, "
             "'department': 0.2})" + DONE, "one-hot"),
            (f"ticket_model.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}})" + DONE,
             "0.2"),
            ("ticket_compiled = build_ticket_model(num_words=100, embed_dim=4, title_units=4, body_units=4)\n"
             f"ticket_compiled.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority': 1.0, 'department': 0.2})", "not ticket_model"),
        ],
        other_solutions=[
            f"ticket_model.compile(optimizer='adam', loss=[{CCE}, {BCE}], loss_weights=[0.2, 1.0])" + DONE,
            "def priority_loss(y_true, y_pred):\n    return keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)"
            "\n\ndef department_loss(y_true, y_pred):\n"
            "    return keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=True)\n\n"
            "ticket_model.compile(optimizer=keras.optimizers.Adam(1e-3), loss={'priority': priority_loss, "
            "'department': department_loss}, loss_weights={'priority': 1, 'department': 0.2})" + DONE,
            f"cce = {CCE}\n\ndef weighted_department(y_true, y_pred):\n    return 0.2 * cce(y_true, y_pred)\n\n"
            f"ticket_model.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': weighted_department}})"
            + DONE,
            f"ticket_model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss={{'priority': {BCE}, 'department': "
            f"{CCE}}}, loss_weights={{'priority': 1.0, 'department': 0.2}}, metrics={{'priority': ['mae'], "
            "'department': ['acc']})" + DONE,
        ],
        equivalent_mutants={
            "given ticket_model recompiled first (sgd, mse)": "the task compiles ticket_model itself: the answer's "
            "own compile() afterwards replaces the earlier one, so the model ends with the same losses and weights",
            "compile(...) without optimizer= (its default)": "the task allows any optimizer (and compile's default, "
            "rmsprop, is what the notebook uses)",
        },
        explanation="Keras adds the outputs' losses into one total, each scaled by its loss weight. Keying both "
                    "dicts by output name makes each loss land on its head whatever order model.output_names has "
                    "(dict outputs are sorted: department comes first). Both heads have no activation, so both "
                    "losses take from_logits=True.",
    ),
    Hidden(
        "fn06a_predict_merge",
        expected=[16, 8, 29],
        checks=[c.equals_expected("the widths are not right yet")],
        wrong_answers=[
            ("merge_widths = (8, 8, 21)", "one number per unit"),
            ("merge_widths = (16, 16, 37)", "no LSTM"),
            ("merge_widths = (16, 8, 24)", "5 tags"),
            ("merge_widths = (16, 500, 521)", "vocabulary"),
            ("merge_widths = (16, 8, 3)", "side by side"),
            ("merge_widths = (None, 16, 8, 29)", "number of values"),
        ],
        other_solutions=[
            "merge_widths = [16, 8, 29]",
            "merge_widths = (16, 8, 16 + 8 + 5)",
            "t = keras.Input(shape=(None,))\nb = keras.Input(shape=(None,))\ng = keras.Input(shape=(5,))\n"
            "tt = layers.LSTM(16)(layers.Embedding(500, 8)(t))\nbb = layers.GlobalAveragePooling1D()("
            "layers.Embedding(500, 8)(b))\nmerge_widths = (tt.shape[-1], bb.shape[-1], "
            "layers.concatenate([tt, bb, g]).shape[-1])",
        ],
        explanation="An LSTM(16) reads the title's word vectors one after the other and gives one vector of 16 "
                    "numbers per ticket. The body's Embedding gives 8 numbers per word, and "
                    "GlobalAveragePooling1D averages them over the words: 8. concatenate puts its inputs' "
                    "features side by side: 16 + 8 + 5 tags = 29.",
    ),
    Hidden(
        "fn06a_fix_loss_keys",
        wrong_answers=[
            (f"ticket_fixme.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority_score': 1.0, 'dept': 0.2})\nticket_repaired = ticket_fixme", "loss_weights"),
            ("ticket_repaired = ticket_fixme", "priority_score"),
            (f"ticket_fixme.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority': 0.2, 'department': 1.0})\nticket_repaired = ticket_fixme", "swapped"),
            (f"ticket_fixme.compile(optimizer='rmsprop', loss=[{BCE}, {CCE}], loss_weights=[1.0, 0.2])\n"
             "ticket_repaired = ticket_fixme", "swapped"),
            (f"ticket_fixme.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}})\n"
             "ticket_repaired = ticket_fixme", "0.2"),
            ("ticket_repaired = build_ticket_model(num_words=100, embed_dim=4, title_units=4, body_units=4)\n"
             f"ticket_repaired.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority': 1.0, 'department': 0.2})", "not ticket_fixme"),
            (f"ticket_fixme.compile(optimizer='rmsprop', loss={{'priority': {BCE}, 'department': {CCE}}}, "
             "loss_weights={'priority': 1.0, 'department': 0.2})\nticket_fixme.fit(few_tickets, few_targets, "
             "epochs=1, verbose=0)\nticket_repaired = ticket_fixme", "was trained"),
        ],
        other_solutions=[
            f"ticket_fixme.compile(optimizer='adam', loss=[{CCE}, {BCE}], loss_weights=[0.2, 1.0])"
            "\nticket_repaired = ticket_fixme",
            f"ticket_fixme.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss={{'department': {CCE}, "
            f"'priority': {BCE}}}, loss_weights={{'department': 0.2, 'priority': 1.0}})\nticket_repaired = ticket_fixme",
            "names = ticket_fixme.output_names\nlosses = {'priority': keras.losses.BinaryCrossentropy(from_logits=True), "
            "'department': keras.losses.CategoricalCrossentropy(from_logits=True)}\n"
            "ticket_fixme.compile(optimizer='rmsprop', loss={n: losses[n] for n in names}, "
            "loss_weights={'priority': 1.0, 'department': 0.2})\nticket_repaired = ticket_fixme",
        ],
        equivalent_mutants={
            "given ticket_fixme recompiled first (sgd, mse)": "the task compiles ticket_fixme itself again: the "
            "answer's own compile() afterwards replaces the earlier one, so the model ends with the same losses and "
            "weights",
            "compile(...) without optimizer= (its default)": "the task names no optimizer; compile's default, "
            "rmsprop, is the one ticket_fixme was compiled with",
        },
        explanation="Keras matches each key of the loss and loss_weights dicts with an output of the same name, "
                    "and the names are the heads' name= arguments: 'priority' and 'department'. The broken "
                    "compile keyed them 'priority_score' and 'dept', which name no output, so fit() could not "
                    "find where each loss belongs. Compiling again with keys taken from "
                    "ticket_fixme.output_names repairs it; the losses and weights themselves were right.",
    ),
]
