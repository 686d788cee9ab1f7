from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    if mapping is None:
        return None
    if isinstance(mapping, dict):
        return mapping.get(key)
    if hasattr(mapping, "getlist"):
        return mapping.get(key)
    return getattr(mapping, key, None)


@register.filter
def getlist(mapping: Any, key: str) -> list[Any]:
    if mapping is None:
        return []
    if hasattr(mapping, "getlist"):
        return list(mapping.getlist(key))
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return list(value) if isinstance(value, list | tuple) else ([value] if value else [])


@register.filter
def when(value: Any) -> str:
    """An ISO time as 2026-11-22 10:00."""
    text = str(value or "")
    return text[:16].replace("T", " ")
