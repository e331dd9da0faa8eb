"""Error pages and the API's one error shape: {"ok": false, "error": "<a sentence>", "status": <code>}."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search import IndexUnavailable
from webui import messages
from webui.heavy_work import ServerBusy
from webui.params import BadParameter


def error_response(sentence: str, status: int):
    """The JSON body for /api/… requests, an HTML page otherwise."""
    if request.path.startswith("/api/"):
        response = jsonify({"ok": False, "error": sentence, "status": status})
        response.status_code = status
        return response
    return render_template("error.html", message=sentence, status=status), status


def install(app: Flask) -> None:
    """Register the handlers; the broad one is the outer edge where any failure becomes a sentence."""

    @app.errorhandler(BadParameter)
    def bad_parameter(error: BadParameter):
        return error_response(str(error), 400)

    @app.errorhandler(ServerBusy)
    def busy(error: ServerBusy):
        response = app.make_response(error_response(str(error), 503))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(IndexUnavailable)
    def no_index(error: IndexUnavailable):
        return error_response(messages.NO_INDEX, 503)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Our own aborts carry a sentence; Werkzeug's default English descriptions are replaced by ours.
        ours = error.description and error.description != type(error).description
        if ours:
            sentence = error.description
        else:
            sentence = messages.NOT_FOUND if error.code == 404 else messages.SERVER_ERROR if (error.code or 500) >= 500 else messages.BAD_REQUEST
        return error_response(sentence, error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unexpected error on %s", request.path)
        return error_response(messages.SERVER_ERROR, 500)
