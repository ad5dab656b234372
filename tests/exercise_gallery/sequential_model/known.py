"""Gallery cases that the checks judge wrongly today (written by exercise_gallery.report --write-known, with why).

case id -> the finding classes reported. None today: the last two (a new first Conv2D in seq04_unstick, a file
saved outside save_dir in seq05_save_reload) are judged through snapshots taken before the answer cell (the
identity of stuck's first layer, a listing of save_dir).
"""

KNOWN: dict[str, tuple[str, ...]] = {}
