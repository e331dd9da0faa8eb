"""Which files of a corpus folder get read: symbolic links stay inside the folder unless the user allows more,
and loops, dangling links and hidden names are listed with a reason, never dropped silently."""
from __future__ import annotations

from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.cli import main
from indexer.index.build import build_index
from indexer.read import find_report_files
from webui import create_app
from webui.settings import Settings

REPORT = (bundled_corpus() / "henan-lushan-wawu-2024.txt").read_text(encoding="utf-8")


def reasons(found, corpus: Path) -> dict[str, str]:
    return {Path(skipped.path).relative_to(corpus).as_posix(): skipped.reason for skipped in found.skipped}


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A corpus with a report, a subfolder, and every kind of link and hidden name next to them."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "report-2024.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "sub" / "inner-2024.txt").write_text(REPORT, encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "folder" / "far-2024.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside / "secret.txt")  # a file outside
    (corpus / "far").symlink_to(outside / "folder")  # a folder outside
    (corpus / "alias-2024.txt").symlink_to(corpus / "report-2024.txt")  # a file inside: read under its name
    (corpus / "sub-again").symlink_to(corpus / "sub")  # a folder inside, read under its own name
    (corpus / "sub" / "up").symlink_to(corpus)  # a loop through a folder
    (corpus / "self.txt").symlink_to(corpus / "self.txt")  # a link to itself
    (corpus / "gone.txt").symlink_to(tmp_path / "deleted.txt")  # dangling
    (corpus / ".hidden-2024.txt").write_text(REPORT, encoding="utf-8")
    (corpus / ".git").mkdir()
    (corpus / "notes.jpg").write_bytes(b"not a report, not worth a word")
    return corpus


def test_links_out_of_the_corpus_loops_dangling_links_and_hidden_names_are_skipped_with_a_reason(corpus):
    found = find_report_files(corpus)
    assert [path.relative_to(corpus).as_posix() for path in found.files] == ["alias-2024.txt", "report-2024.txt", "sub/inner-2024.txt"]
    skipped = reasons(found, corpus)
    assert sorted(skipped) == [".git", ".hidden-2024.txt", "far", "gone.txt", "passwd.txt", "self.txt", "sub-again", "sub/up"]
    assert skipped["passwd.txt"].startswith("It is a symbolic link to a file outside the corpus folder")
    assert skipped["far"].startswith("It is a symbolic link to a folder outside the corpus folder")
    assert "--follow-links-outside" in skipped["passwd.txt"]
    assert "loop" in skipped["self.txt"] and "loop" in skipped["sub/up"]
    assert "does not exist" in skipped["gone.txt"]
    assert "read under its own name" in skipped["sub-again"]
    assert "starts with a dot" in skipped[".hidden-2024.txt"] and "starts with a dot" in skipped[".git"]


def test_links_out_of_the_corpus_are_followed_when_allowed(corpus):
    found = find_report_files(corpus, follow_links_outside=True)
    files = [path.relative_to(corpus).as_posix() for path in found.files]
    assert files == ["alias-2024.txt", "far/far-2024.txt", "passwd.txt", "report-2024.txt", "sub/inner-2024.txt"]
    assert sorted(reasons(found, corpus)) == [".git", ".hidden-2024.txt", "gone.txt", "self.txt", "sub-again", "sub/up"]


def test_a_link_to_a_file_outside_the_corpus_is_not_indexed_or_served(corpus, tmp_path, capsys):
    assert main(["index", "--corpus", str(corpus), "--index", str(tmp_path / "index")]) == 0
    printed = capsys.readouterr().out
    assert "passwd.txt: It is a symbolic link to a file outside the corpus folder" in printed
    app = create_app(Settings(heavy_worker=0, index_dir=tmp_path / "index", corpus_dir=corpus))
    try:
        client = app.test_client()
        assert client.get("/api/reports/passwd").status_code == 404
        assert client.get("/api/search?q=root").get_json()["total"] == 0
    finally:
        app.extensions["fazhi_index"].close()


def test_the_option_to_follow_links_outside_reaches_the_build(corpus, tmp_path, capsys):
    assert main(["index", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--follow-links-outside"]) == 0
    assert "passwd.txt:" not in capsys.readouterr().out
    # Five files are read (passwd.txt among them, which has no passages and so is parsed again each time).
    summary = build_index(corpus, tmp_path / "index", follow_links_outside=True)
    assert summary.reports_indexed + summary.reports_unchanged == 5
    assert not [skipped for skipped in summary.skipped if Path(skipped.path).name in ("passwd.txt", "far")]
