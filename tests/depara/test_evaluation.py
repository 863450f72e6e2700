"""The suggester on the evaluation set: real channel values against ERP lists as ERPs name things.

``tests/depara/data/eval`` (see its README): values from the channels' public
documentation, the right answer for each written by hand, deliberate
near-duplicates in the ERP lists. The figures are printed for the ``dev``
groups (looked at while the rules were written), the ``holdout`` groups (only
counted), the ``fresh`` groups (a second holdout from other channels and ERPs,
built before the rules were changed again), the ``fresh2`` groups (a third holdout,
built before the rules were changed a third time; a dev split from the fourth round on)
the ``fresh3`` groups (a fourth holdout, mostly category trees; a dev split from the fifth
round on), the ``fresh4`` groups (a fifth holdout, a mix of order statuses, payment methods, carrier
services and category trees; a dev split from the sixth round on) and, in one last line, the ``fresh5``
groups (a sixth holdout: Mercado Livre's second-level categories, order and charge statuses and
payment codes of channels no other split used; only counted: no group line, no misses).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.depara.evaluate import HELD_OUT, SPLITS, evaluate, load_eval_set

pytestmark = pytest.mark.figures  # prints the evaluation figures: `make test` runs it in one process

EVAL = Path(__file__).resolve().parent / "data" / "eval"
# Issue 17's goal is top-1 >= 90 % on every split. These bars guard what was reached, not the
# goal, with the sixth round of rules (the Google Product Taxonomy as a back-off lexicon, channel-
# scoped flow-state codes, a few general words): dev 97.7 %, holdout 96.2 %, fresh 99.1 %, fresh2
# 99.3 %, fresh3 98.0 %, fresh4 82.4 % (a fifth holdout: 62.2 % before and after the fifth round; a
# dev split in the sixth), fresh5 73.3 % (a sixth holdout, a mix like real use: 70.8 % before the
# sixth round, measured once when its rules were final; its misses were not looked at). fresh5 stays
# far below the goal on Mercado Livre's second-level families (categories 50/77).
MIN_TOP1 = {"dev": 0.97, "holdout": 0.96, "fresh": 0.99, "fresh2": 0.99, "fresh3": 0.97, "fresh4": 0.82, "fresh5": 0.73}
# Wrong pre-accepts measured on a held-out split and not fixed, because fixing them means looking at
# the split's misses, which would make it a dev split. The goal stays 0 (the strict xfail below turns
# red once it is reached, so that this entry is removed); a higher count fails the test.
KNOWN_WRONG_PREACCEPTS = {"fresh5": 1}


@pytest.fixture(scope="module")
def report():
    return evaluate(EVAL)


def test_the_set_is_well_formed_and_cites_its_sources():
    groups = load_eval_set(EVAL)
    assert {g.split for g in groups} == set(SPLITS)
    assert all(g.citation.strip() for g in groups)
    assert sum(len(g.expected) for g in groups) >= 400
    assert not any("kit/data" in g.citation for g in groups)


def test_no_wrong_preaccept_and_top1_on_the_evaluation_set(report, capsys):
    with capsys.disabled():
        print("\nde-para evaluation set (tests/depara/data/eval):")
        print(report.text())
    for split in SPLITS:
        figures = report.figures(split=split)
        # A wrong match silently accepted is the worst outcome: none allowed, on any split the rules
        # were written against; on a held-out split, no more than were measured (see above).
        assert figures.wrong_preaccepted <= KNOWN_WRONG_PREACCEPTS.get(split, 0), split
        if split not in HELD_OUT:
            assert split not in KNOWN_WRONG_PREACCEPTS, split
        assert figures.top1_rate >= MIN_TOP1[split], (split, figures.line(split))
        assert figures.top3 >= figures.top1 and figures.preaccepted > 0, split


@pytest.mark.xfail(
    strict=True,
    reason="fresh5 (held out) has one wrong pre-accept, measured at the end of the sixth round; "
    "not fixed, so that fresh5's misses stay unseen (issue 17's goal is none)",
)
def test_no_wrong_preaccept_on_the_held_out_split(report):
    for split in HELD_OUT:
        assert report.figures(split=split).wrong_preaccepted == 0, split
