"""Serves the built chat widget (web_widget/dist) at a stable URL for the one-tag embed."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory

from portal import portal

bp = Blueprint("widget", __name__)


@bp.get("/widget/guidebot-widget.js")
def script():
    directory = portal().widget_dir
    if not (directory / "guidebot-widget.js").exists():
        return Response("// guidebot widget is not built: run `make widget`\n", status=503,
                        mimetype="application/javascript")
    response = send_from_directory(directory, "guidebot-widget.js", mimetype="application/javascript", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
