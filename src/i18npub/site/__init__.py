"""The reader's site: article views (``views``), the theme, the output folder and the build.

``build_site(layout, settings, out)`` renders English, Chinese and bilingual pages, indexes,
feeds and a sitemap (see :mod:`i18npub.site.build`).
"""

from i18npub.site.build import RENDER_VERSION, VIEWS, BuildReport, build_site
from i18npub.site.output import MANIFEST_NAME, BuildError, wait_for_discards

__all__ = [
    "MANIFEST_NAME",
    "RENDER_VERSION",
    "VIEWS",
    "BuildError",
    "BuildReport",
    "build_site",
    "wait_for_discards",
]
