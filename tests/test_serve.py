"""`fazhi serve` as an operator meets it: a busy port, and an index served from another working directory."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.cli import main
from indexer.index.build import build_index

CORPUS = bundled_corpus()
REPOSITORY = Path(__file__).resolve().parent.parent


def test_serve_on_a_busy_port_says_which_and_how_to_pick_another_before_indexing(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port), "--corpus", str(CORPUS), "--index", str(tmp_path / "index")])
    error = capsys.readouterr().err
    assert code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in error and "--port" in error
    assert "Traceback" not in error
    assert not (tmp_path / "index").exists()  # checked first: no index built for a server that cannot start


@pytest.mark.parametrize(
    "options, code, sentence",
    [
        (["--port", "70000"], 2, "--port must be from 0 to 65535"),  # was an OverflowError traceback
        (["--threads", "0"], 2, "--threads 1 or more"),
        (["--host", "192.0.2.1"], 1, "192.0.2.1 is not an address of this machine"),  # TEST-NET-1, never local
    ],
)
def test_serve_refuses_a_bad_address_with_a_sentence(tmp_path, capsys, options, code, sentence):
    assert main(["serve", *options, "--corpus", str(CORPUS), "--index", str(tmp_path / "index")]) == code
    assert sentence in capsys.readouterr().err
    assert not (tmp_path / "index").exists()


# Serves the original of a report with the index and corpus given relative to the working directory.
FETCH_ORIGINAL = """
import sys
from pathlib import Path
from webui import create_app
from webui.settings import Settings
app = create_app(Settings(index_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2])))
response = app.test_client().get(f"/reports/{sys.argv[3]}/original")
sys.stdout.buffer.write(str(response.status_code).encode() + b"\\n" + response.get_data())
"""


def test_an_index_built_with_a_relative_corpus_serves_originals_from_another_working_directory(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "henan-jiyuan-sili-2024.txt", corpus)
    # Built with paths relative to this process's working directory, as `fazhi index --corpus corpus/` would be.
    assert Path.cwd() != tmp_path
    build_index(Path(os.path.relpath(corpus)), Path(os.path.relpath(tmp_path / "index")), workers=1)
    # Served from another working directory, with paths relative to that one.
    (tmp_path / "elsewhere").mkdir()
    served = subprocess.run(
        [sys.executable, "-c", FETCH_ORIGINAL, "../index", "../corpus", "henan-jiyuan-sili-2024"],
        cwd=tmp_path / "elsewhere", env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, capture_output=True, check=True,
    ).stdout
    assert served == b"200\n" + (corpus / "henan-jiyuan-sili-2024.txt").read_bytes()
