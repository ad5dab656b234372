"""Hidden part of chapter B6a (instructor only: never released, never in the student's package)."""
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
    ),
]
