"""Errors that point: a JSON pointer, a stable code, and a message in both languages.

The builder, jsonschema, the API and the CLI all report problems in this one
shape, so the studio can pin any of them to the node, edge or field it names.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["MESSAGES", "Error", "error", "escape_pointer", "unescape_pointer"]


class Error(msgspec.Struct, frozen=True, omit_defaults=True):
    pointer: str
    code: str
    message: dict[str, str]


# code -> (English, Chinese) message templates; ``{name}`` fields come from error().
MESSAGES: dict[str, tuple[str, str]] = {
    "not_an_object": ("A document must be a JSON object.", "文档必须是 JSON 对象。"),
    "malformed_json": ("Not valid JSON: {detail}", "不是有效的 JSON：{detail}"),
    "unknown_kind": (
        "Unknown kind {value!r}; expected one of {expected}.",
        "未知的文档类型 {value!r}，应为 {expected} 之一。",
    ),
    "unsupported_schema_version": ("{detail}", "不支持的 schema_version：{detail}"),
    "required": ("{field} is required.", "缺少必填项 {field}。"),
    "unknown_field": ("{field} is not a known setting here.", "{field} 不是此处可用的设置。"),
    "wrong_type": ("Expected {expected}, got {value}.", "应为 {expected}，实际为 {value}。"),
    "not_allowed_value": (
        "{value} is not allowed; choose one of {expected}.",
        "不允许的值 {value}，请选择 {expected} 之一。",
    ),
    "unknown_node_type": (
        "Unknown step type {value!r}.",
        "未知的节点类型 {value!r}。",
    ),
    "pattern_mismatch": (
        "{value} does not have the expected format ({pattern}).",
        "{value} 格式不正确（{pattern}）。",
    ),
    "too_small": ("{value} is below the minimum {limit}.", "{value} 小于最小值 {limit}。"),
    "too_large": ("{value} is above the maximum {limit}.", "{value} 大于最大值 {limit}。"),
    "too_short": ("Too short: at least {limit} needed.", "太短：至少需要 {limit}。"),
    "too_long": ("Too long: at most {limit} allowed.", "太长：最多允许 {limit}。"),
    "invalid": ("{detail}", "无效：{detail}"),
    "key_mismatch": (
        "The key in the document ({value!r}) differs from the key in the address ({expected!r}).",
        "文档中的 key（{value!r}）与地址中的 key（{expected!r}）不一致。",
    ),
    "kind_mismatch": (
        "The kind in the document ({value!r}) differs from the address ({expected!r}).",
        "文档中的类型（{value!r}）与地址中的类型（{expected!r}）不一致。",
    ),
    "duplicate_id": (
        "The id {value!r} is used more than once.",
        "id {value!r} 被重复使用。",
    ),
    "missing_node": (
        "This connection points to a step {value!r} that does not exist.",
        "连线指向不存在的节点 {value!r}。",
    ),
    "no_start": ("The workflow has no start step.", "流程缺少开始节点。"),
    "several_starts": (
        "A workflow has exactly one start step; this is another one.",
        "流程只能有一个开始节点，这是多余的一个。",
    ),
    "no_end": ("The workflow has no end step.", "流程缺少结束节点。"),
    "unreachable": (
        "Step {value!r} cannot be reached from the start.",
        "节点 {value!r} 无法从开始节点到达。",
    ),
    "dead_end": (
        "From step {value!r} the flow can never reach an end.",
        "从节点 {value!r} 出发永远无法到达结束节点。",
    ),
    "edge_into_start": (
        "Nothing may lead into the start step.",
        "开始节点不能有进入的连线。",
    ),
    "edge_out_of_end": ("Nothing may leave an end step.", "结束节点不能有出发的连线。"),
    "unknown_port": (
        "Step {node!r} has no output {value!r}; it has {expected}.",
        "节点 {node!r} 没有输出端口 {value!r}，可用的是 {expected}。",
    ),
    "no_default_edge": (
        "Decision {value!r} needs one default connection for when no condition holds.",
        "条件分支 {value!r} 需要一条默认连线，用于所有条件都不成立时。",
    ),
    "several_default_edges": (
        "Decision {value!r} has more than one default connection.",
        "条件分支 {value!r} 有多条默认连线。",
    ),
    "default_not_on_decision": (
        "Only connections leaving a decision can be the default.",
        "只有从条件分支出发的连线才能设为默认。",
    ),
    "missing_condition": (
        "A connection leaving a decision needs a condition or must be the default.",
        "从条件分支出发的连线需要条件，或设为默认。",
    ),
    "loop_without_wait": (
        "Steps {value} form a loop with no waiting step, which would run forever.",
        "节点 {value} 构成不含等待环节的循环，会无限运行。",
    ),
    "expression_syntax": (
        "Expression does not compile: {detail} (line {line}, column {column}).",
        "表达式无法编译：{detail}（第 {line} 行，第 {column} 列）。",
    ),
    "expression_forbidden": ("Expression not allowed: {detail}", "表达式不被允许：{detail}"),
    "unknown_name": (
        "Unknown name {value!r}; use record, vars or a helper such as {expected}.",
        "未知名称 {value!r}；请使用 record、vars 或辅助函数（如 {expected}）。",
    ),
    "unknown_record_field": (
        "Form {form!r} has no field {value!r}.",
        "表单 {form!r} 没有字段 {value!r}。",
    ),
    "unknown_form": ("There is no form {value!r}.", "表单 {value!r} 不存在。"),
    "unknown_role": ("There is no role {value!r}.", "角色 {value!r} 不存在。"),
    "select_without_options": (
        "A select field needs at least one option.",
        "选择字段至少需要一个选项。",
    ),
    "duplicate_option": ("Option {value!r} is listed twice.", "选项 {value!r} 重复。"),
    "min_above_max": (
        "min ({value}) is above max ({limit}).",
        "最小值（{value}）大于最大值（{limit}）。",
    ),
    "bad_pattern": ("Not a valid regular expression: {detail}", "不是有效的正则表达式：{detail}"),
    "computed_without_expression": (
        "A computed field needs an expression.",
        "计算字段需要表达式。",
    ),
    "missing_setting": (
        "“{field}” must be set when “{when_field}” is “{when_value}”.",
        "“{when_field}”为“{when_value}”时必须设置“{field}”。",
    ),
    "level_without_approver": (
        "Level {n} must say who approves: a role, a lowest rank, managers up the line "
        "or named people.",
        "第 {n} 级必须指定审批人：角色、最低职级、逐级上级或指定人员。",
    ),
    "duplicate_role": ("Role {value!r} appears twice.", "角色 {value!r} 重复出现。"),
    "nul_character": (
        "Text may not contain the NUL character (\\u0000).",
        "文本不能包含 NUL 字符（\\u0000）。",
    ),
    "too_deep": (
        "Nested more than {limit} levels deep.",
        "嵌套超过 {limit} 层。",
    ),
    "no_draft": ("{kind} {value!r} has no draft.", "{kind} {value!r} 没有草稿。"),
    "listed_twice": ("{kind} {value!r} is listed twice.", "{kind} {value!r} 重复列出。"),
    "exemptible_without_reasons": (
        "A field can only be skipped with a reason once the form lists the reasons "
        "(exemption_reasons).",
        "表单需先列出免填原因，字段才能设为可免填。",
    ),
    "wrong_field_type": (
        "Field {field!r} cannot be used here; it must be of type {expected}.",
        "字段 {field!r} 不能用于此处，其类型应为 {expected}。",
    ),
    "condition_on_itself": (
        "A field's rule cannot depend on the field itself ({field!r}).",
        "字段的规则不能依赖字段本身（{field!r}）。",
    ),
    "empty_condition": (
        "A condition needs a field and values, or roles.",
        "条件需要指定字段及其取值，或角色。",
    ),
    "grant_needs_one_holder": (
        "A grant is for one user or one role: give exactly one of them.",
        "临时授权只能授予一个用户或一个角色：请只填写其中一项。",
    ),
    "grant_ends_before_start": (
        "A grant must end after it starts.",
        "临时授权的结束时间必须晚于开始时间。",
    ),
    "time_without_offset": (
        "{value!r} needs a time-zone offset, e.g. 2026-12-01T09:00:00+08:00.",
        "{value!r} 需要带时区偏移，例如 2026-12-01T09:00:00+08:00。",
    ),
    "field_not_writable": (
        "You may not change {field!r} here.",
        "您无权修改 {field!r}。",
    ),
    "field_not_visible": (
        "{field!r} is hidden from you on some records, so you cannot filter or sort by it.",
        "{field!r} 在部分记录上对您不可见，因此不能按它筛选或排序。",
    ),
    "no_publisher_left": (
        "No one could publish after this change: publishing is granted only to {roles}, and "
        "no active admin or publisher holds such a role. Give one of them the role first.",
        "变更后将无人能够发布：发布权限只授予了 {roles}，而没有任何在职的管理员或发布者拥有"
        "这些角色。请先为其中一人分配该角色。",
    ),
    "hidden_field_invalid": (
        "A field you cannot see needs attention from someone who may change it.",
        "有一个您无权查看的字段需要由有权限的人处理。",
    ),
    "computed_field": (
        "“{field}” is computed by the form; it cannot be written.",
        "“{field}”由表单自动计算，不能填写。",
    ),
    "field_not_shown": (
        "“{field}” is not part of this record in its current situation (customer type, "
        "stage or your role); leave it empty.",
        "在当前情况下（客户类型、阶段或您的角色）“{field}”不属于此记录，请留空。",
    ),
    "not_exemptible": (
        "“{field}” cannot be skipped with a reason.",
        "“{field}”不允许免填。",
    ),
    "exempt_with_value": (
        "“{field}” is marked as skipped; remove its value or the exemption.",
        "“{field}”已标记为免填，请删除其值或取消免填。",
    ),
    "not_unique": (
        "Another record already has this “{field}”.",
        "已有其他记录使用了这个“{field}”。",
    ),
    "unknown_reference": (
        "There is no {what} {value!r}.",
        "{what} {value!r} 不存在。",
    ),
    "unknown_parameter": (
        "Template parameter {value!r} is not declared.",
        "模板参数 {value!r} 未声明。",
    ),
    # sandbox runs
    "other_workflow": (
        "The baseline is a version of {value!r}, not of the candidate's workflow.",
        "基线 {value!r} 不是候选流程的版本。",
    ),
    "history_required": (
        "Say which history to replay: a dataset or a window of the workflow's own cases.",
        "请指定要重放的历史：数据集或本流程自身案例的时间窗口。",
    ),
    "unknown_version": ("There is no version {value}.", "不存在版本 {value}。"),
    "unknown_dataset": ("There is no dataset {value}.", "不存在数据集 {value}。"),
    "sandbox_required": (
        "Variant {variant} goes live only after a completed sandbox run of exactly this "
        "content ({hash}).",
        "变体 {variant} 须先完成对该内容（{hash}）的沙盒模拟运行才能生效。",
    ),
    "policy_required": (
        "Step {node} needs a decision history cannot tell: state a policy for it.",
        "步骤 {node} 需要历史无法给出的决定：请为其指定策略。",
    ),
}


def escape_pointer(segment: str | int) -> str:
    """RFC 6901: '~' becomes '~0' and '/' becomes '~1'."""
    return str(segment).replace("~", "~0").replace("/", "~1")


def unescape_pointer(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


class _Missing(dict[str, Any]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def _in(value: Any, language: str) -> Any:
    """A parameter in ``language``: words that exist in both languages (a mapping
    with "en" and "zh-CN", or a ``Text``) give theirs; anything else is the same."""
    if isinstance(value, dict) and "en" in value:
        return value.get(language) or value["en"]
    if hasattr(value, "en") and hasattr(value, "zh_CN"):
        return value.zh_CN if language == "zh-CN" else value.en
    return value


def error(pointer: str, code: str, **params: Any) -> Error:
    """An :class:`Error` for ``code``, its messages filled from ``params`` (each
    parameter may itself be bilingual, so that no English lands in a Chinese message)."""
    en, zh = MESSAGES[code]
    return Error(
        pointer=pointer,
        code=code,
        message={
            "en": en.format_map(_Missing({k: _in(v, "en") for k, v in params.items()})),
            "zh-CN": zh.format_map(_Missing({k: _in(v, "zh-CN") for k, v in params.items()})),
        },
    )
