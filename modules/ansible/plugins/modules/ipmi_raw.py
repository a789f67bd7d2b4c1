#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipmi_raw
short_description: Send one raw IPMI request and return the response
version_added: "0.1.0"
description:
  - Sends one IPMI request through C(ipmirpc) (method C(ipmi.requestResponse)) and returns the
    completion code and response data.
  - A non-zero completion code fails the task with I(code=-32001) and I(completion_code).
  - Whether a raw request changes the BMC cannot be known in general. With I(read_only=true) the
    request is reported as not changing anything and is also sent in check mode; otherwise it is
    reported as changed and skipped in check mode. When I(read_only) is not given, catalogue
    command names starting with C(Get) count as read-only and numeric commands do not.
options:
  command:
    description:
      - The command, a number (C(0x01)) with I(netfn), or a catalogue name such as C(GetDeviceId),
        from which the NetFn is derived.
    type: str
    required: true
  netfn:
    description:
      - Network function code (for example C(6) for App). Required with a numeric I(command).
    type: int
  lun:
    description:
      - Logical unit number of the responder.
    type: int
    default: 0
  responder_address:
    description:
      - Responder slave address (IPMB). ipmirpc defaults to C(0x20), the BMC.
    type: int
  data:
    description:
      - Request data bytes, as a list of integers or a hex string (C("01 02") or C("0102")).
    type: raw
    default: []
  read_only:
    description:
      - Declare that the request does not change the BMC. See the description for the default.
    type: bool
extends_documentation_fragment:
  - ipmirpc.ipmi.target
attributes:
  check_mode:
    support: partial
    details: Only read-only requests are sent in check mode.
  diff_mode:
    support: none
author:
  - IpmiRpc contributors
'''

EXAMPLES = r'''
- name: Get Device ID by name, out-of-band
  ipmirpc.ipmi.ipmi_raw:
    host: 192.0.2.10
    user: admin
    password: "{{ bmc_password }}"
    command: GetDeviceId
  delegate_to: localhost
  register: devid

- name: Get Device ID by number, in-band on the managed host
  become: true
  ipmirpc.ipmi.ipmi_raw:
    netfn: 6
    command: "0x01"

- name: Get LAN configuration parameter 3 (IP address) of channel 1
  ipmirpc.ipmi.ipmi_raw:
    host: 192.0.2.10
    user: admin
    password: "{{ bmc_password }}"
    netfn: 0x0c
    command: "0x02"
    data: [1, 3, 0, 0]
    read_only: true
  delegate_to: localhost
'''

RETURN = r'''
completion_code:
  description: The completion code (always 0 on success; failures carry it too).
  returned: always
  type: int
  sample: 0
completion_text:
  description: The completion code's meaning.
  returned: success
  type: str
  sample: Command Completed Normally
data:
  description: Response data bytes after the completion code.
  returned: success
  type: list
  elements: int
  sample: [32, 1, 0, 72, 2, 159, 145, 18, 0, 2, 15, 0, 0, 0, 0]
hex:
  description: The response data as a hex string.
  returned: success
  type: str
  sample: "2001004802..."
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcSession, snake_keys, target_argument_spec)


def parse_data(module, data):
    if data is None:
        return []
    if isinstance(data, str):
        text = re.sub(r'[\s,:]', '', re.sub(r'0[xX]', '', data))
        if len(text) % 2 or not re.match(r'^[0-9a-fA-F]*$', text):
            module.fail_json(msg='data must be hex bytes or a list of integers', code=-32602,
                             data=dict(field='data', reason='not hex'))
        return [int(text[i:i + 2], 16) for i in range(0, len(text), 2)]
    if isinstance(data, list):
        out = []
        for b in data:
            try:
                v = int(b, 0) if isinstance(b, str) else int(b)
            except (TypeError, ValueError):
                v = -1
            if not 0 <= v <= 255:
                module.fail_json(msg='data bytes must be 0-255', code=-32602, data=dict(field='data', reason='range'))
            out.append(v)
        return out
    module.fail_json(msg='data must be hex bytes or a list of integers', code=-32602,
                     data=dict(field='data', reason='type'))


def main():
    module = AnsibleModule(
        argument_spec=target_argument_spec(
            command=dict(type='str', required=True),
            netfn=dict(type='int'),
            lun=dict(type='int', default=0),
            responder_address=dict(type='int'),
            data=dict(type='raw', default=[]),
            read_only=dict(type='bool'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    command = p['command'].strip()
    numeric = re.match(r'^(0[xX][0-9a-fA-F]+|\d+)$', command) is not None
    if numeric and p['netfn'] is None:
        module.fail_json(msg='netfn is required with a numeric command', code=-32602,
                         data=dict(field='netfn', reason='required'))
    read_only = p['read_only']
    if read_only is None:
        read_only = not numeric and command.startswith('Get')

    if module.check_mode and not read_only:
        module.exit_json(changed=True, skipped=True, msg='check mode: request not sent (not read-only)')

    params = dict(command=int(command, 0) if numeric else command, lun=p['lun'], data=parse_data(module, p['data']))
    if p['netfn'] is not None:
        params['netFn'] = p['netfn']
    if p['responder_address'] is not None:
        params['responderAddress'] = p['responder_address']

    session = IpmiRpcSession(module)
    result = session.call('ipmi.requestResponse', params)
    session.exit(changed=not read_only, **snake_keys(result))


if __name__ == '__main__':
    main()
