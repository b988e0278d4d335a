"""Time per article of matching 1,000 alert rules: the compiled matcher (one Aho–Corasick pass,
then the rules whose words occur) against a naive loop of one compiled regex per rule.

    python -m bench.matching [--rules 1000] [--articles 2000] [--naive-articles 100 (0: skip)]

The corpus is the fixture articles (title, text, language) and generated variants of them
(paragraphs shuffled, mixed with paragraphs of other articles in the same language). Rules are
generated from the corpus vocabulary: terms, phrases, prefixes, aliases, NEAR, WEIGHTS, field
scopes, AND / OR / NOT, plus the built-in topic. The naive regex of a rule tests, at every word,
each of the rule's words in the same forms the matcher uses (stems, exact words, prefixes,
Kazakh and Tajik suffix chains), so both find the same matches; the run checks that they do.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

from newswatch.alerts.aliases import load_aliases
from newswatch.alerts.document import Document, Word, analyse
from newswatch.alerts.engine import _KEY, _SURFACE, Matcher, _patterns, _query_words
from newswatch.alerts.evaluate import Evaluator
from newswatch.alerts.morphology import (
    CHAINS,
    KK_VOWELS,
    MIN_SUFFIXED_TERM,
    MIN_TERM_FOR_ONE_LETTER,
)
from newswatch.alerts.normalize import tokenize
from newswatch.alerts.query import parse_query
from newswatch.alerts.rules import Rule
from newswatch.alerts.topics import load_topic

# --- corpus --------------------------------------------------------------------------------


def fixture_articles() -> list[Document]:
    from tests.expectations import load_expected

    return [
        Document(e.title, e.text, e.language, e.source)
        for e in load_expected()
        if e.kind in ("seed", "decoy")
    ]


def corpus(count: int, seed: int = 11) -> list[Document]:
    """The fixture articles, then variants until there are ``count``."""
    rng = random.Random(seed)
    base = fixture_articles()
    by_language: dict[str, list[Document]] = {}
    for doc in base:
        by_language.setdefault(doc.language or "ru", []).append(doc)
    docs = list(base)
    while len(docs) < count:
        doc = rng.choice(base)
        paragraphs = doc.text.split("\n")
        other = rng.choice(by_language[doc.language or "ru"])
        paragraphs += rng.sample(other.text.split("\n"), k=min(2, other.text.count("\n") + 1))
        lead, rest = paragraphs[0], paragraphs[1:]
        rng.shuffle(rest)
        keep = rest[: rng.randint(max(1, len(rest) // 2), len(rest))]
        docs.append(Document(doc.title, "\n".join([lead, *keep]), doc.language, doc.source))
    return docs[:count]


# --- rules ---------------------------------------------------------------------------------


def generate_rules(count: int, docs: Sequence[Document], seed: int = 5) -> list[Rule]:
    rng = random.Random(seed)
    aliases = load_aliases()
    alias_names = sorted(aliases)
    words: Counter[str] = Counter()
    bigrams: list[str] = []
    for doc in docs[:200]:
        tokens = [t.norm for t in tokenize(doc.text)]
        words.update(t for t in tokens if len(t) >= 4 and not t.isdigit())
        bigrams += [f"{a} {b}" for a, b in pairwise(tokens) if len(a) > 3]
    # Alert rules name specific things, not the commonest words of the language.
    vocabulary = [w for w, _ in words.most_common(4000)[300:]]

    def term() -> str:
        return rng.choice(vocabulary)

    def atom() -> str:
        kind = rng.random()
        if kind < 0.45:
            return term()
        if kind < 0.6:
            return f'"{rng.choice(bigrams)}"'
        if kind < 0.75:
            word = term()
            return word[: rng.randint(4, max(4, min(7, len(word))))] + "*"
        return "@" + rng.choice(alias_names)

    def near() -> str:
        return f"{atom()} NEAR/{rng.randint(3, 15)} {atom()}"

    def weights() -> str:
        items = [f"{atom()}:{rng.choice([1, 2, 3, 4])}" for _ in range(rng.randint(3, 8))]
        items.append(f"{atom()}:-{rng.randint(1, 4)}")
        return f"WEIGHTS(threshold={rng.randint(3, 9)}; {', '.join(items)})"

    def part() -> str:
        kind = rng.random()
        if kind < 0.5:
            return atom()
        if kind < 0.65:
            return near()
        if kind < 0.75:
            return f"{rng.choice(['title', 'lead'])}:{atom()}"
        if kind < 0.85:
            return f"({atom()} OR {atom()} OR {atom()})"
        return weights()

    def query() -> str:
        parts = [part() for _ in range(rng.randint(1, 4))]
        text = parts[0]
        for p in parts[1:]:
            text += rng.choice([" AND ", " AND ", " ", " OR ", " AND NOT "]) + p
        return text

    rules = [Rule("tajik-kazakh", load_topic("tajik-kazakh").query)]
    while len(rules) < count:
        text = query()
        rules.append(Rule(f"r{len(rules)}", parse_query(text, aliases), source_text=text))
    return rules


# --- the naive baseline ---------------------------------------------------------------------


def _alternatives(word, language: str) -> list[str]:
    """Regex alternatives for one query word, after a word's \\x02, as the matcher sees it."""
    alternatives = []
    for pattern, (kind, _, lang, _) in _patterns(word, 0):
        if kind == 0:  # exact word
            alternatives.append(re.escape(pattern[1:]))
        elif kind == 1:  # stem key
            alternatives.append(f"[^{_KEY}]*{re.escape(pattern)}")
        elif kind == 2:  # prefix
            if lang in (None, language):
                alternatives.append(re.escape(pattern[1:]))
        elif kind == 4 and lang == language:  # a stem variant: a suffix is needed
            vowel = "" if lang == "tg" else f"(?=[{''.join(sorted(KK_VOWELS))}])"
            chain = CHAINS[lang].pattern
            alternatives.append(f"{re.escape(pattern[1:])}{vowel}(?=[^{_KEY}])(?:{chain}){_KEY}")
        elif lang == language:  # Kazakh or Tajik: the word plus a suffix chain
            chain = CHAINS[lang].pattern
            text = re.escape(pattern[1:])
            if len(word.text) < MIN_SUFFIXED_TERM:
                continue
            if len(word.text) < MIN_TERM_FOR_ONE_LETTER:
                alternatives.append(f"{text}(?:{_KEY}|(?=[^{_KEY}]{{2}})(?:{chain}){_KEY})")
            else:
                alternatives.append(f"{text}(?:{chain}){_KEY}")
    return alternatives


