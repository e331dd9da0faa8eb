"""The five bundled reports, copied once per test process into a folder of their own.

Tests never read corpus/ itself: users add their own reports there (as README says), and a test that
counted what is in it would fail for them.
"""
import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

SHIPPED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BUNDLED_REPORTS = (
    "anhui-duji-duanyuan-2024.txt",
    "chongqing-pengshui-shangan-2024.txt",
    "fujian-jianning-junkou-2023.txt",
    "henan-jiyuan-sili-2024.txt",
    "henan-lushan-wawu-2024.txt",
)


@cache
def bundled_corpus() -> Path:
    """A folder holding exactly the bundled reports (copies), removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="fazhi-bundled-")) / "corpus"
    folder.mkdir()
    for name in BUNDLED_REPORTS:
        shutil.copy2(SHIPPED_CORPUS / name, folder / name)
    atexit.register(shutil.rmtree, folder.parent, True)
    return folder
