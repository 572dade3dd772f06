"""Where things are: the checkout, its sources, ``../shared`` beside it, screenshots."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
SHARED = REPO.parent / "shared"  # laid beside the checkout (in CI too), never inside it
# The browser tests' screenshots (gitignored); I18NPUB_SCREENSHOTS picks another folder.
SCREENSHOTS = Path(os.environ.get("I18NPUB_SCREENSHOTS", REPO / "tests" / "screenshots"))
