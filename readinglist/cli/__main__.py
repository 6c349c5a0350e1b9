"""`python -m readinglist.cli`, as `python -m readinglist`."""

from . import main

raise SystemExit(main())
