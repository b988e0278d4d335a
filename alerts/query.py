"""The alert query language: a lexer and a recursive-descent parser producing an AST.

    визит "водно-энергетический" таджик*        terms, phrases, prefixes (implicit AND)
    @kazakhstan AND (@tajikistan OR @dushanbe)   aliases, AND / OR, parentheses
    @tokayev NEAR/10 @rahmon NOT title:погода     proximity in words, NOT, field scope
    WEIGHTS(threshold=10; визит:3, договор:4, "курс валют":-5)
    $pair AND $relations                          definitions of the rules file or topic

Precedence, loosest first: OR, AND (also implicit), NOT, NEAR/n, field scope. README.md,
"Alert rules and the query language", documents it for users.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from newswatch.alerts.normalize import tokenize

FIELDS = ("title", "lead", "body", "text")
KEYWORDS = ("AND", "OR", "NOT", "WEIGHTS")
MIN_PREFIX = 3  # таджик* is useful, ка* would match half the language
WEIGHT_OPTIONS = {"threshold": None, "repeat": 1.0, "title": 1.0, "lead": 1.0}
_NEAR = re.compile(r"NEAR(?:/(\d+))?$")
_SPECIAL = '()":,;='


# --- AST -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One normalised word of a term or phrase; a prefix matches the beginning of words."""

    text: str
    prefix: bool = False

    def __hash__(self) -> int:  # looked up for every word of every rule evaluated: keep it cheap
        return hash(self.text) ^ self.prefix


@dataclass(frozen=True, eq=False)
class Node:
    pos: int = field(default=0, kw_only=True)  # offset in the query text, for messages


@dataclass(frozen=True, eq=False)
class AliasSlot:
    """`@name` inside a phrase: any spelling of the entity at that place."""

    name: str
    spellings: tuple[Term, ...]


@dataclass(frozen=True, eq=False)
class Term(Node):
    """A word, a prefix or a phrase (several words in a row, some of them aliases)."""

    label: str
    slots: tuple[Word | AliasSlot, ...]


@dataclass(frozen=True, eq=False)
class Alias(Node):
    name: str
    spellings: tuple[Term, ...]


@dataclass(frozen=True, eq=False)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Not(Node):
    item: Node


@dataclass(frozen=True, eq=False)
class Near(Node):
    left: Node
    right: Node
    distance: int


@dataclass(frozen=True, eq=False)
class Scope(Node):
    field: str
    item: Node


@dataclass(frozen=True, eq=False)
class Weights(Node):
    items: tuple[tuple[Node, float], ...]
    threshold: float
    repeat: int = 1  # occurrences of one item that count
    title: float = 1.0  # multiplier for an occurrence in the title
    lead: float = 1.0  # ... and in the lead


