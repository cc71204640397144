"""Screenshots of a built site, to look at it as a customer would.

    python scripts/screenshots.py SITE_DIR OUT_DIR [PATH ...]

Serves SITE_DIR on a loopback port and captures each path in light and dark, at
desktop and phone widths, with Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_PATHS = ["/", "/ideas/recurring-invoices/", "/roadmap/", "/changelog/v3-2/", "/impact/"]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(site: Path, out: Path, paths: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for scheme in ("light", "dark"):
                for name, (width, height) in VIEWPORTS.items():
                    page = browser.new_page(
                        viewport={"width": width, "height": height}, color_scheme=scheme
                    )
                    for path in paths:
                        page.goto(base + path)
                        slug = path.strip("/").replace("/", "-") or "home"
                        page.screenshot(path=out / f"{slug}-{scheme}-{name}.png", full_page=True)
                    page.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or DEFAULT_PATHS)
