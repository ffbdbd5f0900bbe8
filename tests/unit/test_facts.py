"""Tests for the seeds/ fact digest (sim.facts) and the shipped seeds/facts.yaml.

The copying check is an independent oracle: it tokenises every seed article and every
statement, note and title of the digest, and fails on any shared run of 8 words.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.facts import DEFAULT_FACTS_PATH, FACT_KINDS, FactDigest, load_facts

RUN = 8  # words in a row that count as copying


def _seeds_dir() -> Path | None:
    for cand in (Path(__file__).parents[2].parent / "shared" / "seeds", Path("/work/shared/seeds")):
        if cand.is_dir() and any(cand.glob("*.txt")):
            return cand
    return None


SEEDS = _seeds_dir()
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="../shared/seeds not present")


def _words(text: str) -> list[str]:
    """Lower-cased word tokens; curly quotes and punctuation do not hide a copy."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text)


def _runs(words: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _copied(text: str, article_runs: set[tuple[str, ...]]) -> list[str]:
    return [" ".join(r) for r in _runs(_words(text)) if r in article_runs]


@pytest.fixture(scope="module")
def digest() -> FactDigest:
    return load_facts()


@pytest.fixture(scope="module")
def article_runs() -> set[tuple[str, ...]]:
    assert SEEDS is not None
    runs: set[tuple[str, ...]] = set()
    for f in sorted(SEEDS.glob("*.txt")):
        runs |= _runs(_words(f.read_text(encoding="utf-8")))
    return runs


# --------------------------------------------------------------------------- shipped digest
def test_shipped_digest_loads(digest):
    assert DEFAULT_FACTS_PATH.is_file()
    assert len(digest) >= 100
    assert load_facts(DEFAULT_FACTS_PATH) == digest  # explicit path, same result


def test_ids_unique_and_snake_case(digest):
    ids = digest.ids
    assert len(ids) == len(set(ids))
    src_ids = [s.id for s in digest.sources]
    assert len(src_ids) == len(set(src_ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in (*ids, *src_ids))


def test_every_cited_source_exists_and_every_source_is_used(digest):
    known = {s.id for s in digest.sources}
    cited = {s for f in digest.facts for s in f.sources}
    assert cited <= known
    assert known <= cited, f"unused sources: {sorted(known - cited)}"


def test_kinds_and_uncertain_flags(digest):
    assert {f.kind for f in digest.facts} == set(FACT_KINDS)  # every kind is used
    # Every figure FACTS.md marks (U) that we carry is flagged uncertain.
    for fid in (
        "us_exports_to_japan_2024",
        "us_deficit_with_japan_2024",
        "jp_steel_exports_to_us_jp_data_2024",
        "jp_aluminium_exports_to_us_2024",
    ):
        assert digest.get(fid).uncertain, fid
    # Claimed strength or patience is a claim, not an observation.
    for fid in (
        "us_claims_strong_outside_option",
        "ishiba_not_rushing",
        "us_first_mover_advantage",
    ):
        f = digest.get(fid)
        assert f.kind == "claim" and f.uncertain, fid


def test_not_found_items_have_no_value(digest):
    nf = [f for f in digest.facts if f.note and "not found" in f.note.lower()]
    assert len(nf) >= 4
    assert all(f.kind == "parameter" and f.value is None for f in nf)


def test_article_sources_point_at_seed_files(digest):
    arts = [s for s in digest.sources if s.id.startswith("art")]
    assert len(arts) == 5
    assert all(s.file and s.file.endswith(".txt") for s in arts)
    others = [s for s in digest.sources if not s.id.startswith("art")]
    assert all(s.file is None and s.cited_in and s.cited_in.startswith("FACTS.md") for s in others)


@needs_seeds
def test_article_files_exist(digest):
    for s in digest.sources:
        if s.id.startswith("art"):
            assert (SEEDS / s.file).is_file(), s.file
    # ... and every seed article is in the digest.
    assert {p.name for p in SEEDS.glob("*.txt")} == {
        s.file for s in digest.sources if s.id.startswith("art")
    }


# --------------------------------------------------------------------------- no copied text
@needs_seeds
def test_copy_check_detects_a_copied_sentence(article_runs):
    """The checker itself: an article sentence is flagged, a paraphrase is not."""
    text = (SEEDS / "002_58c32e0e0102d307.txt").read_text(encoding="utf-8")
    sentence = next(s for s in text.split(". ") if len(_words(s)) >= 12)
    assert _copied("Preface: " + sentence.upper() + " and more.", article_runs)
    assert not _copied("Japan offers to buy more US corn and soybeans.", article_runs)


@needs_seeds
def test_no_statement_copies_article_text(digest, article_runs):
    bad = {}
    for f in digest.facts:
        for field in ("statement", "note"):
            hits = _copied(getattr(f, field) or "", article_runs)
            if hits:
                bad[f"{f.id}.{field}"] = hits
    for s in digest.sources:
        hits = _copied(s.title, article_runs) + _copied(s.note or "", article_runs)
        if hits:
            bad[f"{s.id}"] = hits
    assert not bad, bad


def test_quotes_are_at_most_three_words(digest):
    quoted = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
    texts = [(f.id, t) for f in digest.facts for t in (f.statement, f.note or "")]
    texts += [(s.id, t) for s in digest.sources for t in (s.title, s.note or "")]
    for owner, text in texts:
        for m in quoted.finditer(text):
            q = m.group(1) or m.group(2)
            assert len(_words(q)) <= 3, (owner, q)


# --------------------------------------------------------------------------- key facts
@pytest.mark.parametrize(
    ("fid", "value", "unit"),
    [
        ("us_car_tariff_rate", 25, "%"),
        ("us_steel_tariff_rate", 25, "%"),
        ("us_aluminium_tariff_rate", 25, "%"),
        ("us_car_mfn_rate", 2.5, "%"),
        ("reciprocal_rate_japan", 24, "%"),
        ("reciprocal_baseline_rate", 10, "%"),
        ("reciprocal_suspension_days", 90, "days"),
        ("us_parallel_negotiations", 40, "countries"),
        ("us_countries_requesting_talks", 75, "countries"),
    ],
)
def test_key_values(digest, fid, value, unit):
    f = digest.get(fid)
    assert f.value == pytest.approx(value)
    assert f.unit == unit


def test_key_dates_and_rounds(digest):
    assert digest.get("reciprocal_suspension_end").date == dt.date(2025, 7, 9)
    rounds = [digest.get(f"round_{i}").date for i in range(1, 5)]
    assert rounds == [
        dt.date(2025, 4, 16),
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 23),
        dt.date(2025, 5, 30),
    ]
    # the suspension (announced 9 Apr) lasts 90 days: 9 Apr + 91 days = 9 Jul, both counted
    assert digest.get("reciprocal_suspension_end").date > dt.date(2025, 4, 9)
    # derived figures agree with their parts
    assert digest.get("us_car_tariff_combined").value == pytest.approx(
        digest.get("us_car_tariff_rate").value + digest.get("us_car_mfn_rate").value
    )
    assert digest.get("reciprocal_additional_part").value == pytest.approx(
        digest.get("reciprocal_rate_japan").value - digest.get("reciprocal_baseline_rate").value
    )


def test_mission_topics_covered(digest):
    for fid in (
        "actor_akazawa",
        "actor_ishiba",
        "actor_trump",
        "actor_bessent",
        "actor_lutnick",
        "actor_greer",
        "concession_corn",
        "concession_soybeans",
        "concession_shipbuilding",
        "concession_vehicle_certification",
        "concession_lng",
        "concession_alaska_gas",
        "concession_us_investment",
        "us_demand_rice",
        "japan_demand_complete_removal",
        "japan_refuses_partial_deal",
        "japan_exchange_rates_separate",
        "us_demand_deficit",
        "us_demand_non_tariff_barriers",
        "us_defence_burden",
        "us_market_turmoil",
        "us_approval_falling",
        "us_first_mover_advantage",
        "us_wants_early_deal",
        "japan_auto_cornerstone",
        "upper_house_election",
        "g7_summit_canada",
        "ministerial_talks_mid_may",
        "us_claims_strong_outside_option",
        "ishiba_not_rushing",
        "ishiba_unsure_of_us_reaction",
    ):
        assert fid in digest, fid


def test_lookup_and_frame(digest):
    with pytest.raises(ValidationError):
        digest.get("us_car_tariff_rate").value = 0  # frozen
    with pytest.raises(KeyError, match="no_such_fact"):
        digest.get("no_such_fact")
    frame = digest.to_frame()
    assert list(frame["id"]) == list(digest.ids)
    assert frame.set_index("id").loc["us_car_tariff_rate", "value"] == 25


# --------------------------------------------------------------------------- bad digests
_GOOD = """\
format_version: 1
sources:
  - {id: art000, file: a.txt, title: an article}
facts:
  - {id: f_one, kind: tariff, statement: a rate, value: 25, unit: "%", sources: [art000]}
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "facts.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_minimal_digest_loads(tmp_path):
    d = load_facts(_write(tmp_path, _GOOD))
    assert d.ids == ("f_one",)
    assert d.source("art000").file == "a.txt"


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (_GOOD.replace("sources: [art000]", "sources: [art000, art999]"), ["f_one", "art999"]),
        (_GOOD.replace("kind: tariff", "kind: rumour"), ["f_one", "kind"]),
        (
            _GOOD + "  - {id: f_one, kind: date, statement: again, sources: [art000]}\n",
            ["duplicate", "f_one"],
        ),
        (_GOOD.replace('unit: "%", ', "colour: red, "), ["f_one", "colour"]),
        (_GOOD.replace("value: 25", "value: lots"), ["f_one", "value"]),
        (_GOOD.replace("sources: [art000]", "sources: []"), ["f_one", "sources"]),
        (_GOOD.replace("format_version: 1", "format_version: 2"), ["format_version"]),
        (_GOOD.replace("file: a.txt, ", ""), ["art000", "file"]),
        (_GOOD + "facts: [\n", ["YAML"]),
    ],
)
def test_bad_digest_fails_naming_file_and_id(tmp_path, text, needles):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError) as info:
        load_facts(path)
    msg = str(info.value)
    assert str(path) in msg
    for needle in needles:
        assert needle in msg, (needle, msg)
