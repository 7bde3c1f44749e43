"""Validate + semantic checks of a generated 200-node, 260-edge workflow.

Goal (issue 3): under 50 ms. Prints the median and p90 of repeated runs, and
a ratio to a reference (a plain json round trip of the same document)
measured in the same run, since the machine is shared and noisy."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from bench.workflows import FIELDS, generated_workflow
from builder import References, validate


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    document = generated_workflow(200, 260)
    refs = References(forms={"deal": FIELDS}, roles=["rep", "manager", "director"])
    assert len(document["nodes"]) == 200 and len(document["edges"]) == 260
    errors = validate(document, refs)
    assert errors == [], errors[:3]
    validate(document, refs)  # warm caches (schema, compiled expressions)
    runs = 50
    samples = timed(lambda: validate(document, refs), runs)
    reference = timed(lambda: json.loads(json.dumps(document)), runs)
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1]
    print(
        f"validate 200 nodes / 260 edges: median {median:.1f} ms, p90 {p90:.1f} ms "
        f"over {runs} runs (goal < 50 ms: {'met' if median < 50 else 'NOT met'})"
    )
    print(
        f"reference json round trip: median {statistics.median(reference):.2f} ms; "
        f"ratio {median / statistics.median(reference):.0f}x"
    )


if __name__ == "__main__":
    main()
