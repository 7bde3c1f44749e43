"""The workflow list screen and its "new workflow" dialog."""

from studio.workflows.page import workflows_page
from studio.workflows.state import WorkflowsState

__all__ = ["WorkflowsState", "workflows_page"]
