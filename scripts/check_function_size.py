#!/usr/bin/env python3
# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Fails when a C++ function in the given trees is longer than a limit.

Usage: check_function_size.py [--max-lines N] [--max-file-lines M] DIR...

With --max-file-lines, a file longer than M lines fails too (the ctest
"file_size" keeps every file of examples/ under 500).

The code is clang-formatted (Google style), so a function's signature starts
a line at some indentation, its body opens with "{" at the end of that line
or of a continuation line, and it closes with "}" at the same indentation;
lambdas and local classes inside it count toward it. Class, struct, enum,
union, namespace and extern blocks are not functions (their members are
measured). The ctest "function_size" runs this over src/ and examples/;
clang-tidy's readability-function-size agrees on this tree at a minute of
CI time instead of a second.
"""

import argparse
import os
import re
import sys

NOT_A_FUNCTION = re.compile(
    r"^(namespace\b|class\b|struct\b|enum\b|union\b|extern\b|"
    r"template\s*<.*>\s*(class|struct)\b|"
    r"(if|for|while|switch|else|do|try|catch|return|case)\b)")


def functions(path):
    """Yields (first line, last line, signature) of each function body that
    is not inside another one."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if (not stripped or stripped.startswith(("#", "//", "}", ")"))
                or re.match(r"^(public|private|protected)\s*:$", stripped)):
            number += 1
            continue
        # The head: this line and its continuations, up to "{" or ";".
        end = number
        while (end < len(lines) and end < number + 8
               and not lines[end].rstrip().endswith(("{", ";", "}"))):
            end += 1
        if end >= len(lines):
            break
        head = " ".join(l.strip() for l in lines[number:end + 1])
        if (not lines[end].rstrip().endswith("{") or "(" not in head
                or NOT_A_FUNCTION.match(head)
                or "=" in head.split("(")[0]):
            number += 1
            continue
        closing = " " * indent + "}"
        last = end + 1
        while last < len(lines) and not (
                lines[last].startswith(closing)
                and lines[last][len(closing):len(closing) + 1] in ("", ";", " ")):
            last += 1
        yield number + 1, last + 1, head
        number = last + 1


def self_test():
    """Checks the scanner on a small tree: what it must find, and not."""
    import tempfile

    def body(n):  # a body of n lines in all, braces included
        return "\n".join(["  int x = 0;"] * (n - 2))

    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "a.cc"), "w", encoding="utf-8") as f:
            f.write(f"""namespace x {{
// ok: exactly at the limit
int AtLimit(int a,
            int b) {{
{body(149)}
}}
absl::StatusOr<std::vector<int>> TooLong(
    const std::string& s) {{
{body(150)}
}}
class Holder {{
 public:
  void Member() {{
{body(151)}
  }}
 private:
  int y_ = 0;
}};
const auto kTable = [] {{
{body(300)}
}}();
}}  // namespace x
""")
        found = {sig.split("(")[0].split()[-1]: last - first + 1
                 for first, last, sig in functions(os.path.join(root, "a.cc"))}
    expected = {"AtLimit": 150, "TooLong": 151, "Member": 151}
    if found != expected:
        print(f"function_size self-test: found {found}, expected {expected}")
        return 1
    print("function_size self-test: ok")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-lines", type=int, default=150)
    parser.add_argument("--max-file-lines", type=int, default=0)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("dirs", nargs="*")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    problems = []
    checked = 0
    for root in args.dirs:
        for folder, _, names in os.walk(root):
            for name in sorted(names):
                if not name.endswith((".cc", ".h")):
                    continue
                path = os.path.join(folder, name)
                if args.max_file_lines:
                    with open(path, encoding="utf-8") as f:
                        count = f.read().count("\n")
                    if count > args.max_file_lines:
                        problems.append(f"{path}: {count} lines (limit "
                                        f"{args.max_file_lines} per file)")
                for first, last, signature in functions(path):
                    checked += 1
                    length = last - first + 1
                    if length > args.max_lines:
                        problems.append(
                            f"{path}:{first}: {length} lines (limit "
                            f"{args.max_lines}): {signature[:100]}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"function_size: {len(problems)} over the limits")
        return 1
    print(f"function_size: ok ({checked} functions, none over "
          f"{args.max_lines} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
