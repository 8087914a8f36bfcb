"""Serve the sample page as an organisation's own web server would, on another origin than
Steward's, under a strict Content-Security-Policy: the banner needs no inline style and no
``unsafe-inline`` (the page's own inline Google Analytics snippet is allowed by its hash).

The page names Steward as ``http://127.0.0.1:8000`` (the default of ``steward serve``); the
server writes the address Steward is really at in its place.
"""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn

HERE = Path(__file__).resolve().parent
WRITTEN_STEWARD = "http://127.0.0.1:8000"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def content_security_policy(page: str, steward: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in _INLINE_SCRIPT.findall(page)
    )
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {steward} https://www.googletagmanager.com {hashes}",
            "style-src 'self'",
            "img-src 'self' data: https://*.google-analytics.com https://*.googletagmanager.com",
            f"connect-src 'self' {steward} https://*.google-analytics.com "
            "https://*.analytics.google.com https://*.googletagmanager.com",
            "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


class SitePage(SimpleHTTPRequestHandler):
    """Files from this folder; HTML pages get Steward's address and a CSP."""

    site: SiteServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            page = (HERE / "index.html").read_text(encoding="utf-8")
            page = page.replace(WRITTEN_STEWARD, self.site.steward)
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header(
                "Content-Security-Policy", content_security_policy(page, self.site.steward)
            )
            self.end_headers()
            self.wfile.write(body)
            return
        if path != "/site.css":
            self.send_error(404)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: a sample page, not a server to watch


class SiteServer:
    """The sample page on ``host:port`` (0: any free port), in a thread of its own."""

    def __init__(self, steward: str, host: str = "localhost", port: int = 0) -> None:
        self.steward = steward.rstrip("/")
        page = type("OutservePage", (SitePage,), {"site": self})
        handler = partial(page, directory=str(HERE))
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.httpd.server_address[1]}"

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class ThreadedApp:
    """An ASGI app (Steward's, from ``create_app``) on a free loopback port, in a thread, until
    ``stop``: for the browser tests and the banner benchmark, which drive both servers at once."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self) -> ThreadedApp:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.socket.close()
