"""Hidden part of chapter B7 (instructor only: never released, never in the student's package)."""
from kitlib.exercises import checks as c
from kitlib.exercises.hidden import Hidden

IDS = ("ids_1 = keras.Input(shape=(None,), dtype='int32')\nids_2 = keras.Input(shape=(None,), dtype='int32')\n")
TWO = "left, right = keras.Input(shape=(10,)), keras.Input(shape=(10,))\n"
QD = "qi = keras.Input(shape=(None,), dtype='int32')\ndi = keras.Input(shape=(None,), dtype='int32')\n"
ENC = TWO + "encode = layers.Dense(4, activation='relu')\n"

HIDDEN = [
    Hidden(
        "fn07_shared_embedding",
        wrong_answers=[
            (IDS + "pair_model = keras.Model([ids_1, ids_2], [layers.Embedding(500, 8)(ids_1), "
             "layers.Embedding(500, 8)(ids_2)])", "2 different layers"),
            (IDS + "emb = layers.Embedding(8, 500)\npair_model = keras.Model([ids_1, ids_2], [emb(ids_1), emb(ids_2)])",
             "Embedding"),
            (IDS + "emb = layers.Embedding(500, 8)\npair_model = keras.Model([ids_1, ids_2], [emb(ids_1), emb(ids_1)])",
             "input 1 again"),
            ("emb = layers.Embedding(500, 8)\na = keras.Input(shape=(20,), dtype='int32')\n"
             "b = keras.Input(shape=(20,), dtype='int32')\npair_model = keras.Model([a, b], [emb(a), emb(b)])",
             "shape of one sample"),
            (IDS + "emb = layers.Embedding(500, 8)\npool = layers.GlobalAveragePooling1D()\n"
             "pair_model = keras.Model([ids_1, ids_2], [pool(emb(ids_1)), pool(emb(ids_2))])", "GlobalAveragePooling1D"),
        ],
        other_solutions=[
            "shared = layers.Embedding(input_dim=500, output_dim=8)\na = keras.Input(shape=(None,))\n"
            "b = keras.Input(shape=(None,))\npair_model = keras.Model(inputs=[a, b], outputs=[shared(a), shared(b)])",
            "shared = layers.Embedding(500, 8)\na = keras.Input(shape=(None,), dtype='int64', name='text_a')\n"
            "b = keras.Input(shape=(None,), dtype='int64', name='text_b')\n"
            "pair_model = keras.Model([a, b], {'a': shared(a), 'b': shared(b)})",
            IDS + "encoder = keras.Sequential([layers.Embedding(500, 8)])\n"
            "pair_model = keras.Model([ids_1, ids_2], [encoder(ids_1), encoder(ids_2)])",
        ],
        equivalent_mutants={
            "'int32' -> 'float32'": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "'int32' -> 'float32' (#2)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "Input(...) without dtype= (its default)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "Input(...) without dtype= (its default) (#2)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
        },
        explanation="One Embedding(500, 8) object is created and kept in a variable, then called on both "
                    "inputs: both calls look words up in the same 500 x 8 table, so the model has 4,000 "
                    "parameters, not 8,000. The inputs take word ids of any length (shape=(None,)), which "
                    "is why each output is (None, None, 8).",
    ),
    Hidden(
        "fn07_siamese",
        wrong_answers=[
            (TWO + "d = layers.subtract([layers.Dense(4, activation='relu')(left), layers.Dense(4, activation='relu')"
             "(right)])\nsiamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')(d))",
             "2 different layers"),
            (ENC + "siamese = keras.Model([left, right], layers.Dense(1)(layers.subtract([encode(left), "
             "encode(right)])))", "activation"),
            (TWO + "encode = layers.Dense(4)\nsiamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')"
             "(layers.subtract([encode(left), encode(right)])))", "activation"),
            (ENC + "siamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')(layers.add([encode(left), "
             "encode(right)])))", "subtract"),
            (ENC + "d = keras.ops.abs(layers.subtract([encode(left), encode(right)]))\n"
             "siamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')(d))", "subtract"),
            (ENC + "siamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')(layers.concatenate("
             "[encode(left), encode(right)])))", "subtract"),
        ],
        other_solutions=[
            ENC + "siamese = keras.Model([left, right], layers.Dense(1, activation='sigmoid')(encode(right) - "
            "encode(left)))",
            TWO + "encoder = keras.Sequential([layers.Dense(4, activation='relu')])\n"
            "d = layers.Subtract()([encoder(left), encoder(right)])\n"
            "siamese = keras.Model(inputs=[left, right], outputs=layers.Activation('sigmoid')(layers.Dense(1)(d)))",
            TWO + "e_in = keras.Input(shape=(10,))\nencoder = keras.Model(e_in, layers.Dense(4, activation='relu')(e_in))\n"
            "d = keras.ops.subtract(encoder(left), encoder(right))\n"
            "siamese = keras.Model([left, right], layers.Dense(1, activation=keras.activations.sigmoid)(d))",
        ],
        equivalent_mutants={
            "layers.Dense(1, activation='sigmoid')(...) wrapped in a new keras.Sequential": "the task accepts layers "
            "inside a nested model (other solutions build the shared encoder as one): the same graph of layers",
        },
        explanation="The encoder Dense(4, relu) is one layer object called on both inputs, so both are "
                    "encoded with the same 44 weights; the difference of the encodings is zero for two "
                    "identical inputs, whatever the weights. Dense(1, sigmoid) turns the difference into a "
                    "score: 44 + 5 = 49 parameters.",
    ),
    Hidden(
        "fn07_predict_params",
        expected=[4833, 9633],
        checks=[c.equals_expected("the numbers of parameters are not right yet")],
        wrong_answers=[
            ("predicted_params = (9633, 9633)", "once per call"),
            ("predicted_params = (4833, 4833)", "table of its own"),
            ("predicted_params = (4817, 9617)", "concatenation"),
            ("predicted_params = (4800, 9600)", "parameters too"),
            ("predicted_params = (9633, 4833)", "wrong order"),
            ("predicted_params = 4833", "tuple of 2 numbers"),
            ("predicted_params = ('4833', '9633')", "whole number"),
        ],
        other_solutions=[
            "predicted_params = [4833, 9633]",
            "predicted_params = (4_833, 9_633)",
            "import numpy as _np\npredicted_params = (_np.int64(4833), 9633)",
            "emb = 300 * 16\nhead = 2 * 16 + 1\npredicted_params = (emb + head, 2 * emb + head)",
        ],
        explanation="The shared Embedding is one table of 300 x 16 = 4,800 weights, counted once however many "
                    "inputs it reads; two separate embeddings are two tables, 9,600. The pooling and the "
                    "concatenation have no weights; the concatenation gives 16 + 16 = 32 numbers, so Dense(1) "
                    "has 32 weights and 1 bias. Hence 4,800 + 33 = 4,833 and 9,600 + 33 = 9,633.",
    ),
    Hidden(
        "fn07_fix_matcher",
        wrong_answers=[
            ("fixed_matcher = matcher", "the broken matcher itself"),
            (QD + "pool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(query_embedding(qi)), "
             "pool(doc_embedding(di))]))", "doc_embedding"),
            (QD + "words = layers.Embedding(1000, 16)\npool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(words(qi)), pool(words(di))]))",
             "new layer with its own weights"),
            (QD + "pool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(doc_embedding(qi)), "
             "pool(doc_embedding(di))]))", "the task asks for query_embedding"),
            (QD + "query_embedding.trainable = False\npool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(query_embedding(qi)), "
             "pool(query_embedding(di))]))", "frozen"),
            (QD + "pool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.add([pool(query_embedding(qi)), "
             "pool(query_embedding(di))]))", "Dot"),
            (QD + "pool = layers.GlobalAveragePooling1D()\n"
             "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([pool(query_embedding(qi)), "
             "pool(query_embedding(qi))]))", "input 1 again"),
        ],
        other_solutions=[
            "pool = layers.GlobalAveragePooling1D()\nq_vec = pool(query_embedding(query))\n"
            "d_vec = pool(query_embedding(document))\n"
            "fixed_matcher = keras.Model(inputs=[query, document], outputs=layers.Dot(axes=1)([q_vec, d_vec]))",
            QD + "encode = keras.Sequential([query_embedding, layers.GlobalAveragePooling1D()])\n"
            "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=-1)([encode(di), encode(qi)]))",
            QD + "fixed_matcher = keras.Model([qi, di], layers.Dot(axes=1)([layers.GlobalAveragePooling1D()("
            "query_embedding(qi)), layers.GlobalAveragePooling1D()(query_embedding(di))]))",
        ],
        equivalent_mutants={
            "'int32' -> 'float32'": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "'int32' -> 'float32' (#2)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "Input(...) without dtype= (its default)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "Input(...) without dtype= (its default) (#2)": "Embedding casts the ids it gets to integers: a float32 keras.Input of token ids gives the same lookups, the same model",
            "given matcher recompiled first (sgd, mse)": "compiling matcher changes none of its layers: the fixed "
            "model reuses the same trained embedding",
        },
        explanation="matcher creates layers.Embedding twice, so the query and the document are looked up in "
                    "two different tables (32,000 parameters) and a word means different things in each. A "
                    "layer is shared by calling the same object again: here the trained query_embedding, "
                    "called on both inputs, gives one table of 16,000 weights whose training serves both texts. "
                    "matcher itself stays untouched: the repair is a new model around the same layer object.",
    ),
]
