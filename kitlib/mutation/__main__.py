"""``python -m kitlib.mutation worker ...`` / ``digest ...`` (see :mod:`kitlib.mutation.command`)."""
import sys

from kitlib.mutation.command import main

if __name__ == "__main__":
    sys.exit(main())
