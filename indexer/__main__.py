"""`python -m indexer` does what the `fazhi` command does."""
import sys

from indexer.cli import main

sys.exit(main())
