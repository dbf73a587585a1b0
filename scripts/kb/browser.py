"""Headless Debian Chromium and a local HTTP server: shared by `kb offline`, `kb bench` and the tests."""

import functools
import http.server
import os
import threading
from pathlib import Path

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LocalServer:
    """Serve a folder on a free 127.0.0.1 port, in a background thread (a context manager)."""

    def __init__(self, folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        self.origin = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"http://{self.origin}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
