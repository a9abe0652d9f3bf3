"""App pages: each module has a ``render()`` function that draws one page."""
