"""The spare: the build before the current one, updated in place by the next build and swapped in.

Every test compares the live site with a cold build of the same inputs in another project: an
update through the spare must give exactly what a build from nothing gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import i18npub.site.build as site_build
import i18npub.site.output as site_output
from i18npub.project import Project
from i18npub.site import MANIFEST_NAME, build_site, wait_for_discards
from i18npub.site.output import lock_spare, spare_path
from tests.support.sitekit import SLUGS, edit_catalog, sample_project, set_msgstr

Snapshot = dict[str, str]


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    return sample_project(tmp_path / "proj")


def _snapshot(site: Path) -> Snapshot:
    """Every file's content hash; the manifest by its pages (its key order may differ)."""
    files = {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() or p.is_symlink()
    }
    if MANIFEST_NAME in files:
        pages = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["pages"]
        files[MANIFEST_NAME] = json.dumps(pages, sort_keys=True)
    return files


def _cold(project: Project, root: Path) -> Snapshot:
    """The site a first build of ``project``'s inputs makes, in a project of its own."""
    root.mkdir()
    shutil.copy(project.root / "i18npub.toml", root / "i18npub.toml")
    for name in ("articles", "locales", "templates"):
        if (project.root / name).is_dir():
            shutil.copytree(project.root / name, root / name)
    fresh = Project.open(root)
    build_site(fresh.layout, fresh.config.publish)
    return _snapshot(fresh.path("site"))


TITLES = {  # the first words of each article's title
    "harbour-solar-ferry": "Solar Ferry Line Opens",
    "library-open-data": "City Library Publishes",
    "tea-exports": "Mountain Tea Growers",
}


def _edit(project: Project, text: str, slug: str = "library-open-data") -> None:
    """A new Chinese title: the article's zh and bilingual pages, indexes and feed change."""
    assert edit_catalog(project, slug, set_msgstr(text), TITLES[slug]) == 1


def _build(project: Project) -> site_build.BuildReport:
    report = build_site(project.layout, project.config.publish)
    wait_for_discards()
    return report


def _with_spare(project: Project) -> Path:
    """Built twice with a change between: the replaced site is now the spare."""
    _build(project)
    _edit(project, "第一版")
    _build(project)
    spare = spare_path(project.path("site"))
    assert (spare / MANIFEST_NAME).is_file()
    return spare


def test_an_update_writes_only_what_changed_into_the_spare_and_swaps_it_in(
    proj: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spare = _with_spare(proj)
    site = proj.path("site")
    previous = _snapshot(site)
    spare_inode = spare.stat().st_ino
    links: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda a, b: links.append(str(b)) or real_link(a, b))
    _edit(proj, "第二版")
    report = _build(proj)
    assert report.rendered == 5  # zh + bilingual of that article, zh + bilingual index, zh feed
    assert site.stat().st_ino == spare_inode  # the spare was swapped in
    assert links == []  # the spare's older pages are the same five: nothing else to link
    assert _snapshot(site) == _cold(proj, tmp_path / "cold")
    assert _snapshot(spare) == previous  # and the replaced site is the next spare, intact
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site")] == [".site.spare"]
    assert (spare.parent / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_a_build_without_changes_leaves_the_spare_alone(proj: Project) -> None:
    spare = _with_spare(proj)
    before = {p: p.stat().st_ino for p in spare.rglob("*")}
    report = _build(proj)
    assert not report.changed
    assert {p: p.stat().st_ino for p in spare.rglob("*")} == before


def test_no_page_of_an_older_build_survives(proj: Project, tmp_path: Path) -> None:
    """Edits, a revert to an older text (the spare's own version), a removed article."""
    _with_spare(proj)
    for number, text in enumerate(["第二版", "第一版", "第三版", "第一版"]):
        _edit(proj, text, SLUGS[number % 2 + 1])
        _build(proj)
        assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / f"cold{number}")
    proj.article_path("tea-exports").unlink()
    _build(proj)
    _edit(proj, "第四版")
    _build(proj)  # the spare still had tea-exports
    site = proj.path("site")
    assert _snapshot(site) == _cold(proj, tmp_path / "without")
    assert not (site / "en/tea-exports").exists()


@pytest.mark.parametrize("step", ["_write_now", "_link", "prune_tree", "manifest", "swap_in"])
def test_a_build_cut_short_while_updating_the_spare_leaves_the_live_site_and_the_next_build_right(
    proj: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    spare = _with_spare(proj)
    site = proj.path("site")
    live = _snapshot(site)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device (simulated)")

    if step in ("_write_now", "_link"):
        monkeypatch.setattr(site_build.SiteBuilder, step, fail)
    elif step == "manifest":
        real_replace = os.replace

        def replace(source: object, target: object) -> None:
            if str(target).endswith(MANIFEST_NAME):
                fail()
            real_replace(source, target)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "replace", replace)
    else:
        monkeypatch.setattr(site_build, step, fail)
    _edit(proj, "第二版", "harbour-solar-ferry")  # the spare's library pages need linking
    proj.article_path("tea-exports").unlink()  # and pages to remove
    with pytest.raises(OSError, match="simulated"):
        build_site(proj.layout, proj.config.publish)
    assert _snapshot(site) == live
    # the half-updated spare is not trusted; one that failed to swap in is complete
    assert (spare / MANIFEST_NAME).exists() == (step == "swap_in")
    monkeypatch.undo()
    _build(proj)
    assert _snapshot(site) == _cold(proj, tmp_path / "cold")
    assert (spare / MANIFEST_NAME).is_file()  # the spare: the site the failed build left
    assert _snapshot(spare) == live
    assert not list(site.parent.glob(".site.*.old"))


