"""What every human step shares: opening a task, its deadline and reminders,
the chain of escalations when time runs out, and closing it.

Used by ``form_task`` and ``approval``; not a node type itself. Timers are
kept in ``token.wait["timers"]`` (id -> purpose): ``reminder``, or
``due:N`` where N is the index of the escalation that runs when it fires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Literal

from components.engine import (
    CancelTimer,
    CloseTask,
    CreateTask,
    ExpressionFailed,
    Notify,
    ScheduleTimer,
    Step,
    TimerFired,
    Token,
    UpdateTask,
)
from components.moments import moment_of
from components.parts import Escalation, Sla

__all__ = [
    "close_task",
    "may_act_on",
    "notify_people",
    "on_timer",
    "open_task",
    "release",
    "timer",
    "unique",
]


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def with_delegates(step: Step, token: Token, people: list[str]) -> list[str]:
    """``people`` plus whoever acts for those who are away now."""
    out = list(people)
    for person in people:
        delegate = step.directory.delegate_of(person, step.now)
        if delegate and delegate not in out:
            out.append(delegate)
            step.note("delegated", token, user=person, delegate=delegate)
    return out


def may_act_on(step: Step, token: Token, person: str) -> bool:
    """Whether ``person`` holds the token's task, or acts for someone who does."""
    holders: list[str] = token.wait.get("assignees", [])
    return person in holders or any(
        step.directory.delegate_of(holder, step.now) == person for holder in holders
    )


def timer(step: Step, token: Token, due: datetime, purpose: str) -> str:
    handle = step.new_id("timer")
    token.wait.setdefault("timers", {})[handle] = purpose
    step.emit(ScheduleTimer(timer=handle, token=token.id, due=due, purpose=purpose))
    return handle


def deadline(step: Step, token: Token, sla: Sla | None) -> datetime | None:
    """When the task is due: ``due`` from now, or ``due_at`` when that is earlier."""
    if sla is None:
        return None
    found = [step.now + step.duration(sla.due)]
    if sla.due_at:
        value = step.evaluate(sla.due_at, token)
        if value is not None:
            try:
                found.append(moment_of(value))
            except ValueError as exc:
                raise ExpressionFailed(f"{sla.due_at}: not a date or time ({exc})") from None
    return min(found)


def open_task(
    step: Step,
    token: Token,
    *,
    kind: Literal["form", "approval"],
    assignees: list[str],
    sla: Sla | None,
    form: str | None = None,
    fields: Iterable[str] = (),
    level: int | None = None,
    levels: int | None = None,
    mode: Literal["any", "all"] = "any",
) -> str:
    people = with_delegates(step, token, unique(assignees))
    task = step.new_id("task")
    due = deadline(step, token, sla)
    token.wait.update(task=task, assignees=people, escalation=0)
    step.emit(
        CreateTask(
            task=task,
            token=token.id,
            node=token.node,
            kind=kind,
            assignees=people,
            due=due,
            form=form,
            fields=list(fields),
            level=level,
            levels=levels,
            mode=mode,
            requester=step.state.requester,
        )
    )
    step.note("assigned", token, task=task, assignees=people, level=level, due=_iso(due))
    if sla is not None:
        for reminder in sla.reminders:
            timer(step, token, step.now + step.duration(reminder), "reminder")
        if due is not None:
            timer(step, token, due, "due:0")
    return task


def close_task(
    step: Step,
    token: Token,
    *,
    status: Literal["completed", "cancelled"],
    by: str | None = None,
    outcome: str | None = None,
) -> None:
    task = token.wait.pop("task", None)
    if task is not None:
        step.emit(CloseTask(task=task, status=status, by=by, outcome=outcome))
    for handle in token.wait.pop("timers", {}):
        step.emit(CancelTimer(timer=handle))


def release(step: Step, token: Token) -> None:
    """Withdraw: the task is cancelled, its timers with it."""
    close_task(step, token, status="cancelled")


def _label(step: Step, token: Token) -> tuple[str, str]:
    label = step.node(token).label or {}
    en = label.get("en") or token.node
    return en, label.get("zh-CN") or en


def notify_people(
    step: Step,
    token: Token,
    people: list[str],
    message: dict[str, str],
    *,
    channel: Literal["inbox", "email", "wecom", "dingtalk", "sms"] = "inbox",
    robot_url: str | None = None,
    robot_secret: str | None = None,
) -> None:
    if not people and robot_url is None:
        return
    step.emit(
        Notify(
            notice=step.new_id("notice"),
            node=token.node,
            channel=channel,
            to=people,
            message=message,
            robot_url=robot_url,
            robot_secret=robot_secret,
            task=token.wait.get("task"),
        )
    )


