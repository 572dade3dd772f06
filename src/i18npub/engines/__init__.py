"""Machine-translation engines behind one small interface (:mod:`i18npub.engines.base`).

Each provider module is imported only when a sentence first reaches its engine, so the
command line stays fast and a project that only uses ``memory`` never imports
deep-translator or httpx.

An ``[engines.NAME]`` table configures an engine; ``type = "libre"`` makes ``NAME`` a
second engine of an existing type (say, two LibreTranslate servers).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from i18npub.engines.base import Engine, EngineConfigError, EngineContext, Settings

ENGINE_TYPES: dict[str, str] = {
    "memory": "i18npub.engines.memory",
    "pseudo": "i18npub.engines.pseudo",
    "libre": "i18npub.engines.libre",
    "deepl": "i18npub.engines.deepl",
    "microsoft": "i18npub.engines.microsoft",
    "chatgpt": "i18npub.engines.openai",
    "google": "i18npub.engines.deeptranslator",
    "mymemory": "i18npub.engines.deeptranslator",
    "baidu": "i18npub.engines.deeptranslator",
}


def create_engine(name: str, settings: Mapping[str, Any], context: EngineContext) -> Engine:
    """The engine ``name`` configured by ``settings`` (its ``[engines.NAME]`` table)."""
    kind = settings.get("type", name)
    if kind not in ENGINE_TYPES:
        raise EngineConfigError(f"unknown engine type {kind!r}")
    module = importlib.import_module(ENGINE_TYPES[kind])
    engine: Engine = module.create(kind, Settings(name, settings, context))
    engine.name = name
    return engine


__all__ = ["ENGINE_TYPES", "Engine", "EngineContext", "create_engine"]
