"""Capture results.json of every shipped scenario as a regression snapshot.

Run from the repository root: ``python scripts/capture_regression.py``.  The snapshot is a
regression check (tests/integration/test_regression.py), never a correctness oracle: a
change that moves numbers on purpose re-runs this script and says why in its commit.
"""

import json
import sys
from pathlib import Path

import sim

VOLATILE = ("created", "sim_version", "format_version", "files")


def snapshot(path: Path) -> dict:
    d = sim.run(path).to_dict()
    for key in VOLATILE:
        d.pop(key, None)
    d["scenario"].pop("path", None)
    return d


def main() -> None:
    out = Path("tests/fixtures/regression")
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path("scenarios").glob("*.yaml")):
        (out / f"{path.stem}.json").write_text(
            json.dumps(snapshot(path), indent=1, sort_keys=True, allow_nan=False) + "\n"
        )
        print(f"wrote {out / path.stem}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
