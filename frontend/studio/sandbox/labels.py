"""The Sandbox screens' texts, in English and Chinese, joined to the studio's one label
table (:data:`studio.labels.LABELS`) when this package is imported, so that
``SessionState.t["sandbox.title"]`` and :func:`studio.labels.text` know them like
any other label. Words follow ``GLOSSARY.md``: sandbox = 沙盒, simulation = 模拟运行,
baseline = 基线, first difference = 首个分歧点, case = 流程实例.
"""

from __future__ import annotations

from studio.labels import LABELS

__all__ = ["SANDBOX_LABELS"]

# key -> (English, Chinese)
SANDBOX_LABELS: dict[str, tuple[str, str]] = {
    "sandbox.nav": ("Sandbox", "沙盒"),
    "sandbox.title": ("Sandbox", "沙盒"),
    "sandbox.subtitle": (
        "Replay recorded history through a draft and the live version side by side, "
        "and see what the change would do.",
        "用历史数据同时重放草稿与生效版本，查看修改会带来什么影响。",
    ),
    "sandbox.load_failed": ("The sandbox could not be opened.", "无法打开沙盒。"),
    # setting a simulation up
    "sandbox.what": ("What to replay", "重放内容"),
    "sandbox.workflow": ("Workflow", "流程"),
    "sandbox.history": ("History", "历史数据"),
    "sandbox.no_datasets": (
        "No history has been imported yet (trellis sandbox import).",
        "尚未导入历史数据（trellis sandbox import）。",
    ),
    "sandbox.dataset_line": ("{name} · {n} cases", "{name} · {n} 个流程实例"),
    "sandbox.history_own": (
        "The recorded cases of {workflow}",
        "{workflow} 的已记录流程实例",
    ),
    "sandbox.candidate": ("Candidate", "候选版本"),
    "sandbox.candidate_help": (
        "What is being tried: the draft, or a version.",
        "要试验的内容：草稿或某个版本。",
    ),
    "sandbox.candidate_draft": ("Draft", "草稿"),
    "sandbox.draft_revision": ("Draft (revision {n})", "草稿（修订 {n}）"),
    "sandbox.baseline": ("Baseline", "基线"),
    "sandbox.baseline_help": (
        "The version that actually ran over this history.",
        "实际处理这些历史数据的版本。",
    ),
    "sandbox.version": ("Version {n}", "版本 {n}"),
    "sandbox.version_live": ("Version {n} (live)", "版本 {n}（生效）"),
    "sandbox.open_editor": ("Open the draft in the editor", "在编辑器中打开草稿"),
    "sandbox.policy": ("Decisions history cannot tell", "历史无法给出的决定"),
    "sandbox.policy_help": (
        "Where the candidate asks someone for a decision that history does not have "
        "(a new approval, say), a stated policy fills it in; the report says so.",
        "候选版本要求某人作出历史中没有的决定（例如新增的审批）时，由所选策略补全，报告中会注明。",
    ),
    "sandbox.policy_default": ("Default policy", "默认策略"),
    "sandbox.policy_default_is": ("Default: {policy}", "默认：{policy}"),
    "sandbox.policy_no_default": ("No default", "无默认策略"),
    "sandbox.policies": ("Policies", "策略"),
    "sandbox.policy_none": ("None: a policy for each new step", "无：为每个新节点单独指定"),
    "sandbox.policy_inherit": ("As the default", "沿用默认策略"),
    "sandbox.policy_approve_rate": (
        "Approve at the role's historical rate",
        "按该角色的历史批准率批准",
    ),
    "sandbox.policy_approve": ("Always approve", "总是批准"),
    "sandbox.policy_reject": ("Always reject", "总是驳回"),
    "sandbox.policy_next_recorded": (
        "The case's next recorded decision",
        "采用该实例下一条已记录的决定",
    ),
    "sandbox.policy_after": ("after {after}", "用时 {after}"),
    "sandbox.policy_steps": ("Per step", "按节点"),
    "sandbox.step_new": ("New", "新增"),
    "sandbox.after_unit": ("h", "小时"),
    "sandbox.after_placeholder": ("Time taken", "耗时"),
    "sandbox.seed": ("Seed", "随机种子"),
    "sandbox.seed_help": (
        "The same seed gives the same figures.",
        "相同的随机种子得出相同的结果。",
    ),
    "sandbox.replicates": ("Replicates", "重复抽样次数"),
    "sandbox.replicates_help": (
        "How many draws the uncertainty intervals rest on (0 to 1000).",
        "不确定区间所依据的抽样次数（0 至 1000）。",
    ),
    "sandbox.run": ("Run simulation", "开始模拟运行"),
    "sandbox.run_failed": ("The simulation was not started.", "模拟运行未开始。"),
    "sandbox.may_not_run": (
        "Your role may look at simulations but not run them.",
        "你的角色可以查看模拟运行，但不能发起。",
    ),
    "sandbox.need_workflow": ("Choose a workflow.", "请选择流程。"),
    "sandbox.need_candidate": ("Choose the candidate.", "请选择候选版本。"),
    "sandbox.need_baseline": ("Choose the baseline version.", "请选择基线版本。"),
    "sandbox.need_dataset": ("Choose the history to replay.", "请选择要重放的历史数据。"),
    "sandbox.bad_hours": (
        "Enter the time taken in hours, e.g. 4 or 1.5.",
        "请输入耗时（小时），如 4 或 1.5。",
    ),
    "sandbox.bad_seed": ("Enter a whole number from 0.", "请输入不小于 0 的整数。"),
    "sandbox.bad_replicates": ("Enter a whole number from 0 to 1000.", "请输入 0 至 1000 的整数。"),
    "sandbox.more_errors": ("(and {n} more)", "（另有 {n} 项）"),
    "sandbox.recent": ("Last simulations", "最近的模拟运行"),
    "sandbox.recent_none": ("None of this workflow yet.", "此流程还没有模拟运行。"),
    "sandbox.recent_line": ("#{id} against version {n}", "#{id} 对比版本 {n}"),
    # one simulation
    "sandbox.back": ("Sandbox", "沙盒"),
    "sandbox.run_title": ("Simulation", "模拟运行"),
    "sandbox.not_found": ("This simulation does not exist.", "此模拟运行不存在。"),
    "sandbox.asked_by": ("Asked by", "发起人"),
    "sandbox.status_queued": ("Queued", "排队中"),
    "sandbox.status_running": ("Running", "运行中"),
    "sandbox.status_completed": ("Completed", "已完成"),
    "sandbox.status_cancelled": ("Cancelled", "已取消"),
    "sandbox.status_failed": ("Failed", "失败"),
    "sandbox.queued_help": (
        "Waiting for a worker (trellis worker) to take it.",
        "等待后台进程（trellis worker）处理。",
    ),
    "sandbox.progress": ("{done} of {total} replays done", "已完成 {done} / {total} 次重放"),
    "sandbox.cancel": ("Cancel", "取消"),
    "sandbox.cancelled_help": (
        "The simulation was cancelled; it has no report.",
        "模拟运行已取消，没有报告。",
    ),
    "sandbox.failed": ("The simulation failed; it has no report.", "模拟运行失败，没有报告。"),
    "sandbox.failed_help": ("The worker gave no reason.", "后台进程未给出原因。"),
    "sandbox.draft_changed": (
        "The draft has been saved again since this simulation; the candidate is drawn "
        "as it is now.",
        "此次模拟运行之后草稿又被保存过；候选版本按当前草稿绘制。",
    ),
    # the report
    "sandbox.figure_reproduced": ("Baseline reproduced", "基线重放一致"),
    "sandbox.reproduced_of": ("{n} of {total}", "{total} 个中 {n} 个"),
    "sandbox.mismatched": ("{n} mismatched", "{n} 个不一致"),
    "sandbox.reason_not_asked": ("not asked", "未被要求"),
    "sandbox.reason_no_answer": ("no answer", "无应答"),
    "sandbox.reason_timing": ("timing", "时间不符"),
    "sandbox.reason_refused": ("refused", "被拒绝"),
    "sandbox.figure_changed": ("Cases changing path", "路径改变的流程实例"),
    "sandbox.tier_A": ("A: the same way as before", "A：路径不变"),
    "sandbox.tier_B": ("B: another way, all from history", "B：路径改变，全部依据历史"),
    "sandbox.tier_C": ("C: rests on a stated policy", "C：依赖所选策略"),
    "sandbox.tier_all": ("All tiers", "全部层级"),
    "sandbox.tier_A_short": ("A", "A"),
    "sandbox.tier_B_short": ("B", "B"),
    "sandbox.tier_C_short": ("C", "C"),
    "sandbox.figure_approvals": ("Approval decisions", "审批决定"),
    "sandbox.figure_median": ("Cycle time, median", "周期时间（中位数）"),
    "sandbox.figure_p90": ("Cycle time, 90th percentile", "周期时间（90 分位）"),
    "sandbox.figure_sla": ("Deadline breaches", "超出时限"),
    "sandbox.escalations": ("Escalations", "升级"),
    "sandbox.interval": ("Interval", "区间"),
    "sandbox.hours": ("{n} h", "{n} 小时"),
    "sandbox.days": ("{n} d", "{n} 天"),
    "sandbox.approvals": ("Decisions per approval level", "各审批级别的决定数"),
    "sandbox.anyone": ("anyone", "任何人"),
    "sandbox.column_step": ("Step", "节点"),
    "sandbox.column_level": ("Level", "审批级别"),
    "sandbox.column_role": ("Role", "角色"),
    "sandbox.column_change": ("Change", "变化"),
    "sandbox.column_approved": ("Approved", "其中批准"),
    "sandbox.outcomes": ("Outcomes", "结果"),
    "sandbox.outcome_open": ("Still open", "仍未完成"),
    "sandbox.outcome_none": ("No outcome", "无结果"),
    "sandbox.paths": ("Path changes", "路径变化"),
    "sandbox.paths_help": (
        "Each way cases took under the baseline and the way they take under the candidate.",
        "每一行：流程实例在基线下的路径，以及在候选版本下的路径。",
    ),
    "sandbox.paths_none": ("No case changes path.", "没有流程实例改变路径。"),
    "sandbox.column_from": ("Baseline path", "基线路径"),
    "sandbox.column_to": ("Candidate path", "候选路径"),
    "sandbox.column_steps": ("Steps", "节点变化"),
    "sandbox.column_cases": ("Cases", "流程实例"),
    "sandbox.workload": ("Workload", "工作量"),
    "sandbox.workload_people": ("People", "人员"),
    "sandbox.workload_roles": ("Roles", "角色"),
    "sandbox.workload_teams": ("Teams", "团队"),
    "sandbox.histogram": ("Cycle time", "周期时间"),
    "sandbox.histogram_help": (
        "Completed cases by how long they took, baseline and candidate.",
        "已完成的流程实例按耗时分布：基线与候选版本。",
    ),
    "sandbox.edits": ("What the candidate changes", "候选版本的修改"),
    "sandbox.disclosure": ("What these figures rest on", "这些数字的依据"),
    # the cases
    "sandbox.cases": ("Cases", "流程实例"),
    "sandbox.changed_only": ("Only those changing path", "仅显示路径改变的"),
    "sandbox.cases_none": ("No case matches.", "没有符合条件的流程实例。"),
    "sandbox.more_cases": ("More cases", "更多流程实例"),
    "sandbox.column_case": ("Case", "流程实例"),
    "sandbox.column_tier": ("Tier", "层级"),
    "sandbox.column_outcome": ("Outcome", "结果"),
    "sandbox.column_cycle": ("Cycle time", "周期时间"),
    "sandbox.column_difference": ("First difference", "首个分歧点"),
    "sandbox.column_reproduced": ("Reproduced", "重放一致"),
    "sandbox.not_reproduced": (
        "The baseline did not reproduce this case's history",
        "基线重放与此流程实例的历史不一致",
    ),
    "sandbox.still_open": ("still open", "仍未完成"),
    "sandbox.stopped": ("nowhere (it stops)", "无（在此停止）"),
    "sandbox.case": ("Case", "流程实例"),
    "sandbox.divergence": (
        "First difference: the baseline goes to {baseline}, the candidate to {candidate}.",
        "首个分歧点：基线走向 {baseline}，候选版本走向 {candidate}。",
    ),
    "sandbox.cannot_draw": (
        "The versions of this simulation could not be read, so its paths are not drawn.",
        "无法读取此次模拟运行的版本，因此未绘制路径。",
    ),
}

for _key, _pair in SANDBOX_LABELS.items():
    LABELS.setdefault(_key, _pair)
