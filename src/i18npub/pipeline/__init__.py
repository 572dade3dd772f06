"""The main job — ingest, translate, publish — as steps a runner maps over units of work.

``run(project)`` is what ``i18npub run`` does. Each step works on one unit: a batch of
sources, one article, the whole site. Every write is atomic (catalogs through
``edit_catalog``, articles through ``atomic_write_text``, the site through the build's
swap of a finished folder), so a run that stops part-way leaves every file whole, and a
rerun finishes the work: unchanged sources are skipped by content hash, filled sentences
are not translated again, and the site is rebuilt when its stamp
(``.i18npub/build-stamp.json``) no longer matches the content.

The Prefect flows (``i18npub.orchestrate``) pass a :class:`Runner` of their own that turns
each unit into a task run (retries, caching, concurrency limits); the steps and their order
stay here, and this module never imports Prefect.
"""

from __future__ import annotations

from i18npub.pipeline.fingerprint import (
    BUILD_STAMP,
    article_fingerprint,
    content_fingerprint,
    memory_version,
    site_inputs,
    site_is_current,
    write_stamp,
)
from i18npub.pipeline.plan import (
    articles_to_translate,
    check_engines,
    expand_sources,
    plan,
    publish_skipped,
    source_batches,
    untranslated_count,
    validate,
)
from i18npub.pipeline.report import (
    PUBLISH_POLICIES,
    STEPS,
    PipelineError,
    PublishResult,
    RunOptions,
    RunReport,
    TranslateResult,
    describe_changes,
)
from i18npub.pipeline.run import (
    Runner,
    run,
    translate_options,
)
from i18npub.pipeline.steps import (
    ingest_batch,
    publish_site,
    translate_article,
    translate_in_steps,
)
from i18npub.project import Progress

__all__ = [
    "BUILD_STAMP",
    "PUBLISH_POLICIES",
    "STEPS",
    "PipelineError",
    "Progress",
    "PublishResult",
    "RunOptions",
    "RunReport",
    "Runner",
    "TranslateResult",
    "article_fingerprint",
    "articles_to_translate",
    "check_engines",
    "content_fingerprint",
    "describe_changes",
    "expand_sources",
    "ingest_batch",
    "memory_version",
    "plan",
    "publish_site",
    "publish_skipped",
    "run",
    "site_inputs",
    "site_is_current",
    "source_batches",
    "translate_article",
    "translate_in_steps",
    "translate_options",
    "untranslated_count",
    "validate",
    "write_stamp",
]
