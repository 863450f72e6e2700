"""The one generic registry (kit.registry) and the lazy plugin registry built on it."""

from __future__ import annotations

import sys

import pytest

from kit.errors import ConfigurationError, InputDataError
from kit.registry import Registry


def test_a_registry_reads_as_a_mapping_in_registration_order():
    reg: Registry[int] = Registry("number", unknown="número desconhecido")
    assert reg.register("b", 2) == 2
    reg.register("a", 1)
    assert list(reg) == ["b", "a"] and reg.names() == ["a", "b"]
    assert reg["a"] == 1 and reg.get("zz") is None and "b" in reg and len(reg) == 2
    assert dict(reg.items()) == {"b": 2, "a": 1}


def test_a_name_registered_twice_is_an_error_and_keeps_the_first():
    reg: Registry[int] = Registry("number")
    reg.register("a", 1)
    with pytest.raises(ValueError, match="'a' is already registered"):
        reg.register("a", 2)

    @reg.registers("b")
    def b() -> int:
        return 3

    with pytest.raises(ValueError, match="registered twice"):
        reg.registers("b")(lambda: 4)
    assert reg["a"] == 1 and reg["b"] is b


def test_lookup_of_an_unknown_name_is_the_registrys_error_naming_the_known_ones():
    reg: Registry[int] = Registry(
        "file kind", unknown="tipo de arquivo desconhecido", error=InputDataError, field="kind"
    )
    reg.register("stock", 1)
    reg.register("prices", 2)
    assert reg.lookup("stock") == 1
    with pytest.raises(InputDataError) as info:
        reg.lookup("stok")
    assert info.value.message == "tipo de arquivo desconhecido 'stok'"
    assert info.value.hint == "um de: prices, stock"
    assert info.value.fields == {"kind": "stok"}
    with pytest.raises(ConfigurationError, match="número desconhecido 'x'"):
        Registry("number", unknown="número desconhecido").lookup("x")


def test_unregister_removes_a_name_so_it_can_be_registered_again():
    reg: Registry[int] = Registry("number")
    reg.register("a", 1)
    assert reg.unregister("a") == 1
    assert "a" not in reg
    reg.register("a", 2)
    assert reg["a"] == 2


def test_the_plugin_registry_imports_its_package_on_first_read(tmp_path, monkeypatch):
    package = tmp_path / "plugpkg_cleanup"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from kit.plugins import PluginRegistry\nREG = PluginRegistry('widget', __name__, {'base'})\n"
    )
    (package / "alpha.py").write_text(
        "from plugpkg_cleanup import REG\nclass Alpha: ...\nREG.register('alpha', Alpha)\n"
    )
    (package / "base.py").write_text("raise AssertionError('a base module is not a plugin')\n")
    (package / "_private.py").write_text("raise AssertionError('a private module is not a plugin')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("plugpkg_cleanup")]:
        monkeypatch.delitem(sys.modules, name)
    import plugpkg_cleanup

    try:
        assert "plugpkg_cleanup.alpha" not in sys.modules  # nothing imported before the first read
        assert plugpkg_cleanup.REG.names() == ["alpha"]
        assert plugpkg_cleanup.REG.lookup("alpha").type_name == "alpha"
        with pytest.raises(ConfigurationError) as info:
            plugpkg_cleanup.REG.lookup("beta")
        assert info.value.message == "não há widget para o tipo de canal 'beta'" and info.value.hint == "um de: alpha"
    finally:
        for name in [m for m in sys.modules if m.startswith("plugpkg_cleanup")]:
            del sys.modules[name]


def test_a_plugin_lookup_imports_only_the_named_module_until_a_name_is_unknown(tmp_path, monkeypatch):
    package = tmp_path / "plugpkg_lazy"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from kit.plugins import PluginRegistry\nREG = PluginRegistry('widget', __name__)\n"
    )
    for name in ("alpha", "gamma"):
        (package / f"{name}.py").write_text(
            f"from plugpkg_lazy import REG\nclass {name.title()}: ...\nREG.register('{name}', {name.title()})\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("plugpkg_lazy")]:
        monkeypatch.delitem(sys.modules, name)
    import plugpkg_lazy

    try:
        assert plugpkg_lazy.REG.lookup("alpha").type_name == "alpha"
        assert "plugpkg_lazy.gamma" not in sys.modules  # the other plugin (and its libraries) not imported
        with pytest.raises(ConfigurationError) as info:  # an unknown name: every module, every name in the hint
            plugpkg_lazy.REG.lookup("beta")
    finally:
        for name in [m for m in sys.modules if m.startswith("plugpkg_lazy")]:
            del sys.modules[name]
    assert info.value.hint == "um de: alpha, gamma"


def test_the_connector_and_sandbox_registries_say_which_types_exist():
    from kit.connectors import connector_class
    from kit.sandbox import sandbox_class

    assert connector_class("vtex").type_name == sandbox_class("vtex").type_name == "vtex"
    with pytest.raises(ConfigurationError, match="não há conector para o tipo de canal 'nope'"):
        connector_class("nope")
    with pytest.raises(ConfigurationError, match="não há sandbox para o tipo de canal 'nope'"):
        sandbox_class("nope")


def _duplicates():
    """(area, registry, how its public function registers a name that is already there)."""
    import kit.channeltypes as channeltypes
    from kit.connectors import _REGISTRY as connectors
    from kit.connectors import register_connector
    from kit.demo import _BY_NAME as demo_steps
    from kit.demo import demo_step
    from kit.depara.kinds import KINDS, register_kind
    from kit.golive.registry import CHECKS, register_check
    from kit.golive.requirements import REQUIREMENTS, ProductRequirements, register_requirements
    from kit.jobs.core import JOBS, register_job
    from kit.sandbox import _REGISTRY as sandboxes
    from kit.sandbox import register_sandbox
    from kit.sheets.schema import SCHEMAS
    from kit.sheets.schema import register as register_schema

    return [
        (
            "channel type",
            channeltypes.CHANNEL_TYPES,
            "vtex",
            lambda: channeltypes._register(channeltypes.get_type("vtex")),
        ),
        ("connector", connectors, "vtex", lambda: register_connector("vtex", type("Dup", (), {}))),
        ("sandbox", sandboxes, "vtex", lambda: register_sandbox("vtex", type("Dup", (), {}))),
        ("job", JOBS, "stock", lambda: register_job("stock")(lambda ctx: None)),
        ("go-live check", CHECKS, "sku_coverage", lambda: register_check("sku_coverage")(lambda ctx: None)),
        ("requirements", REQUIREMENTS, "vtex", lambda: register_requirements("vtex", ProductRequirements(1))),
        ("mapping kind", KINDS, "order_status", lambda: register_kind(KINDS["order_status"])),
        ("schema", SCHEMAS, "stock", lambda: register_schema(SCHEMAS["stock"])),
        ("demo step", demo_steps, "workspace", lambda: demo_step("workspace")(lambda ctx: None)),
    ]


@pytest.mark.parametrize("index", range(9), ids=lambda i: f"registry-{i}")
def test_every_registry_of_the_kit_is_one_registry_and_refuses_a_name_twice(index):
    area, registry, name, again = _duplicates()[index]
    assert isinstance(registry, Registry), area
    before = registry[name]
    with pytest.raises(ValueError, match="registered twice"):
        again()
    assert registry[name] is before, f"{area}: the first registration must stay"
