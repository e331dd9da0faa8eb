"""Reading: a report file (.txt, .md, .docx, .html saved from a portal, .pdf with a text layer) in, a
`SourceDocument` out (decoded text, one paragraph per line), or `UnreadableDocument` with a sentence.
"""
from indexer.read.document import is_report_file, read_document

__all__ = ["is_report_file", "read_document"]
