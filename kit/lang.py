"""Is a text a person reads English rather than Brazilian Portuguese? A small, explainable detector.

The kit speaks pt-BR to people (CLI ``erro:``/``dica:`` lines, command output,
widgets, reports). :func:`english_words` finds the English in a text: words of
a closed list of English function words and of the English words the kit's
own messages used to carry (``the``, ``is``, ``missing``, ``stored``...),
counted only outside identifiers. What is not prose is skipped before
counting: ``code`` in backticks, quoted values, ``--flags``, ``KEY=VALUE``,
paths and URLs, ``snake_case`` and ``dotted.names``, words in capitals
(``SKU``, ``EAN``, ``HTTP``), ``{placeholders}``, and proper names
(:data:`ALLOWED`: channel names, ``sandbox``, ``token``...).

:func:`looks_english` decides: at least one English word and no more
Portuguese function words than English ones, or two English words whatever
else the text holds. The CLI uses it to put a pt-BR explanation before a
message a module still forms in English; ``tests/test_ptbr_scan.py`` uses it
on every string the kit can show a person.
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH_WORDS", "PORTUGUESE_WORDS", "ALLOWED", "prose_words", "english_words", "looks_english"]

#: English words that are not Portuguese words (function words first, then the vocabulary of old kit messages).
ENGLISH_WORDS = frozenset(
    """
    the and of is are was were be been being to from with without this that these those it its into onto at by on
    in than then there their which who whom whose what when where why how only any every some such other each
    not cannot can't don't doesn't isn't aren't won't couldn't could should would will shall does did has
    have had an if else also yet already still both either neither nor per after before while until since
    please must may might need needs needed used using see check checked fix run running ran give given
    got get gets found missing unknown invalid expected required allowed refused rejected failed failure fails
    error errors warning warnings hint file files row rows column columns sheet sheets value values name names
    channel channels report reports stored store saved deleted removed added updated enabled disabled
    started stopped listening ready none empty done skipped applied held pending quarantined retry retried
    credentials credential permission permissions setting settings update updates create created listing
    listings because about most less least many much one two three first
    last next new old same own here now again never always nothing something anything everything
    answer answered request requests response timed out connect connected connection
    unexpected mismatch wrong bad good already exists exist does not please show shows list lists
    write written like text units inside number numbers whole date dates cell cells header headers quote keep
    rename fill pick choose add drop open save unmerge blank trailer dropped merged standard converted lost style
    styles characters digits probably broken joins format paste below above quantities notation scientific yes
    instead sent send read wrote or
    """.split()
)
#: Portuguese function words: a text rich in them is Portuguese even if an English word slips in.
PORTUGUESE_WORDS = frozenset(
    """
    de da do das dos que não para com em um uma uns umas os as no na nos nas ao aos à às se por pelo pela pelos
    pelas é são foi foram está estão ser estar sem mais ou mas como quando onde qual quais seu sua seus suas
    este esta isto esse essa isso aquele aquela já ainda também nenhum nenhuma cada todo toda todos todas
    há tem têm ter pode podem deve devem foi será nada tudo outro outra outros outras depois antes até entre
    sobre sob ela ele elas eles lhe me te nós vocês você aqui agora
    """.split()
)
#: Names and loanwords a Brazilian consultant reads as they are (compared lower-case, whole words).
ALLOWED = frozenset(
    """
    mercado livre vtex magento skyhub americanas plugg.to pluggto netshoes cnova via rakuten walmart ezcommerce
    ez commerce correios jadlog loggi pix boleto bling tiny omie totvs erp sandbox token tokens job jobs go-live
    golive de-para checklist cron systemd papermill jupyter jupyterlab notebook notebooks widget widgets json
    csv xlsx html api url urls oauth webhook ipywidgets chromium pandas python kit canais-kit status
    """.split()
)

_SKIP = re.compile(
    r"`[^`]*`"  # code
    r"|'[^']*'"  # quoted values ('x')
    r'|"[^"]*"'
    r"|\{[^}]*\}"  # placeholders
    r"|https?://\S+"  # URLs
    r"|(?<!\w)--?[\w-]+(?:=\S*)?"  # --flags and -v
    r"|\S*[/\\]\S*"  # paths
    r"|\S+=\S*"  # KEY=VALUE
    r"|\S*_\S*"  # snake_case identifiers
    r"|\b\w+(?:\.\w+)+\b"  # dotted.names, file.csv
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def prose_words(text: str) -> list[str]:
    """The words of ``text`` a person reads as prose (identifiers, capitals and allowed names removed), lower-case."""
    kept = []
    for word in _WORD.findall(_SKIP.sub(" ", text or "")):
        if len(word) > 1 and word.isupper():  # SKU, EAN, HTTP, APTO
            continue
        if word.lower() in ALLOWED:
            continue
        kept.append(word.lower())
    return kept


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (see the module docstring), in order."""
    return [w for w in prose_words(text) if w in ENGLISH_WORDS]


def looks_english(text: str) -> bool:
    """True when ``text`` reads as English: one English word and no more Portuguese words, or two English words."""
    words = prose_words(text)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    portuguese = sum(1 for w in words if w in PORTUGUESE_WORDS)
    return english >= 2 or (english >= 1 and english >= portuguese)
