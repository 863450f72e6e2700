"""The one publishing loop: what ``Connector.publish(items)`` does for every channel.

A channel declares what it allows and implements a few hooks (see
``docs/publishing.md`` and the hooks in :mod:`kit.connectors.base`); this module
does the rest, the same way for every channel:

1. **Allowed?** ``publish_support(item)``: a create or update the channel does
   not allow is ``skipped`` with the reason, per SKU.
2. **Complete?** the channel's required fields (``publish_required``), title
   limit, and the category's required attributes (``category_requirements``):
   an incomplete item is ``held`` with what to fix; nothing is sent for it.
3. **Never a duplicate.** Every item that would be created is first looked up
   on the channel by seller SKU (``find_listings``): a listing found there (a
   crash after the channel's "created" and before the kit recorded it) is bound
   and updated, never created again.
4. **Send.** ``create_listing`` / ``update_listing`` per item, the items of one
   variation family in order in one worker (a family's parent is created once),
   families in parallel under the shared rate limiter. A channel that registers a
   family in one request (``publish_family_together``) gets the family's creates
   in one ``create_listings`` call, and a family with a held create is held
   whole. Bulk and feed channels (``publish_batch`` > 0) get ``send_listings``
   with up to ``publish_batch`` items per call, in input order (a family stays in
   order). A :class:`KitError` is the item's ``failed`` reason (every item of a
   bulk call); an unexpected error too (never lost).
5. **Wait, bounded.** Asynchronous channels answer ``pending`` with a token; for
   ``publish_poll_wait_s`` seconds the loop polls them (``poll_publish``, pauses
   growing up to ``publish_poll_interval_s``); what is still pending then is
   reported pending, and the next run polls it instead of sending it again.
6. **Account.** One :class:`PublishResult` per input item, in order; ``on_result``
   is called for each as soon as it is known (the products job records a
   binding there, before the next item is sent; a pending item after the wait).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kit.connectors.model import (
    APPLIED,
    CREATE,
    FAILED,
    HELD,
    PENDING,
    SKIPPED,
    UPDATE,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishReport,
    PublishResult,
)
from kit.errors import KitError
from kit.scrub import scrub

if TYPE_CHECKING:
    from kit.connectors.base import Connector

__all__ = [
    "publish",
    "plan",
    "check_item",
    "FIELD_LABELS",
    "missing_fields",
    "send_one",
    "same_code_listings",
    "same_code_fix",
    "kept_active",
]

log = logging.getLogger("kit.connectors.publishing")

#: pt-BR names of the ProductItem fields, for "what to fix" messages.
FIELD_LABELS = {
    "title": "título",
    "description": "descrição",
    "brand": "marca",
    "ean": "EAN/GTIN",
    "ncm": "NCM",
    "weight_kg": "peso (kg)",
    "height_cm": "altura (cm)",
    "width_cm": "largura (cm)",
    "length_cm": "comprimento (cm)",
    "price": "preço",
    "stock": "estoque",
    "channel_category": "categoria do canal (de-para de categoria)",
    "image_urls": "imagens (URLs)",
}
_POSITIVE = ("weight_kg", "height_cm", "width_cm", "length_cm", "price")

OnResult = Callable[[ProductItem, PublishResult], None]


def missing_fields(item: ProductItem, required: Sequence[str]) -> list[str]:
    """The ``required`` ProductItem fields that ``item`` lacks (blank, empty, or not > 0 for measures)."""
    out = []
    for name in required:
        value = getattr(item, name)
        if name in _POSITIVE:
            try:
                ok = value is not None and float(value) > 0
            except (TypeError, ValueError):
                ok = False
        else:
            ok = value not in (None, "", [], {})
        if not ok:
            out.append(name)
    return out


def check_item(conn: Connector, item: ProductItem, requirements: CategoryRequirements | None) -> str:
    """What ``item`` lacks before ``conn``'s channel accepts it (pt-BR), or ``""`` when complete."""
    problems = []
    fields = missing_fields(item, conn.publish_required)
    if item.bound:  # an update without a mapped category (or a field the connector keeps) keeps the channel's
        kept = {"channel_category", *getattr(conn, "publish_update_keeps", ())}
        fields = [f for f in fields if f not in kept]
    if "channel_category" in fields:
        fields.remove("channel_category")
        problems.append(
            f"categoria '{item.category or '(vazia)'}' sem de-para para o canal: mapeie-a "
            f"(kit depara build {conn.channel.name} category ...) e confirme"
        )
    if fields:
        problems.append("preencha no ERP: " + ", ".join(FIELD_LABELS.get(f, f) for f in fields))
    limit = conn.publish_title_max
    if limit and item.title and len(item.title) > limit:
        problems.append(f"título com {len(item.title)} caracteres; {conn.label} aceita até {limit}")
    if requirements is not None:
        for attr in requirements.missing(item):
            if attr.field:
                problems.append(
                    f"atributo obrigatório '{attr.name}' da categoria {requirements.category}: preencha no ERP: "
                    f"{FIELD_LABELS.get(attr.field, attr.field)}"
                )
                continue
            sent = {k.casefold(): v for k, v in item.channel_attributes.items()}.get(attr.name.casefold())
            erp_value = sent or item.attributes.get(attr.name)
            allowed = f" (valores aceitos: {', '.join(attr.values[:8])})" if attr.values else ""
            if erp_value:
                problems.append(
                    f"atributo obrigatório '{attr.name}' da categoria {requirements.category}: o valor "
                    f"'{erp_value}' não é aceito pelo canal{allowed}; ajuste o de-para de atributos"
                )
            else:
                problems.append(
                    f"atributo obrigatório '{attr.name}' da categoria {requirements.category} sem valor{allowed}: "
                    f"preencha-o no ERP e mapeie-o (kit depara build {conn.channel.name} attribute ...)"
                )
    return "; ".join(problems)


