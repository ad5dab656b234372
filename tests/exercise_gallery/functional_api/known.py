"""Gallery cases that the checks judge wrongly today (written by exercise_gallery.report --write-known).

case id -> the finding classes reported. The port to the new framework empties this table.
"""

KNOWN: dict[str, tuple[str, ...]] = {
}