def _escalation_message(
    step: Step, token: Token, escalation: Escalation, before: list[str], after: list[str]
) -> dict[str, str]:
    if escalation.message is not None:
        return {"en": escalation.message.en, "zh-CN": escalation.message.zh_CN or ""}
    en, zh = _label(step, token)
    # Names are filled in here; braces doubled so the runtime's record-field
    # filling cannot read a person's name as a template.
    was = ", ".join(before).replace("{", "{{").replace("}", "}}")
    now = ", ".join(after).replace("{", "{{").replace("}", "}}")
    if escalation.action == "escalate":
        return {
            "en": f"Not done in time: “{en}” is now with {now} (was {was}).",
            "zh-CN": f"超时未处理：“{zh}”已转交 {now}（原处理人 {was}）。",
        }
    return {
        "en": f"Deadline passed: “{en}” is still waiting for {was}.",
        "zh-CN": f"已超时：“{zh}”仍在等待 {was} 处理。",
    }


def on_timer(
    step: Step,
    token: Token,
    event: TimerFired,
    sla: Sla | None,
    decide: Callable[[str], None],
) -> None:
    """A reminder or a deadline of the token's task. ``decide("approve" |
    "reject")`` is what auto-approval and auto-rejection do for this node."""
    purpose = token.wait.get("timers", {}).pop(event.timer, None)
    if purpose is None or sla is None:
        return
    before: list[str] = list(token.wait.get("assignees", []))
    task = token.wait.get("task")
    if purpose == "reminder":
        en, zh = _label(step, token)
        step.note("reminded", token, task=task, assignees=before)
        notify_people(
            step,
            token,
            before,
            {"en": f"Reminder: “{en}” is waiting for you.", "zh-CN": f"提醒：“{zh}”待您处理。"},
        )
        return
    index = int(purpose.split(":", 1)[1])
    escalation = sla.on_timeout[index] if index < len(sla.on_timeout) else None
    step.note(
        "deadline_passed",
        token,
        task=task,
        assignees=before,
        escalation=index + 1 if escalation else None,
        action=escalation.action if escalation else None,
    )
    if escalation is None:
        return
    cc = unique(person for who in escalation.cc for person in step.resolve(who, token))
    after = before
    if escalation.action == "escalate":
        after = step.resolve(escalation.to, token) if escalation.to is not None else []
        # "Hand over to someone else": those who let it run out are left out
        # when the rule names anyone besides them.
        after = [person for person in after if person not in before] or after
        if not after and before:
            after = step.directory.managers(before[0])[:1]
        if not after:
            step.note("escalation_failed", token, task=task, reason="nobody to hand over to")
            return
        after = with_delegates(step, token, unique(after))
        due = step.now + step.duration(escalation.due) if escalation.due else None
        token.wait["assignees"] = after
        token.wait["escalation"] = index + 1
        if task is not None:
            step.emit(UpdateTask(task=task, assignees=after, due=due, reason="escalated"))
        step.note("escalated", token, task=task, before=before, after=after, due=_iso(due))
        if due is not None:
            timer(step, token, due, f"due:{index + 1}")
    elif escalation.action == "notify":
        cc = unique([*before, *cc])
        if escalation.due:
            timer(step, token, step.now + step.duration(escalation.due), f"due:{index + 1}")
    message = _escalation_message(step, token, escalation, before, after)
    # The new assignees learn of it from their task; everyone else named is told.
    told = cc if escalation.action == "notify" else [p for p in cc if p not in after]
    notify_people(step, token, told, message)
    for robot in escalation.robots:
        notify_people(
            step,
            token,
            [],
            message,
            channel=robot.channel,
            robot_url=robot.url,
            robot_secret=robot.secret,
        )
    if escalation.action == "return":
        close_task(step, token, status="cancelled", outcome="returned")
        back = token.came_from
        if back is None:
            step.incident(token, "nowhere_to_return", "this step has no earlier step")
        else:
            step.note("returned", token, to=back, reason="deadline")
            step.go_to(token, back)
    elif escalation.action in ("auto_approve", "auto_reject"):
        decide("approve" if escalation.action == "auto_approve" else "reject")
