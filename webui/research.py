"""The research views (concordance, trends, coverage): pages and their JSON twins under /api."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("research", __name__)
api_blueprint = Blueprint("research_api", __name__, url_prefix="/api")
