"""Gallery cases that the checks judge wrongly today (written by exercise_gallery.report --write-known).

case id -> the finding classes reported.
"""

KNOWN: dict[str, tuple[str, ...]] = {
}
