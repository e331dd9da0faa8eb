"""Our word list in, a jieba tokenizer out, prepared once: jieba's dictionary merged with our domain words.

Adding ~32,000 domain words one `add_word` at a time costs seconds in every process. So the first process writes
the merged dictionary (every word with the frequency the additions gave it) into a cache folder, named by a hash
of what the word list is made from, and jieba keeps its own marshal cache of that dictionary's prefix table beside
it: later processes load that cache as fast as jieba loads its default one. A new word list gets a new file.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import jieba

# Part of the file name: a change to how the merged file is written makes a new one.
_FORMAT = "1"

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
    """Write a tokenizer's words and frequencies as a jieba dictionary file; False when a word cannot be written."""
    if any(not word or any(character.isspace() for character in word) for word in tokenizer.FREQ):
        return False
    balance = tokenizer.total - sum(tokenizer.FREQ.values())
    if balance < 0 or BALANCE_WORD in tokenizer.FREQ:
        return False
    lines = [f"{word} {frequency}\n" for word, frequency in tokenizer.FREQ.items()]
    if balance:
        lines.append(f"{BALANCE_WORD} {balance}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.writelines(lines)
    os.replace(temporary, path)
    return True


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
        if not written:
            return replayed
    tokenizer = jieba.Tokenizer(dictionary=str(path))
    # jieba keeps its marshal cache of this dictionary beside it (by default it would use the temporary folder).
    tokenizer.tmp_dir = str(folder)
    tokenizer.cache_file = path.name + ".cache"
    tokenizer.initialize()
    return tokenizer