def same_code_listings(
    bindings: dict[str, dict[str, Any]], erp_skus: set[str], unbound: list[str]
) -> dict[str, tuple[ListingRef, ...]]:
    """For each unbound SKU, the listings whose seller SKU is that SKU written another way (leading zeros an
    Excel export dropped, case, separators: :func:`kit.skucode.code_keys`, the go-live check's key). The
    products job and the go-live creation preview set them as ``ProductItem.same_code_listings``.

    Only listings no ERP SKU names exactly are candidates (those belong to that SKU). Every candidate of a
    key is returned, however many: the caller holds the create, it never binds on a guess.
    """
    from kit.skucode import code_keys

    free = [sku for sku in bindings if sku not in erp_skus]
    if not free or not unbound:
        return {}
    by_key: dict[str, list[str]] = {}
    for sku, key in zip(free, code_keys(free), strict=True):
        if key:
            by_key.setdefault(key, []).append(sku)
    out = {}
    for sku, key in zip(unbound, code_keys(unbound), strict=True):
        if key in by_key:
            refs = [bindings[s] for s in by_key[key]]
            out[sku] = tuple(
                ListingRef(
                    s, str(r.get("channel_id") or ""), r.get("variation_id") or None, r.get("product_id") or None
                )
                for s, r in zip(by_key[key], refs, strict=True)
            )
    return out


def same_code_fix(conn: Connector, item: ProductItem) -> str:
    """Why a create whose SKU the channel already lists under another spelling is held, and what to do (pt-BR)."""
    from kit.skucode import how_written

    refs = item.same_code_listings
    named = ", ".join(f"'{ref.sku}' (anúncio {ref.channel_id}; {how_written(item.sku, ref.sku)})" for ref in refs)
    where = "nesse anúncio" if len(refs) == 1 else "no anúncio que for dele"
    return (
        f"{conn.label} já tem anúncio com o SKU do vendedor {named}: o SKU '{item.sku}' do ERP não foi criado "
        f"(seria um anúncio duplicado) nem vinculado por suposição; se for o mesmo produto, preencha '{item.sku}' "
        f"como SKU do vendedor {where} no canal (a próxima execução o vincula); se não for, corrija o SKU no ERP"
    )


def kept_active(current: bool | None, erp: bool, label: str) -> tuple[bool, str]:
    """The active state an update may send, and the note when it keeps a listing the store paused.

    The kit may deactivate a listing (the ERP stopped selling it), never reactivate one: the store may have
    paused it itself (out of season, a quality problem, a marketplace request). ``current`` is the channel's
    state (``None``: no listing yet, a create takes the ERP's). Returns the state (current AND ERP) and, when
    the ERP has the product active but the store paused it, a pt-BR note for the job report
    (``PublishResult.note``), else ``""``.
    """
    if current is None:
        return erp, ""
    if erp and not current:
        return (
            False,
            f"pausado na loja ({label}), ativo no ERP: o kit não reativa anúncios; reative no canal se quiser vender",
        )
    return current and erp, ""


def _requirements(conn: Connector, item: ProductItem, cache: dict[str, Any]) -> CategoryRequirements | None:
    if not item.channel_category:
        return None
    key = str(item.channel_category)
    if key not in cache:
        cache[key] = conn.category_requirements(key)
    return cache[key]


