"""`fazhi serve` as an operator meets it: a busy port, and an index served from another working directory."""
from __future__ import annotations

import socket

import pytest
from bundled import bundled_corpus

from indexer.cli import main

CORPUS = bundled_corpus()


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
