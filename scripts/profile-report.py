#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Instructions per function of one stepped call (scripts/profile.sh),
# named from the guest's /proc/kallsyms; module functions show [module].
# usage: profile-report.py TRACE KALLSYMS [TOP]
import bisect
import sys

trace, kallsyms = sys.argv[1:3]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
syms = []
for line in open(kallsyms, errors="replace"):
    f = line.split()
    if len(f) >= 3 and f[1].lower() == "t":
        mod = " " + f[3] if len(f) > 3 else ""
        syms.append((int(f[0], 16), f[2] + mod))
syms.sort()
addrs = [a for a, _ in syms]
count = {}
total = 0
for line in open(trace):
    pc = int(line, 16)
    i = bisect.bisect_right(addrs, pc) - 1
    n = syms[i][1] if i >= 0 and pc - addrs[i] < 0x4000 else "[trampoline]"
    count[n] = count.get(n, 0) + 1
    total += 1
ta = sum(v for k, v in count.items() if k.endswith("[timeaudit]"))
print("total %d  timeaudit %d" % (total, ta))
for n, v in sorted(count.items(), key=lambda x: -x[1])[:top]:
    print("%6d  %s" % (v, n))