def _prepare(conn: Connector, items: Sequence[ProductItem]) -> tuple[list[PublishResult | None], list[int]]:
    """Results decided before anything is sent (skipped / held), and the positions left to send."""
    results: list[PublishResult | None] = [None] * len(items)
    todo: list[int] = []
    cache: dict[str, Any] = {}
    for i, item in enumerate(items):
        action = UPDATE if item.bound else CREATE
        support = conn.publish_support(item)
        if not (support.update if action == UPDATE else support.create):
            what = "atualização" if action == UPDATE else "criação"
            why = support.reason or f"{conn.label} não permite a {what} de anúncios pela API"
            results[i] = PublishResult(item.sku, SKIPPED, "", why, channel_id=item.channel_id)
            continue
        if action == CREATE and item.same_code_listings:
            results[i] = PublishResult(item.sku, HELD, action, fix=same_code_fix(conn, item))
            continue
        try:
            fix = check_item(conn, item, _requirements(conn, item, cache))
        except KitError as exc:
            results[i] = PublishResult(item.sku, FAILED, action, _reason(exc), channel_id=item.channel_id)
            continue
        if fix:
            results[i] = PublishResult(item.sku, HELD, action, fix=fix, channel_id=item.channel_id)
            continue
        todo.append(i)
    if conn.publish_family_together:
        todo = _hold_incomplete_families(conn, items, results, todo)
    return results, todo


def plan(conn: Connector, items: Sequence[ProductItem]) -> list[PublishResult | None]:
    """What :func:`publish` would decide for each item before sending anything: its skipped, held or failed
    result, or ``None`` for an item it would send (a dry run; only read requests, such as a category's
    required attributes)."""
    return _prepare(conn, list(items))[0]


def _hold_incomplete_families(
    conn: Connector, items: Sequence[ProductItem], results: list, todo: list[int]
) -> list[int]:
    """Families registered in one request: the creates of a family with a held (or failed) create are held too."""
    blocked: dict[str, str] = {}
    for i, item in enumerate(items):
        if results[i] is not None and not item.bound and results[i].status in (HELD, FAILED):
            blocked.setdefault(item.family, item.sku)
    keep = []
    for i in todo:
        sibling = blocked.get(items[i].family)
        if sibling is None or items[i].bound:
            keep.append(i)
            continue
        results[i] = PublishResult(
            items[i].sku, HELD, CREATE, fix=f"a {conn.label} cadastra a família {items[i].family} inteira de uma vez: "
            f"corrija antes o SKU {sibling}, retido (veja o motivo dele)",
        )  # fmt: skip
    return keep


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KitError):
        text = exc.message if not exc.status else f"HTTP {exc.status}: {exc.message}"
        hint = getattr(exc, "hint", None)
        return scrub(f"{text} ({hint})" if hint else text)
    return scrub(f"erro inesperado: {type(exc).__name__}: {exc}")


def _lookup(conn: Connector, items: list[ProductItem], todo: list[int]) -> list[ProductItem]:
    """Copies of ``items`` where an unbound SKU already has a listing on the channel: bound to it."""
    unbound = [items[i].sku for i in todo if not items[i].bound]
    if not unbound:
        return items
    found = conn.find_listings(unbound)
    out = list(items)
    for i in todo:
        ref = found.get(items[i].sku) if not items[i].bound else None
        if ref is not None:
            log.info("%s: SKU %s already listed on the channel (%s): bound, not created", conn.channel.name,
                     items[i].sku, ref.channel_id)  # fmt: skip
            out[i] = replace(
                items[i], channel_id=ref.channel_id, variation_id=ref.variation_id, product_id=ref.product_id
            )
    return out


def send_one(conn: Connector, item: ProductItem) -> PublishResult:
    """``create_listing`` or ``update_listing`` of one item; a :class:`KitError` is its ``failed`` reason."""
    action = UPDATE if item.bound else CREATE
    try:
        result = conn.update_listing(item) if action == UPDATE else conn.create_listing(item)
    except KitError as exc:
        return PublishResult(item.sku, FAILED, action, _reason(exc), channel_id=item.channel_id)
    except Exception as exc:  # never lose an item to an unexpected bug
        log.exception("unexpected error publishing %s to %s", item.sku, conn.channel.name)
        return PublishResult(item.sku, FAILED, action, _reason(exc), channel_id=item.channel_id)
    if result.sku != item.sku:
        raise AssertionError(f"{type(conn).__name__} answered sku {result.sku!r} for {item.sku!r}")
    if not result.action:
        result.action = action
    return result


def _send_batch(conn: Connector, items: list[ProductItem]) -> list[PublishResult]:
    """One ``send_listings`` call; a :class:`KitError` (or a bug) fails every item of it with the reason."""
    try:
        results = list(conn.send_listings(items))
    except Exception as exc:  # never lose an item to an unexpected bug
        if not isinstance(exc, KitError):
            log.exception("unexpected error publishing %d items to %s", len(items), conn.channel.name)
        return [PublishResult(i.sku, FAILED, UPDATE if i.bound else CREATE, _reason(exc), channel_id=i.channel_id)
                for i in items]  # fmt: skip
    if [r.sku for r in results] != [i.sku for i in items]:
        raise AssertionError(f"{type(conn).__name__}.send_listings answered other SKUs than it was given")
    for item, result in zip(items, results, strict=True):
        if not result.action:
            result.action = UPDATE if item.bound else CREATE
    return results


