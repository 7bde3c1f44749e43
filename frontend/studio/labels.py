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
    # the editor
    "editor.back": ("Workflows", "流程"),
    "editor.save": ("Save", "保存"),
    "editor.saving": ("Saving…", "正在保存…"),
    "editor.saved": ("Draft saved.", "草稿已保存。"),
    "editor.save_failed": (
        "The draft was not saved; your changes are kept in this browser.",
        "草稿未保存；你的修改仍保留在此浏览器中。",
    ),
    "editor.unsaved": ("Unsaved changes", "有未保存的修改"),
    "editor.all_saved": ("All changes saved", "所有修改已保存"),
    "editor.read_only": ("Read only", "只读"),
    "editor.read_only_help": (
        "Your role may look at this workflow but not change it.",
        "你的角色可以查看此流程，但不能修改。",
    ),
    "editor.versions": ("Versions", "版本"),
    "editor.not_found": ("This workflow does not exist.", "此流程不存在。"),
    "editor.load_failed": ("The workflow could not be opened.", "无法打开此流程。"),
    "editor.restored": (
        "Unsaved changes from {at} were restored from this browser.",
        "已从此浏览器恢复 {at} 的未保存修改。",
    ),
    "editor.discard_local": ("Discard them", "放弃这些修改"),
    "editor.conflict_title": ("Someone else saved this draft", "其他人已保存此草稿"),
    "editor.conflict_body": (
        "The draft was saved by someone else after you started. Reload their version "
        "(your changes are dropped) or overwrite it with yours (theirs are dropped).",
        "在你开始编辑之后，其他人保存了此草稿。你可以重新加载他们的版本（放弃你的修改），"
        "或用你的版本覆盖（放弃他们的修改）。",
    ),
    "editor.conflict_reload": ("Reload theirs", "加载他们的版本"),
    "editor.conflict_overwrite": ("Overwrite with mine", "用我的版本覆盖"),
    "editor.conflict_cancel": ("Decide later", "稍后决定"),
    "editor.errors": ("Errors", "错误"),
    "editor.no_errors": ("No errors: this draft can be published.", "没有错误：此草稿可以发布。"),
    "editor.errors_title": ("All errors of this draft", "此草稿的全部错误"),
    "editor.document_error": ("Workflow", "流程"),
    "palette.title": ("Steps", "步骤"),
    "palette.search": ("Search steps", "搜索步骤"),
    "palette.help": (
        "Drag a step onto the canvas, or click it to add it.",
        "将步骤拖到画布上，或点击添加。",
    ),
    "palette.no_match": ("No step matches.", "没有匹配的步骤。"),
    "category.flow": ("Start and end", "开始与结束"),
    "category.human": ("People", "人工"),
    "category.logic": ("Logic", "逻辑"),
    "category.automation": ("Automation", "自动化"),
    "category.integration": ("Integration", "集成"),
    "canvas.undo": ("Undo (Ctrl+Z)", "撤销（Ctrl+Z）"),
    "canvas.redo": ("Redo (Ctrl+Shift+Z)", "重做（Ctrl+Shift+Z）"),
    "canvas.layout": ("Tidy up", "自动排列"),
    "canvas.default_edge": ("default", "默认"),
    "canvas.no_condition": ("no condition", "无条件"),
    "canvas.unknown_type": ("Unknown type: {type}", "未知类型：{type}"),
    "panel.none": (
        "Select a step or a connection to see its settings.",
        "选择一个步骤或连线以查看其设置。",
    ),
    "panel.many": ("Several items are selected.", "已选择多个对象。"),
    "panel.unknown_help": (
        "The catalogue has no step of this type any more. Remove it or replace it; "
        "the workflow cannot be published while it is here.",
        "组件目录中已没有此类型的步骤。请删除或替换它；存在此步骤时流程无法发布。",
    ),
    "panel.label_en": ("Name (English)", "名称（英文）"),
    "panel.label_zh": ("Name (Chinese)", "名称（中文）"),
    "panel.add": ("Add", "添加"),
    "panel.remove": ("Remove", "删除"),
    "panel.edge": ("Connection", "连线"),
    "panel.edge_default": (
        "Default: taken when no other condition holds",
        "默认：其他条件都不成立时走此连线",
    ),
    "panel.edge_condition": ("Condition", "条件"),
    "panel.edge_condition_help": (
        "For example: record['discount'] > 0.1",
        "例如：record['discount'] > 0.1",
    ),
    "unit.minutes": ("minutes", "分钟"),
    "unit.hours": ("hours", "小时"),
    "unit.days": ("days", "天"),
    "unit.weeks": ("weeks", "周"),
    # versions page
    "versions.title": ("Versions", "版本"),
    "versions.subtitle": (
        "What was published, what changed, and which version is live.",
        "已发布的版本、变更内容以及生效版本。",
    ),
    "versions.back": ("Back to the editor", "返回编辑器"),
    "versions.list": ("Published versions", "已发布版本"),
    "versions.none": (
        "Nothing is published yet. Publish the draft to create version 1.",
        "尚未发布任何版本。发布草稿即可创建版本 1。",
    ),
    "versions.number": ("Version {n}", "版本 {n}"),
    "versions.short": ("v{n}", "v{n}"),
    "versions.no_message": ("No message", "无说明"),
    "versions.by": ("by {user}", "由 {user} 发布"),
    "versions.hash": ("Content hash", "内容哈希"),
    "versions.live_for": ("Live for", "生效于"),
    "versions.new": ("New", "新"),
    "versions.changes": ("Changes", "变更"),
    "versions.changes_help": (
        "Show what this version changed against the one before.",
        "显示此版本相对上一版本的变更。",
    ),
    "versions.load_failed": ("The versions could not be loaded.", "无法加载版本。"),
    "versions.not_found": ("This workflow does not exist.", "此流程不存在。"),
    "versions.read_only": (
        "Read only: your role may look at versions but not publish or change what is live.",
        "只读：你的角色可以查看版本，但不能发布或更改生效版本。",
    ),
    "versions.compare": ("What changed", "变更对比"),
    "versions.from": ("From", "从"),
    "versions.to": ("To", "到"),
    "versions.option_version": ("Version {n}", "版本 {n}"),
    "versions.option_live": ("Version {n} (live: {variants})", "版本 {n}（生效：{variants}）"),
    "versions.option_draft": ("Draft (revision {revision})", "草稿（修订 {revision}）"),
    "versions.logic_count": ("Logic changes: {n}", "逻辑变更：{n}"),
    "versions.layout_count": ("Layout changes: {n}", "布局变更：{n}"),
    "versions.no_changes": ("No differences: both are the same.", "没有差异：两者相同。"),
    "versions.same_choice": (
        "Choose two different versions to compare.",
        "请选择两个不同的版本进行对比。",
    ),
    "versions.single": (
        "There is only one version and no draft: nothing to compare yet.",
        "只有一个版本且没有草稿：暂无可对比的内容。",
    ),
    "versions.draft_only": (
        "Nothing is published yet: the draft is shown as it is.",
        "尚未发布任何版本：此处显示草稿本身。",
    ),
    "versions.empty": (
        "This workflow has neither a draft nor a version.",
        "此流程既没有草稿也没有版本。",
    ),
    "versions.diff_failed": ("The changes could not be loaded.", "无法加载变更。"),
    "versions.logic": ("Changes to how the workflow behaves", "影响流程运行的变更"),
    "versions.moved": ("{n} steps moved (layout only)", "{n} 个节点移动了位置（仅布局）"),
    "versions.moved_one": ("1 step moved (layout only)", "1 个节点移动了位置（仅布局）"),
    "versions.layout_other": ("Layout changes: {n}", "布局变更：{n}"),
    "versions.layout_show": ("Show", "展开"),
    "versions.layout_hide": ("Hide", "收起"),
    "versions.op_added": ("Added", "新增"),
    "versions.op_removed": ("Removed", "删除"),
    "versions.op_changed": ("Changed", "修改"),
    "versions.canvas_help": (
        "The canvas shows “to”; what “from” had and “to” lost is drawn in red. "
        "Click a change to find it on the canvas.",
        "画布显示“到”一侧；“从”一侧有而“到”一侧已删除的内容以红色显示。点击某项变更可在画布上定位。",
    ),
    "versions.publish": ("Publish draft", "发布草稿"),
    "versions.publish_title": ("Publish the draft", "发布草稿"),
    "versions.publish_intro": (
        "Draft revision {revision} becomes version {n}. A published version never changes.",
        "草稿修订 {revision} 将成为版本 {n}。版本发布后不可再修改。",
    ),
    "versions.publish_preview": (
        "Against version {n}: logic changes {logic}, layout changes {layout}.",
        "相对版本 {n}：逻辑变更 {logic} 处，布局变更 {layout} 处。",
    ),
    "versions.publish_first": ("This will be the first version.", "这将是第一个版本。"),
    "versions.publish_not_live": (
        "Publishing does not make it live: afterwards, make it live for a variant.",
        "发布不会使其自动生效：发布后请为变体设置生效版本。",
    ),
    "versions.publish_message": ("What changed, and why", "变更内容及原因"),
    "versions.publish_placeholder": (
        "e.g. Managers approve discounts above 10%",
        "例如：折扣超过 10% 需经理审批",
    ),
    "versions.publish_submit": ("Publish", "发布"),
    "versions.cancel": ("Cancel", "取消"),
    "versions.publish_done": ("Version {n} published.", "已发布版本 {n}。"),
    "versions.publish_same": (
        "The draft is identical to version {n}: nothing new was published.",
        "草稿与版本 {n} 相同：未发布新版本。",
    ),
    "versions.publish_conflict": (
        "The draft changed while you were reviewing it. The newest draft is loaded now: "
        "check what changed and publish again.",
        "你查看期间草稿已被修改。现已加载最新草稿：请检查变更后重新发布。",
    ),
    "versions.publish_invalid": (
        "The draft has errors; nothing was published.",
        "草稿有错误，未发布任何内容。",
    ),
    "versions.publish_failed": ("Nothing was published.", "未发布任何内容。"),
    "versions.blocked_no_draft": ("There is no draft to publish.", "没有可发布的草稿。"),
    "versions.blocked_error_one": (
        "The draft has 1 error. Fix it in the editor first.",
        "草稿有 1 个错误，请先在编辑器中修正。",
    ),
    "versions.blocked_errors": (
        "The draft has {n} errors. Fix them in the editor first.",
        "草稿有 {n} 个错误，请先在编辑器中修正。",
    ),
    "versions.published_banner": (
        "Version {n} is published. New cases start on it only once it is live for a variant.",
        "版本 {n} 已发布。只有为变体设为生效后，新的流程实例才会使用它。",
    ),
    "versions.activate": ("Make live…", "设为生效…"),
    "versions.activate_title": ("Make a version live", "设置生效版本"),
    "versions.activate_version": ("Version", "版本"),
    "versions.activate_variant": ("Variant", "变体"),
    "versions.variant_new": ("New variant…", "新建变体…"),
    "versions.variant_name": ("Name of the new variant", "新变体名称"),
    "versions.variant_help": (
        "Lower-case letters, digits and '-', e.g. east or key-accounts.",
        "小写字母、数字和“-”，例如 east 或 key-accounts。",
    ),
    "versions.variant_missing": ("Enter the name of the new variant.", "请输入新变体的名称。"),
    "versions.activate_reason": (
        "Reason (optional, kept in the audit log)",
        "原因（可选，记入审计日志）",
    ),
    "versions.move": (
        "Variant {variant}: version {from} → version {to}",
        "变体 {variant}：版本 {from} → 版本 {to}",
    ),
    "versions.move_first": (
        "Variant {variant}: not live yet → version {to}",
        "变体 {variant}：尚未生效 → 版本 {to}",
    ),
    "versions.move_same": (
        "Variant {variant} already uses version {to}: nothing changes.",
        "变体 {variant} 已在使用版本 {to}：没有变化。",
    ),
    "versions.move_effect": (
        "New cases will use version {to}; running cases stay on their version.",
        "新的流程实例将使用版本 {to}；运行中的流程实例保持原版本。",
    ),
    "versions.move_rollback": (
        "This is a roll back to an earlier version. It is recorded; no history is rewritten.",
        "这是回滚到较早的版本。此操作会被记录，不会改写历史。",
    ),
    "versions.activate_confirm": ("Make version {n} live", "使版本 {n} 生效"),
    "versions.rollback_confirm": ("Roll back to version {n}", "回滚到版本 {n}"),
    "versions.activate_done": (
        "Variant {variant} now uses version {n}.",
        "变体 {variant} 现已使用版本 {n}。",
    ),
    "versions.activate_failed": ("The live version was not changed.", "生效版本未更改。"),
    "versions.live_title": ("Live versions", "生效版本"),
    "versions.live_none": ("No version is live yet.", "尚无生效版本。"),
    "versions.history": ("History of live versions", "生效版本变更记录"),
    "versions.history_first": (
        "{actor} made version {to} live for {variant}",
        "{actor} 将变体 {variant} 的生效版本设为版本 {to}",
    ),
    "versions.history_forward": (
        "{actor} moved {variant} from version {from} to version {to}",
        "{actor} 将变体 {variant} 从版本 {from} 改为版本 {to}",
    ),
    "versions.history_rollback": (
        "{actor} rolled {variant} back from version {from} to version {to}",
        "{actor} 将变体 {variant} 从版本 {from} 回滚到版本 {to}",
    ),
    # records: lists, one record, a new record (record = 记录, field = 字段, exemption = 免填)
    "records.nav": ("Records", "记录"),
    "records.no_forms": ("No form is live yet.", "还没有生效的表单。"),
    "records.subtitle": (
        "The records you may see, with the fields you may see.",
        "你有权查看的记录及其中你有权查看的字段。",
    ),
    "records.new": ("New record", "新建记录"),
    "records.export": ("Export CSV", "导出 CSV"),
    "records.search": ("Search {field}", "搜索{field}"),
    "records.filter_field": ("Filter by field…", "按字段筛选…"),
    "records.filter_value": ("Value", "值"),
    "records.filter_values": ("Values, separated by commas", "多个值，用逗号分隔"),
    "records.filter_add": ("Add filter", "添加筛选"),
    "records.filter_remove": ("Remove this filter", "移除此筛选"),
    "records.op_contains": ("contains", "包含"),
    "records.op_eq": ("is", "等于"),
    "records.op_ne": ("is not", "不等于"),
    "records.op_lt": ("less than", "小于"),
    "records.op_le": ("at most", "小于等于"),
    "records.op_gt": ("greater than", "大于"),
    "records.op_ge": ("at least", "大于等于"),
    "records.op_in": ("is one of", "属于"),
    "records.op_empty": ("is empty", "为空"),
    "records.op_filled": ("is filled in", "不为空"),
    "records.changed": ("Last change", "最近修改"),
    "records.empty": ("No records to show.", "没有可显示的记录。"),
    "records.page": ("Page {n} · {count} records", "第 {n} 页 · {count} 条记录"),
    "records.page_one": ("Page {n} · {count} record", "第 {n} 页 · {count} 条记录"),
    "records.previous": ("Previous", "上一页"),
    "records.next": ("Next", "下一页"),
    "records.no_form": (
        "This form does not exist or has no live version.",
        "此表单不存在或没有生效版本。",
    ),
    "records.no_access": (
        "None of your roles may see the records of this form.",
        "你的角色无权查看此表单的记录。",
    ),
    "records.not_found": (
        "This record does not exist, or is outside your data scope.",
        "此记录不存在，或不在你的数据范围内。",
    ),
    "records.number": ("Record {id}", "记录 {id}"),
    "records.owner": ("Owner", "负责人"),
    "records.team": ("Team", "团队"),
    "records.region": ("Region", "区域"),
    "records.stage": ("Stage", "阶段"),
    "records.revision": ("Revision", "修订"),
    "records.created": ("Created by", "创建人"),
    "records.updated": ("Last changed by", "最近修改人"),
    "records.required": ("Required", "必填"),
    "records.exempt": ("Skip this field", "免填此字段"),
    "records.skipped": ("Skipped", "已免填"),
    "records.skipped_because": ("skipped ({reason})", "免填（{reason}）"),
    "records.save": ("Save", "保存"),
    "records.discard": ("Discard changes", "放弃修改"),
    "records.saved": ("Record saved.", "记录已保存。"),
    "records.save_failed": ("The record was not saved.", "记录未保存。"),
    "records.save_forbidden": (
        "The record was not saved: you may not change a field.",
        "记录未保存：你无权修改某个字段。",
    ),
    "records.save_invalid": (
        "The record was not saved: a value is not valid.",
        "记录未保存：有字段的值无效。",
    ),
    "records.gone": (
        "The record was not saved: it no longer exists for you.",
        "记录未保存：此记录对你已不可见。",
    ),
    "records.conflict_title": ("Someone else changed this record", "其他人修改了此记录"),
    "records.conflict_body": (
        "It was changed after you opened it, so nothing was saved. Reload it to see their "
        "change, then make yours again.",
        "在你打开之后此记录已被修改，因此未保存任何内容。请重新加载查看他们的修改，然后再次修改。",
    ),
    "records.conflict_reload": ("Reload the record", "重新加载记录"),
    "records.history": ("History", "变更历史"),
    "records.colon": (": ", "："),
    "records.history_help": (
        "Every change, from the audit log: who, when, before → after.",
        "来自审计日志的每次变更：谁、何时、修改前 → 修改后。",
    ),
    "records.action_create": ("created the record", "创建了记录"),
    "records.action_update": ("changed the record", "修改了记录"),
    "records.form_version": ("form version {n}", "表单版本 {n}"),
    "records.hidden_one": ("1 hidden change", "1 项隐藏的变更"),
    "records.hidden_many": ("{n} hidden changes", "{n} 项隐藏的变更"),
    "records.new_title": ("New record", "新建记录"),
    "records.new_help": (
        "Fields marked * are required. The server checks everything again when you create.",
        "标 * 的字段为必填。创建时服务器会再次检查所有内容。",
    ),
    "records.cancel": ("Cancel", "取消"),
    "records.create": ("Create record", "创建记录"),
    "records.created_one": ("Record {id} created.", "已创建记录 {id}。"),
    "records.create_forbidden": (
        "The record was not created: your roles may not create it, or not with these values.",
        "记录未创建：你的角色无权创建，或无权填写这些值。",
    ),
    "records.may_not_create": (
        "None of your roles may create records of this form.",
        "你的角色无权创建此表单的记录。",
    ),
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
