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
from webui import create_app
from webui.settings import Settings

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
        (["--port", "70000"], 2, "--port must be from 1 to 65535"),  # was an OverflowError traceback
        (["--threads", "0"], 2, "--threads 1 or more"),
        (["--host", "192.0.2.1"], 1, "192.0.2.1 is not an address of this machine"),  # TEST-NET-1, never local
    ],
)
def test_serve_refuses_a_bad_address_with_a_sentence(tmp_path, capsys, options, code, sentence):
    assert main(["serve", *options, "--corpus", str(CORPUS), "--index", str(tmp_path / "index")]) == code
    assert sentence in capsys.readouterr().err
    assert not (tmp_path / "index").exists()


def test_an_index_built_with_a_relative_corpus_serves_originals_from_another_working_directory(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus", ignore=shutil.ignore_patterns("[a-g]*"))  # two reports will do
    # The README's own example, run in tmp_path: fazhi index --corpus corpus/ --index index/
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    subprocess.run([sys.executable, "-m", "indexer", "index", "--corpus", "corpus/", "--index", "index/"],
                   cwd=tmp_path, env=environment, check=True, capture_output=True)
    # Served from this process's working directory, which is not tmp_path, with paths relative to it.
    assert Path.cwd() != tmp_path
    relative = Path(os.path.relpath(tmp_path))
    app = create_app(Settings(index_dir=relative / "index", corpus_dir=relative / "corpus"))
    try:
        client = app.test_client()
        for report_id, name in (("henan-jiyuan-sili-2024", "henan-jiyuan-sili-2024.txt"),
                                ("henan-lushan-wawu-2024", "henan-lushan-wawu-2024.txt")):
            with client.get(f"/reports/{report_id}/original") as response:
                assert response.status_code == 200
                assert response.get_data() == (tmp_path / "corpus" / name).read_bytes()
    finally:
        app.extensions["fazhi_index"].close()
