"""Mercado Livre sandbox: the site's category tree, each category's attributes and the listing types.

From developers.mercadolivre.com.br "Domínios e Categorias" / "Atributos" (the
pages ``../shared/channel-apis.md`` §1.2 and ``/work/wt/notes/mercadolivre-catalog.md``
name):

* ``GET /sites/MLB/categories``: the roots ``[{id, name}]``;
* ``GET /categories/{id}``: ``id, name, path_from_root[{id, name}],
  children_categories[{id, name}]`` and ``settings`` (``listing_allowed``,
  ``max_title_length``, ``max_pictures_per_item``, ``max_variations_allowed``,
  ``item_conditions``, ``buying_modes``, ``currencies``);
* ``GET /categories/{id}/attributes``: ``[{id, name, value_type, values[{id,
  name}], allowed_units, tags{required, allow_variations,
  variation_attribute, hidden, read_only, fixed}, attribute_group_id,
  attribute_group_name}]``; ``string`` values are suggestions (free text
  accepted), ``list``/``boolean`` values a closed list;
* ``GET /sites/MLB/listing_types``: ``[{id, name}]``.

The tree is the sandbox's own (ML's real tree has thousands of nodes): one root
and one leaf per ERP category path of the sample catalogue and of the seeded
catalogue, so a de-para can map every ERP category. Every leaf requires the
brand, the package measures (``SELLER_PACKAGE_*``) and a colour; clothing and
shoes also a size; electronics the ``GTIN`` (the requirements vary by
category, as the page says). Imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

from typing import Any

from kit.sandbox.base import Request, route
from kit.sandbox.mercadolivre.common import SITE, ml_error

__all__ = [
    "CatalogRoutes",
    "build_tree",
    "category_attributes",
    "category_settings",
    "LISTING_TYPES",
    "MAX_TITLE_LENGTH",
    "MAX_PICTURES",
    "MAX_VARIATIONS",
    "BASE_CATEGORIES",
]

#: The sample catalogue's category paths (kit.sample), so every generated product has a leaf.
BASE_CATEGORIES = (
    "Calçados > Tênis", "Roupas > Camisetas", "Roupas > Jaquetas", "Acessórios > Mochilas", "Casa > Utilidades",
    "Eletrônicos > Áudio", "Eletroportáteis > Cozinha", "Casa > Cozinha", "Casa > Iluminação", "Esporte > Futebol",
    "Eletrônicos > Acessórios", "Acessórios > Relógios", "Casa > Cama, Mesa e Banho", "Ferramentas > Manuais",
)  # fmt: skip
#: Settings the notes give for most MLB categories (🟡): titles of 60, 12 pictures; 100 variations (✅ 14/12/2022).
MAX_TITLE_LENGTH = 60
MAX_PICTURES = 12
MAX_VARIATIONS = 100
#: GET /sites/MLB/listing_types (names as the notes give them, 🟡).
LISTING_TYPES = (
    {"id": "gold_pro", "name": "Premium"},
    {"id": "gold_special", "name": "Clássico"},
    {"id": "free", "name": "Grátis"},
)
_COLORS = ("Preto", "Branco", "Azul", "Vermelho", "Cinza", "Verde", "Rosa", "Amarelo", "Bege", "Marrom")
_SIZES = ("PP", "P", "M", "G", "GG", "XG", "34", "36", "38", "40", "42", "44", "Único")
_SIZED = ("Roupas", "Calçados")
_GTIN_REQUIRED = ("Eletrônicos",)


def _values(names: tuple[str, ...], first_id: int) -> list[dict[str, str]]:
    return [{"id": str(first_id + k), "name": name} for k, name in enumerate(names)]


def _measure(attr_id: str, name: str, unit: str) -> dict[str, Any]:
    return {"id": attr_id, "name": name, "value_type": "number_unit", "allowed_units": [{"id": unit, "name": unit}],
            "default_unit": unit, "tags": {"required": True}, "attribute_group_id": "DFLT",
            "attribute_group_name": "Outros"}  # fmt: skip


def category_attributes(path: str) -> list[dict[str, Any]]:
    """The attributes of the leaf at ``path`` (its root decides the size and GTIN rules)."""
    root = path.split(">")[0].strip()
    main = {"attribute_group_id": "MAIN", "attribute_group_name": "Principais"}
    attrs: list[dict[str, Any]] = [
        {"id": "BRAND", "name": "Marca", "value_type": "string", "value_max_length": 60,
         "values": _values(("Genérica",), 9000), "tags": {"required": True}, **main},
        {"id": "MODEL", "name": "Modelo", "value_type": "string", "value_max_length": 60, "tags": {}, **main},
        {"id": "COLOR", "name": "Cor", "value_type": "list", "values": _values(_COLORS, 52000),
         "tags": {"required": True, "allow_variations": True, "defines_picture": True}, **main},
        {"id": "SIZE", "name": "Tamanho", "value_type": "list", "values": _values(_SIZES, 83000),
         "tags": {"required": root in _SIZED, "allow_variations": True}, **main},
        {"id": "GTIN", "name": "Código universal de produto", "value_type": "string", "value_max_length": 14,
         "tags": {"required": root in _GTIN_REQUIRED, "variation_attribute": True}, **main},
        {"id": "SELLER_SKU", "name": "SKU", "value_type": "string", "value_max_length": 255,
         "tags": {"variation_attribute": True, "hidden": True}, **main},
        {"id": "ITEM_CONDITION", "name": "Condição do item", "value_type": "list",
         "values": [{"id": "2230284", "name": "Novo"}, {"id": "2230581", "name": "Usado"}],
         "tags": {"hidden": True, "read_only": True}, **main},
        _measure("SELLER_PACKAGE_HEIGHT", "Altura da embalagem do vendedor", "cm"),
        _measure("SELLER_PACKAGE_WIDTH", "Largura da embalagem do vendedor", "cm"),
        _measure("SELLER_PACKAGE_LENGTH", "Comprimento da embalagem do vendedor", "cm"),
        _measure("SELLER_PACKAGE_WEIGHT", "Peso da embalagem do vendedor", "g"),
    ]  # fmt: skip
    return attrs


def build_tree(paths: list[str]) -> dict[str, dict[str, Any]]:
    """Categories by id: ``MLB1001``... for the roots and ``MLB2001``... for the leaves, from ``"Root > Leaf"`` paths."""
    nodes: dict[str, dict[str, Any]] = {}
    roots: dict[str, str] = {}
    for path in dict.fromkeys(p for p in paths if p and ">" in p):
        root_name, leaf_name = (part.strip() for part in path.split(">", 1))
        if root_name not in roots:
            root_id = f"{SITE}{1001 + len(roots)}"
            roots[root_name] = root_id
            nodes[root_id] = {"id": root_id, "name": root_name, "parent": None, "children": [], "path": root_name}
        root_id = roots[root_name]
        leaf_id = f"{SITE}{2001 + len(nodes) - len(roots)}"
        nodes[leaf_id] = {"id": leaf_id, "name": leaf_name, "parent": root_id, "children": [],
                          "path": f"{root_name} > {leaf_name}"}  # fmt: skip
        nodes[root_id]["children"].append(leaf_id)
    return nodes


def category_settings(node: dict[str, Any]) -> dict[str, Any]:
    """The ``settings`` of a category node (listings only on leaves)."""
    return _settings(not node["children"])


def _settings(leaf: bool) -> dict[str, Any]:
    return {
        "listing_allowed": leaf, "max_title_length": MAX_TITLE_LENGTH, "max_pictures_per_item": MAX_PICTURES,
        "max_variations_allowed": MAX_VARIATIONS, "item_conditions": ["new", "used", "not_specified"],
        "buying_modes": ["buy_it_now"], "currencies": ["BRL"], "status": "enabled",
    }  # fmt: skip


class CatalogRoutes:
    """Categories, their attributes and the listing types (a mixin of the sandbox)."""

    state: Any

    def category(self, category_id: str) -> dict[str, Any] | None:
        """The category node (``None``: unknown id)."""
        return self.state.data["categories"].get(category_id)

    def leaf_for(self, erp_path: str) -> str | None:
        """The leaf whose path is ``erp_path`` (``"Roupas > Camisetas"``), if any."""
        wanted = " > ".join(p.strip() for p in str(erp_path).split(">")).casefold()
        return next((c["id"] for c in self.state.data["categories"].values()
                     if not c["children"] and c["parent"] and c["path"].casefold() == wanted), None)  # fmt: skip

    def attributes_of(self, category_id: str) -> list[dict[str, Any]]:
        node = self.category(category_id)
        return category_attributes(node["path"]) if node and not node["children"] else []

    @route("GET", "/sites/{site_id}/categories")
    def site_categories(self, req: Request) -> Any:
        if req.params["site_id"] != SITE:
            return ml_error(404, "not_found", f"Site {req.params['site_id']} not found")
        return [{"id": c["id"], "name": c["name"]} for c in self.state.data["categories"].values() if not c["parent"]]

    @route("GET", "/categories/{category_id}")
    def category_get(self, req: Request) -> Any:
        node = self.category(req.params["category_id"])
        if node is None:
            return ml_error(404, "not_found", f"Category {req.params['category_id']} not found")
        cats = self.state.data["categories"]
        chain = [node] if not node["parent"] else [cats[node["parent"]], node]
        return {
            "id": node["id"], "name": node["name"],
            "path_from_root": [{"id": c["id"], "name": c["name"]} for c in chain],
            "children_categories": [{"id": k, "name": cats[k]["name"], "total_items_in_this_category": 0}
                                    for k in node["children"]],
            "settings": _settings(not node["children"]),
        }  # fmt: skip

    @route("GET", "/categories/{category_id}/attributes")
    def category_attributes_get(self, req: Request) -> Any:
        if self.category(req.params["category_id"]) is None:
            return ml_error(404, "not_found", f"Category {req.params['category_id']} not found")
        return self.attributes_of(req.params["category_id"])

    @route("GET", "/sites/{site_id}/listing_types")
    def listing_types(self, req: Request) -> Any:
        return [dict(t) for t in LISTING_TYPES]
