"""The suggester on the evaluation set: real channel values against ERP lists as ERPs name things.

``tests/depara/data/eval`` (see its README): values from the channels' public
documentation, the right ERP value for each written by hand, deliberate
near-duplicates in the ERP lists. The figures are printed for the ``dev``
groups (looked at while the rules were written), the ``holdout`` groups (only
counted) and all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.depara.evaluate import evaluate, load_eval_set

EVAL = Path(__file__).resolve().parent / "data" / "eval"
# Issue 17's goal is top-1 >= 90 %. General rules (concepts, words, parts; no alias written
# for an item of this set) reach 88.5 % here: this bar guards what was reached, not the goal.
MIN_TOP1 = 0.88


@pytest.fixture(scope="module")
def report():
    return evaluate(EVAL)


def test_the_set_is_well_formed_and_cites_its_sources():
    groups = load_eval_set(EVAL)
    assert {g.split for g in groups} == {"dev", "holdout"}
    assert all(g.citation.strip() for g in groups)
    assert sum(len(g.expected) for g in groups) >= 150
    assert not any("kit/data" in g.citation for g in groups)


def test_no_wrong_preaccept_and_top1_on_the_evaluation_set(report, capsys):
    with capsys.disabled():
        print("\nde-para evaluation set (tests/depara/data/eval):")
        print(report.text())
    total = report.figures()
    # A wrong match silently accepted is the worst outcome: none allowed.
    assert total.wrong_preaccepted == 0
    assert total.top1_rate >= MIN_TOP1
    assert total.top3 >= total.top1 and total.preaccepted > 0
