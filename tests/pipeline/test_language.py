"""Language detection on ingest, Russian/Ukrainian sentence splitting and figures."""
import pytest

from comparer.pipeline import claims, multilingual, numbers
from comparer.pipeline.relate import frames

RU = "Украина в субботу не явилась на согласованный обмен военнопленными, заявили российские официальные лица."
UK = "Українські посадовці заявили в неділю, що обмін полоненими перенесено на наступний тиждень."
EN = "Ukraine did not show up for the agreed exchange of prisoners of war on Saturday, Russian officials said."


@pytest.mark.parametrize(("text", "language"), [(RU, "ru"), (UK, "uk"), (EN, "en")])
def test_detects_russian_ukrainian_and_english(text, language):
    assert multilingual.detect_language(text) == language


def test_too_short_to_tell_keeps_the_default():
    assert multilingual.detect_language("TASS, 7.06", default="ru") == "ru"
    assert multilingual.detect_language("", default="") == ""


def test_detector_tells_ukrainian_from_russian_on_hand_made_sentences():
    from comparer.evaluation import xnli

    parallel = "comparer/evaluation/parallel"
    for language in ("ru", "uk"):
        sentences = xnli.read_premises(parallel, "news", language)
        right = sum(multilingual.detect_language(s) == language for s in sentences)
        assert right >= 0.95 * len(sentences), (language, right)


@pytest.mark.django_db
def test_ingest_stores_the_detected_language_not_the_declared_one():
    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_article

    outlet = OutletInput(name="Declared English outlet", language="en")
    russian, _ = ingest_article(ArticleInput(outlet=outlet, title="Обмен пленными не состоялся",
                                             text=RU + "\n\n" + RU.replace("субботу", "воскресенье"), language="en"))
    short, _ = ingest_article(ArticleInput(outlet=outlet, title="Обмен", text="1212 · 640 · 7.06 · 2025 · ТАСС",
                                           language="en"))
    assert russian.language == "ru"
    assert short.language == "en", "too little text to tell: the declared language stays"


def test_cyrillic_paragraphs_are_split_into_sentences():
    text = ("Украина не явилась на обмен. Об этом заявил А. Зорин в 2025 г. в Москве. "
            "«Мы ждём официальных сообщений», — сказал он.\nКиїв заперечив це. Обмін перенесено.")
    sentences = [text[start:end] for start, end in claims.split_sentences(text)]
    assert sentences == ["Украина не явилась на обмен.", "Об этом заявил А. Зорин в 2025 г. в Москве.",
                         "«Мы ждём официальных сообщений», — сказал он.", "Київ заперечив це.", "Обмін перенесено."]


def test_english_splitting_is_unchanged_by_cyrillic_support():
    text = "Gen. Alexander Zorin told TASS on June 7. The exchange was postponed."
    assert [text[a:b] for a, b in claims.split_sentences(text)] == [
        "Gen. Alexander Zorin told TASS on June 7.", "The exchange was postponed."]


@pytest.mark.parametrize(("text", "expected"), [
    ("Российская сторона привезла тела 1212 погибших украинских военнослужащих.",
     (1212, "soldiers", "killed", "ukraine", "")),
    ("Росія заявила, що привезла тіла 1212 загиблих українських військових.", (1212, "soldiers", "killed", "ukraine", "")),
    ("За ночь сбито 45 беспилотников.", (45, "drones", "shot down", "", "")),
    ("Сили ППО збили понад 40 дронів над Києвом.", (40, "drones", "shot down", "", "more than")),
    ("Потери ВСУ составили более 3 435 военнослужащих убитыми.", (3435, "soldiers", "killed", "", "more than")),
    ("Уничтожено 39 танков и 29 артиллерийских орудий.", (39, "armored vehicles", "destroyed", "", "")),
])
def test_russian_and_ukrainian_figures(text, expected):
    found = numbers.extract_quantities(text)
    assert found, text
    first = found[0]
    assert (first["value"], first["kind"], first["what"], first.get("side", ""), first["qualifier"]) == expected


def test_dates_and_years_are_not_figures_in_russian():
    assert numbers.extract_quantities("Зорин заявил ТАСС 7 июня 2025 года.") == []


def test_quantity_frames_compare_across_languages():
    same = frames.compare("Более 3435 украинских военнослужащих были убиты.", "More than 3,435 Ukrainian troops were killed.")
    assert same is not None and same[0] == "agree"
    mismatch = frames.compare("Более 3435 украинских военнослужащих были убиты.",
                              "Fewer than 600 Ukrainian soldiers were killed.")
    assert mismatch is not None and mismatch[0] == "contradict"
    assert mismatch[1]["a"]["frame"]["counted"] == mismatch[1]["b"]["frame"]["counted"] == "soldiers"
    # Different things counted: no shared frame, nothing decided.
    assert frames.compare("За ночь сбито 45 беспилотников.", "Fewer than 600 Ukrainian soldiers were killed.") is None
