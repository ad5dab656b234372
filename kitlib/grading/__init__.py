"""Grading on top of nbgrader: ``kit release`` and ``kit grade``.

- :mod:`kitlib.grading.course`: the course folder (assignments, paths, config, gradebook URL).
- :mod:`kitlib.grading.notebook`: hidden-test / solution markers, regions, cell helpers.
- :mod:`kitlib.grading.release`: student versions, verified free of solutions and hidden tests.
- :mod:`kitlib.grading.sanitize`: repairs what students predictably break in a notebook.
- :mod:`kitlib.grading.submission`: grading ONE submission (the unit a cluster worker runs).
- :mod:`kitlib.grading.gradebook`: the only writer of ``gradebook.db`` and ``autograded/``.
- :mod:`kitlib.grading.grade`: ``kit grade``, orchestration only.
- :mod:`kitlib.grading.runner`: where submissions are graded (this machine's slots; the Job the runners take).
- :mod:`kitlib.grading.cluster`: ``kit grade --cluster`` and ``kit worker`` (Dask), the version fingerprint.
- :mod:`kitlib.grading.journal`: the resume journal (``kit grade --resume``).
- :mod:`kitlib.grading.warm`: warm kernels, forked into each notebook's sandbox.
- :mod:`kitlib.grading.sandbox`: bubblewrap + resource limits around the student's kernel.
- :mod:`kitlib.grading.helper_process` (their common parent side), :mod:`kitlib.grading.worker` (nbgrader apps),
  :mod:`kitlib.grading.verify`, :mod:`kitlib.grading.warm`: the warm helper processes (both ends).
- :mod:`kitlib.grading.feedback`: feedback HTML without hidden tests or the grader's paths.
- :mod:`kitlib.grading.messages`: what each grade cell told the student, read back from a notebook.
- :mod:`kitlib.grading.report`: the teacher's per-assignment report.
- :mod:`kitlib.grading.progress`: ``kit grade``'s live progress (notebook events, ETA, terminal / log).
- :mod:`kitlib.grading.grades_csv`: ``grades.csv`` with a status column (missing is not zero).
"""


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in the grader's own processes.

    jsonschema loads that package, when installed (jupyter-events pulls it in), for
    its optional "iri" format checks; it builds a parser grammar at import time,
    about 0.9 s in every process that reads a notebook. Notebook schemas do not use
    those formats, so ``kit release`` / ``kit grade`` and their nbgrader workers go
    without it (a ``None`` entry in ``sys.modules`` makes the import fail, which
    jsonschema expects and handles). Call before nbformat or jsonschema is imported.

    Example::

        from kitlib.grading import skip_slow_optional_imports
        skip_slow_optional_imports()
        import nbformat
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
