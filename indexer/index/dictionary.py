"""Our word list in, a jieba tokenizer out, prepared once: jieba's dictionary merged with our domain words.

Adding ~32,000 domain words one `add_word` at a time costs seconds in every process. So the first process writes
the merged dictionary (every word with the frequency the additions gave it) into a cache folder, named by a hash
of what the word list is made from, and jieba keeps its own marshal cache of that dictionary's prefix table beside
it: later processes load that cache as fast as jieba loads its default one. A new word list gets a new file.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import jieba

# Part of the file name: a change to how the merged file is written makes a new one.
_FORMAT = "1"

# Prepared dictionaries kept in the cache folder (each ~18 MB with jieba's cache of it): the newest few, so that
# switching between two installed versions does not rebuild each time, and old word lists do not pile up.
KEPT_DICTIONARIES = 3

# A character jieba never looks up (its segmenter only builds word graphs over runs of CJK ideographs, Latin
# letters, digits and +#&._%-): the merged file gives it the frequency that makes jieba's total come out as it
# does after the additions, where a word added twice is counted twice but kept once.
BALANCE_WORD = "\ue000"


def default_cache_folder() -> Path:
    """Where prepared dictionaries live: ~/.cache/fazhi-search, or the temporary folder if home is not writable."""
    home_cache = Path.home() / ".cache" / "fazhi-search"
    try:
        home_cache.mkdir(parents=True, exist_ok=True)
        if os.access(home_cache, os.W_OK):
            return home_cache
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "fazhi-search"


def word_list_key(sources: Iterable[Path]) -> str:
    """A hash of the files the word list is made from (data and code) and of jieba's version."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{_FORMAT} jieba {jieba.__version__}\n".encode())
    for source in sorted(sources):
        digest.update(source.name.encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()


def replayed_tokenizer(words: Iterable[str]) -> jieba.Tokenizer:
    """jieba's default dictionary with each word added in turn: the segmentation the prepared file reproduces."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in words:
        # Without a frequency jieba picks the smallest that keeps the word whole (法律明白人, not 法律|明白人).
        tokenizer.add_word(word)
    return tokenizer


def write_merged_dictionary(tokenizer: jieba.Tokenizer, path: Path) -> bool:
    """Write a tokenizer's words and frequencies as a jieba dictionary file, and jieba's cache of it beside it
    (what jieba would write after reading the file, saving the next process that reading); False when a word
    cannot be written."""
    if any(not word or any(character.isspace() for character in word) for word in tokenizer.FREQ):
        return False
    balance = tokenizer.total - sum(tokenizer.FREQ.values())
    if balance < 0 or BALANCE_WORD in tokenizer.FREQ:
        return False
    frequencies = dict(tokenizer.FREQ)
    if balance:
        frequencies[BALANCE_WORD] = balance
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, "".join(f"{word} {frequency}\n" for word, frequency in frequencies.items()).encode())
    # jieba trusts its cache only when it is newer than the dictionary; if its format ever differs, jieba
    # fails to load it and rebuilds it from the dictionary.
    written = time.time()
    os.utime(path, (written - 2, written - 2))
    _write_atomically(_jieba_cache_of(path), marshal.dumps((frequencies, tokenizer.total)))
    return True


def _jieba_cache_of(path: Path) -> Path:
    return path.with_name(path.name + ".cache")


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def prepared_tokenizer(words: Callable[[], Iterable[str]], sources: Iterable[Path], folder: Path) -> jieba.Tokenizer:
    """A tokenizer segmenting as `replayed_tokenizer(words())` does, loaded from the prepared dictionary in `folder`.

    `words` is only called when the dictionary for these `sources` is not there yet (or the folder is not
    writable: then the words are added in this process, as before).
    """
    jieba.setLogLevel(logging.WARNING)
    path = folder / f"dictionary-{word_list_key(sources)}.txt"
    if not path.is_file():
        replayed = replayed_tokenizer(words())
        try:
            written = write_merged_dictionary(replayed, path)
        except OSError as problem:
            print(f"note: could not write jieba's prepared dictionary in {folder} ({problem.strerror}); "
                  "every command loads it anew.", file=sys.stderr)
            written = False
        if written:
            _remove_old_dictionaries(folder, KEPT_DICTIONARIES)
        # Already what the prepared dictionary would give.
        return replayed
    tokenizer = jieba.Tokenizer(dictionary=str(path))
    # jieba keeps its marshal cache of this dictionary beside it (by default it would use the temporary folder).
    tokenizer.tmp_dir = str(folder)
    tokenizer.cache_file = _jieba_cache_of(path).name
    tokenizer.initialize()
    return tokenizer


def _remove_old_dictionaries(folder: Path, kept: int) -> None:
    """Delete all but the `kept` newest prepared dictionaries (and jieba's caches of them) in `folder`."""
    dictionaries = sorted(folder.glob("dictionary-*.txt"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in dictionaries[kept:]:
        for path in (old, _jieba_cache_of(old)):
            path.unlink(missing_ok=True)
