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
