#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipmi_bmc_info
short_description: Gather BMC facts (device ID, LAN configuration, system info)
version_added: "0.1.0"
description:
  - Reads the BMC's Get Device ID (C(bmc.getDeviceId)), its LAN configuration
    (C(lan.getConfiguration)) and its system information parameters (C(systemInfo.get)) through
    C(ipmirpc) and returns them as facts. Reads only; never changes the BMC.
  - Keys are the ipmirpc result names in snake_case (C(ipAddress) becomes C(ip_address)).
options:
  gather:
    description:
      - Which facts to read.
    type: list
    elements: str
    choices: [device, lan, system_info]
    default: [device, lan, system_info]
  lan_channel:
    description:
      - LAN channel number. ipmirpc picks the first 802.3 LAN channel when omitted.
    type: int
extends_documentation_fragment:
  - ipmirpc.ipmi.target
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
author:
  - IpmiRpc contributors
'''

EXAMPLES = r'''
- name: Read the BMC of each inventory host, out-of-band from the control node
  ipmirpc.ipmi.ipmi_bmc_info:
    host: "{{ bmc_address }}"
    user: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost

- name: Show the BMC's IP address and firmware
  ansible.builtin.debug:
    msg: "{{ ipmi_lan.ip_address }} fw {{ ipmi_device.firmware_revision | default('?') }}"

- name: Only the device ID, in-band
  become: true
  ipmirpc.ipmi.ipmi_bmc_info:
    gather: [device]
'''

RETURN = r'''
ansible_facts:
  description: The facts read.
  returned: always
  type: complex
  contains:
    ipmi_device:
      description: Decoded Get Device ID (device ID, revision, firmware, IPMI version, manufacturer, product, ...).
      returned: when C(device) is gathered
      type: dict
      sample: {"device_id": 32, "manufacturer_id": 4753, "product_id": 3842}
    ipmi_lan:
      description: LAN configuration (channel, IP address and source, subnet mask, MAC, gateways, VLAN, ...).
      returned: when C(lan) is gathered
      type: dict
      sample: {"channel": 1, "ip_address": "192.0.2.10", "ip_address_source": "static"}
    ipmi_system_info:
      description: System information parameters; null where the BMC does not support one.
      returned: when C(system_info) is gathered
      type: dict
      sample: {"operating_system_name": "Debian GNU/Linux 12", "system_name": null}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcSession, snake_keys, target_argument_spec)


def main():
    module = AnsibleModule(
        argument_spec=target_argument_spec(
            gather=dict(type='list', elements='str', choices=['device', 'lan', 'system_info'],
                        default=['device', 'lan', 'system_info']),
            lan_channel=dict(type='int'),
        ),
        supports_check_mode=True,
    )
    gather = module.params['gather']
    session = IpmiRpcSession(module)
    facts = {}
    if 'device' in gather:
        facts['ipmi_device'] = snake_keys(session.call('bmc.getDeviceId'))
    if 'lan' in gather:
        params = {}
        if module.params['lan_channel'] is not None:
            params['channel'] = module.params['lan_channel']
        facts['ipmi_lan'] = snake_keys(session.call('lan.getConfiguration', params))
    if 'system_info' in gather:
        facts['ipmi_system_info'] = snake_keys(session.call('systemInfo.get'))
    session.exit(changed=False, ansible_facts=facts)


if __name__ == '__main__':
    main()
