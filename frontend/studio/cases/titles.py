"""The workflows' titles, which the runtime's screens show beside a workflow's key."""

from __future__ import annotations

import contextlib
from typing import Any

from studio import api
from studio.session import SessionState

__all__ = ["WorkflowTitlesState"]


class WorkflowTitlesState(SessionState):
    """Looked up once per session: titles change rarely, and a key is shown meanwhile."""

    _workflow_titles: dict[str, dict[str, str]] = {}

    async def _load_titles(self) -> None:
        if self._workflow_titles:
            return
        with contextlib.suppress(api.ApiError):  # the keys stand in for the titles
            found = await api.list_workflows(self.token)
            self._workflow_titles = {w.key: w.title for w in found}

    def _title_of(self, key: str, content: dict[str, Any]) -> str:
        """A workflow's title in the viewer's language: from its content when
        that is at hand, else from the list, else its key."""
        from studio.records.fields import localized

        title = localized(content.get("title"), self.lang)
        return title or localized(self._workflow_titles.get(key), self.lang) or key
