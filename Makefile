# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/timeaudit.ko and userspace/timeauditctl
# make check      install test dependencies, build, run every test (VM too)
# make demo       boot the test VM and show what timeaudit records
# make bench      record volume and cost per call in the VM (not a test):
#                 bench/RESULTS.md, bench/records.png; see README "Measured"
# make profile    where one clock call's instructions go, per function
#                 (gdb steps through it in the VM; LOAD=, OPS=)
# make check-matrix  the selftests on Debian 11, 13, unstable and experimental kernels
#                 and on Debian 12's arm64 kernel
# make check-system  the packages on a real Debian 12 system in a VM:
#                 apt install, DKMS, reboot, records, purge (root)
# make install    install what make built (DESTDIR, PREFIX); see README
# make uninstall  remove exactly what make install installed
# make sign       sign kmod/timeaudit.ko for Secure Boot (KEY, CERT)
# make man        render the man page, failing on any groff warning
# make dkms-source  copy the module's sources for DKMS (DKMS_SRC)
# make deb       build the Debian packages timeaudit-dkms and timeaudit
#                 into build/deb/ (in a copy: the tree is left as it is)
#
# KDIR defaults to the running kernel's build tree, else Debian's
# linux-headers-amd64 (the kernel the VM tests boot).

DEB_KVER := $(shell scripts/debian-kernel.sh 2>/dev/null)
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    /usr/src/linux-headers-$(DEB_KVER))
VERSION := $(shell sed -n 's/^\#define TIMEAUDIT_VERSION[^"]*"\([^"]*\)".*/\1/p' \
		     uapi/linux/timeaudit.h)

# Installation: the module goes to /lib/modules/KVER/extra (kbuild's
# modules_install), the rest under PREFIX and /etc. DESTDIR stages it all.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
TIMEAUDITCTL ?= userspace/timeauditctl
INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SBINDIR='$(SBINDIR)' \
	      MANDIR='$(MANDIR)' UNITDIR='$(UNITDIR)' KDIR='$(KDIR)' \
	      TIMEAUDITCTL='$(TIMEAUDITCTL)' MAKE='$(MAKE)'

# Module signing: the Machine Owner Key that Debian's DKMS uses.
KEY ?= /var/lib/dkms/mok.key
CERT ?= /var/lib/dkms/mok.pub
SIGN_MODULE ?= kmod/timeaudit.ko

DKMS_SRC ?= $(DESTDIR)/usr/src/timeaudit-$(VERSION)

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

profile:
	scripts/profile.sh $(or $(LOAD),ta) $(OPS)

check-matrix:
	scripts/matrix.sh

check-system:
	scripts/system-vm.sh

install: install-module install-files

install-module:
	@$(INSTALL_ENV) scripts/install.sh module

install-files:
	@$(INSTALL_ENV) scripts/install.sh files

uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall

sign:
	@KDIR='$(KDIR)' KEY='$(KEY)' CERT='$(CERT)' scripts/sign.sh $(SIGN_MODULE)

man: build/man/timeauditctl.8.txt

build/man/timeauditctl.8.txt: Documentation/timeauditctl.8
	@mkdir -p $(@D)
	LC_ALL=C.UTF-8 groff -t -man -Tutf8 -ww $< >$@.tmp 2>$(@D)/warnings
	@if [ -s $(@D)/warnings ]; then cat $(@D)/warnings >&2; \
		rm -f $@.tmp; exit 1; fi
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $< >/dev/null 2>$(@D)/warnings
	@if [ -s $(@D)/warnings ]; then cat $(@D)/warnings >&2; \
		rm -f $@.tmp; exit 1; fi
	@mv $@.tmp $@

# What DKMS needs to build the module, and nothing else (no objects).
dkms-source:
	@test -n '$(VERSION)' || { echo 'no TIMEAUDIT_VERSION' >&2; exit 1; }
	rm -rf '$(DKMS_SRC)/kmod' '$(DKMS_SRC)/uapi'
	install -d '$(DKMS_SRC)/kmod' '$(DKMS_SRC)/uapi/linux'
	install -m 0644 dkms.conf Kbuild '$(DKMS_SRC)/'
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) \
		'$(DKMS_SRC)/kmod/'
	install -m 0644 uapi/linux/timeaudit.h '$(DKMS_SRC)/uapi/linux/'

deb:
	scripts/build-deb.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all module userspace check check-matrix check-system demo bench profile install install-module \
	install-files uninstall sign man dkms-source deb clean
