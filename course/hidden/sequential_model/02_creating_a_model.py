"""Hidden part of chapter A2 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq02_new_head",
        wrong_answers=[
            ("model = make_draft()\nmodel.add(layers.Dense(10, activation='softmax'))", "one too many"),
            ("model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10))", "activation"),
            ("model = make_draft()\nmodel.pop()\nmodel.pop()\nmodel.add(layers.Dense(10, activation='softmax'))",
             "missing"),
            ("model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10, activation='sigmoid'))", "activation"),
            ("model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(1, activation='softmax'))", "units"),
            ("model = make_draft()\nmodel.layers[-1].activation = keras.activations.softmax", "units"),
        ],
        other_solutions=[
            "model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10))\nmodel.add(layers.Softmax())",
            "model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation='relu'),\n"
            "                          layers.Dense(64, activation='relu'), layers.Dense(10, activation='softmax')])",
            "draft = make_draft()\ndraft.pop()\ndraft.add(layers.Dense(10, activation=keras.activations.softmax))\n"
            "model = draft",
            "model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10, activation='softmax', name='digits'))",
            "model = keras.Sequential(make_draft().layers[:-1] + [layers.Dense(10, activation='softmax')])",
            "model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10, activation=lambda z: keras.ops.softmax(z)))",
            "model = make_draft()\nmodel.pop()\nmodel.add(layers.Dense(10))\n"
            "model.add(layers.Lambda(lambda z: keras.activations.softmax(z)))",
        ],
    ),
    Hidden(
        "seq02_named_model",
        wrong_answers=[
            ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation='relu', "
             "name='hidden'), layers.Dense(10, name='scores')])", "model's name"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, activation='relu'))\nmodel.add(layers.Dense(10))", "name of layer 1"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, activation='relu', name='hidden'))\n"
             "model.add(layers.Dense(10, activation='relu', name='scores'))", "activation"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, name='hidden'))\nmodel.add(layers.Dense(10, name='scores'))", "activation"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(28, 28)))\n"
             "model.add(layers.Dense(32, activation='relu', name='hidden'))\n"
             "model.add(layers.Dense(10, name='scores'))", "input sample"),
            ("model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=(784,)))\n"
             "model.add(layers.Dense(32, activation='relu', name='scores'))\n"
             "model.add(layers.Dense(10, name='hidden'))", "name of layer 1"),
        ],
        other_solutions=[
            "model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation='relu', name='hidden'),\n"
            "                          layers.Dense(10, name='scores')], name='digit_classifier')",
            "model = keras.Sequential(name='digit_classifier')\n"
            "model.add(layers.Dense(32, name='hidden', input_shape=(784,)))\nmodel.add(layers.ReLU())\n"
            "model.add(layers.Dense(10, activation='linear', name='scores'))",
            "model = keras.Sequential(name='digit_classifier')\nmodel.add(keras.Input(shape=[784]))\n"
            "model.add(layers.Dense(units=32, activation=keras.activations.relu, name='hidden'))\n"
            "model.add(layers.Dense(units=10, activation=None, name='scores'))",
        ],
    ),
]
