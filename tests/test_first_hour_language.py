"""A source in another language is refused, naming it (issue 12, item 7), measured on the
shared corpus (its manifest says each page's language) and on texts written here."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from i18npub.ingest import IngestError, load_source, read_draft
from i18npub.ingest.language import foreign_language
from i18npub.project import Project
from tests.support.corpus import PAGES, WMT
from tests.support.require import require_shared

SAMPLES = {
    "French": (
        "Le conseil municipal a voté mardi soir la création d'une ligne de bus de nuit entre "
        "la gare et le port. Selon le maire, le service sera assuré toutes les quarante "
        "minutes à partir du mois de mars. Les habitants du quartier demandaient depuis des "
        "années une solution pour rentrer chez eux après le dernier métro, et les commerçants "
        "se disent satisfaits de cette décision qui doit aussi réduire le nombre de voitures."
    ),
    "Spanish": (
        "El ayuntamiento aprobó el martes un nuevo servicio de autobuses nocturnos entre la "
        "estación y el puerto. Según el alcalde, los vehículos pasarán cada cuarenta minutos "
        "desde el mes de marzo. Los vecinos del barrio llevaban años pidiendo una forma de "
        "volver a casa después del último metro, y los comerciantes dicen que la decisión "
        "también ayudará a reducir el tráfico en el centro de la ciudad."
    ),
    "Russian": (
        "Городской совет во вторник одобрил запуск ночного автобуса между вокзалом и портом. "
        "По словам мэра, автобусы будут ходить каждые сорок минут начиная с марта. Жители "
        "района много лет просили об этом, потому что после последнего поезда метро им было "
        "не на чем вернуться домой. Владельцы магазинов говорят, что это решение также "
        "поможет сократить число машин в центре города, и они его поддерживают."
    ),
    "Japanese": (
        "市議会は火曜日、駅と港を結ぶ深夜バスの運行を承認した。市長によると、三月から四十分ごとに"
        "運行される予定だ。地域の住民は、終電の後に帰宅する手段を何年も求めていた。商店主たちは、"
        "この決定が町の中心部の交通量を減らすことにもつながると歓迎している。"
    ),
}


def draft_language(path: Path, language: str = "en") -> str | None:
    """None if the source is accepted as ``language``, else the refusal message."""
    try:
        read_draft(load_source(str(path), 50_000_000, 0), language)
    except IngestError as error:
        return str(error)
    return None


def test_corpus_pages_are_judged_by_their_language(tmp_path: Path) -> None:
    manifest = require_shared(PAGES / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    verdicts: dict[str, list[str | None]] = {}
    for line in manifest[1:]:
        digest, language = line.split("\t")[:2]
        [packed] = (PAGES / "html").glob(f"{digest}*")
        page = tmp_path / f"{digest}.html"
        page.write_bytes(gzip.decompress(packed.read_bytes()))
        verdicts.setdefault(language, []).append(draft_language(page))
    assert len(verdicts["en"]) >= 30 and verdicts["en"] == [None] * len(verdicts["en"])
    names = {"de": "German", "pt": "Portuguese"}
    others = [(lang, v) for lang, found in verdicts.items() if lang != "en" for v in found]
    assert others, "the corpus has non-English pages"
    for language, message in others:
        assert message and f"looks like {names[language]}, not English" in message, message


def test_english_news_is_accepted_and_its_chinese_translation_refused(tmp_path: Path) -> None:
    articles = [json.loads(line) for line in require_shared(WMT).read_text().splitlines()]
    for article in articles:
        english = tmp_path / "en.txt"
        english.write_text("\n\n".join(article["sentences_en"]), encoding="utf-8")
        assert draft_language(english) is None, article["id"]
        chinese = tmp_path / "zh.txt"
        chinese.write_text("\n\n".join(article["ref_zh_a"]), encoding="utf-8")
        message = draft_language(chinese)
        assert message and "looks like Chinese, not English" in message, article["id"]
    assert len(articles) == 31


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_other_languages_are_named(language: str) -> None:
    guess = foreign_language(SAMPLES[language], "en")
    assert guess is not None and guess.name == language


@pytest.mark.parametrize(
    "text",
    [
        "Bundesliga: Bayern beat Dortmund 3-1 in Der Klassiker",  # a headline: too short
        "word " * 500,  # one word again and again is no language
        "Schmidt, Müller, Weber, Wagner, Becker, Hoffmann, Schäfer, Koch " * 10,  # names
        "The minister said: «La décision est prise.» She added that the vote in parliament "
        "on Friday had been close, and that the government would now turn to the budget, "
        "which is due in the spring, before the summer break of the assembly.",
    ],
)
def test_short_or_mixed_texts_pass(text: str) -> None:
    assert foreign_language(text, "en") is None


def test_the_project_refuses_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    source = tmp_path / "nouvelles.md"
    source.write_text(f"# Un bus de nuit\n\n{SAMPLES['French']}\n", encoding="utf-8")
    good = tmp_path / "ferry.md"
    good.write_text("# Ferry Opens\n\nThe ferry opened. Mr. Lee was there.\n", encoding="utf-8")
    refused, accepted = project.ingest([source, good])
    assert refused.action == "error" and "\n" not in refused.message
    assert refused.message.startswith(str(source)) and "looks like French" in refused.message
    assert accepted.action == "created" and project.slugs() == [accepted.slug]


def test_a_project_whose_source_language_it_is_accepts_it(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    config = project.root / "i18npub.toml"
    text = config.read_text(encoding="utf-8").replace(
        'source_language = "en"', 'source_language = "es"'
    )
    config.write_text(text, encoding="utf-8")
    source = tmp_path / "noticia.md"
    source.write_text(f"# Autobús nocturno\n\n{SAMPLES['Spanish']}\n", encoding="utf-8")
    [result] = Project.open(project.root).ingest([source])
    assert result.action == "created", result.message
