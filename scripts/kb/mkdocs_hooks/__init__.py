"""MkDocs hooks (listed under `hooks:` in mkdocs.yml); each file does one job."""
