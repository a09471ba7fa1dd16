#!/usr/bin/env python3
"""Generates the inputs of bench/scale.sh: large migration sets of one shape each.

Usage: scale_gen.py SHAPE N OUT_DIR
  files         N timestamped migrations of one small statement each (a set of N files)
  suppressions  one migration of N findings, each suppressed by its own ignore comment
  file-ignores  one migration of N findings and N whole-file ignores of as many rule ids
  indexes       one table and N unnamed expression indexes on it (PostgreSQL's names t_expr_idx, t_expr_idx1, ...)
  big           one migration of about N MiB of `SELECT 1;`
  big-findings  one migration of about N MiB of statements that each draw a finding

Nothing here is committed: the inputs are written at bench time under OUT_DIR.
"""
import datetime
import os
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    mig = os.path.join(out, "migrations")
    os.makedirs(mig, exist_ok=True)
    if shape == "files":
        start = datetime.datetime(2024, 1, 1)
        for i in range(n):
            # Distinct, increasing, valid timestamps: one per second from 2024-01-01 00:00:00 on.
            version = (start + datetime.timedelta(seconds=i)).strftime("%Y%m%d%H%M%S")
            write(os.path.join(mig, f"{version}_m{i}.sql"), f"CREATE TABLE t{i} (id bigint PRIMARY KEY);\n")
    elif shape == "suppressions":
        parts = []  # t comes from outside the set: dropping its columns loses data
        for i in range(n):
            parts.append(f"-- pgsafe-ignore ban-drop-column: column c{i} was never read\n"
                         f"ALTER TABLE t DROP COLUMN c{i};\n")
        write(os.path.join(mig, "20240101000000_many.sql"), "".join(parts))
    elif shape == "file-ignores":
        parts = ["-- pgsafe-ignore-file ban-drop-column: columns were never read\n"]
        for i in range(n):
            parts.append(f"-- pgsafe-ignore-file not-a-rule-{i}: placeholder\n")
        for i in range(n):
            parts.append(f"ALTER TABLE t DROP COLUMN c{i};\n")
        write(os.path.join(mig, "20240101000000_many.sql"), "".join(parts))
    elif shape == "indexes":
        parts = ["CREATE TABLE t (id bigint PRIMARY KEY, a int);\n"]
        for i in range(n):
            parts.append(f"CREATE INDEX ON t ((a + {i}));\n")
        write(os.path.join(mig, "20240101000000_indexes.sql"), "".join(parts))
    elif shape in ("big", "big-findings"):
        stmt = "SELECT 1;\n" if shape == "big" else "DELETE FROM t;\n"
        count = n * 1024 * 1024 // len(stmt)
        write(os.path.join(mig, "20240101000000_big.sql"), stmt * count)
    else:
        sys.exit(f"unknown shape {shape}\n{__doc__}")


if __name__ == "__main__":
    main()
