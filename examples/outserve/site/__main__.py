"""``python -m examples.outserve.site [--steward URL] [--port N]``: serve the sample page."""

from __future__ import annotations

import argparse

from examples.outserve.site.serve import WRITTEN_STEWARD, SiteServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steward", default=WRITTEN_STEWARD, help="where Steward is served")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    site = SiteServer(args.steward, port=args.port).start()
    print(f"Outserve's sample page: {site.url}/ (banner from {site.steward}/banner.js)")
    print(f"Let Steward take its receipts: STEWARD_WEB_BANNER_ORIGINS={site.url}")
    try:
        site.thread.join()
    except KeyboardInterrupt:
        site.stop()


if __name__ == "__main__":
    main()