@pytest.mark.parametrize(
    "manifest",
    [
        b"{not json",
        b'{"generator": "i18npub 0.1", "pages": ',  # cut off
        b'["en/index.html"]',
        b'{"generator": "another tool", "pages": ["en/index.html"]}',
        b'{"pages": {"en/index.html": 7}}',
        None,  # removed, as by an update that was killed
    ],
)
def test_a_spare_with_a_damaged_or_foreign_manifest_is_replaced(
    proj: Project, tmp_path: Path, manifest: bytes | None
) -> None:
    spare = _with_spare(proj)
    if manifest is None:
        (spare / MANIFEST_NAME).unlink()
    else:
        (spare / MANIFEST_NAME).write_bytes(manifest)
    (spare / "en/index.html").unlink()  # a hard link shared with the live site
    (spare / "en/index.html").write_bytes(b"stale")  # what an untrusted spare may hold
    _edit(proj, "第二版")
    _build(proj)
    assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / "cold")
    assert b"stale" not in (spare / "en/index.html").read_bytes()  # a new spare
    assert not list(proj.path("site").parent.glob(".site.*.old"))


def test_a_folder_in_the_spares_place_that_i18npub_did_not_make_is_never_touched(
    proj: Project, tmp_path: Path
) -> None:
    holder = spare_path(proj.path("site")).parent
    (holder / "site").mkdir(parents=True)
    (holder / "site" / "notes.txt").write_text("mine")
    (holder / "site" / MANIFEST_NAME).write_text('{"pages": {}}')
    for text in ("第一版", "第二版"):
        _build(proj)
        _edit(proj, text)
    _build(proj)
    assert (holder / "site" / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in holder.iterdir()) == ["site"]
    assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / "cold")


def test_updating_the_spare_never_writes_into_a_file_the_live_site_shares(
    proj: Project, tmp_path: Path
) -> None:
    spare = _with_spare(proj)
    site = proj.path("site")
    shared = site / "en/index.html"
    assert os.path.samefile(shared, spare / "en/index.html")  # unchanged pages are one inode
    live = _snapshot(site)
    _edit(proj, "第二版", "tea-exports")  # indexes change: files of the spare get replaced
    _build(proj)
    assert _snapshot(spare) == live  # every file of the replaced site kept its bytes
    assert _snapshot(site) == _cold(proj, tmp_path / "cold")


def test_files_put_into_the_site_by_hand_do_not_come_back(proj: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    _with_spare(proj)
    site = proj.path("site")
    (site / "CNAME").write_text("example.org")
    (site / "en" / "drafts").mkdir()
    (site / "en" / "drafts" / "x.html").write_text("draft")
    (site / "zh" / "elsewhere").symlink_to(outside, target_is_directory=True)
    (site / "static").rename(tmp_path / "static")
    (site / "static").symlink_to(tmp_path / "static", target_is_directory=True)
    for text in ("第二版", "第三版"):  # the hand-edited site becomes the spare, then is updated
        _edit(proj, text)
        _build(proj)
    assert _snapshot(site) == _cold(proj, tmp_path / "cold")
    assert [p.name for p in outside.iterdir()] == ["keep.txt"]
    assert not (site / "static").is_symlink()


def test_a_build_while_another_holds_the_spare_uses_a_folder_of_its_own(
    proj: Project, tmp_path: Path
) -> None:
    spare = _with_spare(proj)
    before = _snapshot(spare)
    lock = lock_spare(proj.layout.state)
    assert lock is not None
    try:
        _edit(proj, "第二版")
        _build(proj)
    finally:
        os.close(lock)
    assert _snapshot(spare) == before
    assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / "cold")
    assert not [p for p in proj.root.iterdir() if p.name.endswith((".new", ".old"))]


def test_the_spare_lives_beside_the_site_and_git_ignores_it() -> None:
    out = Path("/srv/www/site")
    assert spare_path(out) == Path("/srv/www/.site.spare/site")
    assert site_output.SPARE_MARK.endswith("\n*\n")


def test_a_file_that_became_a_folder_or_back_is_built_into_the_spare(
    proj: Project, tmp_path: Path
) -> None:
    """The spare has the other kind of entry at that path: replaced, never a failed build."""
    static = proj.root / "templates" / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "extra").write_text("a file\n", encoding="utf-8")
    _with_spare(proj)  # the spare and the live site both hold static/extra as a file
    (static / "extra").unlink()
    (static / "extra").mkdir()
    (static / "extra" / "a.txt").write_text("now a folder\n", encoding="utf-8")
    for number, text in enumerate(["第二版", "第三版"]):  # once into the spare, once more
        _edit(proj, text)
        assert _build(proj).changed
        assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / f"folder{number}")
    shutil.rmtree(static / "extra")
    (static / "extra").write_text("a file again\n", encoding="utf-8")
    for number, text in enumerate(["第四版", "第五版"]):
        _edit(proj, text)
        assert _build(proj).changed
        assert _snapshot(proj.path("site")) == _cold(proj, tmp_path / f"file{number}")
