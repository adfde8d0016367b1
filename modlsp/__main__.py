import sys

from modlsp.cli import main

sys.exit(main())
