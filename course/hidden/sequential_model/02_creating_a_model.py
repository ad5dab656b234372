"""Hidden part of chapter A2 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

HIDDEN = [
    Hidden(
        "seq02_predict_pop",
        expected=[8, 6, 3],
        checks=[c.equals_expected("not the right numbers of units yet")],
        wrong_answers=[
            ("units_left = [8, 4, 6, 2, 3]", "each pop() takes the last"),
            ("units_left = [8, 6, 2, 3]", "second pop()"),
            ("units_left = [8, 4, 6, 3]", "first pop()"),
            ("units_left = [6, 2, 3]", "not the first one"),
            ("units_left = [8, 6]", "one more add()"),
            ("units_left = [3, 6, 8]", "not the right numbers"),
            ("units_left = 3", "list of whole numbers"),
        ],
        other_solutions=[
            "units_left = (8, 6, 3)",
            "import numpy as np\nunits_left = np.array([8, 6, 3])",
            "units_left = [8.0, 6, 3]",
        ],
        explanation="add() appends a layer and pop() removes the last one, like a list. After Dense(8), Dense(4) "
                    "the first pop() removes Dense(4); Dense(6), Dense(2) are added and the second pop() removes "
                    "Dense(2); Dense(3) comes last. What stays, in order: 8, 6, 3.",
    ),
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
        explanation="The draft's last layer, Dense(1, sigmoid), answers a yes/no question. pop() takes it off and "
                    "leaves the two hidden layers; add(Dense(10, activation='softmax')) puts one unit per digit "
                    "on top, and the softmax turns the ten scores into probabilities that sum to 1.",
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
        explanation="name= on keras.Sequential names the model and name= on each layer names that layer; "
                    "get_layer('hidden') then finds it whatever ran before. The input is keras.Input(shape=(784,)) "
                    "(one sample's shape) and the scores layer has no activation.",
    ),
    Hidden(
        "seq02_read_summary",
        expected=[12, 128],
        checks=[c.equals_expected("not the right numbers yet")],
        wrong_answers=[
            ("summary_reading = (16, 128)", "not the number of features"),
            ("summary_reading = (13, 128)", "the + 1 is the bias"),
            ("summary_reading = (12, 136)", "counts the 8 biases"),
            ("summary_reading = (12, 8)", "the units of 'middle'"),
            ("summary_reading = (12,)", "2 numbers"),
            ("summary_reading = (11, 128)", "not the right numbers"),
        ],
        other_solutions=[
            "summary_reading = [12, 128]",
            "summary_reading = (208 // 16 - 1, 136 - 8)",
            "import numpy as np\nsummary_reading = (np.int64(12), 128)",
        ],
        explanation="A Dense layer has (inputs + 1) * units parameters. The encoder has 16 units and 208 "
                    "parameters, so 208 / 16 = 13 = inputs + 1: 12 features come in. 'middle' has 136 parameters "
                    "and 8 units: 8 of them are biases, the other 128 = 16 * 8 are its kernel.",
    ),
]
