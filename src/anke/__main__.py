"""Allow ``python -m anke``."""

from anke.cli.main import main

raise SystemExit(main())
