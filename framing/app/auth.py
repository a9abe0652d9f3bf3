"""The token gate of the app: no page renders until the visitor gives the server's token.

``framing app --host ADDR`` (any address other than loopback) requires a token and passes it
to the server in ``FRAMING_APP_TOKEN``; on loopback a token is optional. Without a token the
gate is open.
"""

from __future__ import annotations

import hmac
import os
import time

import streamlit as st

TOKEN_ENV = "FRAMING_APP_TOKEN"
_PASSED = "_auth:passed"
_FAIL_DELAY_S = 1.0  # slows guessing


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of a given token with the expected one.

    Parameters
    ----------
    given, expected : str
        The token typed (or passed as ``?token=``) and the server's token.

    Returns
    -------
    bool
        True when both are non-empty and equal.
    """
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def gate(expected: str | None = None) -> bool:
    """Ask for the token unless this session already gave it.

    The token may come once in the URL as ``?token=…`` (removed from the address bar right
    away) or through the password field.

    Parameters
    ----------
    expected : str, optional
        The server's token; default ``$FRAMING_APP_TOKEN``. Empty or unset: no gate.

    Returns
    -------
    bool
        True when the page may render; False when the prompt is shown instead (the caller stops).
    """
    expected = os.environ.get(TOKEN_ENV, "") if expected is None else expected
    if not expected or st.session_state.get(_PASSED):
        return True
    if "token" in st.query_params:
        given = st.query_params["token"]
        del st.query_params["token"]
        if token_matches(given, expected):
            st.session_state[_PASSED] = True
            return True
        time.sleep(_FAIL_DELAY_S)
        st.error("The token in the link is not this server's token.")
    st.title("framing")
    st.write("This server is shared: enter its access token to continue.")
    with st.form("_auth:form"):
        given = st.text_input("Access token", type="password", key="_auth:token")
        submitted = st.form_submit_button("Continue")
    if submitted:
        if token_matches(given, expected):
            st.session_state[_PASSED] = True
            st.session_state.pop("_auth:token", None)
            st.rerun()
        time.sleep(_FAIL_DELAY_S)
        st.error("Wrong token.")
    return False
