#!/usr/bin/python3
# The bureau's members at the bureau's computer, for tests: runs an
# isoloir-bureau command under umockdev and answers it as the members
# would. Each member's USB key is a real FAT image (KEYS/NAME.img); when
# the command asks for a key ("A: insérez la clé USB de … [m1 m4]"), the
# next key of the plan is plugged: a USB device, its disk and its FAT
# partition in the testbed, whose /dev node is the image (umockdev
# redirects /dev for the command). A key refused ("E: …") or asked out
# ("A: retirez la clé …") is unplugged and its image, as the command left
# it, kept. A passphrase asked of [mN] is the next of mN's list (--pass),
# else "phrase secrète de mN". When the plan is spent, no key comes: the
# command waits until its --wait ends.
# Run with: umockdev-wrapper /usr/bin/python3 usbkeys.py --keys DIR
#           [--plan m1,m4,…] [--pass m1=a,b] -- COMMAND ARGS…
# Exits with the command's status; its output is passed through.
import argparse
import os
import re
import shutil
import subprocess
import sys

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", required=True)
    ap.add_argument("--plan", default="")
    ap.add_argument("--pass", dest="passes", action="append", default=[])
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    plan = [p for p in a.plan.split(",") if p]
    passes = {}
    for spec in a.passes:
        who, _, values = spec.partition("=")
        passes[who] = values.split(",")

    tb = UMockdev.Testbed.new()
    root = tb.get_root_dir()
    os.makedirs(os.path.join(root, "dev"), exist_ok=True)
    state = {"plugged": None, "count": 0}

    def plug(name):
        state["count"] += 1
        n = state["count"]
        disk_name = "sd" + chr(ord("a") + n // 26) + chr(ord("a") + n % 26)
        image = os.path.join(a.keys, name + ".img")
        dev = os.path.join(root, "dev", disk_name + "1")
        # the partition's /dev node is the image, there before the device
        # appears (the command may look at it at once)
        shutil.copyfile(image, dev)
        serial = "ISOLOIR_KEY_" + name
        usb = tb.add_device("usb", "1-%d" % n, None,
                            ["idVendor", "0781", "idProduct", "5567", "serial", serial],
                            ["DEVTYPE", "usb_device", "ID_BUS", "usb"])
        disk = tb.add_device("block", disk_name, usb,
                             ["dev", "8:%d" % (16 * n), "removable", "1"],
                             ["DEVTYPE", "disk", "DEVNAME", "/dev/" + disk_name,
                              "ID_BUS", "usb", "ID_SERIAL", serial])
        part = tb.add_device("block", disk_name + "1", disk,
                             ["dev", "8:%d" % (16 * n + 1), "partition", "1"],
                             ["DEVTYPE", "partition", "DEVNAME", "/dev/" + disk_name + "1",
                              "ID_BUS", "usb", "ID_FS_TYPE", "vfat", "ID_SERIAL", serial])
        state["plugged"] = (name, [part, disk, usb], dev, disk_name)
        print("T: plugged %s as /dev/%s1" % (name, disk_name), file=sys.stderr, flush=True)

    def unplug():
        if state["plugged"] is None:
            return
        name, paths, dev, disk_name = state["plugged"]
        shutil.copyfile(dev, os.path.join(a.keys, name + ".img"))
        for p in paths:
            tb.uevent(p, "remove")
        for p in paths:
            tb.remove_device(p)
        for link in (disk_name, disk_name + "1"):
            try:
                os.unlink(os.path.join(root, "sys", "block", link))
            except FileNotFoundError:
                pass
        if os.path.lexists(dev):
            os.unlink(dev)
        state["plugged"] = None
        print("T: unplugged %s" % name, file=sys.stderr, flush=True)

    env = dict(os.environ)
    env["UMOCKDEV_DIR"] = root  # set by the testbed in C, unseen by os.environ
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace")
        sys.stderr.write(line)
        sys.stderr.flush()
        members = re.findall(r"\[(m\d+(?: m\d+)*)\]", line)
        if line.startswith("A: ") and ("insérez la clé" in line or "insert the USB key" in line):
            unplug()
            if plan:
                plug(plan.pop(0))
        elif line.startswith("A: ") and ("retirez la clé" in line or "take out the key" in line):
            unplug()
        elif line.startswith("A: ") and ("phrase secrète" in line or "passphrase" in line):
            who = members[-1].split()[0] if members else "m0"
            queue = passes.get(who, [])
            secret = queue.pop(0) if queue else "phrase secrète de " + who
            proc.stdin.write((secret + "\n").encode())
            proc.stdin.flush()
        elif line.startswith("E: ") and state["plugged"] is not None and (
                "la clé /dev/" in line or "c’est la clé de" in line or "the key /dev/" in line
                or "this is the key of" in line):
            unplug()
            if plan:
                plug(plan.pop(0))
    rc = proc.wait()
    unplug()
    return rc


if __name__ == "__main__":
    sys.exit(main())
