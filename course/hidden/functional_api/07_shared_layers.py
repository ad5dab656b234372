"""Hidden part of chapter B7 (instructor only: never released, never in the student's package)."""
from kitlib.exercises.hidden import Hidden

IDS = ("ids_1 = keras.Input(shape=(None,), dtype='int32')\nids_2 = keras.Input(shape=(None,), dtype='int32')\n")
TWO = "left, right = keras.Input(shape=(10,)), keras.Input(shape=(10,))\n"
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
    ),
]
