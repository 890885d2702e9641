#!/usr/bin/python3
# The technician at a kiosk, for tests: runs isoloir-kiosk (headless, with
# --trace) under umockdev and plugs a USB key — a real FAT image holding
# the maintenance token — when the trace shows a line, then pulls it out
# when another shows. The image is copied back at unplug (what the kiosk
# wrote on it: the journal's export).
# Run with: umockdev-wrapper /usr/bin/python3 kioskkey.py --image IMG
#           --trace FILE --plug-on LINE --unplug-on LINE -- COMMAND ARGS…
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fatkeys import FatKeys  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--plug-on", required=True)
    ap.add_argument("--unplug-on", required=True)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    keys = FatKeys()
    proc = subprocess.Popen(cmd, env=keys.env())
    seen, plugged, done = 0, False, False
    while proc.poll() is None:
        time.sleep(0.05)
        try:
            with open(a.trace, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            continue
        for line in lines[seen:]:
            if not plugged and line.startswith(a.plug_on):
                keys.plug(a.image, "technicien")
                plugged = True
            elif plugged and not done and line.startswith(a.unplug_on):
                time.sleep(0.3)
                keys.unplug()
                done = True
        seen = len(lines)
    keys.unplug()
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
