"""`python -m dashboard` runs the command line."""

import sys

from dashboard.cli.main import main

sys.exit(main())
