"""How long is the book?  Count the chapter modules' lines of code.

``python -m toyloop.booklen`` prints, for each ``toyloop/chN_*.py`` of chapters
1-5 (the modules a reader of the notebooks reads: "the book"), the lines that
hold code: blank lines, comment-only lines and docstrings do not count.  The
total should stay at about 2,000 lines (issue 11); ``--limit N`` makes the
command fail above ``N``, and ``--functions`` lists the longest functions.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BOOK_GLOB = "ch[1-5]_*.py"


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers covered by module, class and function docstrings."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(source: str) -> set[int]:
    """Line numbers that hold a token other than a comment, outside docstrings."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines - _docstring_lines(ast.parse(source))


def count(path: Path) -> int:
    return len(code_lines(path.read_text(encoding="utf-8")))


def book_files(package: Path = PACKAGE) -> list[Path]:
    return sorted(package.glob(BOOK_GLOB))


def longest_functions(path: Path, n: int = 10) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    lines = code_lines(source)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            size = len([n for n in lines if node.lineno <= n <= node.end_lineno])
            found.append((size, node.name))
    return sorted(found, reverse=True)[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toyloop.booklen", description=__doc__)
    parser.add_argument("--limit", type=int, default=None,
                        help="exit with status 1 if the total exceeds this")
    parser.add_argument("--functions", action="store_true", help="list the longest functions")
    args = parser.parse_args(argv)
    total = 0
    for path in book_files():
        n = count(path)
        total += n
        print(f"{path.name:24} {n:5}")
        if args.functions:
            for size, name in longest_functions(path):
                print(f"    {size:4}  {name}")
    print(f"{'total':24} {total:5}")
    if args.limit is not None and total > args.limit:
        print(f"over the limit of {args.limit}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
