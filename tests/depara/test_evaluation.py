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
services and category trees; a dev split from the sixth round on) and the ``fresh5`` groups (a sixth
holdout: Mercado Livre's second-level categories, order and charge statuses and payment codes of
channels no other split used; a dev split since its one wrong pre-accept was fixed after it was
measured) and the ``fresh6`` groups (a seventh holdout: Shopee Brasil's second-level categories, order,
charge and payment codes of Yampi, Vindi, Getnet and PagBank; a dev split from the eighth round on) and the
``fresh7`` groups (an eighth holdout: Pichau's and Dafiti's second-level categories, transaction, order and
payment statuses and payment methods of Cielo, EvoluServices, PayGo, Dezwork, Zoom, Vnda and Dooca; a dev split
from the ninth round on) and the ``fresh8`` groups (a ninth holdout: KaBuM!'s and Cobasi's families, Stone, Fiserv
and dLocal transaction and payment statuses, Abbiamo delivery statuses and Tray order statuses; a dev split since
its three wrong pre-accepts were fixed after it was measured) and the ``fresh9`` groups (a tenth holdout: Magazine
Luiza's second-level families, Bagy's order statuses, Banco Inter's and Sicredi's boleto situations and the Pix
charge statuses) and the ``fresh10`` groups (an eleventh holdout: Banco do Brasil's boleto and payment situations,
Boleto Simples, Mercado Pago's status_detail, Assinaclub, Yapay's payment forms, Correios service codes and Casas
Bahia families; a dev split since its first measurement showed two wrong pre-accepts) and the ``fresh11`` groups (a
twelfth holdout: Stripe, Adyen and PayPal transaction, dispute and webhook states, SHOPLINE, Medusa, Saleor and eBay
order payment states, Tiny's and Bling's order situations, Adyen's and Stripe's payment method types and Azul Cargo's
services; the held-out split from the end of the twelfth round, when ``fresh9`` became a dev split, until ``fresh12``
was added) and the ``fresh12`` groups (a thirteenth holdout: Braintree, Mollie, Dintero, Square and Razorpay
transaction, dispute, refund and payment states, BigCommerce's and TikTok Shop's order statuses, Mollie's payment
methods, Braintree's payment instrument types and FedEx's service types). A held-out
split (:data:`kit.depara.evaluate.HELD_OUT`) is printed in one last line only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.depara.evaluate import SPLITS, evaluate, load_eval_set

pytestmark = pytest.mark.figures  # prints the evaluation figures: `make test` runs it in one process

