"""A serving process with over a thousand files open (a national index holds hundreds of segment files per searcher
thread) still answers: its sockets are numbered past select()'s limit of 1024, which waitress must not select on."""
import os
import resource
import threading
import urllib.request

import pytest
from flask import Flask

from webui.server import create_server_on, listening_socket

DESCRIPTORS = 1100


def test_a_server_answers_when_its_sockets_are_numbered_past_1024(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < DESCRIPTORS + 100:
        pytest.skip(f"this machine allows {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, DESCRIPTORS + 100), hard))
    held = []
    app = Flask(__name__)
    app.add_url_rule("/", "home", lambda: "ok")
    try:
        with open(tmp_path / "file", "w"):
            pass
        held = [os.open(tmp_path / "file", os.O_RDONLY) for _ in range(DESCRIPTORS)]
        listener = listening_socket("127.0.0.1", 0)
        assert listener.fileno() > 1024
        server = create_server_on(app, listener, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                assert response.read() == b"ok"
        server.close()
    finally:
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
