# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""The few module behaviours the schema cannot describe, by hand; the generated modules name their hooks.

Everything else a module does comes from plugins/module_utils/ipmirpc_runner.py and the schema.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_NUMERIC = re.compile(r'^\s*(0[xX][0-9a-fA-F]+|\d+)\s*$')


class RawHooks(object):
    """ipmi_raw: a raw request may or may not change the BMC; only the caller (read_only) knows."""

    @staticmethod
    def read_only(module):
        declared = module.params.get('read_only')
        if declared is not None:
            return declared
        command = str(module.params.get('command') or '').strip()
        # Catalogue names starting with Get are taken as read-only; numbers are not.
        return _NUMERIC.match(command) is None and command.startswith('Get')

    @staticmethod
    def before_call(module, params):
        if module.check_mode and not RawHooks.read_only(module):
            return dict(changed=True, skipped=True, msg='check mode: request not sent (not read-only)')
        return None

    @staticmethod
    def after_call(module, params, result, out):
        out['changed'] = not RawHooks.read_only(module)


class LanHooks(object):
    """ipmi_lan: a VLAN ID also switches tagging on or off, so the diff shows vlan_enabled too."""

    @staticmethod
    def diff_keys(params, keys):
        if 'vlanId' in params:
            return set(keys) | {'vlanEnabled'}
        return keys


# community.general.ipmi_power's states -> chassis.setPower actions (boot: on when off, else reset).
COMMUNITY_POWER_ACTIONS = {'on': 'on', 'off': 'off', 'shutdown': 'softOff', 'reset': 'reset'}

# The states community.general.ipmi_power waits for (pyghmi's set_power waits for on, off and shutdown only).
_WAITED = ('on', 'off', 'shutdown')


def _on_off(state):
    if not state:
        return None
    return 'on' if state.get('powerOn') else 'off'


class PowerHooks(object):
    """ipmi_power: community.general's state (and machine) besides ipmirpc's action, and its powerstate/status keys.

    Unlike community.general, an action that does not apply to the present state (shutdown or reset when off, on
    when on) is not sent and reports changed false; boot is on when off, else reset.
    """

    @staticmethod
    def before_call(module, params):
        state = module.params.get('state')
        if state is not None and module.params.get('action') is not None:
            module.fail_json(msg='parameters are mutually exclusive: action|state')
        if state is not None and state != 'boot':
            params['action'] = COMMUNITY_POWER_ACTIONS[state]
            if state in _WAITED:
                params['wait'] = True
        return None

    @staticmethod
    def call(module, session, method, params):
        machines = module.params.get('machine')
        if machines:
            return PowerHooks.call_bridged(module, session, machines, params)
        if module.params.get('state') != 'boot':
            return session.call(method, params)
        first = session.call(method, dict(params, action='on', wait=True))
        if first.get('changed') or first.get('previous', {}).get('powerOn') is False:
            return first
        return session.call(method, dict(params, action='reset'))

    @staticmethod
    def powerstate(result, check_mode):
        """on/off: the state reached; the state the action leads to when it would run (check mode) or ran and was
        not read back yet (reset without wait); the state read when the action does not apply."""
        if (check_mode and result.get('changed')) or (result.get('sent') and not result.get('current')):
            return _on_off(result.get('desired'))
        return _on_off(result.get('current') or result.get('previous'))

    @staticmethod
    def after_call(module, params, result, out):
        if 'status' in result:
            # The bridged form has community.general's shape already: its key targetAddress stays as spelt there (the
            # runner's snake_case made it target_address, so a playbook reading item.targetAddress broke).
            out['status'] = result['status']
            return
        out['powerstate'] = PowerHooks.powerstate(result, module.check_mode)
        if module._diff:
            out['diff'] = dict(before=dict(powerstate=_on_off(result.get('previous'))),
                               after=dict(powerstate=out['powerstate']))

    # -- machine: IPMB targets behind the BMC (Send Message bridging, as pyghmi's bridge_request) ---------------
    _CONTROL = {'on': 0x01, 'off': 0x00, 'softOff': 0x05, 'reset': 0x03}

    @staticmethod
    def call_bridged(module, session, machines, params):
        default_state = module.params.get('state')
        status = []
        changed = False
        for entry in machines:
            address = entry.get('targetAddress') if isinstance(entry, dict) else None
            state = (entry.get('state') if isinstance(entry, dict) else None) or default_state
            if not isinstance(address, int) or not 0 <= address <= 255:
                module.fail_json(msg='machine: targetAddress must be an integer from 0 to 255')
            if state not in ('on', 'off', 'shutdown', 'reset', 'boot'):
                module.fail_json(msg='machine: give state for targetAddress %d (on, off, shutdown, reset, boot) or a '
                                     'state for the task' % address)
            bridge = dict(responderAddress=address, channel=0)
            read = session.call('ipmi.requestResponse', dict(bridge, command='GetChassisStatus'))
            power_on = bool(read['data'][0] & 0x01)
            action = ('on' if not power_on else 'reset') if state == 'boot' else COMMUNITY_POWER_ACTIONS[state]
            applies = (action == 'on') != power_on
            entry_changed = applies
            if applies and not module.check_mode:
                session.call('ipmi.requestResponse', dict(bridge, command='ChassisControl',
                                                          data=[PowerHooks._CONTROL[action]]))
            desired = power_on if not applies else action in ('on', 'reset')
            changed = changed or entry_changed
            status.append(dict(targetAddress=address, powerstate='on' if desired else 'off', changed=entry_changed))
        return dict(changed=changed, status=status)


