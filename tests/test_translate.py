"""Machine translation of a project: chain, dedup, cache, scheduling, protection, safety."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from i18npub.catalog import read_catalog
from i18npub.cli import app
from i18npub.config import Config
from i18npub.glossary import Glossary, Term
from i18npub.layout import Layout
from i18npub.lookup import provenance, state_of
from i18npub.project import Project, ProjectError
from i18npub.qa import check_translation
from i18npub.translate import Translator, protect, restore, split_text
from tests.support.corpus import WMT
from tests.support.loopback import closed_port_url
from tests.support.mt_servers import ProviderServer, wmt_references
from tests.support.projects import add_article, configure
from tests.support.require import require_shared

runner = CliRunner()
FERRY = """# Ferry Opens

The ferry opened on Monday. It carries 180 passengers.

Visitors can check [the timetable](https://harbour.example.org/t) or write to \
ferries@harbour.example.org.
"""
SHARED = ["The harbour was busy.", "Tickets cost 3 dollars.", "The mayor spoke briefly."]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    Project.init(tmp_path / "proj", title="Test")
    return tmp_path / "proj"


def entries(project: Project, slug: str) -> dict[str, Any]:
    catalog = read_catalog(project.catalog_path(slug, "zh_CN"))
    return {e.msgid: e for e in catalog.entries if not e.obsolete}


# Protection, chunking ------------------------------------------------------------


def test_protect_turns_markup_links_numbers_into_tokens_and_back() -> None:
    source = "Visit <1>the site</1> at https://x.example.org/a or a@b.org: 4,200 tonnes, <2/>."
    protected = protect(source, numbers=True)
    assert protected.text == "Visit [X1X]the site[X2X] at [X3X] or [X4X]: [X5X] tonnes, [X6X]."
    answer = "在[X3X]或[X4X]访问[X1X]网站[X2X]：[X5X]吨，[X6X]。"
    assert restore(answer, protected) == (
        "在https://x.example.org/a或a@b.org访问<1>网站</1>：4,200吨，<2/>。"
    )


def test_numbers_before_scale_words_stay_in_clear() -> None:
    protected = protect("It cost $1.2 million in 2030.", numbers=True)
    assert protected.text == "It cost $1.2 million in [X1X]."


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("网站[X2X]。", "dropped <1>"),
        ("[X1X]网站[X2X][X2X]。", "extra [X2X]"),
        ("[X1X]网站[X2X][X9X]。", "extra [X9X]"),
    ],
)
def test_restore_refuses_lost_or_invented_tokens(answer: str, problem: str) -> None:
    from i18npub.translate import PlaceholderMismatch

    with pytest.raises(PlaceholderMismatch, match=problem.replace("[", r"\[")):
        restore(answer, protect("<1>the site</1>."))


def test_restore_tolerates_what_engines_do_to_tokens() -> None:
    protected = protect("See <1>this</1>.")
    assert restore("见 [ X1X ]这个【X2X】。", protected) == "见 <1>这个</1>。"


def test_split_text_cuts_at_boundaries_and_never_inside_a_token() -> None:
    text = "First part of a sentence, second part [X12X] here; third part. " * 8
    pieces = split_text(text.strip(), 60)
    assert all(len(piece) <= 60 for piece in pieces)
    assert " ".join(pieces) == " ".join(text.split())
    assert all(piece.count("[X") == piece.count("X]") for piece in pieces)


# The chain ---------------------------------------------------------------------


def test_chain_falls_through_an_unreachable_engine(root: Path) -> None:
    with ProviderServer("libre") as libre:
        tables = {"dead": {"type": "libre", "url": closed_port_url()}, "libre": {"url": libre.url}}
        project = configure(root, ["memory", "dead", "libre"], tables)
        add_article(project, "ferry", FERRY)
        report = project.translate()
    assert (report.filled, report.pending) == (4, 0)
    dead = report.engine("dead")
    assert dead.status == "unavailable" and "cannot reach http://127.0.0.1" in dead.message
    assert report.engine("libre").translated == 4
    assert {provenance(e)["engine"] for e in entries(project, "ferry").values()} == {"libre"}


def test_offline_chain_fails_fast_and_records_why_for_status(root: Path) -> None:
    project = configure(root, ["memory", "libre"], {"libre": {"url": closed_port_url()}})
    add_article(project, "ferry", FERRY)
    started = time.monotonic()
    report = project.translate()
    assert time.monotonic() - started < 3
    assert (report.filled, report.pending) == (0, 4)
    assert report.problems() == [f"libre: {report.engine('libre').message}"]
    waiting = project.status()["machine_translation"]["zh_CN"]
    assert waiting["awaiting"] == 4
    [reason] = waiting["reasons"]
    assert reason.startswith("memory: no match at 90% or more; libre: cannot reach")
    shown = runner.invoke(app, ["--project", str(root), "status"])
    assert "4 sentence(s) awaiting machine translation" in shown.output
    assert "libre: cannot reach" in shown.output


def test_a_sentence_in_many_articles_is_sent_once(root: Path) -> None:
    with ProviderServer("google") as google:
        project = configure(root, ["google"], {"google": {"url": google.url}}, protect_numbers=True)
        for number in range(6):
            add_article(project, f"story-{number}", " ".join([f"Story {number} began.", *SHARED]))
        report = project.translate()
    assert len(google.texts) == len(set(google.texts)) == 6 + 1 + 3  # titles, story, shared
    assert "The harbour was busy." in google.texts and "Story [X1X] began." in google.texts
    assert report.languages[0].untranslated == 6 * 5
    assert report.filled == 30 and report.engine("google").requests == len(google.texts)


def test_rerun_sends_zero_requests_thanks_to_the_persistent_cache(root: Path) -> None:
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "first", " ".join(SHARED))
        project.translate()
        sent = len(libre.requests)
        reopened = Project.open(root)  # a new process, as far as the engines know
        add_article(reopened, "second", " ".join(SHARED))
        report = reopened.translate()
    assert [r.texts for r in libre.requests[sent:]] == [["second"]]  # only the new title
    assert report.engine("libre").cache_hits == 3 and report.filled == 4


def test_long_text_is_chunked_under_the_engines_limit(root: Path) -> None:
    clause = "the harbour authority said on Monday that the new pier would open"
    sentence = ", and ".join([clause] * 12).capitalize() + "."
    assert len(sentence) > 800
    with ProviderServer("mymemory") as mymemory:
        project = configure(root, ["mymemory"], {"mymemory": {"url": mymemory.url}})
        add_article(project, "long", sentence)
        project.translate()
    assert len(mymemory.requests) >= 3
    assert all(len(text) < 500 for text in mymemory.texts)
    translated = entries(project, "long")[sentence].msgstr
    issues = check_translation(sentence, translated)
    assert translated and not [issue for issue in issues if issue.severity == "error"]


# Scheduling: retries, cooldowns, timeouts ------------------------------------------


def test_429_without_a_short_retry_after_cools_the_engine_down_across_runs(root: Path) -> None:
    with ProviderServer("libre") as libre, ProviderServer("google") as google:
        libre.fault, libre.retry_after = "429", "120"
        libre_table = {"url": libre.url, "batch_size": 1, "concurrency": 1}
        tables = {"libre": libre_table, "google": {"url": google.url}}
        project = configure(root, ["libre", "google"], tables)
        add_article(project, "ferry", FERRY)
        report = project.translate()
        assert len(libre.requests) == 1  # the first 429 stops all other requests
        assert report.engine("libre").status == "rate-limited"
        assert report.filled == 4 and report.engine("google").translated == 4
        state = json.loads((root / ".i18npub" / "translate-state.json").read_text())
        assert state["cooldowns"]["libre"] > time.time() + 100
        reopened = Project.open(root)
        add_article(reopened, "other", "A second story begins.")
        second = reopened.translate()
    assert len(libre.requests) == 1  # still cooling down in a new run
    assert "cooling down until" in second.engine("libre").message


def test_short_retry_after_is_waited_for_then_retried(root: Path) -> None:
    with ProviderServer("libre") as libre:
        libre.faults.append("429")
        libre.retry_after = "1"
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "ferry", FERRY)
        report = project.translate()
    assert report.filled == 4 and report.engine("libre").requests == 2


def test_server_errors_are_retried_with_backoff(root: Path) -> None:
    with ProviderServer("deepl", key="k") as deepl:
        deepl.faults.extend(["500", "500"])
        project = configure(root, ["deepl"], {"deepl": {"url": deepl.url, "api_key": "k"}})
        add_article(project, "ferry", FERRY)
        report = project.translate()
    assert report.filled == 4 and report.engine("deepl").requests == 3


def test_an_engine_that_keeps_timing_out_is_dropped_for_the_run(root: Path) -> None:
    with ProviderServer("google") as google, ProviderServer("libre") as libre:
        google.fault, google.slow_seconds = "slow", 1.0
        tables = {
            "google": {"url": google.url, "timeout": 0.2, "retries": 1, "concurrency": 1},
            "libre": {"url": libre.url},
        }
        project = configure(root, ["google", "libre"], tables)
        add_article(project, "ferry", FERRY)
        started = time.monotonic()
        report = project.translate()
    assert time.monotonic() - started < 3
    assert len(google.requests) == 4  # two batches, each tried twice, then dropped
    assert report.engine("google").status == "unavailable"
    assert report.filled == 4


def test_a_malformed_answer_falls_through_to_the_next_engine(root: Path) -> None:
    with ProviderServer("microsoft", key="k") as microsoft, ProviderServer("libre") as libre:
        microsoft.fault = "malformed"
        tables = {"microsoft": {"url": microsoft.url, "api_key": "k"}, "libre": {"url": libre.url}}
        project = configure(root, ["microsoft", "libre"], tables)
        add_article(project, "ferry", FERRY)
        report = project.translate()
    assert report.filled == 4 and report.engine("libre").translated == 4


# Placeholders and QA ------------------------------------------------------------


def test_markup_links_and_numbers_never_reach_the_engine_and_come_back(root: Path) -> None:
    with ProviderServer("chatgpt") as chatgpt:
        tables = {"chatgpt": {"url": chatgpt.url}}
        project = configure(root, ["chatgpt"], tables, protect_numbers=True)
        add_article(project, "ferry", FERRY)
        project.translate()
    sent = " ".join(chatgpt.texts)
    assert "harbour.example.org" not in sent and "180" not in sent and "<1>" not in sent
    for msgid, entry in entries(project, "ferry").items():
        assert entry.msgstr and entry.fuzzy, msgid
        assert check_translation(msgid, entry.msgstr) == [], (msgid, entry.msgstr)
    link = next(e for m, e in entries(project, "ferry").items() if "<1>" in m)
    assert "<1>" in link.msgstr and "ferries@harbour.example.org" in link.msgstr


def test_dropped_placeholders_are_never_written_and_go_to_the_next_engine(root: Path) -> None:
    with ProviderServer("libre") as broken, ProviderServer("google") as google:
        broken.fault = "drop"
        tables = {"broken": {"type": "libre", "url": broken.url}, "google": {"url": google.url}}
        project = configure(root, ["broken"], tables, protect_numbers=True)
        add_article(project, "ferry", FERRY)
        alone = project.translate()
        assert alone.engine("broken").rejected == 2  # the two sentences with tokens
        waiting = project.status()["machine_translation"]["zh_CN"]["reasons"]
        assert any("broken: rejected: dropped 180" in reason for reason in waiting)
        chained = project.translate(engines=["broken", "google"])
    assert chained.engine("google").translated == 2 and chained.pending == 0
    for msgid, entry in entries(project, "ferry").items():
        assert check_translation(msgid, entry.msgstr) == []


def test_an_answer_that_is_not_chinese_is_rejected(root: Path) -> None:
    with ProviderServer("libre") as libre:
        libre.fault = "echo"
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "ferry", "The ferry opened.")
        report = project.translate()
    assert report.filled == 0
    [reason] = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert "the translation has no Chinese text" in reason


def test_chinese_typography_is_fixed_before_writing(root: Path) -> None:
    sloppy = {"He said: yes, we will.": '他 说: "是的, 我们 会."'}
    with ProviderServer("libre", translate=lambda text: sloppy.get(text, "标题")) as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "quote", "He said: yes, we will.")
        project.translate(slugs=["quote"], engines=["libre"])
    entry = entries(project, "quote")["He said: yes, we will."]
    assert entry.msgstr == "他说：“是的，我们会。”"


def test_realistic_wmt_answers_pass_the_checks(root: Path) -> None:
    require_shared(WMT)
    references = wmt_references()
    plain = [s for s in references if s.isascii() and not any(c.isdigit() for c in s)][:12]
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}}, protect_numbers=False)
        add_article(project, "wmt", "\n\n".join(plain))
        report = project.translate()
    written = [e for m, e in entries(project, "wmt").items() if m in references and e.msgstr]
    assert len(written) >= 8 and report.engine("libre").translated >= 8
    assert all(e.msgstr == references[e.msgid].strip() or "，" in e.msgstr for e in written)


# Glossary ---------------------------------------------------------------------------


def test_glossary_terms_are_enforced_through_tokens(root: Path) -> None:
    (root / "glossary.csv").write_text(
        "term,translation,type\nMadrid System,马德里体系,\nTikTok,,keep\n", encoding="utf-8"
    )
    text = "The firm used the Madrid System for TikTok."
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "marks", text)
        project.translate()
    assert libre.texts[-1] == "The firm used the [X1X] for [X2X]."
    translated = entries(project, "marks")[text].msgstr
    assert "马德里体系" in translated and "TikTok" in translated
    template = project.template_path("marks").read_text(encoding="utf-8")
    assert "#. glossary: Madrid System = 马德里体系" in template
    assert "#. glossary: TikTok (keep as is)" in template


def test_a_translator_needs_only_a_layout_a_config_and_a_glossary(root: Path) -> None:
    project = configure(root, ["pseudo"])
    add_article(project, "marks", "The firm used the Madrid System.")
    config = Config.load(root / "i18npub.toml")
    glossary = Glossary([Term("Madrid System", ("马德里体系",))])  # not the project's (empty)
    report = Translator(Layout(root, config.paths), config, glossary).translate()
    assert report.filled == 2 and report.chain == ["pseudo"]
    translated = entries(project, "marks")["The firm used the Madrid System."].msgstr
    assert "马德里体系" in translated


def test_check_reports_translations_that_ignore_the_glossary(root: Path) -> None:
    (root / "glossary.csv").write_text("term,translation\nMadrid System,马德里体系\n", "utf-8")
    project = configure(root, ["memory"])
    add_article(project, "marks", "It joined the Madrid System.")
    path = project.catalog_path("marks", "zh_CN")
    catalog = read_catalog(path)
    entries_ = {e.msgid: e for e in catalog.entries}
    entries_["It joined the Madrid System."].msgstr = "它加入了马德里系统。"
    catalog.save(path)
    [finding] = [f for f in project.check() if f.check == "glossary"]
    assert finding.severity == "error" and "马德里体系" in finding.message


def test_broken_glossary_is_reported_like_a_broken_config(root: Path) -> None:
    (root / "glossary.csv").write_text("term,translation,type\nWIPO,x,maybe\n", "utf-8")
    with pytest.raises(ProjectError, match=r"glossary.csv:2: unknown type 'maybe'"):
        Project.open(root)


# Memory and pseudo --------------------------------------------------------------------


def _approve(project: Project, slug: str, translations: dict[str, str]) -> None:
    path = project.catalog_path(slug, "zh_CN")
    catalog = read_catalog(path)
    for entry in catalog.entries:
        if entry.msgid in translations:
            entry.msgstr, entry.fuzzy = translations[entry.msgid], False
    catalog.save(path)


def test_memory_reuses_approved_translations_exact_and_fuzzy(root: Path) -> None:
    project = configure(root, ["memory"])
    add_article(project, "old", "The harbour authority opened the new pier on Monday.")
    _approve(
        project,
        "old",
        {
            "The harbour authority opened the new pier on Monday.": "港务局周一启用了新码头。",
            "old": "旧闻",
        },
    )
    add_article(
        project,
        "new",
        "The harbour authority opened the new pier on Monday.\n\n"
        "The harbour authority opened the new pier on Sunday.\n\n"
        "Completely different words here.",
    )
    report = project.translate(slugs=["new"])
    got = entries(project, "new")
    exact = provenance(got["The harbour authority opened the new pier on Monday."])
    assert (exact["engine"], exact["match"], exact["score"], exact["origin"]) == (
        "memory",
        "exact",
        "100",
        "old",
    )
    fuzzy = got["The harbour authority opened the new pier on Sunday."]
    assert fuzzy.msgstr == "港务局周一启用了新码头。" and state_of(fuzzy) == "machine"
    assert provenance(fuzzy)["match"] == "fuzzy" and 90 <= float(provenance(fuzzy)["score"]) < 100
    assert report.pending == 2  # the unrelated sentence and the title


def test_memory_match_with_other_numbers_is_rejected(root: Path) -> None:
    project = configure(root, ["memory"])
    add_article(project, "old", "Tickets rose to 25 dollars on the island.")
    _approve(project, "old", {"Tickets rose to 25 dollars on the island.": "岛上票价涨到25美元。"})
    add_article(project, "new", "Tickets rose to 26 dollars on the island.")
    project.translate(slugs=["new"])
    reasons = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert any("number(s) of the source missing or changed: 26" in r for r in reasons)


def test_memory_reads_an_external_translation_memory(root: Path) -> None:
    tm = root / "tm"
    tm.mkdir()
    (tm / "old.po").write_text(
        'msgid ""\nmsgstr "Language: zh_CN\\n"\n\n'
        'msgid "The library opened."\nmsgstr "图书馆开馆了。"\n',
        encoding="utf-8",
    )
    project = configure(root, ["memory"], {"memory": {"paths": ["tm"]}})
    add_article(project, "lib", "The library opened.")
    project.translate()
    entry = entries(project, "lib")["The library opened."]
    assert entry.msgstr == "图书馆开馆了。" and provenance(entry)["origin"] == "tm:old.po"


def test_pseudo_is_marked_as_pseudo_and_keeps_placeholders(root: Path) -> None:
    project = configure(root, ["pseudo"])
    add_article(project, "ferry", FERRY)
    project.translate()
    link = next(e for m, e in entries(project, "ferry").items() if "<1>" in m)
    assert link.msgstr.startswith("⟦") and link.msgstr.endswith("⟧")
    assert "<1>" in link.msgstr and "ferries@harbour.example.org" in link.msgstr
    assert provenance(link)["engine"] == "pseudo" and provenance(link)["pseudo"] == "layout-test"
    assert link.fuzzy


# Safety ------------------------------------------------------------------------------


def test_approved_and_machine_translations_are_never_overwritten(root: Path) -> None:
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "ferry", FERRY)
        _approve(project, "ferry", {"The ferry opened on Monday.": "渡轮周一开通。"})
        project.translate()
        first = {m: e.msgstr for m, e in entries(project, "ferry").items()}
        sent = len(libre.texts)
        report = project.translate()
    assert first["The ferry opened on Monday."] == "渡轮周一开通。"
    assert "The ferry opened on Monday." not in libre.texts
    assert {m: e.msgstr for m, e in entries(project, "ferry").items()} == first
    assert len(libre.texts) == sent and report.languages[0].untranslated == 0


def test_a_translators_edit_during_translation_is_kept(root: Path) -> None:
    with ProviderServer("libre") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "ferry", FERRY)

        def translator_saves(request: Any) -> None:  # Poedit saves while the request runs
            _approve(project, "ferry", {"The ferry opened on Monday.": "译者的译文。"})

        libre.on_request = translator_saves
        report = project.translate()
    got = entries(project, "ferry")
    assert got["The ferry opened on Monday."].msgstr == "译者的译文。"
    assert state_of(got["The ferry opened on Monday."]) == "approved"
    assert report.filled == 3 and all(e.msgstr for e in got.values())


def test_keys_are_never_written_to_reports_or_state(root: Path, monkeypatch) -> None:
    secret = "libre-secret-key-42"
    monkeypatch.setenv("LIBRE_API_KEY", secret)
    with ProviderServer("libre", key="another-key") as libre:
        project = configure(root, ["libre"], {"libre": {"url": libre.url}})
        add_article(project, "ferry", FERRY)
        report = project.translate()
    assert report.engine("libre").status == "error"
    written = json.dumps(report.as_dict()) + json.dumps(project.status(), ensure_ascii=False)
    written += "".join(
        p.read_text("utf-8", "replace")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".json", ".po", ".toml", ".pot")
    )
    assert secret not in written


# Command line ---------------------------------------------------------------------------


def test_the_command_line_imports_no_engine_until_one_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, i18npub.cli; "
        "loaded = [m for m in sys.modules if m.startswith(('deep_translator', 'i18npub.engines',"
        " 'i18npub.translate', 'rapidfuzz'))]; sys.exit(str(loaded) if loaded else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_translate_command_with_engine_override_and_json(root: Path) -> None:
    project = configure(root, ["memory"])
    add_article(project, "ferry", FERRY)
    add_article(project, "other", "Nothing to see.")
    args = ["--project", str(root), "translate", "--engine", "pseudo", "--article", "ferry"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["chain"] == ["pseudo"] and report["filled"] == 4
    assert not any(e.msgstr for e in entries(project, "other").values())
    human = runner.invoke(app, ["--project", str(root), "translate", "--engine", "nope"])
    assert human.exit_code == 2 and "unknown engine 'nope'" in human.output


def test_run_with_an_unreachable_engine_finishes_fast_and_says_why(root: Path) -> None:
    project = configure(root, ["memory", "libre"], {"libre": {"url": closed_port_url()}})
    (root / "content" / "ferry.md").write_text(FERRY, encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["--project", str(root), "run"])
    assert time.monotonic() - started < 20
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "libre: cannot reach http://127.0.0.1" in result.output
    waiting = project.status()["machine_translation"]["zh_CN"]
    assert waiting["awaiting"] == 4 and "libre: cannot reach" in next(iter(waiting["reasons"]))


def test_the_readme_main_command_succeeds_offline_on_this_repository(tmp_path: Path) -> None:
    import shutil

    from tests.support.paths import REPO

    copy = tmp_path / "repo"
    for name in ("i18npub.toml", "glossary.csv", "content", "articles", "locales"):
        source = REPO / name
        target = copy / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    result = runner.invoke(app, ["--project", str(copy), "run"])
    assert result.exit_code == 0, result.output
    assert Project.open(copy).status()["totals"]["languages"]["zh_CN"]["untranslated"] == 0
