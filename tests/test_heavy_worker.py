"""Heavy requests computed in a worker process: the same bytes as on the server's threads, caps kept, swaps followed,
and a killed worker replaced without a 500 or a leaked process."""
import csv
import io
import json
import multiprocessing
import os
import signal
import threading
import time

import pytest
from bundled import bundled_corpus

from indexer.index.build import build_index
from webui import create_app, messages
from webui.settings import Settings

ROUTES = (
    "/export.csv?q=法",
    "/export.jsonl",
    "/kwic.csv?q=的 OR 法&sort=right",
    "/coverage.csv",
    "/kwic?q=的&sort=left",
    "/api/trends?q=法治",
)


@pytest.fixture(scope="module")
def two_apps(corpus_index_dir):
    """The same settings twice: heavy requests on the server's threads, and in a worker process."""
    corpus = bundled_corpus()
    threads = create_app(Settings(heavy_worker=0, index_dir=corpus_index_dir, corpus_dir=corpus, max_export_rows=30))
    worker = create_app(Settings(heavy_worker=1, index_dir=corpus_index_dir, corpus_dir=corpus, max_export_rows=30))
    yield threads, worker
    worker.extensions["fazhi_heavy_workers"].stop()
    for app in (threads, worker):
        app.extensions["fazhi_index"].close()


def worker_process(app):
    return app.extensions["fazhi_heavy_workers"].workers[0]._process


def test_the_worker_sends_the_same_bytes_and_cut_sentences_as_the_server_threads(two_apps):
    threads, worker = two_apps
    for route in ROUTES:
        expected = threads.test_client().get(route)
        got = worker.test_client().get(route)
        assert (got.status_code, got.headers["Content-Type"]) == (expected.status_code, expected.headers["Content-Type"]), route
        assert got.data == expected.data, route
        assert got.headers.get("Content-Disposition") == expected.headers.get("Content-Disposition")
    # The caps are the worker's too: 30 rows, then the sentence naming the command that has none.
    cut = list(csv.reader(io.StringIO(worker.test_client().get("/export.csv?q=法").data.decode("utf-8-sig"))))
    assert len(cut) == 1 + 30 + 1
    assert cut[-1][0].startswith(messages.EXPORT_CUT.split("（")[0]) and "fazhi export --format csv" in cut[-1][0]
    assert multiprocessing.active_children() == [worker_process(worker)]


def test_a_killed_worker_is_replaced_and_the_user_gets_the_export(two_apps):
    threads, worker = two_apps
    client = worker.test_client()
    exported = client.get("/export.jsonl")
    assert exported.status_code == 200 and exported.data
    exported.close()  # as the server closes every response
    first = worker_process(worker)
    os.kill(first.pid, signal.SIGKILL)
    first.join(10)
    assert client.get("/api/search?q=法").status_code == 200  # searches never needed it
    again = client.get("/export.jsonl")
    assert again.status_code == 200
    assert again.data == threads.test_client().get("/export.jsonl").data
    again.close()
    assert worker_process(worker) is not first
    # The dead one was reaped: one worker process, whatever happened before.
    assert multiprocessing.active_children() == [worker_process(worker)]


def test_a_response_closed_early_stops_its_worker_and_frees_the_slot(two_apps):
    _, worker = two_apps
    client = worker.test_client()
    response = client.get("/export.jsonl", buffered=False)
    next(iter(response.response))
    response.close()
    assert multiprocessing.active_children() == []
    assert client.get("/export.csv?q=法").data.startswith("\ufeffpassage_id".encode("utf-8"))  # the slot was given back; a fresh worker answers


def test_the_worker_follows_index_swaps(tmp_path):
    corpus = bundled_corpus()
    four = tmp_path / "four"
    four.mkdir()
    for path in sorted(corpus.iterdir())[:4]:
        (four / path.name).write_bytes(path.read_bytes())
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, workers=1)
    app = create_app(Settings(heavy_worker=1, index_dir=index_dir, corpus_dir=corpus))
    client = app.test_client()
    try:
        def exported_reports():
            lines = client.get("/export.jsonl").data.decode("utf-8").splitlines()
            return len({json.loads(line)["report_id"] for line in lines if line.strip()})

        assert exported_reports() == 5
        build_index(four, index_dir, workers=1)
        assert exported_reports() == 4
        started = worker_process(app).pid
    finally:
        app.extensions["fazhi_heavy_workers"].stop()
        app.extensions["fazhi_index"].close()
    assert started not in [process.pid for process in multiprocessing.active_children()]


def test_a_worker_that_dies_during_a_request_gives_a_sentence_not_a_500(two_apps):
    _, worker = two_apps
    client = worker.test_client()
    assert client.get("/export.csv?q=法").data  # the worker is running
    process = worker_process(worker)
    pool = worker.extensions["fazhi_heavy_workers"]
    os.kill(process.pid, signal.SIGSTOP)  # it will take the request and never answer
    answers = []
    asking = threading.Thread(target=lambda: answers.append(client.get("/export.csv?q=法")))
    asking.start()
    while pool._idle.qsize():
        time.sleep(0.05)
    time.sleep(0.3)  # the request is in the pipe
    os.kill(process.pid, signal.SIGKILL)
    asking.join(30)
    (answer,) = answers
    assert answer.status_code == 503
    assert messages.HEAVY_WORKER_FAILED in answer.data.decode("utf-8")
    assert client.get("/export.csv?q=法").status_code == 200  # a fresh worker answers the next one