def naive_regexes(rule: Rule, atom_of: dict) -> dict[str, re.Pattern[str]]:
    """One regex per rule (per language family): at each word, which of its words match."""
    out = {}
    for language in ("ru", "kk", "tg"):
        groups = []
        for word in dict.fromkeys(_query_words(rule.query)):
            alts = "|".join(_alternatives(word, language))
            groups.append(f"(?:(?=(?P<a{atom_of[word]}>{alts})))?")
        out[language] = re.compile(re.escape(_SURFACE) + "".join(groups))
    return out


def naive_match(
    rules: Sequence[Rule],
    regexes: list[dict[str, re.Pattern[str]]],
    always: set[int],
    atom_of: dict,
    document: Document,
) -> list[str]:
    words: list[Word] = analyse(document)
    stream = "".join(f"{_SURFACE}{w.norm}{_KEY}{w.key}\x04" for w in words)
    family = document.language if document.language in ("kk", "tg") else "ru"
    evaluator = Evaluator(words, {}, atom_of)
    matched = []
    for index, rule in enumerate(rules):
        hits: dict[int, list[int]] = {}
        for position, found in enumerate(regexes[index][family].finditer(stream)):
            for name, value in found.groupdict().items():
                if value is not None:
                    hits.setdefault(int(name[1:]), []).append(position)
        if not hits and index not in always:
            continue
        evaluator.atom_hits, evaluator._places, evaluator._refs = hits, {}, {}
        outcome = evaluator.evaluate(rule.query)
        if outcome.ok and outcome.score >= rule.min_score:
            matched.append(rule.name)
    return matched


