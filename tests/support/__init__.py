"""What the tests share; ``tests/conftest.py`` registers the fixtures built from it.

* ``paths``: the checkout, ``../shared`` beside it, where screenshots go;
* ``require``: a tool or a shared file the test needs; skip locally, fail in CI;
* ``corpus``: the files of the shared corpus (``../shared/corpus``);
* ``markers``: the fixtures that oblige a test to carry a marker (``browser``, ``server``);
* ``browser``: the system Chromium, driven by playwright;
* ``loopback``: HTTP servers on 127.0.0.1 for a test, and a port where nothing listens;
* ``mt_servers``: loopback servers speaking each MT provider's wire format, with faults;
* ``cli``: the installed ``i18npub`` command, run as a user would;
* ``projects``: small projects: an engine chain in ``i18npub.toml``, an article added;
* ``sitekit``: the repository's sample project copied, catalog edits, page queries;
* ``faults``: generated news projects and the fault plans, kills and checks of the fault suites.
"""
