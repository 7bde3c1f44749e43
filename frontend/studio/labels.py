"""Every text the studio shows, in English and Chinese: one table.

Components never hold a sentence of their own; they look a key up here
(through ``SessionState.t``), so a screen is always entirely in the user's
language. Words follow ``GLOSSARY.md`` (workflow = 流程, draft = 草稿,
live version = 生效版本, ...). ``{name}`` fields are filled by :func:`text`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_LANGUAGE", "LABELS", "LANGUAGES", "table", "text"]

DEFAULT_LANGUAGE = "en"
# Each language named in itself, as a language switch shows it.
LANGUAGES = {"en": "English", "zh-CN": "中文"}

# key -> (English, Chinese)
LABELS: dict[str, tuple[str, str]] = {
    # the shell
    "app.name": ("Trellis", "Trellis"),
    "app.tagline": (
        "Design, test and publish your sales workflows.",
        "设计、测试并发布销售流程。",
    ),
    "nav.workflows": ("Workflows", "流程"),
    "shell.language": ("Language", "语言"),
    "shell.logout": ("Sign out", "退出登录"),
    "role.admin": ("Admin", "管理员"),
    "role.editor": ("Editor", "编辑者"),
    "role.publisher": ("Publisher", "发布者"),
    "role.viewer": ("Viewer", "查看者"),
    # login
    "login.title": ("Sign in to Trellis", "登录 Trellis"),
    "login.username": ("Username", "用户名"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.failed": ("Wrong username or password.", "用户名或密码错误。"),
    "login.missing": ("Enter your username and password.", "请输入用户名和密码。"),
    # workflow list
    "workflows.title": ("Workflows", "流程"),
    "workflows.subtitle": (
        "Every workflow with its draft and its live versions.",
        "所有流程及其草稿和生效版本。",
    ),
    "workflows.search": ("Search by key or title", "按标识或标题搜索"),
    "workflows.empty": ("No workflows yet. Create the first one.", "还没有流程，请新建一个。"),
    "workflows.no_match": ("No workflow matches the search.", "没有符合搜索条件的流程。"),
    "workflows.count": ("{n} of {total} workflows", "共 {total} 个流程，显示 {n} 个"),
    "workflows.load_failed": ("The workflows could not be loaded.", "无法加载流程列表。"),
    "column.key": ("Key", "标识"),
    "column.title": ("Title", "标题"),
    "column.draft": ("Draft", "草稿"),
    "column.active": ("Live version", "生效版本"),
    "column.changed": ("Last change", "最近修改"),
    "draft.valid": ("Valid", "有效"),
    "draft.error_one": ("1 error", "1 个错误"),
    "draft.errors": ("{n} errors", "{n} 个错误"),
    "draft.none": ("No draft", "无草稿"),
    "active.none": ("Not live", "未生效"),
    "active.version": ("{variant}: v{version}", "{variant}：v{version}"),
    "variant.default": ("default", "默认"),
    "changed.by": ("by {user}", "由 {user}"),
    # new workflow
    "create.open": ("New workflow", "新建流程"),
    "create.title": ("New workflow", "新建流程"),
    "create.mode": ("Start from", "创建方式"),
    "create.blank": ("Blank: a start and an end step", "空白：开始和结束节点"),
    "create.copy": ("A copy of an existing workflow", "复制现有流程"),
    "create.source": ("Workflow to copy", "要复制的流程"),
    "create.source_placeholder": ("Choose a workflow", "选择流程"),
    "create.key": ("Key", "标识"),
    "create.key_help": (
        "Lower-case letters, digits and '-', 2 to 63 characters. It cannot be changed later.",
        "小写字母、数字和“-”，2 至 63 个字符，创建后不可修改。",
    ),
    "create.title_en": ("Title (English)", "标题（英文）"),
    "create.title_zh": ("Title (Chinese, optional)", "标题（中文，可选）"),
    "create.submit": ("Create", "创建"),
    "create.cancel": ("Cancel", "取消"),
    "create.done": ("Workflow {key} created.", "已创建流程 {key}。"),
    "create.failed": ("The workflow was not created.", "流程未创建。"),
    "create.key_missing": ("Enter a key.", "请输入标识。"),
    "create.source_missing": ("Choose the workflow to copy.", "请选择要复制的流程。"),
    "create.key_taken": (
        "A workflow with the key {key} already exists. Choose another key.",
        "标识 {key} 已被其他流程使用，请换一个标识。",
    ),
    "create.start": ("Start", "开始"),
    "create.end": ("End", "结束"),
    "create.copy_suffix": ("{title} (copy)", "{title}（副本）"),
    # errors any screen may show
    "error.unreachable": (
        "The Trellis server cannot be reached. Try again in a moment.",
        "无法连接 Trellis 服务器，请稍后重试。",
    ),
    "error.session": ("Your session has ended. Sign in again.", "登录已失效，请重新登录。"),
    "error.forbidden": ("Your role may not do this.", "你的角色无权执行此操作。"),
    "error.throttled": (
        "Too many attempts. Wait a moment and try again.",
        "尝试次数过多，请稍后再试。",
    ),
    "error.conflict": ("Someone else changed this at the same time.", "其他人同时修改了此内容。"),
    "error.server": ("The server failed. Try again.", "服务器出错，请重试。"),
    "error.invalid": ("The server refused the request.", "服务器拒绝了此请求。"),
    "common.loading": ("Loading…", "加载中…"),
    "common.retry": ("Retry", "重试"),
}


def table(language: str) -> dict[str, str]:
    """All labels in ``language`` (English for an unknown language)."""
    index = 1 if language == "zh-CN" else 0
    return {key: pair[index] for key, pair in LABELS.items()}


def text(language: str, label: str, /, **fields: object) -> str:
    """One label in ``language`` with its ``{name}`` fields filled."""
    index = 1 if language == "zh-CN" else 0
    template = LABELS[label][index]
    return template.format(**fields) if fields else template
