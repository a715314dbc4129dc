"""Serve the portal: ``python -m portal [--host 127.0.0.1] [--port 5000]`` (waitress, threaded)."""

from __future__ import annotations

import argparse
import logging
import sys

from guidebot.errors import GuidebotError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    from waitress import serve

    from guidebot.migrate import require_current
    from portal import create_app, portal as _portal

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
        with app.app_context():
            require_current(_portal().engine)
    except GuidebotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    serve(app, host=args.host, port=args.port, threads=8, ident="guidebot-portal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
