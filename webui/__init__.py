"""The Flask application factory: settings in, an app with the `pages` and `api` blueprints out."""
from __future__ import annotations

from flask import Flask

from webui.heavy_work import install_heavy_slots
from webui.heavy_worker import install_heavy_worker
from webui.index_holder import IndexHolder, return_index
from webui.settings import Settings, settings_from_environment


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app; with no settings given, defaults overridden by FAZHI_* environment variables."""
    settings = settings or settings_from_environment()
    app = Flask(__name__)
    app.config["FAZHI_SETTINGS"] = settings
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["fazhi_index"] = IndexHolder(settings.index_dir, filter_cache_bytes=settings.filter_cache_mb * 1024 * 1024)
    # Each request leases the index it uses (index_holder.current_index) and gives it back here, after a
    # streamed response's last line, so a replaced generation is closed once no request reads it.
    app.teardown_appcontext(return_index)
    install_heavy_slots(app, settings.max_heavy_requests)

    from webui import (
        api,
        errors,
        feed_views,
        headers,
        law_views,
        pages,
        research,
        review_views,
        township_views,
    )

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(research.blueprint)
    app.register_blueprint(research.api_blueprint)
    app.register_blueprint(law_views.blueprint)
    app.register_blueprint(law_views.api_blueprint)
    app.register_blueprint(review_views.blueprint)
    app.register_blueprint(review_views.api_blueprint)
    app.register_blueprint(township_views.blueprint)
    app.register_blueprint(township_views.api_blueprint)
    app.register_blueprint(feed_views.blueprint)
    errors.install(app)
    install_heavy_worker(app, settings)
    headers.install(app)
    from webui.facet_groups import group_townships

    app.jinja_env.globals["group_townships"] = group_townships
    return app
