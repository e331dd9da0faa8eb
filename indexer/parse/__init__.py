"""Parsing: a report's text in, its parts out: normalised text, frame (title, issuer, date), headings and
outline, passages tiling the body, section types, cited laws and the place, with the catalogue's corrections.
"""
from indexer.parse.annotate import cite_laws, locate_report
from indexer.parse.catalogue import (
    Catalogue,
    catalogue_fix_line,
    fields_to_fix,
    load_catalogue,
)
from indexer.parse.citation_kinds import (
    DOCUMENT,
    counts_as_law,
    is_document_title,
    names_by_kind,
)
from indexer.parse.divisions import township_names
from indexer.parse.frame import find_frame, find_report_year
from indexer.parse.headings import find_headings
from indexer.parse.law_catalogue import (
    UNCATALOGUED,
    law_catalogue,
    law_names_for_dictionary,
)
from indexer.parse.normalize import fold_for_matching, normalize_text
from indexer.parse.passages import build_passages, build_sections
from indexer.parse.places import lookup_division
from indexer.parse.required_parts import RequiredPart, part_bits, required_parts, subsection_parts
from indexer.parse.section_types import SECTION_LABELS, assign_top_level_types

__all__ = [
    "DOCUMENT", "SECTION_LABELS", "UNCATALOGUED", "Catalogue", "RequiredPart", "assign_top_level_types", "build_passages",
    "build_sections", "catalogue_fix_line", "cite_laws", "counts_as_law", "fields_to_fix", "find_frame",
    "find_headings", "find_report_year", "fold_for_matching", "is_document_title", "names_by_kind", "law_catalogue",
    "law_names_for_dictionary", "load_catalogue", "locate_report", "lookup_division", "normalize_text",
    "part_bits", "required_parts", "subsection_parts", "township_names",
]
