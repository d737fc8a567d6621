# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/timeaudit.ko and userspace/timeauditctl
# make check      install test dependencies, build, run every test (VM too)
# make demo       boot the test VM and show what timeaudit records
#
# KDIR defaults to the running kernel's build tree, else Debian's
# linux-headers-amd64 (the kernel the VM tests boot).

DEB_KVER := $(shell scripts/debian-kernel.sh 2>/dev/null)
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    /usr/src/linux-headers-$(DEB_KVER))

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

check:
	scripts/check.sh

demo:
	scripts/demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all module userspace check demo clean
