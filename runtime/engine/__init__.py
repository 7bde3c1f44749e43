"""The engine's imperative shell: applies the effects that ``advance`` returns."""
