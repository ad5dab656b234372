"""Audit galleries: answers nobody tuned the checks for, graded the three ways a student's answer is graded.

Each course part has a sub-package (``functional_api``) whose modules list :class:`~exercise_gallery.harness.Case`
objects: other correct solutions and typical mistakes for every exercise, written from the task text in the
notebook. :mod:`exercise_gallery.harness` runs a case in the notebook's own context, through
``kitlib.exercises.check``, the notebook's grade cell (visible and hidden part, under ``kit grade``'s
environment) and ``kit grade``'s trusted re-check server, and audits every message the student sees.

Run the whole audit and print the findings::

    PYTHONPATH=$PWD:tests python -m exercise_gallery.report functional_api
"""
