"""The suggester on the evaluation set: real channel values against ERP lists as ERPs name things.

``tests/depara/data/eval`` (see its README): values from the channels' public
documentation, the right answer for each written by hand, deliberate
near-duplicates in the ERP lists. The figures are printed for the ``dev``
groups (looked at while the rules were written), the ``holdout`` groups (only
counted), the ``fresh`` groups (a second holdout from other channels and ERPs,
built before the rules were changed again), the ``fresh2`` groups (a third holdout,
built before the rules were changed a third time; only counted) and all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.depara.evaluate import SPLITS, evaluate, load_eval_set

EVAL = Path(__file__).resolve().parent / "data" / "eval"
# Issue 17's goal is top-1 >= 90 %. These bars guard what was reached per split (dev 92.0 %,
# holdout 91.0 %, fresh 76.4 %), not the goal. The fresh split was at 72.6 % before any rule
# was changed; it stays below the goal because its misses need knowledge the rules do not
# have yet (see the README's de-para section), and no rule is written for one of its items.
# fresh2 (a third holdout) was at 64.9 % (1 wrong pre-accept) before any rule was changed.
MIN_TOP1 = {"dev": 0.91, "holdout": 0.91, "fresh": 0.76, "fresh2": 0.64}


@pytest.fixture(scope="module")
def report():
    return evaluate(EVAL)


def test_the_set_is_well_formed_and_cites_its_sources():
    groups = load_eval_set(EVAL)
    assert {g.split for g in groups} == {"dev", "holdout", "fresh", "fresh2"}
    assert all(g.citation.strip() for g in groups)
    assert sum(len(g.expected) for g in groups) >= 400
    assert not any("kit/data" in g.citation for g in groups)


def test_no_wrong_preaccept_and_top1_on_the_evaluation_set(report, capsys):
    with capsys.disabled():
        print("\nde-para evaluation set (tests/depara/data/eval):")
        print(report.text())
    for split in SPLITS:
        figures = report.figures(split=split)
        # A wrong match silently accepted is the worst outcome: none allowed, on any split.
        assert figures.wrong_preaccepted == 0, split
        assert figures.top1_rate >= MIN_TOP1[split], (split, figures.line(split))
        assert figures.top3 >= figures.top1 and figures.preaccepted > 0, split
