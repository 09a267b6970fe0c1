"""What a rule sees: the inventory, the graph, the config and today's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from meshward.config import Config
from meshward.model.graph import ServiceGraph
from meshward.model.inventory import Inventory


@dataclass
class ScanContext:
    inventory: Inventory
    graph: ServiceGraph
    config: Config = field(default_factory=Config)
    today: dt.date = field(default_factory=dt.date.today)
    notices: list[str] = field(default_factory=list)
    not_run: set[str] = field(default_factory=set)  # rules that had nothing to check

    def notice(self, text: str) -> None:
        """Say something once to the user (not a finding): e.g. no allowlist configured."""
        if text not in self.notices:
            self.notices.append(text)
