#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check contrib/sigma/*.yml against real timeaudit records; print TAP.

Usage: check-sigma.py [AUDIT_LOG [RULE_DIR]]
(default build/vm-stock/audit.log, which make check's VM stage writes).

For every rule: it is one YAML document with the Sigma keys a backend
needs; every field its detection names occurs in a real record of the
type(s) it selects; and it matches at least one record of the log, with
a small evaluator of the Sigma subset the rules use. A rule using
anything outside that subset fails rather than passing untested. A
missing or empty log fails: the point is checking against real records.

A file may hold a base rule (with a name) and, as its second document, an
event_count correlation over it (an absence rule, such as a missing
heartbeat). The base rule is checked as above. The correlation is checked
for its keys, then run over two timelines of the base rule's real
matches: one every TIMEAUDIT_DEF_HEARTBEAT_S (uapi header) plus a late
witness interval, where it must stay silent, and the same with one
missing, where it must fire. Those timelines are built, not logged: the
test VM does not run for hours.
"""
import bisect
import glob
import os
import re
import sys
import uuid

import yaml  # Debian python3-yaml, installed by scripts/install-deps.sh

REQUIRED = ("title", "id", "status", "description", "author", "date",
            "logsource", "detection", "level")
STATUS = {"stable", "test", "experimental", "deprecated", "unsupported"}
LEVEL = {"informational", "low", "medium", "high", "critical"}
MODIFIERS = {"contains", "startswith", "endswith", "gt", "gte", "lt", "lte"}

CORR_REQUIRED = ("title", "id", "status", "description", "author", "date",
                 "correlation", "level")
CORR_OPS = {"gt", "gte", "lt", "lte", "eq"}
SPAN = re.compile(r"^([1-9][0-9]*)([smhd])$")
UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "uapi", "linux", "timeaudit.h")

FIELD = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)=("[^"]*"|\S*)')
HEX = re.compile(r"^(?:[0-9A-F]{2})+$")


def parse_record(line):
    """One audit log line -> dict of fields, or None. Values unquoted;
    comm/exe hex-encoded by the kernel are decoded, as auparse does."""
    line = line.split("\x1d", 1)[0]  # drop auditd's ENRICHED part
    if "type=" not in line:
        return None
    rec = {}
    for k, v in FIELD.findall(line):
        if k == "msg":
            continue
        if v.startswith('"'):
            v = v[1:-1]
        elif k in ("comm", "exe", "last_comm", "max_comm") and HEX.match(v):
            v = bytes.fromhex(v).decode("utf-8", "replace")
        rec.setdefault(k, v)
    return rec


def load_records(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [r for r in map(parse_record, f) if r]


def split_key(key):
    name, *mods = key.split("|")
    bad = [m for m in mods if m not in MODIFIERS]
    if bad:
        raise ValueError(f"unsupported modifier {bad} on {name}")
    return name, mods


def match_value(have, mods, want):
    if have is None:
        return False
    if any(m in ("gt", "gte", "lt", "lte") for m in mods):
        try:
            h, w = float(have), float(want)
        except ValueError:
            return False
        return {"gt": h > w, "gte": h >= w, "lt": h < w,
                "lte": h <= w}[mods[0]]
    h, w = have.lower(), str(want).lower()  # Sigma strings ignore case
    if "contains" in mods:
        return w in h
    if "startswith" in mods:
        return h.startswith(w)
    if "endswith" in mods:
        return h.endswith(w)
    return h == w


def match_map(rec, sel):
    """A selection map: every key matches (AND), any listed value (OR)."""
    for key, want in sel.items():
        name, mods = split_key(key)
        wants = want if isinstance(want, list) else [want]
        if not any(match_value(rec.get(name), mods, w) for w in wants):
            return False
    return True


def match_sel(rec, sel):
    if isinstance(sel, list):  # a list of maps: any of them
        return any(match_map(rec, s) for s in sel)
    return match_map(rec, sel)


def sel_fields(sel):
    for s in sel if isinstance(sel, list) else [sel]:
        if not isinstance(s, dict):
            raise ValueError("keyword (field-less) selections unsupported")
        for key in s:
            yield split_key(key)[0]


def compile_condition(cond, names):
    """Condition -> predicate(sel_results). Grammar: or/and/not,
    parentheses, '1 of X*', 'all of X*', 'them'."""
    toks = re.findall(r"\(|\)|[A-Za-z0-9_*]+", cond)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None

    def take():
        if peek() is None:
            raise ValueError(f"condition '{cond}' ends early")
        pos[0] += 1
        return toks[pos[0] - 1]

    def group(pat):
        pat = "*" if pat == "them" else pat
        ns = [n for n in names if re.fullmatch(pat.replace("*", ".*"), n)]
        if not ns:
            raise ValueError(f"'{pat}' names no selection")
        return ns

    def atom():
        t = take()
        if t == "(":
            e = expr()
            if take() != ")":
                raise ValueError("unbalanced parentheses")
            return e
        if t == "not":
            e = atom()
            return lambda r: not e(r)
        if t in ("1", "all") and peek() == "of":
            take()
            ns = group(take())
            f = any if t == "1" else all
            return lambda r: f(r[n] for n in ns)
        if t not in names:
            raise ValueError(f"condition names unknown selection {t}")
        return lambda r: r[t]

    def conj():
        e = atom()
        while peek() == "and":
            take()
            a, b = e, atom()
            e = (lambda a, b: lambda r: a(r) and b(r))(a, b)
        return e

    def expr():
        e = conj()
        while peek() == "or":
            take()
            a, b = e, conj()
            e = (lambda a, b: lambda r: a(r) or b(r))(a, b)
        return e

    e = expr()
    if peek() is not None:
        raise ValueError(f"trailing '{peek()}' in condition")
    return e


def check_schema(rule):
    miss = [k for k in REQUIRED if k not in rule]
    if miss:
        return f"missing keys {miss}"
    uuid.UUID(str(rule["id"]))
    if rule["status"] not in STATUS or rule["level"] not in LEVEL:
        return "bad status or level"
    if rule["logsource"] != {"product": "linux", "service": "auditd"}:
        return "logsource is not product linux, service auditd"
    if "condition" not in rule["detection"]:
        return "detection has no condition"
    return None


def uapi_value(name):
    with open(UAPI, encoding="utf-8") as f:
        m = re.search(rf"#define\s+{name}\s+([0-9]+)", f.read())
    if not m:
        raise ValueError(f"{name} not in {UAPI}")
    return int(m.group(1))


def check_correlation(corr, base):
    """Keys of an event_count correlation over @base; None if fine."""
    miss = [k for k in CORR_REQUIRED if k not in corr]
    if miss:
        return f"correlation: missing keys {miss}"
    uuid.UUID(str(corr["id"]))
    if corr["status"] not in STATUS or corr["level"] not in LEVEL:
        return "correlation: bad status or level"
    c = corr["correlation"]
    if not isinstance(c, dict) or c.get("type") != "event_count":
        return "correlation: only event_count is supported"
    if not base.get("name") or c.get("rules") != [base.get("name")]:
        return "correlation: rules must name the base rule of the file"
    if not SPAN.match(str(c.get("timespan", ""))):
        return "correlation: timespan is not <n>s|m|h|d"
    cond = c.get("condition")
    if not isinstance(cond, dict) or len(cond) != 1 or \
            next(iter(cond)) not in CORR_OPS or \
            not isinstance(next(iter(cond.values())), int):
        return "correlation: condition is not one {op: integer}"
    if c.get("group-by"):
        return "correlation: group-by is not supported by this checker"
    return None


def span_seconds(span):
    n, unit = SPAN.match(span).groups()
    return int(n) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def correlation_fires(c, times):
    """Whether the count in any window (t - timespan, t], t on a 1 s grid
    from the first full window to the last event, meets the condition."""
    span = span_seconds(c["timespan"])
    (op, want), = c["condition"].items()
    test = {"gt": lambda n: n > want, "gte": lambda n: n >= want,
            "lt": lambda n: n < want, "lte": lambda n: n <= want,
            "eq": lambda n: n == want}[op]
    times = sorted(times)
    for t in range(times[0] + span, times[-1] + 1):
        n = bisect.bisect_right(times, t) - bisect.bisect_right(times,
                                                                 t - span)
        if test(n):
            return True
    return False


def check_absence(c, base_pred, recs):
    """Run the correlation over timelines of the base rule's matches."""
    if not any(base_pred(r) for r in recs):
        return "the base rule matches no real record"
    period = uapi_value("TIMEAUDIT_DEF_HEARTBEAT_S") + \
        -(-uapi_value("TIMEAUDIT_DEF_WITNESS_MS") // 1000)
    steady = [i * period for i in range(12)]
    if correlation_fires(c, steady):
        return f"fires with one every {period} s"
    gap = steady[:6] + steady[7:]
    if not correlation_fires(c, gap):
        return f"silent when one of every {period} s is missing"
    return None


def main():
    log = sys.argv[1] if len(sys.argv) > 1 else "build/vm-stock/audit.log"
    rdir = sys.argv[2] if len(sys.argv) > 2 else "contrib/sigma"
    rules = sorted(glob.glob(os.path.join(rdir, "*.yml")))
    ncorr = 0
    for path in rules:
        try:
            with open(path, encoding="utf-8") as f:
                ncorr += len(list(yaml.safe_load_all(f))) == 2
        except yaml.YAMLError:
            pass
    print(f"1..{3 * len(rules) + ncorr + 1}")
    n, fails = 0, 0

    def tap(ok, msg, why=""):
        nonlocal n, fails
        n += 1
        fails += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {msg}" +
              (f" # {why}" if why and not ok else ""))

    recs = load_records(log) if os.path.isfile(log) else []
    # Field names seen per record type, for the field check.
    seen = {}
    for r in recs:
        seen.setdefault(r["type"], set()).update(r)
    tap(bool(recs) and bool(rules),
        f"{len(recs)} records in {log}, {len(rules)} rules in {rdir}",
        "no log (run make check's VM stage first) or no rules")
    ids = set()
    for path in rules:
        name = os.path.basename(path)
        corr = None
        try:
            with open(path, encoding="utf-8") as f:
                docs = list(yaml.safe_load_all(f))
            corr = docs[1] if len(docs) == 2 else None
            rule = docs[0] if len(docs) in (1, 2) else None
            err = check_schema(rule) if isinstance(rule, dict) \
                else "not one YAML mapping, or a rule and a correlation"
            if not err and len(docs) == 2:
                err = check_correlation(corr, rule) \
                    if isinstance(corr, dict) else \
                    "second document is not a mapping"
            if not err and rule["id"] in ids:
                err = "duplicate id"
            ids.add(rule.get("id") if isinstance(rule, dict) else None)
        except (yaml.YAMLError, ValueError) as e:
            err = str(e).replace("\n", " ")
        tap(not err, f"{name}: valid Sigma", err)
        if err:
            tap(False, f"{name}: fields", "skipped: invalid")
            tap(False, f"{name}: matches", "skipped: invalid")
            if corr is not None:
                tap(False, f"{name}: correlation", "skipped: invalid")
            continue
        det = {k: v for k, v in rule["detection"].items() if k != "condition"}
        try:
            types = set()
            for s in det.values():
                for m in s if isinstance(s, list) else [s]:
                    t = m.get("type")
                    types.update(t if isinstance(t, list) else [t] if t else [])
            known = set().union(*(seen.get(t, set()) for t in types))
            unknown = sorted({f for s in det.values() for f in sel_fields(s)}
                             - known)
            err = None if types and not unknown else \
                f"no type selected or not in log: {unknown}"
        except (ValueError, AttributeError, TypeError) as e:
            err = str(e)
        tap(not err, f"{name}: fields occur in real records", err)
        try:
            pred = compile_condition(str(rule["detection"]["condition"]),
                                     set(det))
            hits = sum(pred({k: match_sel(r, s) for k, s in det.items()})
                       for r in recs)
            err = None if hits else "matches none"
        except (ValueError, AttributeError, TypeError) as e:
            hits, err = 0, str(e)
        tap(not err, f"{name}: matches {hits} records", err)
        if corr is not None:
            try:
                err = check_absence(
                    corr["correlation"],
                    lambda r: pred({k: match_sel(r, s)
                                    for k, s in det.items()}), recs)
            except (ValueError, AttributeError, TypeError, OSError) as e:
                err = str(e)
            tap(not err, f"{name}: correlation silent at the default "
                "period, fires when one is missing", err)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
