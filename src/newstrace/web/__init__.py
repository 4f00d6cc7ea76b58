"""``newstrace serve``: the JSON API (and, beside it, the server-rendered workbench).

:func:`create_app` builds the FastAPI application; :mod:`newstrace.web.api` holds the JSON
API under ``/api/v1``, :mod:`newstrace.web.security` the headers, authentication, CSRF and
Host checks every response and request goes through. Everything taken from a page is hostile:
the API returns it as JSON strings only, never as HTML.
"""

from newstrace.web.app import WebContext, create_app

__all__ = ["WebContext", "create_app"]
