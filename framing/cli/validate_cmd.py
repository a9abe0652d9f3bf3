"""Commands of this module are registered on ``framing.cli._app.app``."""
