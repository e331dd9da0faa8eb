"""`python -m indexer` does what the `fazhi` command does."""
import sys

from indexer.cli import main

# Guarded: a worker process started with `spawn` imports the main module again and must not run the command.
if __name__ == "__main__":
    sys.exit(main())