EVAL = Path(__file__).resolve().parent / "data" / "eval"
# Issue 17's goal is top-1 >= 90 % on every split. These bars guard what was reached, not the
# goal, with the sixth round of rules (the Google Product Taxonomy as a back-off lexicon, channel-
# scoped flow-state codes, a few general words): dev 97.7 %, holdout 96.2 %, fresh 99.1 %, fresh2
# 99.3 %, fresh3 98.0 %, fresh4 82.4 % (a fifth holdout: 62.2 % before and after the fifth round; a
# dev split in the sixth), fresh5 74.2 % (a sixth holdout: 70.8 % before the sixth round, 73.3 % and
# one wrong pre-accept when measured once with its rules final; then a dev split: that one wrong
# pre-accept was looked at and removed by a general alias, a refunded payment is not returned goods).
# With the seventh round (a product-family lexicon backing off to departments): dev 97.7 %, holdout 96.2 %,
# fresh 99.1 %, fresh2 99.3 %, fresh3 99.3 %, fresh4 95.8 %, fresh5 91.7 % (dev splits). fresh6 is the
# seventh holdout, written before the seventh round: 57.8 % (74/128) before any rule change, 65.6 %
# (84/128, top-3 84.4 %, no wrong pre-accept) when measured once with the round's rules final, far below
# the goal on Shopee's second-level categories (55/93; the rest 29/35); a dev split from the eighth round on.
# fresh7 is the eighth holdout, written before the eighth round: 72.3 % (107/148, top-3 85.8 %, no wrong
# pre-accept) before any rule change. With the eighth round (gender and audience qualifiers, a few general
# words and families): dev 97.7 %, holdout 96.2 %, fresh 99.1 %, fresh2 99.3 %, fresh3 99.3 %, fresh4 95.8 %,
# fresh5 91.7 % (all unchanged), fresh6 84.4 % (65.6 % before; the dev split whose misses the round's rules
# came from); fresh7 79.7 % (118/148, top-3 89.9 %, no wrong pre-accept) when measured once with the round's
# rules final: below the goal (Pichau's categories 38/49 as before, Dafiti's 31/38, 20 before; the rest 49/61);
# a dev split from the ninth round on. fresh8 is the ninth holdout, written before the ninth round: 71.4 % (85/119,
# top-3 86.6 %) and three wrong pre-accepts (Stone, Fiserv and Abbiamo statuses) before any rule change. With the
# ninth round (gateway transaction states, computer families, a product's purpose, pipes as path separators, a
# one-word generic status): dev 97.7 %, holdout 96.2 %, fresh 99.1 %, fresh2 99.3 %, fresh3 99.3 %, fresh4 95.8 %,
# fresh5 91.7 % (all unchanged), fresh6 85.9 % (84.4 % before), fresh7 89.2 % (79.7 % before; the dev split whose
# misses the round's rules came from); fresh8 74.8 % (89/119, top-3 89.9 %) with the same three wrong pre-accepts
# when measured once with the round's rules final: below the goal. Then fresh8 became a dev split (the lead's
# decision: a known wrong pre-accept is not kept to preserve a holdout): its three wrong pre-accepts were looked at
# and removed by general rules (a description naming another concept keeps a match for a person; a gateway's
# "invalid" is not Mercado Livre's invalidated order; "em devolução" is a return under way, not a return done):
# fresh8 75.6 % (90/119), no wrong pre-accept on any split. fresh9 is the tenth holdout, written before the tenth
# round: 74.7 % (56/75, top-3 84.0 %, no wrong pre-accept) before any rule change (Magalu's families 41/44, the
# statuses 15/31). With the tenth round (an abandoned transaction, a payment pending confirmation, pet medicines,
# computer-store abbreviations): fresh8 79.8 % (95/119, the dev split the round's rules came from), every other
# split unchanged; fresh9 74.7 % (56/75, top-3 84.0 %, no wrong pre-accept) when measured once with the round's
# rules final, item by item as before: below the goal. fresh10 is the eleventh holdout, written before the eleventh
# round: 73.4 % (94/128, top-3 86.7 %) and two wrong pre-accepts (Mercado Pago status_detail) at its one measurement
# before any rule change; a dev split from then on (its wrong pre-accepts are removed by general rules). With the
# eleventh round (an antifraud refusal and a value's own narrower words, ERP codes before a name, a receivables and
# boleto lexicon with "vencido" as overdue, department-prefixed groups backing off from their family, "e-" as a
# prefix, the buyer's cancellation, an ERP's catch-all sibling for what it does not name): fresh10 90.6 % (116/128,
# the dev split the round's rules came from), fresh7 90.5 %, every other split unchanged; fresh9 81.3 % (61/75,
# top-3 89.3 %, no wrong pre-accept) when measured once with the round's rules final: below the goal. fresh11 is the
# twelfth holdout, written before the twelfth round: 62.4 % (78/125, top-3 72.0 %, 5 pre-accepted, no wrong
# pre-accept) at its one measurement before any rule change. With the twelfth round (from the dev splits' misses:
# carriers' failed deliveries and collections, pickups by the buyer, an authorization error, Mercado Pago's
# contingency and manual review, an order placed, numbered families, audience words qualifying families, PS as
# PlayStation, a vacuum cleaner, a wedding dress, bed linen, a group's family before its department): fresh5 94.2 %,
# fresh6 87.5 %, fresh7 92.6 %, fresh8 86.6 %, fresh10 94.5 %, every other split unchanged; fresh11 63.2 % (79/125,
# top-3 72.0 %, no wrong pre-accept) and fresh9 81.3 % (unchanged) when measured once each with the round's rules
# final: below the goal. fresh11 showed no wrong pre-accept, so it is the held-out split from then on and fresh9 a
# dev split. fresh12 is the thirteenth holdout, written before the thirteenth round: 60.6 % (57/94, top-3 78.7 %,
# 7 pre-accepted) and two wrong pre-accepts (Mollie's and Square's payment statuses) at its one measurement before any
# rule change; the held-out split from then on, fresh11 a dev split. Its two wrong pre-accepts (those two items only)
# were looked at and removed by general rules first. With the thirteenth round (ERP codes and labels before a state,
# feminine states, buy now pay later, direct debits and wallets, chargeback stages, the buyer's action, a value read
# with its description's subject, receivables' titles, an ERP group's head word and parent level): fresh4 96.6 %,
# fresh6 89.8 %, fresh8 93.3 %, fresh9 89.3 %, fresh10 95.3 %, fresh11 92.8 % (the dev split the round's rules mostly
# came from), every other split unchanged; fresh12 72.3 % (68/94, top-3 87.2 %, no wrong pre-accept) when measured
# once with the round's rules final: below the goal.
MIN_TOP1 = {
    "dev": 0.97,
    "holdout": 0.96,
    "fresh": 0.99,
    "fresh2": 0.99,
    "fresh3": 0.99,
    "fresh4": 0.96,
    "fresh5": 0.94,
    "fresh6": 0.89,
    "fresh7": 0.92,
    "fresh8": 0.93,
    "fresh9": 0.89,
    "fresh10": 0.95,
    "fresh11": 0.92,
    "fresh12": 0.72,
}


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
        assert figures.wrong_preaccepted == 0, (split, figures.line(split))
        assert figures.top1_rate >= MIN_TOP1[split], (split, figures.line(split))
        assert figures.top3 >= figures.top1 and figures.preaccepted > 0, split
