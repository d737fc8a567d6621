# SPDX-License-Identifier: GPL-2.0
# gdb -x: step through one syscall of the profile VM (scripts/profile.sh)
# and write each kernel instruction's address, one per line.
# env: TA_PROF_PORT, TA_PROF_BREAK (address), TA_PROF_OUT, TA_PROF_SKIP
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote :" + os.environ["TA_PROF_PORT"])
gdb.execute("hbreak *" + os.environ["TA_PROF_BREAK"])
for _ in range(int(os.environ.get("TA_PROF_SKIP", "20"))):
    gdb.execute("continue", to_string=True)
with open(os.environ["TA_PROF_OUT"], "w") as out:
    for _ in range(200000):
        pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
        if pc < 0xFFFF000000000000:
            break
        out.write("%x\n" % pc)
        gdb.execute("stepi", to_string=True)
gdb.execute("kill")
gdb.execute("quit")
