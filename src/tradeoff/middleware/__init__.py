"""Pure ASGI middleware wrapped around the whole application (web UI and API) by `create_app`."""
