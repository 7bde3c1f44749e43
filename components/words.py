"""The label and help of every config setting, in English and Chinese; the
rest of the config panel's words are in :mod:`components.vocabulary`.

Written for sales-ops staff: plain words, what a setting does rather than how
it is stored, and the terms of ``GLOSSARY.md`` (deadline = 时限, copy to =
抄送, hand-off lock = 交接锁, assignee = 处理人, approval level = 审批级别,
rank = 职级). An expression is a "formula" (公式), as in the diff report.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.component import Text

__all__ = ["FIELDS", "Words", "words"]


@dataclass(frozen=True)
class Words:
    """How the panel names one setting: its label, a sentence of help, and for
    a list the heading of one element (``{n}`` is its number, from 1)."""

    label: Text
    help: Text | None = None
    item: Text | None = None


Pair = tuple[str, str]


def words(label: Pair, help: Pair | None = None, item: Pair | None = None) -> Words:
    return Words(Text(*label), Text(*help) if help else None, Text(*item) if item else None)


# property name -> words, for every property of every component's config.
FIELDS: dict[str, Words] = {
    # approval
    "levels": words(
        ("Approval levels", "审批级别"),
        ("Levels decide one after another; up to seven.", "各级依次审批，最多七级。"),
        item=("Level {n}", "第 {n} 级"),
    ),
    "amount": words(
        ("Amount to check", "审批金额"),
        (
            "A formula for the amount each level's limit is compared with, e.g. record['amount'].",
            "与各级审批额度比较的金额公式，例如 record['amount']。",
        ),
    ),
    "lock": words(
        ("Hand-off lock", "交接锁"),
        (
            "The case may leave this step only when this condition is true.",
            "只有此条件成立时，流程才能离开此节点。",
        ),
    ),
    "role": words(("Role", "角色"), ("People who hold this role.", "持有此角色的人员。")),
    "min_rank": words(
        ("Lowest rank", "最低职级"),
        (
            "People of this rank (1 to 7) or higher may approve.",
            "职级不低于此值（1 至 7）的人员可以审批。",
        ),
    ),
    "manager_chain": words(
        ("Managers up the line", "逐级上级"),
        (
            "How many levels of managers above the requester approve in turn (1 to 7).",
            "申请人往上几级上级依次审批（1 至 7）。",
        ),
    ),
    "users": words(
        ("Named people", "指定人员"),
        ("These people approve, whatever their role.", "由这些人员审批，不论其角色。"),
        item=("Person {n}", "人员 {n}"),
    ),
    "mode": words(
        ("Who must approve", "审批方式"),
        (
            "With several approvers: any one of them, or all of them.",
            "有多位审批人时：任一人批准即可，或需全部批准。",
        ),
    ),
    "amount_limit": words(
        ("Amount limit", "审批额度"),
        (
            "Amounts up to this are final at this level; larger ones go on to the next level.",
            "金额不超过此额度时在本级终审，超出则转到下一级。",
        ),
    ),
    "allow_self_approval": words(
        ("Requester may approve", "允许本人审批"),
        (
            "Whether people may approve their own requests.",
            "是否允许审批人审批自己发起的申请。",
        ),
    ),
    "sla": words(
        ("Deadline", "时限"),
        (
            "How long people have, reminders, and what happens when time runs out.",
            "处理时限、提醒，以及超时后如何处理。",
        ),
    ),
    # deadlines and escalations (shared parts)
    "due": words(
        ("Time allowed", "处理时长"),
        (
            "How long the assignee has, counted from when the task arrives or is handed over.",
            "处理人可用的时长，从收到或被转交待办时算起。",
        ),
    ),
    "due_at": words(
        ("Due at", "截止时间"),
        (
            "A formula for the moment it is due, e.g. record['close_date']; the earlier "
            "of this and the time allowed wins.",
            "截止时刻的公式，例如 record['close_date']；与处理时长取较早者。",
        ),
    ),
    "reminders": words(
        ("Reminders", "提醒"),
        ("Remind the assignee after each of these times.", "在这些时间点提醒处理人。"),
        item=("Reminder {n}", "提醒 {n}"),
    ),
    "on_timeout": words(
        ("When time runs out", "超时处理"),
        (
            "Escalations, in order; each may set a new deadline.",
            "按顺序执行的升级，每次可设新的时限。",
        ),
        item=("Escalation {n}", "第 {n} 次升级"),
    ),
    "action": words(
        ("What happens", "处理方式"),
        ("What Trellis does when the deadline passes.", "超过时限后 Trellis 执行的操作。"),
    ),
    "to": words(("Hand over to", "转交给"), ("Who takes over the task.", "由谁接手此待办。")),
    "cc": words(
        ("Copy to", "抄送"),
        ("People who are told but need not act.", "收到通知但无需处理的人员。"),
        item=("Copy {n}", "抄送 {n}"),
    ),
    "robots": words(
        ("Group robots", "群机器人"),
        (
            "WeCom or DingTalk group chats that receive a copy.",
            "接收抄送消息的企业微信或钉钉群。",
        ),
        item=("Robot {n}", "机器人 {n}"),
    ),
    # who does a task (shared part)
    "by": words(
        ("Assign by", "分配方式"),
        ("How Trellis finds who must do this.", "Trellis 如何确定处理人。"),
    ),
    "user": words(
        ("Person", "人员"),
        ("Used when assigning to a named person.", "分配方式为“指定人员”时使用。"),
    ),
    "expression": words(
        ("Formula", "公式"),
        (
            "Used when assigning by a formula: it gives the person's user name.",
            "分配方式为“公式计算”时使用：公式给出处理人的用户名。",
        ),
    ),
    # form_task
    "form": words(("Form", "表单"), ("The form to fill in.", "需要填写的表单。")),
    "assignee": words(("Assignee", "处理人"), ("Who must fill in the form.", "由谁填写表单。")),
    "fields": words(
        ("Fields to fill in", "需填写的字段"),
        (
            "Only these fields of the form; leave empty for all of them.",
            "只填写这些字段；留空表示全部字段。",
        ),
        item=("Field {n}", "字段 {n}"),
    ),
    # start
    "trigger": words(("Starts when", "触发方式"), ("What starts a case.", "什么情况下发起流程。")),
    "condition": words(
        ("Only if", "启动条件"),
        (
            "A case starts only when this condition is true; leave empty to always start.",
            "仅当此条件成立时才发起流程；留空表示总是发起。",
        ),
    ),
    "schedule": words(
        ("Schedule", "定时规则"),
        (
            "When to start, as a cron line: 0 9 * * 1 is Mondays at 9:00.",
            "发起时间（cron 格式），例如 0 9 * * 1 表示每周一 9:00。",
        ),
    ),
    # join
    "n": words(
        ("Number of branches", "分支数量"),
        (
            "How many branches must arrive, when continuing after a number of them.",
            "选择“指定数量的分支到达”时，需到达的分支数量。",
        ),
    ),
    # wait
    "until": words(("Wait for", "等待方式")),
    "duration": words(("How long", "等待时长")),
    "date": words(
        ("Date", "日期"),
        (
            "A formula giving the date, e.g. record['close_date'].",
            "给出日期的公式，例如 record['close_date']。",
        ),
    ),
    "event": words(
        ("Event name", "事件名称"),
        (
            "The name of the signal to wait for, e.g. contract.signed.",
            "要等待的信号名称，例如 contract.signed。",
        ),
    ),
    "timeout": words(
        ("Give up after", "超时时长"),
        (
            "If nothing arrives in this time, leave by the “Timed out” connection.",
            "如在此时长内未等到，则经“超时”连线离开。",
        ),
    ),
    # set
    "assignments": words(
        ("Values to set", "赋值列表"),
        (
            "Each one writes a value into the case or the record.",
            "每一项向流程变量或记录写入一个值。",
        ),
        item=("Value {n}", "赋值 {n}"),
    ),
    "target": words(
        ("Write to", "写入位置"),
        (
            "vars.NAME for a case variable, or record.FIELD for a field of the record.",
            "vars.名称 表示流程变量，record.字段 表示记录字段。",
        ),
    ),
    # script
    "code": words(
        ("Script", "脚本代码"),
        (
            "Python code; ask a developer to write or check it.",
            "Python 代码，请由开发人员编写或检查。",
        ),
    ),
    "inputs": words(
        ("Inputs", "输入"),
        ("Values the script reads.", "脚本读取的值。"),
        item=("Input {n}", "输入 {n}"),
    ),
    "outputs": words(
        ("Outputs", "输出"),
        (
            "Values the script gives back, for later steps to use.",
            "脚本返回的值，可在后续节点中使用。",
        ),
        item=("Output {n}", "输出 {n}"),
    ),
    "timeout_seconds": words(
        ("Time limit (seconds)", "时间上限（秒）"),
        ("Stop waiting after this many seconds.", "超过此秒数即停止等待。"),
    ),
    "memory_mb": words(
        ("Memory limit (MB)", "内存上限（MB）"),
        ("The script is stopped if it needs more memory.", "脚本所需内存超过此值即被停止。"),
    ),
    # notify (and any text in two languages)
    "message": words(
        ("Message", "消息内容"),
        ("What the message says, in English and Chinese.", "消息内容（英文和中文）。"),
    ),
    "channel": words(("Send by", "发送方式")),
    "robot_url": words(
        ("Group robot address", "群机器人地址"),
        (
            "The address of a WeCom or DingTalk group robot, to post in a group chat.",
            "企业微信或钉钉群机器人的地址，用于发到群聊。",
        ),
    ),
    "subject": words(("Subject", "主题"), ("The e-mail's subject line.", "邮件主题。")),
    "en": words(("English", "英文")),
    "zh-CN": words(("Chinese", "中文")),
    # webhook
    "url": words(
        ("Address (URL)", "地址（URL）"),
        ("The web address to call, starting with https://.", "要调用的网址，以 https:// 开头。"),
    ),
    "method": words(("Method", "请求方法")),
    "headers": words(
        ("Headers", "请求头"), ("Extra details sent with the call.", "随请求发送的附加信息。")
    ),
    "body": words(("Body", "请求内容"), ("The text sent with the call.", "随请求发送的内容。")),
    "retries": words(
        ("Retries", "重试次数"),
        ("How many times to try again if the call fails.", "调用失败时重试的次数。"),
    ),
    "secret": words(
        ("Signing secret", "签名密钥"),
        ("Name of the stored secret that signs the call.", "用于签名的已保存密钥名称。"),
    ),
    "response": words(
        ("Keep from the answer", "保存响应内容"),
        (
            "Which parts of the answer to keep as case variables.",
            "将响应中的哪些内容保存为流程变量。",
        ),
    ),
    # subflow
    "workflow": words(
        ("Workflow to run", "要运行的流程"),
        ("The key of a published workflow.", "已发布流程的标识。"),
    ),
    "variant": words(
        ("Variant", "变体"),
        (
            "Which variant (e.g. region) to run; leave empty for the default one.",
            "要运行的变体（如区域）；留空表示默认变体。",
        ),
    ),
    "wait": words(
        ("Wait for it to end", "等待其结束"),
        ("Continue only after the sub-workflow has ended.", "子流程结束后才继续。"),
    ),
    # end
    "outcome": words(
        ("Outcome", "结果"),
        (
            "A word for how the case ended, e.g. won, lost or approved.",
            "流程的结束结果，例如 won、lost、approved。",
        ),
    ),
}
