"""Hidden part of chapter A7 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
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
            ("model = source\nfor layer in model.layers[:-1]:\n    layer.trainable = False", "`source`"),
            ("model = check\nfor layer in model.layers[:-1]:\n    layer.trainable = False", "a fresh one"),
        ],
        other_solutions=[
            "model = make_mlp()\nmodel.layers[0].trainable = False\nmodel.layers[1].trainable = False\n"
            "model.layers[2].trainable = False",
            "model = make_mlp()\nfor layer in model.layers:\n    layer.trainable = layer is model.layers[-1]",
            "model = make_mlp()\n*body, head = model.layers\nfor layer in body:\n    layer.trainable = False",
        ],
        explanation="layer.trainable = False on each layer but the last freezes the three hidden layers: their "
                    "27,232 parameters become non-trainable and only the output layer's 32*10 + 10 = 330 learn. "
                    "model.trainable = False would freeze the last layer too, whatever its own flag says.",
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
        equivalent_mutants={
            "given donor changed first: its weights moved (trained again)": "the task reuses donor's own layer "
            "objects and accepts changing donor itself (an other solution pops its head and adds the new one): "
            "the body is still donor's layers, whatever values their weights hold",
            "given donor recompiled first (sgd, mse)": "compiling donor changes neither its layers nor their weights: "
            "the new model reuses the same frozen layers",
            "given donor frozen first (trainable = False)": "the task freezes donor's hidden layers itself; donor's "
            "own last layer, frozen too, is not part of the new model",
        },
        explanation="donor.layers[:-1] are donor's three trained hidden layers themselves; frozen, their weights "
                    "stay as they are. A keras.Input of 784 numbers in front and a new Dense(3, softmax) on top "
                    "give a model of 27,232 frozen and 99 trainable parameters: only the new head learns.",
    ),
    Hidden(
        "seq07_predict_trainable",
        expected=[1386, 26176],
        checks=[c.equals_expected("not the right numbers yet")],
        wrong_answers=[
            ("param_split = (26176, 1386)", "belong to the other layers"),
            ("param_split = (330, 27232)", "still learns"),
            ("param_split = (1344, 26112)", "bias too"),
            ("param_split = (27562, 0)", "non-trainable ones"),
            ("param_split = (1386, 26000)", "add up"),
            ("param_split = 1386", "2 numbers"),
            ("param_split = (1056, 26506)", "not the right numbers"),
        ],
        other_solutions=[
            "param_split = [1386, 26176]",
            "param_split = ((32 * 32 + 32) + (32 * 10 + 10), (784 * 32 + 32) + (32 * 32 + 32))",
            "import numpy as np\nparam_split = np.array([1386, 26176])",
        ],
        explanation="make_mlp()'s Dense layers have 784*32 + 32 = 25,120, 1,056, 1,056 and 330 parameters. "
                    "layers[0] and layers[2] (the first and the third) are frozen: 25,120 + 1,056 = 26,176 "
                    "non-trainable; layers[1] and the output layer still learn: 1,056 + 330 = 1,386.",
    ),
    Hidden(
        "seq07_read_frozen",
        expected=["b", "c", "e"],
        checks=[c.equals_expected("not the right set of letters yet")],
        wrong_answers=[
            ("frozen_layers = {'a', 'd'}", "layers that still learn"),
            ("frozen_layers = {'c', 'e'}", "letter b"),
            ("frozen_layers = {'b', 'c'}", "letter e"),
            ("frozen_layers = {'a', 'b', 'c', 'e'}", "letter a"),
            ("frozen_layers = {'b', 'c', 'd', 'e'}", "letter d"),
            ("frozen_layers = {'a', 'b'}", "not the right set"),
            ("frozen_layers = {'b', 'f'}", "not among the options"),
        ],
        other_solutions=[
            "frozen_layers = 'B, C, E'",
            "frozen_layers = ['e', 'c', 'b']",
            "frozen_layers = {name for name in 'bce'}",
        ],
        explanation="The layers have 130, 88, 54, 28 and 10 parameters and the summary reports 152 non-trainable "
                    "ones. Only b, c and e add up to it (88 + 54 + 10); a and d, 130 + 28 = 158, are the trainable "
                    "params. The per-layer rows say nothing about freezing: the totals do.",
    ),
]
