# USB keys for tests under umockdev: a USB device, its disk and its FAT
# partition in a testbed, whose /dev node is a real FAT image (umockdev
# redirects /dev for the processes it wraps). Used by usbkeys.py (the
# bureau's members) and kioskkey.py (the technician at a kiosk).
import os
import shutil
import sys

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402


class FatKeys:
    def __init__(self):
        self.tb = UMockdev.Testbed.new()
        self.root = self.tb.get_root_dir()
        os.makedirs(os.path.join(self.root, "dev"), exist_ok=True)
        self.plugged = None
        self.count = 0

    def env(self):
        env = dict(os.environ)
        env["UMOCKDEV_DIR"] = self.root  # set by the testbed in C, unseen by os.environ
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        return env

    def plug(self, image, name):
        """Plug the FAT image as a USB key; the image is copied back at unplug."""
        tb = self.tb
        self.count += 1
        n = self.count
        disk_name = "sd" + chr(ord("a") + n // 26) + chr(ord("a") + n % 26)
        dev = os.path.join(self.root, "dev", disk_name + "1")
        # the partition's /dev node is the image, there before the device
        # appears (the program may look at it at once)
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
        self.plugged = (image, name, [part, disk, usb], dev, disk_name)
        print("T: plugged %s as /dev/%s1" % (name, disk_name), file=sys.stderr, flush=True)

    def unplug(self):
        if self.plugged is None:
            return
        image, name, paths, dev, disk_name = self.plugged
        shutil.copyfile(dev, image)
        for p in paths:
            self.tb.uevent(p, "remove")
        for p in paths:
            self.tb.remove_device(p)
        for link in (disk_name, disk_name + "1"):
            try:
                os.unlink(os.path.join(self.root, "sys", "block", link))
            except FileNotFoundError:
                pass
        if os.path.lexists(dev):
            os.unlink(dev)
        self.plugged = None
        print("T: unplugged %s" % name, file=sys.stderr, flush=True)