# community.general.ipmi_boot's bootdev names -> chassis.setBootDevice devices (floppy and safe are the same).
COMMUNITY_BOOT_DEVICES = {'network': 'pxe', 'hd': 'disk', 'optical': 'cdrom', 'setup': 'bios', 'default': 'none'}
_COMMUNITY_NAME_OF = dict((v, k) for k, v in COMMUNITY_BOOT_DEVICES.items())


class BootHooks(object):
    """ipmi_boot: community.general's bootdev names, state present/absent, uefiboot, and its bootdev/persistent/
    uefimode keys; ipmirpc's result (previous/desired/current with the valid bit) stays beside them."""

    @staticmethod
    def before_call(module, params):
        bootdev = module.params.get('bootdev')
        if module.params.get('state') == 'absent' and bootdev in ('default', 'none'):
            module.fail_json(msg="The bootdev '%s' cannot be used with state 'absent'." % bootdev)
        params['device'] = COMMUNITY_BOOT_DEVICES.get(bootdev, bootdev)
        return None

    @staticmethod
    def call(module, session, method, params):
        if module.params.get('state') != 'absent':
            return session.call(method, params)
        # absent: clear the override only when it is the one named (community.general's meaning).
        read = session.call('chassis.getBootDevice', {})
        if read.get('override') == 'pending' and read.get('device') == params['device']:
            return session.call(method, dict(params, device='none', persistent=False, efi=False))
        return dict(changed=False, sent=False, previous=read, current=read,
                    desired=dict(device=read.get('device'), persistent=read.get('persistent'), efi=read.get('efi')),
                    reason='the boot override is not %s' % module.params.get('bootdev'))

    @staticmethod
    def after_call(module, params, result, out):
        if module.check_mode and result.get('changed'):
            shown = result.get('desired') or {}
            device = shown.get('device')
        else:
            shown = result.get('current') or result.get('previous') or {}
            device = shown.get('device')
            if not result.get('sent') and shown.get('override') != 'pending':
                device = 'none'   # no override pending: the next boot follows the BIOS's order (community's default)
        out['bootdev'] = _COMMUNITY_NAME_OF.get(device, device)
        out['persistent'] = bool(shown.get('persistent'))
        out['uefimode'] = bool(shown.get('efi'))
        if module._diff:
            before = result.get('previous') or {}
            before_device = before.get('device') if before.get('override') == 'pending' else 'none'
            out['diff'] = dict(
                before=dict(bootdev=_COMMUNITY_NAME_OF.get(before_device, before_device),
                            persistent=bool(before.get('persistent')), uefimode=bool(before.get('efi'))),
                after=dict(bootdev=out['bootdev'], persistent=out['persistent'], uefimode=out['uefimode']))
