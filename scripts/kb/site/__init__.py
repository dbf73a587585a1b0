"""The `kb` MkDocs plugin (plugin.py) and its features, one module each.

Every feature module is pure: functions on Markdown, HTML or plain data, no MkDocs import, so
that they can be tested and reused (another engine, `kb check`) without a build. plugin.py is the
only place that knows MkDocs' events and objects.
"""
