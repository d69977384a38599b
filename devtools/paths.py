"""Where things are in the checkout, for tests, benchmarks and scripts."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
TEST_DATA = ROOT / "tests" / "data"
SHOTS = ROOT / "artifacts" / "screenshots"
