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

from kit.depara.evaluate import SPLITS, evaluate, load_eval_set

pytestmark = pytest.mark.figures  # prints the evaluation figures: `make test` runs it in one process

EVAL = Path(__file__).resolve().parent / "data" / "eval"
# Issue 17's goal is top-1 >= 90 % on every split. These bars guard what was reached, not the
# goal, with the fifth round of rules (generic siblings, department-name synonyms and the Google
# taxonomy's broad families, -em/-ens plurals, billing and shipping-flow states, a description's
# label): dev 96.6 %, holdout 96.2 %, fresh 96.2 %, fresh2 97.4 %, fresh3 98.0 % (146/149; a fourth
# holdout: 62.4 % before the fourth round, 87.2 % after it; a dev split from the fifth round on),
# fresh4 62.2 % (a fifth holdout, a mix like real use: 62.2 % before the fifth round too, measured
# once when its rules were final; its misses were not looked at). fresh4 stays far below the goal
# on the Google taxonomy's second-level home and apparel families (categories 43/83); a dev split from
# the sixth round on. fresh5 (a sixth holdout, built before the sixth round): 70.8 % before it.
MIN_TOP1 = {"dev": 0.97, "holdout": 0.96, "fresh": 0.99, "fresh2": 0.99, "fresh3": 0.97, "fresh4": 0.82, "fresh5": 0.70}


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
        # A wrong match silently accepted is the worst outcome: none allowed, on any split.
        assert figures.wrong_preaccepted == 0, split
        assert figures.top1_rate >= MIN_TOP1[split], (split, figures.line(split))
        assert figures.top3 >= figures.top1 and figures.preaccepted > 0, split