def _send_family(conn: Connector, items: list[ProductItem]) -> list[PublishResult]:
    """The creates of one family in one ``create_listings`` call (a :class:`KitError` fails them all)."""
    try:
        results = list(conn.create_listings(items))
    except Exception as exc:  # KitError: the channel's reason; anything else: never lost
        if not isinstance(exc, KitError):
            log.exception("unexpected error publishing family %s to %s", items[0].family, conn.channel.name)
        return [PublishResult(i.sku, FAILED, CREATE, _reason(exc)) for i in items]
    if [r.sku for r in results] != [i.sku for i in items]:
        raise AssertionError(f"{type(conn).__name__}.create_listings answered {[r.sku for r in results]}")
    for result in results:
        result.action = result.action or CREATE
    return results


def _await_pending(conn: Connector, parked: dict[int, PublishResult]) -> dict[int, PublishResult]:
    """Poll pending results until final or ``publish_poll_wait_s`` passed; every result comes back, final or not."""
    out = dict(parked)
    waiting = dict(parked)
    deadline = time.monotonic() + float(conn.publish_poll_wait_s or 0)
    pause = min(0.2, float(conn.publish_poll_interval_s))
    while waiting and time.monotonic() + pause < deadline:
        time.sleep(pause)
        pause = min(pause * 2, float(conn.publish_poll_interval_s))
        try:
            polled = {r.sku: r for r in conn.poll_publish({r.sku: str(r.token) for r in waiting.values()}) or []}
        except KitError as exc:  # still pending: the next run polls again
            log.warning("%s: polling pending listings failed: %s", conn.channel.name, _reason(exc))
            break
        for i, old in list(waiting.items()):
            new = polled.get(old.sku)
            if new is None:
                continue
            new.action = new.action or old.action
            out[i] = new
            if new.status != PENDING:
                del waiting[i]
    return out


def publish(
    conn: Connector,
    items: Sequence[ProductItem],
    *,
    on_result: OnResult | None = None,
    workers: int | None = None,
) -> PublishReport:
    """Publish ``items`` through ``conn`` (see the module docstring); one result per item, in order.

    Args:
        conn: the channel's connector.
        items: the products to create or update (bound items are updates).
        on_result: called with ``(item, result)`` for every item as soon as its outcome is known
            (from worker threads; it must be thread-safe). An exception from it stops the publish.
        workers: concurrent families (default: ``conn.writers(conn.publish_family)``).
    """
    items = list(items)
    results, todo = _prepare(conn, items)
    lock = threading.Lock()
    parked: dict[int, PublishResult] = {}  # pending answers, polled before they are reported
    wait = float(conn.publish_poll_wait_s or 0) > 0

    def done(i: int, item: ProductItem, result: PublishResult) -> None:
        with lock:
            if wait and result.status == PENDING:
                parked[i] = result
                return
            results[i] = result
        if on_result is not None:
            on_result(item, result)

    for i, item in enumerate(items):
        if results[i] is not None and on_result is not None:
            on_result(item, results[i])
    sent = _lookup(conn, items, todo) if todo else items
    if todo:
        families: dict[str, list[int]] = {}
        for i in todo:
            families.setdefault(sent[i].family, []).append(i)

        def run(group: list[int]) -> None:
            creates = [i for i in group if not sent[i].bound] if conn.publish_family_together else []
            if creates:
                for i, result in zip(creates, _send_family(conn, [sent[i] for i in creates]), strict=True):
                    done(i, sent[i], result)
            for i in group:
                if i not in creates:
                    done(i, sent[i], send_one(conn, sent[i]))

        n = max(1, min(workers or conn.writers(conn.publish_family), len(families)))
        if getattr(conn, "publish_batch", 0) > 0:
            for start in range(0, len(todo), conn.publish_batch):
                chunk = todo[start : start + conn.publish_batch]
                for i, result in zip(chunk, _send_batch(conn, [sent[i] for i in chunk]), strict=True):
                    done(i, sent[i], result)
        elif n == 1:
            for group in families.values():
                run(group)
        else:
            with ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"kit-publish-{conn.type_name}") as pool:
                list(pool.map(run, families.values()))
    for i, result in sorted(_await_pending(conn, parked).items()):
        results[i] = result
        if on_result is not None:
            on_result(sent[i], result)
    report = PublishReport([r for r in results if r is not None])
    report.assert_accounted(items)
    counts = report.counts
    log.info("%s: publish %d items: %s", conn.channel.name, len(items), counts)
    return report


def applied(result: PublishResult) -> bool:
    """True when the channel accepted the item (created or updated)."""
    return result.status == APPLIED
