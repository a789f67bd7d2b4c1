#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipmi_system_info
short_description: Set BMC system information parameters (for example stamp the OS name)
version_added: "0.1.0"
description:
  - Makes the BMC's system information parameters (IPMI v2.0 section 22.14a, that is system name, operating
    system name and version, BMC URL, ...) equal to the values given, through C(ipmirpc) method
    C(systemInfo.set).
  - Idempotent. Reports C(changed) only when the BMC held a different value; in check mode nothing is
    written (ipmirpc's C(dryRun)) and C(changed) says whether it would have been.
  - With C(--diff) shows the values before and after.
options:
  values:
    description:
      - Parameter name to string value. Names in snake_case (C(operating_system_name)) or as ipmirpc
        spells them (C(operatingSystemName)).
      - Known names are C(system_firmware_version), C(system_name), C(primary_operating_system_name),
        C(operating_system_name), C(present_operating_system_version), C(bmc_url), C(hypervisor_url).
    type: dict
    default: {}
  operating_system_name:
    description: Shortcut for I(values.operating_system_name) (the currently running OS).
    type: str
  primary_operating_system_name:
    description: Shortcut for I(values.primary_operating_system_name).
    type: str
  present_operating_system_version:
    description: Shortcut for I(values.present_operating_system_version).
    type: str
  system_name:
    description: Shortcut for I(values.system_name).
    type: str
  system_firmware_version:
    description: Shortcut for I(values.system_firmware_version).
    type: str
  bmc_url:
    description: Shortcut for I(values.bmc_url).
    type: str
  hypervisor_url:
    description: Shortcut for I(values.hypervisor_url).
    type: str
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
- name: Stamp the running OS into the BMC, in-band
  become: true
  ipmirpc.ipmi.ipmi_system_info:
    operating_system_name: "{{ ansible_distribution }} {{ ansible_distribution_version }}"

- name: Same, out-of-band from the control node, and name the system
  ipmirpc.ipmi.ipmi_system_info:
    host: "{{ bmc_address }}"
    user: admin
    password: "{{ bmc_password }}"
    values:
      operating_system_name: Debian GNU/Linux 12
      system_name: "{{ inventory_hostname }}"
  delegate_to: localhost
'''

RETURN = r'''
values:
  description: The values asked for (snake_case names).
  returned: always
  type: dict
  sample: {"operating_system_name": "Debian GNU/Linux 12"}
previous:
  description: What the BMC held before, per parameter asked for (null where unsupported).
  returned: success
  type: dict
  sample: {"operating_system_name": "Debian GNU/Linux 11"}
current:
  description: What the BMC holds after the task (in check mode, what it would hold).
  returned: success
  type: dict
  sample: {"operating_system_name": "Debian GNU/Linux 12"}
changed_parameters:
  description: The parameters that differed (snake_case).
  returned: success
  type: list
  elements: str
  sample: [operating_system_name]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcSession, camel_case, snake_case, snake_keys, target_argument_spec)

SHORTCUTS = ('operating_system_name', 'primary_operating_system_name', 'present_operating_system_version',
             'system_name', 'system_firmware_version', 'bmc_url', 'hypervisor_url')


def main():
    spec = dict(values=dict(type='dict', default={}))
    spec.update((name, dict(type='str')) for name in SHORTCUTS)
    module = AnsibleModule(argument_spec=target_argument_spec(**spec), supports_check_mode=True)

    wanted = {}
    for name, value in (module.params['values'] or {}).items():
        if value is None or not isinstance(value, (str, int, float)):
            module.fail_json(msg='values.%s must be a string' % name, code=-32602,
                             data=dict(field='values.' + name, reason='not a string'))
        wanted[camel_case(name)] = str(value)
    for name in SHORTCUTS:
        if module.params[name] is not None:
            wanted[camel_case(name)] = module.params[name]
    if not wanted:
        module.fail_json(msg='nothing to set: give values or one of ' + ', '.join(SHORTCUTS), code=-32602,
                         data=dict(field='values', reason='empty'))

    session = IpmiRpcSession(module)
    result = session.call('systemInfo.set', dict(values=wanted, dryRun=module.check_mode))
    previous = result.get('previous') or {}
    current = result.get('current') or {}
    out = dict(changed=bool(result.get('changed')),
               values=dict((snake_case(k), v) for k, v in wanted.items()),
               previous=snake_keys(previous), current=snake_keys(current),
               changed_parameters=[snake_case(n) for n in result.get('changedParameters') or []])
    if module._diff:
        out['diff'] = dict(before=snake_keys(dict((k, previous.get(k)) for k in wanted)),
                           after=snake_keys(dict((k, current.get(k)) for k in wanted)))
    session.exit(**out)


if __name__ == '__main__':
    main()
