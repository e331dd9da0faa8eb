"""Security headers on every response the app sends (pages, JSON, CSV, errors, static files).

The pages load only our own script and stylesheet from /static and carry no inline script, style
attribute or event handler, so the Content-Security-Policy can forbid everything else: no other site's
code, no framing (frame-ancestors and the older X-Frame-Options), no form posting elsewhere.
"""
from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def install(app: Flask) -> None:
    """Add the security headers to every response, after its view or error handler has made it."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
