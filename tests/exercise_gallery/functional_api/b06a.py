"""B6a · Multiple inputs and outputs: fn06a_ticket_heads, fn06a_compile_dicts."""
from exercise_gallery.functional_api import block, right, wrong

HEADS = "fn06a_ticket_heads"
LOSSES = "fn06a_compile_dicts"

_INPUTS = block("""
title = keras.Input(shape=(None,), name="title")
tags = keras.Input(shape=(12,), name="tags")
""")

CASES = [
    # ---- fn06a_ticket_heads: title -> Embedding(1000, 16) -> LSTM(8); tags(12); concat; Dense(1) priority, Dense(4) department
    right(HEADS, "list-outputs-tags-first", "list outputs, tags first in the concatenation and the inputs", _INPUTS + """
        words = layers.LSTM(8)(layers.Embedding(1000, 16)(title))
        x = layers.Concatenate()([tags, words])
        ticket_small = keras.Model([tags, title], [layers.Dense(1, name="priority")(x),
                                                   layers.Dense(4, name="department")(x)])
    """),
    right(HEADS, "dict-inputs-int", "dict inputs, int32 word ids, keyword arguments", """
        title = keras.Input(shape=(None,), dtype="int32", name="title")
        tags = keras.Input(shape=(12,), name="tags")
        x = layers.Embedding(input_dim=1000, output_dim=16)(title)
        x = layers.LSTM(units=8)(x)
        x = keras.layers.concatenate([x, tags])
        priority = layers.Dense(1, activation=None, name="priority")(x)
        department = layers.Dense(units=4, name="department")(x)
        ticket_small = keras.Model(inputs={"title": title, "tags": tags},
                                   outputs={"priority": priority, "department": department})
    """),
    right(HEADS, "unnamed-inputs-ops", "inputs without names, keras.ops.concatenate", """
        title = keras.Input(shape=(None,))
        tags = keras.Input(shape=(12,))
        x = keras.ops.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags], axis=-1)
        ticket_small = keras.Model([title, tags], {"priority": layers.Dense(1, name="priority")(x),
                                                   "department": layers.Dense(4, name="department")(x)})
    """),
    wrong(HEADS, "head-activations", "activation: sigmoid and softmax on heads the task leaves without",
          ("activation",), _INPUTS + """
        x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])
        ticket_small = keras.Model([title, tags], {
            "priority": layers.Dense(1, activation="sigmoid", name="priority")(x),
            "department": layers.Dense(4, activation="softmax", name="department")(x)})
    """),
    wrong(HEADS, "embedding-swapped", "Embedding(16, 1000): vocabulary and size swapped",
          ("Embedding", "parameters"), _INPUTS + """
        x = layers.concatenate([layers.LSTM(8)(layers.Embedding(16, 1000)(title)), tags])
        ticket_small = keras.Model([title, tags], {"priority": layers.Dense(1, name="priority")(x),
                                                   "department": layers.Dense(4, name="department")(x)})
    """),
    wrong(HEADS, "fixed-length-title", "title of a fixed length (10) instead of any length",
          ("title", "any length", "None"), """
        title = keras.Input(shape=(10,), name="title")
        tags = keras.Input(shape=(12,), name="tags")
        x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])
        ticket_small = keras.Model([title, tags], {"priority": layers.Dense(1, name="priority")(x),
                                                   "department": layers.Dense(4, name="department")(x)})
    """),
    wrong(HEADS, "names-swapped", "head names swapped", ("priority", "department"), _INPUTS + """
        x = layers.concatenate([layers.LSTM(8)(layers.Embedding(1000, 16)(title)), tags])
        ticket_small = keras.Model([title, tags], [layers.Dense(1, name="department")(x),
                                                   layers.Dense(4, name="priority")(x)])
    """),
    wrong(HEADS, "no-lstm", "structure: the title averaged instead of read by an LSTM", ("LSTM",), _INPUTS + """
        x = layers.GlobalAveragePooling1D()(layers.Embedding(1000, 16)(title))
        x = layers.concatenate([x, tags])
        ticket_small = keras.Model([title, tags], {"priority": layers.Dense(1, name="priority")(x),
                                                   "department": layers.Dense(4, name="department")(x)})
    """),

    # ---- fn06a_compile_dicts: total = 1.0 x BCE(priority) + 0.2 x CCE(department), logits; ticket_model
    right(LOSSES, "lists-in-output-order", "loss and weight lists in output_names order", """
        ticket_model.compile(optimizer="adam",
                             loss=[keras.losses.CategoricalCrossentropy(from_logits=True),
                                   keras.losses.BinaryCrossentropy(from_logits=True)],
                             loss_weights=[0.2, 1.0])
        ticket_compiled = ticket_model
    """),
    right(LOSSES, "custom-loss-functions", "custom loss functions", """
        def priority_loss(y_true, y_pred):
            return keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)

        def department_loss(y_true, y_pred):
            return keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=True)

        ticket_model.compile(optimizer=keras.optimizers.Adam(1e-3),
                             loss={"priority": priority_loss, "department": department_loss},
                             loss_weights={"priority": 1, "department": 0.2})
        ticket_compiled = ticket_model
    """),
    right(LOSSES, "weight-folded-in-loss", "the 0.2 folded into the department loss, no loss_weights", """
        cce = keras.losses.CategoricalCrossentropy(from_logits=True)

        def weighted_department(y_true, y_pred):
            return 0.2 * cce(y_true, y_pred)

        ticket_model.compile(optimizer="rmsprop",
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": weighted_department})
        ticket_compiled = ticket_model
    """),
    right(LOSSES, "with-metrics-acc", "extra metrics per output, 'acc' alias", """
        ticket_model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                             loss_weights={"priority": 1.0, "department": 0.2},
                             metrics={"priority": ["mae"], "department": ["acc"]})
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "string-losses", "loss: string losses (probabilities, from_logits=False)",
          ("logits", "from_logits"), """
        ticket_model.compile(optimizer="rmsprop",
                             loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
                             loss_weights={"priority": 1.0, "department": 0.2})
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "weights-swapped", "loss weights swapped", ("weight",), """
        ticket_model.compile(optimizer="rmsprop",
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                             loss_weights={"priority": 0.2, "department": 1.0})
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "lists-declaration-order", "order: loss lists in declaration order (outputs are sorted by name)",
          ("order", "dict", "priority", "department"), """
        ticket_model.compile(optimizer="rmsprop",
                             loss=[keras.losses.BinaryCrossentropy(from_logits=True),
                                   keras.losses.CategoricalCrossentropy(from_logits=True)],
                             loss_weights=[1.0, 0.2])
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "sparse-department", "loss: sparse cross-entropy for one-hot departments",
          ("department", "one-hot", "Categorical"), """
        ticket_model.compile(optimizer="rmsprop",
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
                             loss_weights={"priority": 1.0, "department": 0.2})
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "fresh-model", "provenance: a freshly built ticket model compiled instead of ticket_model",
          ("ticket_model",), """
        ticket_compiled = build_ticket_model(num_words=100, embed_dim=4, title_units=4, body_units=4)
        ticket_compiled.compile(optimizer="rmsprop",
                                loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                      "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                                loss_weights={"priority": 1.0, "department": 0.2})
    """),
]

# ---- the practice items added after the audit (held-out answers: other spellings, typical mistakes)
MERGE = "fn06a_predict_merge"
KEYS = "fn06a_fix_loss_keys"
_BCE = "keras.losses.BinaryCrossentropy(from_logits=True)"
_CCE = "keras.losses.CategoricalCrossentropy(from_logits=True)"

CASES += [
    # fn06a_predict_merge: (16, 8, 29)
    right(MERGE, "sum-of-parts", "the merged width as a sum of named parts", """
        t_width, b_width, tags_width = 16, 8, 5
        merge_widths = (t_width, b_width, t_width + b_width + tags_width)
    """),
    right(MERGE, "numpy", "NumPy integers", """
        import numpy as np
        merge_widths = tuple(np.array([16, 8, 29], dtype=np.int32))
    """),
    right(MERGE, "floats", "whole floats", "merge_widths = (16.0, 8.0, 29.0)"),
    wrong(MERGE, "no-title", "the merged width without the title branch", ("title", "three", "add up"),
          "merge_widths = (16, 8, 8 + 5)"),
    wrong(MERGE, "no-body", "the merged width without the body branch", ("body", "three", "add up"),
          "merge_widths = (16, 8, 16 + 5)"),
    wrong(MERGE, "product", "widths multiplied instead of added", ("side by side", "add up"),
          "merge_widths = (16, 8, 16 * 8 * 5)"),
    wrong(MERGE, "sequence-length", "the body's width as its (unknown) length", ("whole number", "None"),
          "merge_widths = (16, None, 29)"),
    wrong(MERGE, "shapes", "whole shapes instead of widths", ("whole number",),
          "merge_widths = ((None, 16), (None, 8), (None, 29))"),

    # fn06a_fix_loss_keys: ticket_fixme compiled again with losses by the real output names
    right(KEYS, "weights-reordered-ints", "weights in another order, 1 as an int", f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"department": {_CCE}, "priority": {_BCE}}},
                             loss_weights={{"department": 0.2, "priority": 1}})
        ticket_repaired = ticket_fixme
    """),
    right(KEYS, "names-from-layers", "keys taken from the output layers' names", f"""
        priority_name = ticket_fixme.get_layer("priority").name
        department_name = ticket_fixme.get_layer("department").name
        ticket_fixme.compile(optimizer=keras.optimizers.RMSprop(),
                             loss={{priority_name: {_BCE}, department_name: {_CCE}}},
                             loss_weights={{priority_name: 1.0, department_name: 0.2}})
        ticket_repaired = ticket_fixme
    """),
    right(KEYS, "with-metrics", "metrics per output added", f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}},
                             loss_weights={{"priority": 1.0, "department": 0.2}},
                             metrics={{"department": ["accuracy"]}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "compile-returns-none", "ticket_repaired = ticket_fixme.compile(...)", ("None",), f"""
        ticket_repaired = ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}},
                                               loss_weights={{"priority": 1.0, "department": 0.2}})
    """),
    wrong(KEYS, "priority-probabilities", "binary cross-entropy without from_logits",
          ("logits", "from_logits"), f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": "binary_crossentropy", "department": {_CCE}}},
                             loss_weights={{"priority": 1.0, "department": 0.2}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "sparse-department", "sparse cross-entropy for one-hot departments", ("one-hot", "sparse"), f"""
        ticket_fixme.compile(optimizer="rmsprop",
                             loss={{"priority": {_BCE},
                                   "department": keras.losses.SparseCategoricalCrossentropy(from_logits=True)}},
                             loss_weights={{"priority": 1.0, "department": 0.2}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "no-weights", "loss_weights left out (both 1.0)", ("0.2", "weight"), f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "department-dropped", "only the priority loss", ("department",), f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}}}, loss_weights={{"priority": 1.0}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "scaled-weights", "weights 5 : 1 (the same ratio, another loss)", ("0.2", "weight"), f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}},
                             loss_weights={{"priority": 5.0, "department": 1.0}})
        ticket_repaired = ticket_fixme
    """),
]

# ---- red-team additions: written from the task text only, classes the cases above lack
CASES += [
    right(HEADS, "dict-outputs-layer-object", "Concatenate() layer object, outputs as a dict by name", _INPUTS + """
        t = layers.LSTM(8)(layers.Embedding(1000, 16)(title))
        joined = layers.Concatenate()([t, tags])
        ticket_small = keras.Model(inputs=[title, tags],
                                   outputs={"priority": layers.Dense(1, name="priority")(joined),
                                            "department": layers.Dense(4, name="department")(joined)})
    """),
    wrong(HEADS, "name-capitalised", "a head named 'Priority' (names are case-sensitive)", ("name", "priority"), _INPUTS + """
        t = layers.LSTM(8)(layers.Embedding(1000, 16)(title))
        joined = layers.concatenate([t, tags])
        ticket_small = keras.Model([title, tags], [layers.Dense(1, name="Priority")(joined),
                                                   layers.Dense(4, name="department")(joined)])
    """),
    wrong(HEADS, "lstm-16", "LSTM(16): the embedding's size taken as the LSTM's units", ("LSTM", "units", "parameters"), _INPUTS + """
        t = layers.LSTM(16)(layers.Embedding(1000, 16)(title))
        joined = layers.concatenate([t, tags])
        ticket_small = keras.Model([title, tags], [layers.Dense(1, name="priority")(joined),
                                                   layers.Dense(4, name="department")(joined)])
    """),
    wrong(LOSSES, "no-weights", "loss_weights left out (both 1.0)", ("weight", "0.2"), """
        ticket_model.compile(optimizer="adam",
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": keras.losses.CategoricalCrossentropy(from_logits=True)})
        ticket_compiled = ticket_model
    """),
    wrong(LOSSES, "weights-list-declaration-order", "losses by name, weights as a list in declaration order", ("weight", "order", "department", "priority"), """
        ticket_model.compile(optimizer="adam",
                             loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                                   "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                             loss_weights=[1.0, 0.2])
        ticket_compiled = ticket_model
    """),
    right(MERGE, "list", "a list", """
        merge_widths = [16, 8, 29]
    """),
    wrong(MERGE, "no-tags", "the merged width without the tags", ("tags", "merged", "third"), """
        merge_widths = (16, 8, 24)
    """),
    wrong(MERGE, "lstm-as-embedding", "t's width taken from the Embedding (8), not the LSTM", ("LSTM", "t", "first"), """
        merge_widths = (8, 8, 21)
    """),
    right(KEYS, "keys-from-output-names", "keys read from ticket_fixme.output_names", """
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        cce = keras.losses.CategoricalCrossentropy(from_logits=True)
        by_name = {"priority": (bce, 1.0), "department": (cce, 0.2)}
        ticket_fixme.compile(optimizer="rmsprop",
                             loss={n: by_name[n][0] for n in ticket_fixme.output_names},
                             loss_weights={n: by_name[n][1] for n in ticket_fixme.output_names})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "weights-keys-old", "the loss keys repaired, the loss_weights keys left wrong", ("loss_weights", "weight", "key", "name"), f"""
        ticket_fixme.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}},
                             loss_weights={{"priority_score": 1.0, "dept": 0.2}})
        ticket_repaired = ticket_fixme
    """),
    wrong(KEYS, "fresh-model", "provenance: a new ticket model compiled instead of ticket_fixme", ("ticket_fixme", "itself", "new", "same"), f"""
        ticket_repaired = build_ticket_model(num_words=100, embed_dim=4, title_units=4, body_units=4)
        ticket_repaired.compile(optimizer="rmsprop", loss={{"priority": {_BCE}, "department": {_CCE}}},
                                loss_weights={{"priority": 1.0, "department": 0.2}})
    """),
]
