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
