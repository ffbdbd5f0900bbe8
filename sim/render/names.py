"""Short display names of models, for table headers and legends (a deal sheet of every
model fits 100 columns)."""

from __future__ import annotations

#: Short names of the shipped models; any other model is shown by :func:`short_name`.
SHORT = {
    "nash_bargaining": "Nash",
    "kalai_smorodinsky": "KS",
    "utilitarian": "util.",
    "egalitarian": "egal.",
    "rubinstein": "Rubin.",
    "deadline": "deadline",
    "private_information": "private info",
    "two_level": "2-level",
    "game_tree": "game tree",
}


def short_name(model: str) -> str:
    """The model's short name: from :data:`SHORT`, else its key with spaces."""
    return SHORT.get(model, model.replace("_", " "))
