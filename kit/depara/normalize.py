"""Text normalization for matching channel and ERP values.

``normalize("Cartão de Créd.")`` -> ``"cartao credito"``: accents folded,
camelCase and letter/digit runs split, punctuation to spaces, lower case,
common abbreviations expanded, Portuguese connectives dropped. Two values are an
*exact* match when their :func:`compact` forms (no spaces) are equal, so
``SEDEX10``, ``Sedex 10`` and ``sedex_10`` are the same value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["normalize", "compact", "tokens", "tokens_many", "ABBREVIATIONS", "STOPWORDS"]

# Abbreviations seen in ERP and store exports, token -> expansion.
ABBREVIATIONS: dict[str, str] = {
    "cc": "cartao credito",
    "cred": "credito",
    "deb": "debito",
    "transp": "transportadora",
    "transport": "transportadora",
    "transportes": "transportadora",
    "expr": "expresso",
    "pgto": "pagamento",
    "pagto": "pagamento",
    "pgt": "pagamento",
    "aguard": "aguardando",
    "sdx": "sedex",
    "transf": "transferencia",
    "banc": "bancaria",
    "canc": "cancelado",
    "fat": "faturado",
    "parc": "parcial",
    "pend": "pendente",
    "aprov": "aprovado",
    "autoriz": "autorizado",
    "conf": "confirmado",
    "receb": "recebido",
    "solic": "solicitado",
    "separ": "separacao",
    "devol": "devolvido",
    "entreg": "entregue",
    "retir": "retirada",
    "ocorr": "ocorrencia",
    "nf": "nota fiscal",
    "nfe": "nota fiscal",
    "ped": "pedido",
    "dep": "deposito",
    "alim": "alimentacao",
    "ref": "refeicao",
    "comb": "combustivel",
    "merc": "mercantil",
    "dupl": "duplicata",
    "financ": "financiamento",
    "vlr": "valor",
    "maq": "maquina",
    "eletr": "eletrico",
    "std": "standard",
    "equip": "equipamento",
    "acess": "acessorios",
    "prod": "produtos",
    "pl": "placa",
    # "C/", "S/", "P/": com, sem, para
    "c": "com",
    "s": "sem",
    "p": "para",
}

# Connectives that carry no meaning for matching ("Cartão de crédito").
# "em" before the noun of an action keeps its meaning: the action is under way ("Em devolução" is not
# "Devolvido"); the two words are one token ("emdevolucao").
IN_PROGRESS = frozenset({"devolucao"})
STOPWORDS = frozenset("de da do das dos e na no nas nos em pelo pela a o com para por".split())

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# "e-" before a word is a prefix, not the connective "e": "e-SEDEX", "e-commerce" (one token: esedex, ecommerce).
_E_PREFIX = re.compile(r"(?<![a-z0-9])e-(?=[a-z])")
# After folding and lower case: runs of letters and runs of digits ("sedex10" -> sedex, 10).
_TOKEN = re.compile(r"[a-z]+|[0-9]+")
# token -> its tokens after abbreviation expansion
_EXPANDED = {tok: exp.split() for tok, exp in ABBREVIATIONS.items()}
# tokens that are expanded or dropped: a text holding none is its split
_SPECIAL = frozenset(_EXPANDED) | STOPWORDS


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value)


def tokens(value: Any) -> list[str]:
    """The normalized tokens of ``value`` (see the module docstring)."""
    text = _CAMEL.sub(" ", _text(value).strip())
    if not text.isascii():
        # fold accents: decompose, then drop what is not ASCII (the combining marks)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower()
    return _finish(_TOKEN.findall(_E_PREFIX.sub("e", text) if "e-" in text else text))


def _finish(split: list[str]) -> list[str]:
    """Abbreviations expanded, connectives dropped (unless the value is only connectives)."""
    if _SPECIAL.isdisjoint(split):
        return split
    out: list[str] = []
    for tok in split:
        exp = _EXPANDED.get(tok)
        if exp is None:
            out.append(tok)
        else:
            out.extend(exp)
    kept: list[str] = []
    for tok in out:
        if kept and kept[-1] == "em" and tok in IN_PROGRESS:
            kept[-1] = "em" + tok  # "em devolução": one token, the action under way
        else:
            if kept and kept[-1] == "em":
                kept.pop()  # "em" before anything else is a connective
            kept.append(tok)
    if kept and kept[-1] == "em":
        kept.pop()
    kept = [t for t in kept if t not in STOPWORDS]
    return kept or out


def tokens_many(values: Sequence[Any]) -> list[list[str]]:
    """:func:`tokens` of every value of a list, the same lists, faster: the regular
    expressions and the accent folding run once over the whole list joined by line breaks
    (a value holding a line break is read on its own).
    """
    texts = [v if type(v) is str else _text(v) for v in values]
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [tokens(v) for v in values]
    text = _CAMEL.sub(" ", joined)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    find = _TOKEN.findall
    text = text.lower()
    if "e-" in text:
        text = _E_PREFIX.sub("e", text)
    return [_finish(find(line)) for line in text.split("\n")]


def normalize(value: Any) -> str:
    """``value`` normalized to space-separated tokens; ``""`` for empty/missing."""
    return " ".join(tokens(value))


def compact(value: Any) -> str:
    """:func:`normalize` without spaces: the key for exact matching."""
    return "".join(tokens(value))
