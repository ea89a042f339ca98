"""The portal's Pelican plugins, one package per folder, imported as `plugins.<name>`.

Pelican loads them from `PLUGINS = ["plugins.<name>", …]` in pelicanconf.py; the build tools and
the tests import them the same way, so every module exists once per process under one name.
"""
