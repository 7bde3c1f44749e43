"""The versions page of one workflow: versions, diffs, publish and live versions."""
