"""Which images of a VTEX SKU are the kit's own, and what a listing update does with them.

VTEX copies an image sent by URL to the account's own host: Get SKU files answers
``Url: https://{account}.vteximg.com.br/files/ids/{ArchiveId}/...`` (catalog-api.json), never the
address the kit sent, so the URL cannot tell the kit's images from the store's. The ``Name`` the
kit gives an image (catalog-api.json SKUFileURL: "SKU image name") is what it reads back: the
kit's images are named ``{sku}-{n}-{8 hex of the source URL's SHA-1}``. That the name comes back
unchanged is inferred (the document's example answers keep their names). Older kit versions named
them ``{sku}-{n}``, which is also how stores commonly name their own photos: such a name is not
taken as the kit's (unsure: left alone).

An update then touches only the kit's images: when the ERP's list differs from the kit's, the new
ones are sent and the kit's old ones deleted one by one (``DELETE .../file/{skuFileId}``); the
store's images stay. A SKU holding only the store's images is left alone (the store curates them),
with a note; an ERP without images leaves the SKU's images as they are.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from kit.connectors.model import ProductItem

__all__ = ["ImagePlan", "kit_image_name", "is_kit_image", "plan_images", "STORE_IMAGES_NOTE"]

STORE_IMAGES_NOTE = (
    "imagens do ERP não enviadas: o SKU já tem imagens cadastradas pela loja na VTEX, que o kit não substitui; "
    "para usar as imagens do ERP, remova as imagens do SKU no admin da VTEX (Catálogo > Produtos e SKUs)"
)


def kit_image_name(sku: str, n: int, url: str) -> str:
    """The name of the kit's ``n``-th image (0-based) of ``sku``: the SKU, the position and the source's hash."""
    return f"{sku}-{n + 1}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def is_kit_image(file: dict[str, Any], sku: str) -> bool:
    """Was ``file`` (an entry of Get SKU files) sent by the kit for ``sku``?"""
    return re.fullmatch(rf"{re.escape(sku)}-\d+-[0-9a-f]{{8}}", str(file.get("Name") or "")) is not None


@dataclass(slots=True)
class ImagePlan:
    """What an update does with a SKU's images.

    Attributes:
        changed: the kit sends the ERP's images (and then deletes ``delete``); a new SKU's plan is ``ImagePlan(True)``.
        delete: the ids (``skuFileId``) of the kit's own images to delete after the new ones are in.
        main: the first new image is the main one (the SKU had no store images, or the kit's was main).
        first_position: the position of the first new image (after the store's when the kit's are not main).
        note: pt-BR, for the report: why the ERP's images were not sent.
    """

    changed: bool
    delete: list[int] = field(default_factory=list)
    main: bool = True
    first_position: int = 0
    note: str = ""


def _position(file: dict[str, Any]) -> tuple[int, int]:
    return int(file.get("Position") or 0), int(file.get("Id") or 0)


def plan_images(item: ProductItem, files: list[dict[str, Any]]) -> ImagePlan:
    """The plan for ``item``'s images given the SKU's current files (Get SKU files)."""
    if not item.image_urls:
        return ImagePlan(False)
    kit = sorted((f for f in files if is_kit_image(f, item.sku)), key=_position)
    store = [f for f in files if not is_kit_image(f, item.sku)]
    wanted = [kit_image_name(item.sku, n, url) for n, url in enumerate(item.image_urls)]
    if [f.get("Name") for f in kit] == wanted:
        return ImagePlan(False)
    if store and not kit:
        return ImagePlan(False, note=STORE_IMAGES_NOTE)
    main = not store or any(f.get("IsMain") for f in kit)
    first = 0 if main else max(_position(f)[0] for f in store) + 1
    return ImagePlan(True, [int(f["Id"]) for f in kit], main, first)
