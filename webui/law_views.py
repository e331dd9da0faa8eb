"""The cited-law and copied-passage views: pages and their JSON twins under /api."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("law_views", __name__)
api_blueprint = Blueprint("law_views_api", __name__, url_prefix="/api")
