# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""ipmi_power / ipmi_boot hooks without a BMC: community.general's options mapped onto ipmirpc's methods."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import unittest

# Imported for its side effect: it makes the collection importable.
import test_ipmirpc_runner  # noqa: F401  pylint: disable=unused-import
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_hooks import (  # noqa: E402
    BootHooks, PowerHooks)


class _Failed(Exception):
    pass


class _Module(object):
    def __init__(self, check_mode=False, diff=False, **params):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff

    def fail_json(self, **kwargs):
        raise _Failed(kwargs.get('msg'))


class _Session(object):
    """Answers each call from a list of canned results and records what was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def call(self, method, params=None):
        self.calls.append((method, dict(params or {})))
        return self.answers.pop(0)


def _power(changed, previous, current=None, desired=None, sent=None):
    return dict(changed=changed, sent=changed if sent is None else sent, previous=dict(powerOn=previous),
                desired=dict(powerOn=previous if desired is None else desired),
                current=None if current is None else dict(powerOn=current))


class PowerHooksTest(unittest.TestCase):
    def test_states_map_to_actions_and_on_off_shutdown_wait(self):
        for state, action, wait in (('on', 'on', True), ('off', 'off', True), ('shutdown', 'softOff', True),
                                    ('reset', 'reset', None)):
            params = {}
            PowerHooks.before_call(_Module(state=state, action=None), params)
            self.assertEqual(action, params['action'], state)
            self.assertEqual(wait, params.get('wait'), state)

    def test_action_and_state_together_fail(self):
        with self.assertRaises(_Failed):
            PowerHooks.before_call(_Module(state='on', action='cycle'), {})

    def test_boot_when_off_is_on_only(self):
        session = _Session(_power(True, False, current=True, desired=True))
        result = PowerHooks.call(_Module(state='boot'), session, 'chassis.setPower', {})
        self.assertEqual([('chassis.setPower', dict(action='on', wait=True))], session.calls)
        self.assertTrue(result['changed'])

    def test_boot_when_on_is_reset(self):
        session = _Session(_power(False, True, current=True), _power(True, True, desired=True))
        PowerHooks.call(_Module(state='boot'), session, 'chassis.setPower', {})
        self.assertEqual(['on', 'reset'], [c[1]['action'] for c in session.calls])

    def test_powerstate_is_desired_in_check_mode_else_what_was_read(self):
        check = _power(True, True, desired=False, sent=False)
        self.assertEqual('off', PowerHooks.powerstate(check, check_mode=True))
        self.assertEqual('on', PowerHooks.powerstate(_power(False, True, current=True), check_mode=False))
        # reset without wait: nothing read after it, so the state it leads to.
        self.assertEqual('on', PowerHooks.powerstate(_power(True, True, desired=True), check_mode=False))
        # reset when off does not apply, in check mode too: the state read, not the one reset would lead to.
        self.assertEqual('off', PowerHooks.powerstate(_power(False, False, current=False, desired=True), check_mode=True))

    def test_diff_shows_the_powerstate_before_and_after(self):
        out = {}
        PowerHooks.after_call(_Module(check_mode=True, diff=True), {}, _power(True, True, desired=False, sent=False), out)
        self.assertEqual(dict(before=dict(powerstate='on'), after=dict(powerstate='off')), out['diff'])

    def test_machine_uses_the_documented_key_and_sends_only_what_applies(self):
        off, on = dict(data=[0x00, 0, 0, 0]), dict(data=[0x01, 0, 0, 0])
        session = _Session(off, dict(data=[]), on)
        module = _Module(state='on', machine=[dict(targetAddress=0x72), dict(targetAddress=0x74)])
        result = PowerHooks.call(module, session, 'chassis.setPower', {})
        self.assertEqual([dict(targetAddress=0x72, powerstate='on', changed=True),
                          dict(targetAddress=0x74, powerstate='on', changed=False)], result['status'])
        self.assertEqual(['GetChassisStatus', 'ChassisControl', 'GetChassisStatus'],
                         [c[1]['command'] for c in session.calls])
        self.assertEqual([0x01], session.calls[1][1]['data'])
        self.assertEqual(0x72, session.calls[1][1]['responderAddress'])


def _boot(device, override, persistent=False, efi=False):
    return dict(device=device, persistent=persistent, efi=efi, valid=override == 'pending', override=override)


class BootHooksTest(unittest.TestCase):
    def test_community_names_map_to_devices(self):
        for bootdev, device in (('network', 'pxe'), ('hd', 'disk'), ('optical', 'cdrom'), ('setup', 'bios'),
                                ('default', 'none'), ('floppy', 'floppy'), ('safe', 'safe'), ('pxe', 'pxe')):
            params = {}
            BootHooks.before_call(_Module(bootdev=bootdev, state='present'), params)
            self.assertEqual(device, params['device'], bootdev)

    def test_absent_default_fails_as_in_community_general(self):
        with self.assertRaises(_Failed):
            BootHooks.before_call(_Module(bootdev='default', state='absent'), {})

    def test_absent_clears_only_the_named_pending_override(self):
        session = _Session(_boot('pxe', 'pending'), dict(changed=True, sent=True))
        BootHooks.call(_Module(bootdev='network', state='absent'), session, 'chassis.setBootDevice', dict(device='pxe'))
        self.assertEqual('none', session.calls[1][1]['device'])
        other = _Session(_boot('disk', 'pending'))
        result = BootHooks.call(_Module(bootdev='network', state='absent'), other, 'chassis.setBootDevice',
                                dict(device='pxe'))
        self.assertFalse(result['changed'])
        self.assertEqual(1, len(other.calls))

    def test_result_keys_read_back_not_echoed(self):
        out = {}
        result = dict(changed=True, sent=True, previous=_boot(None, 'none'),
                      desired=dict(device='cdrom', persistent=True, efi=False), current=_boot('cdrom', 'pending'))
        BootHooks.after_call(_Module(), {}, result, out)
        # The BMC kept the device but not persistent: that is what is reported (community.general echoes the request).
        self.assertEqual(dict(bootdev='optical', persistent=False, uefimode=False), out)

    def test_check_mode_shows_the_read_override_when_nothing_would_change(self):
        out = {}
        read = _boot('disk', 'cleared')
        result = dict(changed=False, sent=False, previous=read, current=read,
                      desired=dict(device='disk', persistent=False, efi=False))
        BootHooks.after_call(_Module(check_mode=True), {}, result, out)
        self.assertEqual('default', out['bootdev'])

    def test_consumed_override_reads_as_default(self):
        out = {}
        read = _boot('pxe', 'cleared')
        BootHooks.after_call(_Module(), {}, dict(changed=False, sent=False, previous=read, current=read), out)
        self.assertEqual('default', out['bootdev'])


if __name__ == '__main__':
    unittest.main()
