"""``subflow``: runs another published workflow."""

from __future__ import annotations

from components.component import Component, ConfigBase, Text
from components.engine import Event, StartSubflow, Step, SubflowEnded, Token
from components.human import release
from schemas.base import Expression, Key

__all__ = ["COMPONENT", "SubflowConfig"]


class SubflowConfig(ConfigBase):
    workflow: Key
    variant: Key | None = None
    wait: bool = True
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Call:
    """Starts a case of another live workflow with this case's variables; with
    ``wait`` the token stays until it ends, its outcome under vars[node id]."""

    def enter(self, step: Step, token: Token) -> None:
        config: SubflowConfig = step.node(token).config
        child = step.new_id("child")
        step.emit(
            StartSubflow(
                child=child,
                token=token.id,
                node=token.node,
                workflow=config.workflow,
                variant=config.variant,
                data=dict(step.state.variables),
                wait=config.wait,
            )
        )
        if config.wait:
            token.wait["child"] = child
        else:
            step.leave(token)

    def react(self, step: Step, token: Token, event: Event) -> None:
        if not isinstance(event, SubflowEnded):
            return
        token.wait.pop("child", None)
        step.state.variables[token.node] = {"outcome": event.outcome, **event.variables}
        step.leave(token)

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


COMPONENT = Component(
    type="subflow",
    category="flow",
    label=Text("Sub-workflow", "子流程"),
    description=Text(
        "Runs another published workflow and waits for it to end.",
        "运行另一个已发布流程并等待其结束。",
    ),
    icon="layers",
    config=SubflowConfig,
    keywords=("call", "child", "reuse"),
    is_wait=True,
    behaviour=Call(),
)
