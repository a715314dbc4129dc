"""`make run` / `make shell`: serve the assistant on the embedded default catalogue.

    python -m guidebot.serve           Rasa (REST + socket.io) and the action server, until Ctrl-C
    python -m guidebot.serve --shell   chat in the terminal
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from guidebot.config import PROJECT_ROOT
from guidebot.errors import GuidebotError
from guidebot.stack import MODEL, RASA, free_port, portal_server, rasa_stack

RASA_PORT = int(os.environ.get("GUIDEBOT_RASA_PORT", "5005"))
ACTION_PORT = int(os.environ.get("GUIDEBOT_ACTION_PORT", "5055"))
PORTAL_PORT = int(os.environ.get("GUIDEBOT_PORTAL_PORT", "5000"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving")
    args = parser.parse_args()
    try:
        if args.shell:
            with rasa_stack(rasa_port=free_port(), action_port=ACTION_PORT) as _:
                # rasa shell starts its own server; the action server from the stack answers it.
                return subprocess.call([str(RASA), "shell", "--model", str(MODEL), "--endpoints",
                                        str(PROJECT_ROOT / "bot" / "endpoints.yml")], cwd=PROJECT_ROOT)
        print("Starting the assistant (Rasa loads its model in about 30 s)...", flush=True)
        # Browsers reach Rasa and the portal on these URLs; answers link to the portal's guide pages.
        env = {"GUIDEBOT_PORTAL_URL": os.environ.get("GUIDEBOT_PORTAL_URL", f"http://localhost:{PORTAL_PORT}"),
               "GUIDEBOT_RASA_URL": os.environ.get("GUIDEBOT_RASA_URL", f"http://localhost:{RASA_PORT}")}
        os.environ.update(env)
        with rasa_stack(rasa_port=RASA_PORT, action_port=ACTION_PORT) as url, \
                portal_server(port=PORTAL_PORT):
            print(f"\nguidebot is running on the sample catalogue (示例数据):\n"
                  f"  Portal with the chat widget: {env['GUIDEBOT_PORTAL_URL']}/\n"
                  f"  Guide directory:   {env['GUIDEBOT_PORTAL_URL']}/guides\n"
                  f"  REST channel:      {url}/webhooks/rest/webhook   (POST {{\"sender\": \"me\", \"message\": \"办护照要带什么\"}})\n"
                  f"  socket.io channel: {url}/socket.io\n"
                  f"  action server:     http://127.0.0.1:{ACTION_PORT}\n"
                  f"Ctrl-C stops everything.", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    except GuidebotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
