"""Shared fixtures: one real index built from the bundled corpus per test session, and the web app on it."""
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.index.build import build_index
from indexer.search.opened_index import open_search_index
from webui import create_app
from webui.settings import Settings

CORPUS = bundled_corpus()


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory) -> Path:
    """A search index of corpus/, built once (tests never use the generated index/ folder)."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    build_index(CORPUS, index_dir, workers=1)
    return index_dir


@pytest.fixture(scope="session")
def corpus_index(corpus_index_dir):
    index = open_search_index(corpus_index_dir)
    yield index
    index.close()


@pytest.fixture(scope="session")
def app(corpus_index_dir):
    app = create_app(Settings(heavy_worker=0, index_dir=corpus_index_dir, corpus_dir=CORPUS, per_page=10))
    yield app
    app.extensions["fazhi_index"].close()


@pytest.fixture()
def client(app):
    return app.test_client()
