"""The channel's value lists, read live from its API, for checking de-para tables.

:func:`live_value_lists` asks the configured channel's connector for its
``value_lists()`` with a short retry budget (this is a check a person waits
for). It never raises for an unreachable channel: it returns
``reached=False`` and says why, in Portuguese, so the caller can say plainly
that only the tables were checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.errors import AuthenticationError, ConfigurationError, KitError

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["LiveLists", "live_value_lists", "LIVE_ATTEMPTS", "LIVE_BUDGET_S"]

# A person waits for this: two tries per request, 30 s per request at most.
LIVE_ATTEMPTS = 2
LIVE_BUDGET_S = 30.0


@dataclass(slots=True)
class LiveLists:
    """What the channel's API gave: list kind -> values, or why nothing."""

    channel: str
    reached: bool
    lists: dict[str, pd.DataFrame] = field(default_factory=dict)
    reason: str = ""

    def describe(self) -> str:
        """One line, in Portuguese, for the CLI and the notebook."""
        if not self.reached:
            return f"não foi possível consultar as listas de {self.channel} na API do canal: {self.reason}"
        sizes = ", ".join(f"{kind} {len(frame)}" for kind, frame in sorted(self.lists.items()))
        return f"listas lidas da API de {self.channel} ({sizes or 'nenhuma lista'})"


def live_value_lists(channel: str, *, workspace: Workspace | None = None, **options: Any) -> LiveLists:
    """The value lists of configured channel ``channel`` from its API (see the module docstring).

    ``options`` go to :func:`kit.connectors.connector_for` (``secrets``,
    ``base_url``...); ``retry`` and ``timeouts`` default to a short budget.
    """
    from kit.channels import ChannelRegistry
    from kit.connectors import connector_for
    from kit.connectors.base import OperationNotSupported
    from kit.connectors.http import RetryPolicy, Timeouts
    from kit.scrub import scrub
    from kit.store import Workspace

    try:
        ws = workspace or Workspace(create=False)
        config = ChannelRegistry(ws).get(channel)
    except KitError:
        return LiveLists(channel, False, reason="o canal não está configurado neste espaço de trabalho")
    options.setdefault("retry", RetryPolicy(max_attempts=LIVE_ATTEMPTS, max_delay_s=2.0, budget_s=LIVE_BUDGET_S))
    options.setdefault("timeouts", Timeouts(connect=5.0, read=20.0))
    try:
        lists = connector_for(config, workspace=ws, **options).value_lists()
    except OperationNotSupported:
        return LiveLists(channel, False, reason=f"o conector de {config.type} não publica listas de valores")
    except AuthenticationError as exc:
        return LiveLists(channel, False, reason=f"o canal recusou as credenciais ({exc.message})")
    except ConfigurationError as exc:
        return LiveLists(channel, False, reason=f"configuração incompleta ({exc.message})")
    except KitError as exc:
        return LiveLists(channel, False, reason=f"o canal não respondeu como esperado ({exc.message})")
    except Exception as exc:  # noqa: BLE001 - any failure to reach the channel is reported, never raised
        return LiveLists(channel, False, reason=scrub(f"falha de comunicação ({type(exc).__name__}: {exc})"))
    return LiveLists(channel, True, {k: v for k, v in dict(lists or {}).items() if isinstance(v, pd.DataFrame)})
