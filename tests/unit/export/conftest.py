from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
# export_helpers here; minicorpus (a tiny corpus of our own writing) from the importer tests.
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "importer"))
