"""The scene engine (``scenes.engine``) and the scenes shipped with it, each in its own package
and registered on import."""

from __future__ import annotations

SHIPPED = ("castle",)


def _register_shipped() -> None:
    import importlib

    for key in SHIPPED:
        importlib.import_module(f"scenes.{key}")


_register_shipped()