# --- timing --------------------------------------------------------------------------------


def _timed(
    function: Callable[[Document], list], docs: Sequence[Document]
) -> tuple[list, list, list]:
    """Results, wall-clock seconds and CPU seconds of this process, per article: on a shared
    machine the CPU time says what the work costs when the wall clock waits for a core."""
    results, times, cpu = [], [], []
    for doc in docs:
        started, cpu_started = time.perf_counter(), time.process_time()
        results.append(function(doc))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return results, times, cpu


def _p95(values: list[float]) -> float:
    """The 95th percentile; with a single timing (--naive-articles 1) that timing itself."""
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--naive-articles", type=int, default=100, help="the naive loop is slow")
    args = parser.parse_args()

    docs = corpus(args.articles)
    rules = generate_rules(args.rules, docs)
    started = time.perf_counter()
    matcher = Matcher.from_rules(rules)
    compile_seconds = time.perf_counter() - started
    words = sum(1 for _ in matcher.atom_of)
    print(f"{len(rules)} rules ({words} distinct query words), {len(docs)} articles")
    print(f"compile: {compile_seconds * 1000:.0f} ms")

    matcher.match(docs[0])  # warm caches (stems of the vocabulary) like a running daemon
    compiled, compiled_times, compiled_cpu = _timed(
        lambda d: [m.rule for m in matcher.match(d)], docs
    )
    # What a delivery adds: where the terms are and the explanation, for every rule matched.
    _, full_times, full_cpu = _timed(lambda d: [m.to_json() for m in matcher.match(d)], docs)

    rows = [
        ("compiled matcher", len(docs), compiled_times, compiled_cpu),
        ("+ terms, explanations", len(docs), full_times, full_cpu),
    ]
    agree = 0
    sample = docs[: args.naive_articles]
    if sample:
        started = time.perf_counter()
        regexes = [naive_regexes(rule, matcher.atom_of) for rule in rules]
        print(f"naive regexes compiled in {(time.perf_counter() - started) * 1000:.0f} ms")
        always = set(matcher.unanchored)
        naive, naive_times, naive_cpu = _timed(
            lambda d: naive_match(rules, regexes, always, matcher.atom_of, d), sample
        )
        agree = sum(1 for a, b in zip(compiled, naive, strict=False) if sorted(a) == sorted(b))
        rows.append(("naive regex per rule", len(sample), naive_times, naive_cpu))
    matches = sum(len(m) for m in compiled)

    print(f"{'':24}{'articles':>9}{'median ms':>11}{'p95 ms':>9}{'mean ms':>9}{'CPU median':>12}")
    for name, n, times, cpu in rows:
        ms = [t * 1000 for t in times]
        print(
            f"{name:24}{n:>9}{statistics.median(ms):>11.2f}{_p95(ms):>9.2f}"
            f"{statistics.fmean(ms):>9.2f}{statistics.median(cpu) * 1000:>12.2f}"
        )
    print(
        "compiled matcher: analyse the article, find every rule's words in one pass, decide "
        "each candidate rule; terms and explanations are worked out when a delivery asks"
    )
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(
        f"matches: {matches} over {len(docs)} articles "
        f"({matches / len(docs):.1f} rules per article); topic matched "
        f"{sum('tajik-kazakh' in m for m in compiled)} articles"
    )
    if sample:
        ratio_median = statistics.median(naive_times) / statistics.median(compiled_times)
        ratio_p95 = _p95(naive_times) / _p95(compiled_times)
        print(f"ratio naive / compiled: median {ratio_median:.0f}x, p95 {ratio_p95:.0f}x")
        print(f"naive and compiled agree on {agree} of {len(sample)} articles")


if __name__ == "__main__":
    main()
