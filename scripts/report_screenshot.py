"""Make docs/img/report.png, the README's picture of `sim report`, with headless Chromium.

    python scripts/report_screenshot.py [REPORT.html]

Without an argument it writes the baseline's report (with the package comparison) first.
The picture is the top of the page, as a palette PNG (< 300 KB).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img" / "report.png"


def main(argv: list[str]) -> None:
    from PIL import Image

    import sim

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        report = Path(argv[0]) if argv else sim.report(
            ROOT / "scenarios" / "japan_us_2025.yaml", tmp / "report.html", compare=True
        )
        shot = tmp / "shot.png"
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}",
             f"--screenshot={shot}", "--window-size=1000,2600", report.resolve().as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip
        img = Image.open(shot).convert("RGB")
        img = img.resize((img.width * 7 // 10, img.height * 7 // 10), Image.LANCZOS)
        img.quantize(colors=64).save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1:])
