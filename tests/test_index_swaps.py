"""A server that outlives many index builds: each publish is served at once, and the generation it replaced
is closed (its searchers and files) as soon as no request uses it."""
import gc
import json
import os
import shutil

from bundled import bundled_corpus

from indexer.index import current_generation
from indexer.index.build import build_index
from webui import create_app
from webui.settings import Settings


def generations_with_open_files(index_dir) -> set[str]:
    """The generation folders this process holds files open in (read from /proc/self/fd)."""
    found = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(f"{index_dir}/generation-"):
            found.add(target[len(str(index_dir)) + 1:].split("/")[0])
    return found


def two_corpora(tmp_path):
    """The five bundled reports, and the first four of them, so each build adds or drops one report."""
    five = bundled_corpus()
    four = tmp_path / "four"
    four.mkdir()
    for path in sorted(five.iterdir())[:4]:
        shutil.copy2(path, four / path.name)
    return four, five


def test_publishes_are_served_and_leave_no_searcher_or_file_open(tmp_path):
    four, five = two_corpora(tmp_path)
    index_dir = tmp_path / "index"
    build_index(five, index_dir, workers=1)
    app = create_app(Settings(heavy_worker=0, index_dir=index_dir, corpus_dir=five))
    client = app.test_client()
    holder = app.extensions["fazhi_index"]
    try:
        for publish in range(8):
            corpus = four if publish % 2 == 0 else five
            build_index(corpus, index_dir, workers=1)
            # The build's Whoosh writer leaves the readers of segments it merged to the garbage collector; here it
            # runs in the server's process (`fazhi index` has its own), so collect them to count the server's files alone.
            gc.collect()
            # A search reads every stored text of its page, so it opens this thread's searcher on the new generation.
            body = client.get("/api/search?q=法治&per_page=50").get_json()
            assert body["total_reports"] == (4 if corpus is four else 5)
            # Before leases, every generation served kept its searcher's files open (8 threads × its segments).
            assert holder.open_generations() == [current_generation(index_dir)]
            assert generations_with_open_files(index_dir) == {current_generation(index_dir)}
    finally:
        holder.close()
    assert generations_with_open_files(index_dir) == set()
    assert len([path for path in index_dir.iterdir() if path.name.startswith("generation-")]) <= 2


def test_a_streamed_export_keeps_its_generation_until_its_last_line(tmp_path):
    four, five = two_corpora(tmp_path)
    index_dir = tmp_path / "index"
    build_index(five, index_dir, workers=1)
    app = create_app(Settings(heavy_worker=0, index_dir=index_dir, corpus_dir=five))
    client = app.test_client()
    holder = app.extensions["fazhi_index"]
    try:
        response = client.get("/export.jsonl", buffered=False)
        lines = iter(response.response)
        first = next(lines)
        build_index(four, index_dir, workers=1)
        assert client.get("/api/search").get_json()["total_reports"] == 4
        # The export still reads the generation it started on; the new one serves everything else.
        assert len(holder.open_generations()) == 2
        started_on = holder.open_generations()[1]
        # Two more publishes would remove that generation's folder, but a request still reads it: it stays.
        build_index(five, index_dir, workers=1)
        build_index(four, index_dir, workers=1)
        assert (index_dir / started_on).is_dir()
        rest = b"".join(lines)
        response.close()
        exported = [json.loads(line) for line in (first + rest).decode("utf-8").splitlines() if line.strip()]
        assert len({passage["report_id"] for passage in exported}) == 5
        assert client.get("/api/search").get_json()["total_reports"] == 4
        assert holder.open_generations() == [current_generation(index_dir)]
        # Closed once its last reader finished; the next build removes it.
        build_index(five, index_dir, workers=1)
        assert not (index_dir / started_on).exists()
    finally:
        holder.close()

