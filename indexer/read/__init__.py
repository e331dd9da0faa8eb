"""Reading: a report file (.txt, .md, .docx, .html saved from a portal, .pdf with a text layer) in, a
`SourceDocument` out (decoded text, one paragraph per line), or `UnreadableDocument` with a sentence; and a
corpus folder in, its report files (and the files left out, with why) out.
"""
from indexer.read.corpus import FOLLOW_OPTION, CorpusFiles, find_report_files
from indexer.read.document import is_report_file, read_document

__all__ = ["FOLLOW_OPTION", "CorpusFiles", "find_report_files", "is_report_file", "read_document"]
