#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipmi_lan
short_description: Set the BMC's LAN configuration (IP address, source, netmask, gateway, VLAN)
version_added: "0.1.0"
description:
  - Makes the BMC's LAN configuration (IPMI v2.0 section 23.1) match the options given, through
    C(ipmirpc) method C(lan.setConfiguration), which writes with the set-in-progress protocol.
  - Only the options given are compared and written. Reports C(changed) only when the BMC held a
    different value; in check mode nothing is written (ipmirpc's C(dryRun)).
  - With C(--diff) shows the values before and after.
  - Changing the address you are talking to moves the BMC away from this session; the next task
    must use the new address.
options:
  channel:
    description:
      - LAN channel number. ipmirpc picks the first 802.3 LAN channel when omitted.
    type: int
  ip_address:
    description: Static IPv4 address of the BMC.
    type: str
  ip_address_source:
    description: Where the BMC gets its address.
    type: str
    choices: [static, dhcp]
  subnet_mask:
    description: IPv4 subnet mask (C(255.255.255.0)).
    type: str
  default_gateway:
    description: Default gateway IPv4 address.
    type: str
  default_gateway_mac:
    description: Default gateway MAC address (C(aa:bb:cc:dd:ee:ff)).
    type: str
  vlan_id:
    description:
      - 802.1q VLAN ID. C(1)-C(4094) turns tagging on with that ID; C(0) turns it off.
    type: int
  vlan_priority:
    description: 802.1q VLAN priority (0-7).
    type: int
extends_documentation_fragment:
  - ipmirpc.ipmi.target
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
author:
  - IpmiRpc contributors
'''

EXAMPLES = r'''
- name: Give the BMC a static address, in-band from the managed host
  become: true
  ipmirpc.ipmi.ipmi_lan:
    ip_address_source: static
    ip_address: 192.0.2.10
    subnet_mask: 255.255.255.0
    default_gateway: 192.0.2.1

- name: Put the BMC on VLAN 42, out-of-band
  ipmirpc.ipmi.ipmi_lan:
    host: "{{ bmc_address }}"
    user: admin
    password: "{{ bmc_password }}"
    vlan_id: 42
  delegate_to: localhost
'''

RETURN = r'''
previous:
  description: The BMC's settable LAN values before the task.
  returned: success
  type: dict
  sample: {"ip_address": "192.0.2.99", "subnet_mask": "255.255.255.0", "vlan_enabled": false}
current:
  description: The BMC's settable LAN values after the task (in check mode, what they would be).
  returned: success
  type: dict
  sample: {"ip_address": "192.0.2.10", "subnet_mask": "255.255.255.0", "vlan_enabled": false}
changed_fields:
  description: The settings that differed (snake_case).
  returned: success
  type: list
  elements: str
  sample: [ip_address]
channel:
  description: The LAN channel used.
  returned: success
  type: int
  sample: 1
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcSession, snake_case, snake_keys, target_argument_spec)

# Module option -> lan.setConfiguration parameter (schema/methods/lan.setConfiguration.json).
SETTINGS = dict(
    ip_address=(dict(type='str'), 'ipAddress'),
    ip_address_source=(dict(type='str', choices=['static', 'dhcp']), 'ipAddressSource'),
    subnet_mask=(dict(type='str'), 'subnetMask'),
    default_gateway=(dict(type='str'), 'defaultGatewayIp'),
    default_gateway_mac=(dict(type='str'), 'defaultGatewayMac'),
    vlan_id=(dict(type='int'), 'vlanId'),
    vlan_priority=(dict(type='int'), 'vlanPriority'),
)


def main():
    spec = dict(channel=dict(type='int'))
    spec.update((k, dict(v[0])) for k, v in SETTINGS.items())
    module = AnsibleModule(argument_spec=target_argument_spec(**spec), supports_check_mode=True)
    p = module.params

    wanted = dict((SETTINGS[name][1], p[name]) for name in SETTINGS if p[name] is not None)
    if not wanted:
        module.fail_json(msg='nothing to set: give at least one of ' + ', '.join(sorted(SETTINGS)), code=-32602,
                         data=dict(field='ip_address', reason='empty'))
    if p['vlan_id'] is not None and not 0 <= p['vlan_id'] <= 4094:
        module.fail_json(msg='vlan_id must be 0-4094', code=-32602, data=dict(field='vlan_id', reason='range'))
    if p['vlan_priority'] is not None and not 0 <= p['vlan_priority'] <= 7:
        module.fail_json(msg='vlan_priority must be 0-7', code=-32602,
                         data=dict(field='vlan_priority', reason='range'))

    session = IpmiRpcSession(module)
    params = dict(wanted)
    if p['channel'] is not None:
        params['channel'] = p['channel']
    params['dryRun'] = module.check_mode
    result = session.call('lan.setConfiguration', params)

    previous = result.get('previous') or {}
    current = result.get('current') or {}
    out = dict(changed=bool(result.get('changed')), channel=result.get('channel'),
               changed_fields=[snake_case(f) for f in result.get('changedFields') or []],
               previous=snake_keys(previous), current=snake_keys(current))
    if module._diff:
        # Only what the task is about (VLAN ID also switches tagging on or off).
        keys = set(wanted) | (set(['vlanEnabled']) if 'vlanId' in wanted else set())
        out['diff'] = dict(before=snake_keys(dict((k, previous.get(k)) for k in keys)),
                           after=snake_keys(dict((k, current.get(k)) for k in keys)))
    session.exit(**out)


if __name__ == '__main__':
    main()
