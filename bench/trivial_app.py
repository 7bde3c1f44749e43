"""The reference: a trivial Litestar endpoint, served the same way as Trellis."""

from litestar import Litestar, get


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[ping])
