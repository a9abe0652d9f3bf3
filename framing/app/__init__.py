"""The Streamlit app: a thin layer over the public API.

``framing/app/main.py`` (run by ``framing app``) builds the navigation; each page is a ``render()`` function
in ``framing.app.views``; ``framing.app.state`` holds the cached corpus, codebook,
store and analysis that every page reads. Nothing here computes scores: the pages
only call ``framing.load``, ``framing.analyse`` and the objects they return.
"""
