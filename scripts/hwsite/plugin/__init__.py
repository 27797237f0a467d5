"""The site's MkDocs plugin (`hwsite` in mkdocs.yml): config.py declares its options,
plugin.py runs the build steps in build order; each step calls a pure function elsewhere
in the hwsite package."""
