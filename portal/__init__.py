"""The demo government portal: home, guide directory, guide pages, JSON APIs and the chat widget.

``create_app()`` is the factory; each surface is a blueprint of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from flask import Flask, render_template
from sqlalchemy.engine import Engine

from guidebot.config import PROJECT_ROOT, Settings, load_settings
from guidebot.db import engine_from_settings

WIDGET_DIST = PROJECT_ROOT / "web_widget" / "dist"


@dataclass
class Portal:
    """What the views share: settings, the engine and (built on first use) the guide service."""

    settings: Settings
    engine: Engine
    widget_dir: Path = field(default=WIDGET_DIST)

    @cached_property
    def guides(self):
        from guides.answers import GuideService

        return GuideService(self.engine, self.settings.portal_url)


def portal() -> Portal:
    from flask import current_app

    return current_app.extensions["guidebot"]


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               widget_dir: Path | None = None) -> Flask:
    """Build the portal app; nothing touches the database until a request needs it."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.json.ensure_ascii = False
    app.extensions["guidebot"] = Portal(settings, engine or engine_from_settings(settings),
                                        widget_dir or WIDGET_DIST)

    from portal.api import bp as api_bp
    from portal.directory import bp as directory_bp
    from portal.home import bp as home_bp
    from portal.widget import bp as widget_bp

    for blueprint in (home_bp, directory_bp, api_bp, widget_bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def _globals():
        return {"rasa_url": settings.rasa_url}

    @app.errorhandler(404)
    def _not_found(error):
        return render_template("error.html", title="页面不存在", message="您访问的页面不存在或已下线。"), 404

    @app.errorhandler(500)
    def _server_error(error):
        return render_template("error.html", title="服务暂时不可用",
                               message="服务暂时不可用，请稍后再试，或拨打12345政务服务便民热线。"), 500

    return app
