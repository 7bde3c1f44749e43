"""The sandbox: replays of history through a draft, side effects captured (issue 7)."""
