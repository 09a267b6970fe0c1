"""Cloud resources: Terraform source, Terraform plans and a live AWS account, in one shape.

Every cloud input becomes :class:`CloudResource` objects in *Terraform's attribute schema*
(resource type ``aws_security_group``, attributes as the provider documents them, nested
blocks as lists of mappings). The Terraform loader reads them from ``*.tf``/plan JSON; the
live AWS loader translates API answers into the same shape. Rules, the inventory and the
graph read only this shape, so the same rule runs on Terraform and on a live account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from meshward.model.source import Location


class _Unknown:
    """A value that cannot be known at rest (an unresolved expression, a computed attribute)."""

    __slots__ = ("expression",)

    def __init__(self, expression: str = "") -> None:
        self.expression = expression

    def __repr__(self) -> str:
        return f"Unknown({self.expression!r})" if self.expression else "Unknown()"

    def __bool__(self) -> bool:  # never silently truthy: rules must check for it
        return False


def unknown(expression: str = "") -> _Unknown:
    """A value meshward could not resolve; rules treat it as 'cannot say', never as a value."""
    return _Unknown(expression)


def is_unknown(value: object) -> bool:
    return isinstance(value, _Unknown)


UNKNOWN: Final = _Unknown()


@dataclass
class CloudResource:
    """One cloud resource, from Terraform source, a plan, or a live account."""

    type: str  # Terraform resource type, e.g. "aws_security_group", "azurerm_key_vault"
    name: str  # the Terraform name ("web"), or the live resource's id/name
    attributes: dict[str, Any]  # Terraform's attribute schema; nested blocks are lists of dicts
    location: Location  # file:line of the block, or "aws://<region>/<service>/<id>" when live
    environment: str  # "terraform:<dir>" or "aws:<region>"
    address: str = ""  # "module.net.aws_security_group.web", or the ARN when live
    provider: str = ""  # "aws", "azurerm", "google"...
    attribute_lines: dict[str, int] = field(default_factory=dict)  # top-level attribute -> line
    block_lines: dict[str, list[int]] = field(default_factory=dict)  # nested block -> each line

    @property
    def ref(self) -> str:
        return self.address or f"{self.type}.{self.name}"

    def line_of(self, attribute: str) -> int:
        return self.attribute_lines.get(attribute, self.location.line)

    def at(self, attribute: str, index: int | None = None) -> Location:
        """Where an attribute (or the ``index``-th nested block of that name) is written."""
        lines = self.block_lines.get(attribute, [])
        if index is not None and 0 <= index < len(lines):
            return Location(self.location.path, lines[index])
        return Location(self.location.path, self.line_of(attribute))

    def get(self, attribute: str, default: Any = None) -> Any:
        return self.attributes.get(attribute, default)

    def first(self, *attributes: str) -> Any:
        """The first of ``attributes`` that is set (unknown counts as set: never ``or``-chain
        attributes, an unknown value is falsy)."""
        for name in attributes:
            value = self.attributes.get(name)
            if value is not None:
                return value
        return None

    def blocks(self, name: str) -> list[dict[str, Any]]:
        """The nested blocks ``name`` as a list of mappings (one mapping is a list of one)."""
        return blocks_of(self.attributes, name)


def blocks_of(attributes: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Nested blocks of a mapping: Terraform JSON may write one block as a bare object."""
    value = attributes.get(name)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []
