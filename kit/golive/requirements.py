"""What each channel type requires of a product before it can be listed, as data.

Title limits come from each channel's listing rules where they are known
(Mercado Livre: 60 characters); where nothing is published the kit uses a
conservative default that a consultant can review here. A new channel type
adds a row, not a branch. The numbers match ``kit.sample.TITLE_LIMITS`` (a
test keeps them in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.registry import Registry

__all__ = ["ProductRequirements", "REQUIREMENTS", "DEFAULT_REQUIREMENTS", "requirements_for", "register_requirements"]

DIMENSION_FIELDS = ("weight_kg", "height_cm", "width_cm", "length_cm")


@dataclass(frozen=True, slots=True)
class ProductRequirements:
    """Fields a listing must have on one channel type.

    Attributes:
        title_max: longest title the channel accepts (characters).
        text_fields: fields that must be present and non-blank.
        positive_fields: numeric fields that must be > 0 (weight, dimensions).
        mapped_category: the category must be mapped in the de-para (when a
            ``category`` table exists for the channel).
        source: where the numbers come from.
    """

    title_max: int
    text_fields: tuple[str, ...] = ("title", "brand", "category")
    positive_fields: tuple[str, ...] = DIMENSION_FIELDS
    mapped_category: bool = True
    source: str = "kit default (nothing published)"


DEFAULT_REQUIREMENTS = ProductRequirements(title_max=150)

REQUIREMENTS: Registry[ProductRequirements] = Registry(
    "product requirements of channel type", unknown="tipo de canal sem requisitos de produto"
)


def register_requirements(channel_type: str, req: ProductRequirements) -> None:
    """Declare the product requirements of ``channel_type`` (twice is an error)."""
    REQUIREMENTS.register(channel_type, req)


register_requirements("mercadolivre", ProductRequirements(60, source="Mercado Livre listing rules: title up to 60"))
register_requirements("vtex", ProductRequirements(150, source="VTEX catalog: product name; kit default 150"))
register_requirements(
    "magento",
    ProductRequirements(
        255, text_fields=("title",), positive_fields=(), mapped_category=False,
        source="Magento name varchar(255); catalogProductRepositoryV1 requires sku (the admin also name and price): "
        "brand, category and dimensions are not Magento attributes a product must have",
    ),
)  # fmt: skip
register_requirements("skyhub", ProductRequirements(150, source="kit default"))
register_requirements("pluggto", ProductRequirements(150, source="kit default"))
register_requirements("netshoes", ProductRequirements(150, source="kit default"))
register_requirements("cnova", ProductRequirements(150, source="kit default"))
register_requirements("rakuten", ProductRequirements(150, source="kit default"))
register_requirements("walmart", ProductRequirements(199, source="Walmart product name: up to 199"))
register_requirements("ezcommerce", ProductRequirements(150, source="kit default"))


def requirements_for(channel_type: str) -> ProductRequirements:
    """The requirements of ``channel_type`` (a default for unknown types)."""
    return REQUIREMENTS.get(channel_type, DEFAULT_REQUIREMENTS)
