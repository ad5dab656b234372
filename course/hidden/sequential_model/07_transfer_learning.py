"""Hidden part of chapter A7 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

HEAD = "layers.Dense(3, activation='softmax')"

HIDDEN = [
    Hidden(
        "seq07_freeze_all_but_last",
        wrong_answers=[
            ("model = make_mlp()\nmodel.trainable = False", "every layer is frozen"),
            ("model = make_mlp()\nmodel.layers[0].trainable = False", "layer 2"),
            ("model = make_mlp()\nfor layer in model.layers[1:]:\n    layer.trainable = False", "layer 1"),
            ("model = make_mlp()\nmodel.trainable = False\nmodel.layers[-1].trainable = True", "every layer is frozen"),
            ("model = make_mlp()\nfor layer in model.layers[:-2]:\n    layer.trainable = False", "layer 3"),
            ("model = make_mlp()\nfor layer in model.layers:\n    layer.trainable = False", "every layer is frozen"),
        ],
        other_solutions=[
            "model = make_mlp()\nmodel.layers[0].trainable = False\nmodel.layers[1].trainable = False\n"
            "model.layers[2].trainable = False",
            "model = make_mlp()\nfor layer in model.layers:\n    layer.trainable = layer is model.layers[-1]",
            "model = make_mlp()\n*body, head = model.layers\nfor layer in body:\n    layer.trainable = False",
        ],
    ),
    Hidden(
        "seq07_new_head",
        wrong_answers=[
            (f"transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + [{HEAD}])",
             "not frozen"),
            ("for layer in donor.layers:\n    layer.trainable = False\n"
             f"transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers + [{HEAD}])",
             "one too many"),
            ("copy = keras.models.clone_model(donor)\nfor layer in copy.layers:\n    layer.trainable = False\n"
             f"transfer_model = keras.Sequential([keras.Input(shape=(784,))] + copy.layers[:-1] + [{HEAD}])",
             "new layer"),
            ("copy = keras.models.clone_model(donor)\ncopy.set_weights(donor.get_weights())\n"
             "for layer in copy.layers:\n    layer.trainable = False\n"
             f"transfer_model = keras.Sequential([keras.Input(shape=(784,))] + copy.layers[:-1] + [{HEAD}])",
             "copy of donor"),
            ("for layer in donor.layers:\n    layer.trainable = False\n"
             "transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + "
             "[layers.Dense(3)])", "activation"),
            ("for layer in donor.layers:\n    layer.trainable = False\n"
             "transfer_model = keras.Sequential([keras.Input(shape=(784,))] + donor.layers[:-1] + "
             "[layers.Dense(10, activation='softmax')])", "units"),
            ("fresh = make_mlp()\nfor layer in fresh.layers:\n    layer.trainable = False\n"
             f"transfer_model = keras.Sequential([keras.Input(shape=(784,))] + fresh.layers[:-1] + [{HEAD}])",
             "new layer"),
            ("inputs = keras.Input(shape=(784,))\nh = inputs\nfor layer in donor.layers[:-1]:\n"
             "    layer.trainable = False\n    h = layer(h)\n"
             f"transfer_model = keras.Model(inputs, {HEAD}(h))", "keras.Sequential"),
        ],
        other_solutions=[
            "donor.trainable = False\n"
            f"transfer_model = keras.Sequential([keras.Input(shape=(784,)), donor.layers[0], donor.layers[1], "
            f"donor.layers[2], {HEAD}])",
            "body = keras.Sequential(donor.layers[:-1])\nbody.trainable = False\n"
            "transfer_model = keras.Sequential([keras.Input(shape=(784,)), body, layers.Dense(3), "
            "layers.Activation('softmax')])",
            f"transfer_model = keras.Sequential([keras.Input(shape=(784,)), *donor.layers[:3], {HEAD}])\n"
            "for layer in transfer_model.layers[:-1]:\n    layer.trainable = False",
            "for layer in donor.layers[:-1]:\n    layer.trainable = False\n"
            f"transfer_model = keras.Sequential(donor.layers[:-1] + [{HEAD}])",
            f"donor.pop()\ndonor.add({HEAD})\nfor layer in donor.layers[:-1]:\n    layer.trainable = False\n"
            "transfer_model = donor",
        ],
    ),
]
