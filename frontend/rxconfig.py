"""Reflex configuration of Trellis Studio.

Production mode serves the built frontend and Reflex's own backend (the
websocket that carries UI events) on one port; the studio reaches the Trellis
API over HTTP at ``TRELLIS_API_URL``. The State lives in memory: one backend
process, nothing written to disk (the session token never lands in a file).
"""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="studio",
    frontend_port=3000,
    backend_port=3000,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="memory",
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    disable_plugins=[SitemapPlugin],
)
