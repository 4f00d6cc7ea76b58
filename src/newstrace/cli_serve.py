"""``newstrace serve``: the JSON API (and workbench) over a store, with uvicorn.

Registered on the main Typer app by :mod:`newstrace.cli`. On 127.0.0.1 (the default) no
token is needed, and only requests addressed to a loopback name are answered (a DNS
rebinding page cannot reach the server); on any other address the command refuses to start
without a token (``--token`` or ``NEWSTRACE_TOKEN``), and a token must pass
:func:`newstrace.web.security.check_token` (16 printable characters at least, no spaces).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.text import Text

from newstrace.cli import ConfigOption, DbOption, _settings, app, _check_db_path, err
from newstrace.errors import UsageError


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        Optional[str],
        typer.Option(envvar="NEWSTRACE_TOKEN", show_default=False,
                     help="Secret every request must carry (Authorization: Bearer, or the login form)."),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the JSON API (/api/v1, described at /openapi.json) over the store."""
    # FastAPI and uvicorn are imported here, not with the CLI: other commands start faster
    from newstrace.web.security import LOOPBACK_HOSTS, check_token, is_loopback

    token = check_token(token)
    loopback = is_loopback(host)
    if not loopback and token is None:
        raise UsageError(f"refusing to listen on {host} without a token: pass --token or set "
                         f"NEWSTRACE_TOKEN (or listen on 127.0.0.1)")
    import uvicorn

    from newstrace.web import create_app

    settings = _settings(db, config)
    _check_db_path(settings.db)
    # unauthenticated: answer only requests addressed to this machine by a loopback name
    allowed = None if token else sorted(LOOPBACK_HOSTS | {host})
    application = create_app(settings.db, settings=settings, token=token, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    err.print(Text(f"serving {settings.db}: the workbench at http://{shown}:{port}/ and the API at /api/v1 "
                   f"({'token required' if token else 'no token: loopback only'})", style="dim"))
    if token and not loopback:
        err.print(Text("the token travels in clear over plain HTTP: put the server behind TLS "
                       "(a reverse proxy) on any network you do not trust", style="yellow"))
    uvicorn.run(application, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)
