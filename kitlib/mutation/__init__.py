"""``kit test-exercises``: mutation testing of a course's exercises, for the kit's tests and for teachers.

For every exercise of the chosen assignments it grades, through the notebook's own grade cell,
its recording (``grade``), and the trusted re-check (:mod:`kitlib.exercises.trusted`) with the
course's hidden parts:

- the reference solution (the source notebook's solution region): must pass;
- the untouched student version: must be "not attempted";
- the planted wrong answers of the hidden part: must fail, with their message fragment;
- other correct solutions of the hidden part: must pass;
- *mutants*: the reference solution changed by AST operators (an activation changed, dropped or
  added; units / filters / kernel / strides / pool size / input shape +-1; padding; axis; a given
  model swapped for a fresh ``clone_model`` copy or given data for other data; ``trainable``
  flipped; a layer dropped or repeated, ``pop()`` dropped or repeated; a loss or metric swapped for
  a sibling, ``from_logits`` flipped; a save or a load step skipped; an element of a literal answer
  changed, dropped or added; a function's loop shortened or its result replaced; a given model changed
  first or re-used, a default changed, ``.keras`` <-> ``.h5``, layer calls wrapped in a new container; in
  function and class answers an operator, a comparison, a constant or a default changed, a ``return``
  forgotten, ``super().get_config()`` or a config key dropped, ``**kwargs`` not passed on, a keyword argument
  dropped, a shared layer un-shared, ``.output`` read as ``.input``): must be rejected,
  with a message that names the mutated property, unless the hidden part declares the mutant
  equivalent with a reason (``Hidden.equivalent_mutants``);
- *equivalents*: the reference written in another spelling Keras treats as the same (an
  ``activation=`` argument as a separate ``Activation`` / ``ReLU`` / ``Softmax`` layer or as a
  ``keras.activations`` function; ``keras.Input`` as ``input_shape=``; a list as ``add()`` calls
  and back; layer and model names added; "accuracy" as "acc"; an optimizer string as its class; a
  loss object wrapped in a function of one's own; ``load_model`` / ``save`` through
  ``keras.saving``; ``inputs[0]`` as ``inputs``; a literal as a list or a tuple; variables
  renamed; an array answer as a tensor): must pass.

Every variant must also get the same verdict from the trusted re-check as from the grade cell
(parity: an honest answer never loses its points at grading).

Kernels are shared: each notebook runs once, in an IPython shell; at every answer cell the
process forks once per variant (after fork, TensorFlow runs functions eagerly: its thread pools
do not survive fork()). Notebooks run in parallel, ``--jobs`` at a time.

Every exercise must get at least ``MIN_MUTANTS`` (6) semantic mutants (not declared equivalent); the
report lists those with fewer above its totals line.

Prints a table per exercise and ``mutants rejected X/Y · equivalents accepted A/B · messages naming
the mutated property M/Y``; exits 1 when a mutant survives, an equivalent or another correct
solution is refused, a wrong answer passes, the reference fails, the re-check disagrees with an
accepted answer, or an exercise has too few mutants.

Teacher-side code: nothing the student's kernel loads imports it (``tests/test_architecture.py``).
By concern:

- :mod:`~kitlib.mutation.edits`: the AST toolkit (a :class:`~kitlib.mutation.edits.Change`, ``generate``);
- :mod:`~kitlib.mutation.mutants`: the mutation operators;
- :mod:`~kitlib.mutation.equivalents`: the equivalence operators;
- :mod:`~kitlib.mutation.variants`: the answers tried on an exercise and their outcomes;
- :mod:`~kitlib.mutation.runner`: the notebook runner (a shared kernel, a fork per variant) and the
  worker processes;
- :mod:`~kitlib.mutation.report`: verdicts, the progress lines and the printed report;
- :mod:`~kitlib.mutation.command`: ``kit test-exercises`` and ``python -m kitlib.mutation``.

Example::

    kit test-exercises sequential_model --course course
    python -m kitlib.mutation digest demo_predict_shape "(None, 7, 7, 3)"
"""
