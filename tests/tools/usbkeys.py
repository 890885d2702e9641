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
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fatkeys import FatKeys  # noqa: E402


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

    keys = FatKeys()

    def plug(name):
        keys.plug(os.path.join(a.keys, name + ".img"), name)

    def unplug():
        keys.unplug()

    env = keys.env()
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
        elif line.startswith("E: ") and keys.plugged is not None and (
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