@dataclass(frozen=True, eq=False)
class Ref(Node):
    """`$name`: a named sub-query; kept in the tree so explanations can say its name."""

    name: str
    item: Node


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed: names the rule, the position and what was expected."""

    def __init__(self, message: str, source: str, position: int, where: str | None = None):
        self.message, self.source, self.position, self.where = message, source, position, where
        line_no = source.count("\n", 0, position) + 1
        line_start = source.rfind("\n", 0, position) + 1
        line_end = source.find("\n", position)
        line = source[line_start : None if line_end < 0 else line_end]
        self.line, self.column = line_no, position - line_start + 1
        at = f"line {line_no}, column {self.column}" if "\n" in source else f"column {self.column}"
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{at}: {message}\n    {line}\n    {' ' * (self.column - 1)}^")


# --- lexer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE ( ) : , ; = EOF
    text: str
    pos: int


def _lex(source: str, error: Callable[[str, int], QuerySyntaxError]) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch == '"' or ch in "“«":
            close = {'"': '"', "“": "”", "«": "»"}[ch]
            end = source.find(close, i + 1)
            if end < 0:
                raise error(f"expected a closing {close} for the phrase opened here", i)
            tokens.append(_Tok("PHRASE", source[i + 1 : end], i))
            i = end + 1
        elif ch in _SPECIAL:
            tokens.append(_Tok(ch, ch, i))
            i += 1
        else:
            start = i
            while i < n and not source[i].isspace() and source[i] not in _SPECIAL + "“«":
                i += 1
            tokens.append(_Tok("WORD", source[start:i], start))
    tokens.append(_Tok("EOF", "", n))
    return tokens


def _describe(tok: _Tok) -> str:
    return (
        "end of query"
        if tok.kind == "EOF"
        else repr(tok.text if tok.kind != "PHRASE" else f'"{tok.text}"')
    )


# --- terms and aliases ----------------------------------------------------------------------


def _words(text: str, prefix: bool) -> tuple[Word, ...]:
    tokens = tokenize(text)
    words = [Word(t.norm) for t in tokens]
    if prefix and words:
        words[-1] = Word(words[-1].text, prefix=True)
    return tuple(words)


def _plain_term(text: str, pos: int, error: Callable[[str, int], QuerySyntaxError]) -> Term:
    """A bare word or an alias spelling: words, the last of which may end with *."""
    prefix = text.endswith("*")
    body = text.rstrip("*") if prefix else text
    if "*" in body:
        raise error(f"'*' may only end a term (a prefix such as таджик*), found {text!r}", pos)
    words = _words(body, prefix)
    if not words:
        raise error(f"expected a term with letters or digits, found {text!r}", pos)
    if prefix and len(words[-1].text) < MIN_PREFIX:
        raise error(f"a prefix needs at least {MIN_PREFIX} letters before '*': {text!r}", pos)
    return Term(label=text, slots=words, pos=pos)


def _no_error(message: str, pos: int) -> QuerySyntaxError:  # alias tables are validated
    return QuerySyntaxError(message, "", pos)


@lru_cache(maxsize=16)
def _alias_terms(table: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Alias]:
    """Each alias once per table, so every rule shares (and the engine memoises) its terms."""
    out = {}
    for name, spellings in table:
        terms = []
        for spelling in spellings:
            try:
                terms.append(_plain_term(spelling, 0, _no_error))
            except QuerySyntaxError as exc:
                raise ValueError(f"alias @{name}: {spelling!r}: {exc.message}") from exc
        out[name] = Alias(name=name, spellings=tuple(terms))
    return out


def compile_aliases(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, Alias]:
    return _alias_terms(tuple((name, tuple(s)) for name, s in sorted(aliases.items())))


# --- parser --------------------------------------------------------------------------------


class _Parser:
    def __init__(
        self,
        source: str,
        aliases: dict[str, Alias],
        definitions: Mapping[str, str],
        resolved: dict[str, Node],
        active: tuple[str, ...],
        where: str | None,
    ):
        self.source, self.aliases, self.where = source, aliases, where
        self.definitions, self.resolved, self.active = definitions, resolved, active
        self.tokens = _lex(source, self.error)
        self.i = 0

    def error(self, message: str, pos: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.source, pos, self.where)

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> _Tok:
        if self.tok.kind != kind:
            raise self.error(f"expected {what}, found {_describe(self.tok)}", self.tok.pos)
        return self.take()

    def is_word(self, text: str) -> bool:
        return self.tok.kind == "WORD" and self.tok.text == text

    def parse(self) -> Node:
        if self.tok.kind == "EOF":
            raise self.error("the query is empty: expected a term, phrase or @alias", 0)
        node = self.or_expr()
        if self.tok.kind != "EOF":
            what = "an operator (AND, OR, NOT, NEAR/n) or the end of the query"
            if self.tok.kind == ")":
                what = "the end of the query (this ')' closes no '(')"
            raise self.error(f"expected {what}, found {_describe(self.tok)}", self.tok.pos)
        return node

    def or_expr(self) -> Node:
        start = self.tok.pos
        items = [self.and_expr()]
        while self.is_word("OR"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(items=tuple(items), pos=start)

    def starts_unary(self) -> bool:
        tok = self.tok
        if tok.kind in ("PHRASE", "("):
            return True
        return tok.kind == "WORD" and tok.text not in ("AND", "OR") and not _NEAR.match(tok.text)

    def and_expr(self) -> Node:
        start = self.tok.pos
        items = [self.unary()]
        while True:
            if self.is_word("AND"):
                self.take()
                items.append(self.unary())
            elif self.starts_unary():  # implicit AND between adjacent terms
                items.append(self.unary())
            else:
                break
        return items[0] if len(items) == 1 else And(items=tuple(items), pos=start)

    def unary(self) -> Node:
        if self.is_word("NOT"):
            pos = self.take().pos
            return Not(item=self.unary(), pos=pos)
        return self.near()

    def near(self) -> Node:
        left = self.primary()
        while self.tok.kind == "WORD" and (m := _NEAR.match(self.tok.text)):
            tok = self.take()
            if m.group(1) is None:
                raise self.error("expected NEAR/n with a distance in words, e.g. NEAR/10", tok.pos)
            right = self.primary()
            for side in (left, right):
                if not _positional(side):
                    raise self.error(
                        "NEAR joins terms, phrases, aliases or OR-groups of them", side.pos
                    )
            left = Near(left=left, right=right, distance=int(m.group(1)), pos=tok.pos)
        return left

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "(":
            self.take()
            node = self.or_expr()
            if self.tok.kind != ")":
                raise self.error(
                    f"expected ')' to close the '(' at column {self._column(tok.pos)}, "
                    f"found {_describe(self.tok)}",
                    self.tok.pos,
                )
            self.take()
            return node
        if tok.kind == "PHRASE":
            self.take()
            return self.phrase(tok)
        if tok.kind == "WORD":
            if tok.text.lower() in FIELDS and self.tokens[self.i + 1].kind == ":":
                self.i += 2
                return Scope(field=tok.text.lower(), item=self.primary(), pos=tok.pos)
            if tok.text == "WEIGHTS" and self.tokens[self.i + 1].kind == "(":
                return self.weights()
            if tok.text in KEYWORDS or _NEAR.match(tok.text):
                raise self.error(
                    f"expected a term, phrase, @alias or '(' before {tok.text}", tok.pos
                )
            self.take()
            if tok.text.startswith("@"):
                return self.alias(tok)
            if tok.text.startswith("$"):
                return self.reference(tok)
            return _plain_term(tok.text, tok.pos, self.error)
        raise self.error(
            f"expected a term, phrase, @alias, $definition or '(', found {_describe(tok)}",
            tok.pos,
        )

    def _column(self, pos: int) -> int:
        return pos - (self.source.rfind("\n", 0, pos) + 1) + 1

    def alias(self, tok: _Tok) -> Alias:
        name = tok.text[1:]
        if name not in self.aliases:
            known = ", ".join(f"@{n}" for n in sorted(self.aliases)) or "none"
            raise self.error(f"unknown alias @{name} (known: {known})", tok.pos)
        alias = self.aliases[name]
        return Alias(name=alias.name, spellings=alias.spellings, pos=tok.pos)

    def reference(self, tok: _Tok) -> Ref:
        name = tok.text[1:]
        if name not in self.definitions:
            known = ", ".join(f"${n}" for n in self.definitions) or "none are defined"
            raise self.error(f"unknown definition ${name} (known: {known})", tok.pos)
        if name in self.active:
            cycle = " -> ".join(f"${n}" for n in (*self.active, name))
            raise self.error(f"definitions refer to each other in a circle: {cycle}", tok.pos)
        if name not in self.resolved:
            sub = _Parser(
                self.definitions[name],
                self.aliases,
                self.definitions,
                self.resolved,
                (*self.active, name),
                f"{self.where + ', ' if self.where else ''}definition ${name}",
            )
            self.resolved[name] = sub.parse()
        return Ref(name=name, item=self.resolved[name], pos=tok.pos)

    def phrase(self, tok: _Tok) -> Term:
        slots: list[Word | AliasSlot] = []
        offset = tok.pos + 1
        for m in re.finditer(r"\S+", tok.text):
            part, pos = m.group(), offset + m.start()
            if part.startswith("@"):
                alias = self.alias(_Tok("WORD", part, pos))
                slots.append(AliasSlot(alias.name, alias.spellings))
            else:
                slots.extend(_plain_term(part, pos, self.error).slots)
        if not slots:
            raise self.error("expected words inside the quotes, found an empty phrase", tok.pos)
        return Term(label=f'"{tok.text}"', slots=tuple(slots), pos=tok.pos)

    def number(self, what: str) -> float:
        tok = self.tok
        try:
            value = float(tok.text) if tok.kind == "WORD" else None
        except ValueError:
            value = None
        if value is None:
            raise self.error(f"expected {what}, found {_describe(tok)}", tok.pos)
        self.take()
        return value

    def weights(self) -> Weights:
        start = self.take().pos
        self.take()  # (
        options = dict(WEIGHT_OPTIONS)
        while self.tok.kind != ";":
            tok = self.expect("WORD", "an option such as threshold=10, then ';'")
            if tok.text not in options and self.tok.kind == ":":
                raise self.error(
                    "WEIGHTS starts with its options, then ';' and the weighted items: "
                    "WEIGHTS(threshold=10; визит:3, договор:4)",
                    tok.pos,
                )
            if tok.text not in options:
                raise self.error(
                    f"unknown WEIGHTS option {tok.text!r}: expected threshold, repeat, title "
                    "or lead",
                    tok.pos,
                )
            self.expect("=", f"'=' after {tok.text}")
            options[tok.text] = self.number(f"a number for {tok.text}")
            if self.tok.kind == ",":
                self.take()
            elif self.tok.kind != ";":
                raise self.error(
                    f"expected ',' or ';' after the option, found {_describe(self.tok)}",
                    self.tok.pos,
                )
        if options["threshold"] is None:
            raise self.error("WEIGHTS needs threshold=N before ';'", self.tok.pos)
        if options["repeat"] < 1 or options["repeat"] != int(options["repeat"]):
            raise self.error("repeat must be a whole number of at least 1", start)
        self.take()  # ;
        items: list[tuple[Node, float]] = []
        while True:
            node = self.unary()
            self.expect(":", "':' and a weight after the item (e.g. визит:3)")
            items.append((node, self.number("a weight (a number such as 3 or -2)")))
            if self.tok.kind == ",":
                self.take()
                if self.tok.kind == ")":  # a trailing comma is fine in long lists
                    break
            elif self.tok.kind != ")":
                raise self.error(
                    f"expected ',' or ')' after the weight, found {_describe(self.tok)}",
                    self.tok.pos,
                )
            if self.tok.kind == ")":
                break
        self.take()
        return Weights(
            items=tuple(items),
            threshold=float(options["threshold"]),
            repeat=int(options["repeat"]),
            title=float(options["title"]),
            lead=float(options["lead"]),
            pos=start,
        )


def _positional(node: Node) -> bool:
    """Nodes whose matches have places in the text (what NEAR measures between)."""
    if isinstance(node, Term | Alias | Near):
        return True
    if isinstance(node, Or):
        return all(_positional(item) for item in node.items)
    if isinstance(node, Scope | Ref):
        return _positional(node.item)
    return False


def parse_query(
    source: str,
    aliases: Mapping[str, tuple[str, ...]] | None = None,
    definitions: Mapping[str, str] | None = None,
    where: str | None = None,
) -> Node:
    """Parse a query; ``where`` (e.g. "rule 'water'") starts every error message."""
    if aliases is None:
        from newswatch.alerts.aliases import load_aliases

        aliases = load_aliases()
    parser = _Parser(source, compile_aliases(aliases), definitions or {}, {}, (), where)
    return parser.parse()


def dump(node: Node) -> str:
    """A compact, canonical rendering of an AST (for tests and debugging)."""
    if isinstance(node, Term):
        return (
            "+".join(_slot(s) for s in node.slots) if len(node.slots) > 1 else _slot(node.slots[0])
        )
    if isinstance(node, Alias):
        return f"@{node.name}"
    if isinstance(node, And | Or):
        return f"{type(node).__name__.upper()}({', '.join(dump(i) for i in node.items)})"
    if isinstance(node, Not):
        return f"NOT({dump(node.item)})"
    if isinstance(node, Near):
        return f"NEAR/{node.distance}({dump(node.left)}, {dump(node.right)})"
    if isinstance(node, Scope):
        return f"{node.field}:{dump(node.item)}"
    if isinstance(node, Ref):
        return f"${node.name}"
    if isinstance(node, Weights):
        items = ", ".join(f"{dump(n)}:{w:g}" for n, w in node.items)
        return f"WEIGHTS({node.threshold:g}; {items})"
    raise TypeError(node)


def _slot(slot: Word | AliasSlot) -> str:
    if isinstance(slot, AliasSlot):
        return f"@{slot.name}"
    return slot.text + ("*" if slot.prefix else "")
