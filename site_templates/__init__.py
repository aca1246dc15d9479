"""Page and form templates, site assets and the default mkdocs.yml (package data of ducha, see generator/resources.py)."""
