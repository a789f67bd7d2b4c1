#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
# Hand-written (not generated): one module for every method the host can fan out (x-fanOut in the schema).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipmi_fanout
short_description: Run one ipmirpc method on many BMCs in one task
version_added: "0.2.0"
description:
  - "Sends one C(ipmirpc) method to many BMCs from one process on the control node (run it with
    C(delegate_to: localhost) and C(run_once: true), or on a localhost play): the host's C(targets) fan-out, bounded to
    64 BMCs at once and one call at a time per BMC. One task instead of one task per host: Ansible's per-host,
    per-task cost is paid once."
  - "The target options (I(username), I(password), I(port), I(cipher_suite), ...) are the template every entry of
    I(hosts) uses; I(host) is not used."
  - "A BMC that fails is an entry with an C(error) in I(bmcs), not a failed task; use I(fail_on_error) to fail the
    task when any BMC failed."
  - "In check mode a method that changes BMCs is sent as a dry run."
options:
  method:
    description:
      - "The method, e.g. C(bmc.getDeviceId), C(chassis.getStatus), C(lan.getConfiguration); only methods with
        x-fanOut in the schema."
    type: str
    required: true
  hosts:
    description:
      - "BMC addresses or names, each possibly a pdsh/FreeIPMI range: C(bmc[001-100]), C(10.1.[0-3].[1-254]),
        C(127.0.0.1:[9001-9020]) (a port after ':'). An inventory group is
        C({{ groups['bmcs'] | map('extract', hostvars, 'bmc_address') | list }})."
    type: list
    elements: str
    default: []
  targets:
    description:
      - "More targets as the host takes them: names and group names of the I(targets_file), range objects
        C({hosts: ..., template: name}), or target objects."
    type: list
    elements: raw
    default: []
  targets_file:
    description:
      - "A C(--targets) file for the host (named targets and groups); the secrets stay in it."
    type: path
  params:
    description:
      - The method's own params (camelCase, as in the schema), the same for every BMC.
    type: dict
    default: {}
  allow_writes:
    description:
      - "A method that changes BMCs fans out only with this (the host refuses otherwise)."
    type: bool
    default: false
  fail_on_error:
    description:
      - Fail the task when any BMC answered with an error (the per-BMC results are still returned).
    type: bool
    default: false
extends_documentation_fragment: [ipmirpc.ipmi.target]
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
author:
  - "IpmiRpc contributors (@ipmirpc)"
'''

EXAMPLES = r'''
- name: Device ID of 20 BMCs in one task
  ipmirpc.ipmi.ipmi_fanout:
    method: bmc.getDeviceId
    hosts: ["10.1.0.[1-20]"]
    username: admin
    password_file: /etc/ipmi/admin.pw
  delegate_to: localhost
  run_once: true
  register: ids

- name: One line per BMC
  ansible.builtin.debug:
    msg: "{{ item.target }}: {{ item.result.firmwareRevision | default(item.error.message) }}"
  loop: "{{ ids.bmcs }}"
'''

RETURN = r'''
bmcs:
  description: One entry per BMC in input order, C(target) with C(result) or C(error) (code, message, data).
  returned: always
  type: list
  elements: dict
succeeded:
  description: How many BMCs answered.
  returned: always
  type: int
failed_bmcs:
  description: How many BMCs gave an error.
  returned: always
  type: int
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcClient, IpmiRpcError, build_target, default_call_timeout, failure_message, find_ipmirpc,
    target_argument_spec, _SECRET_OPTIONS)

# The host runs 64 BMCs at once (FanOutOptions.DefaultMaxConcurrency): the wait is per wave of 64.
HOST_CONCURRENCY = 64


def fan_out_targets(params):
    """The host's ``targets`` param: each entry of ``hosts`` over the template from the target options, then ``targets``."""
    # A placeholder host makes the shared options resolve as a lanplus target; each range fills in its own.
    template = build_target(dict(params, host=params.get('host') or 'template', transport=params.get('transport') or 'lanplus'))
    template.pop('host', None)
    return [dict(hosts=h, template=template) for h in params['hosts']] + list(params['targets'])


def main():
    spec = target_argument_spec(
        method=dict(type='str', required=True),
        hosts=dict(type='list', elements='str', default=[]),
        targets=dict(type='list', elements='raw', default=[]),
        targets_file=dict(type='path'),
        params=dict(type='dict', default={}),
        allow_writes=dict(type='bool', default=False),
        fail_on_error=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    p = module.params
    targets = fan_out_targets(p)
    if not targets:
        module.fail_json(msg='give hosts or targets')
    secrets = [p.get(s) for s in sorted(_SECRET_OPTIONS) if isinstance(p.get(s), str) and p.get(s)]
    client = None
    error = None
    try:
        path = find_ipmirpc(p.get('ipmirpc_path'))
        client = IpmiRpcClient(path, secrets=secrets, extra_args=['--targets', p['targets_file']] if p['targets_file'] else [])
        discover = client.call('rpc.discover', timeout=30.0)
        method = next((m for m in discover['methods'] if m['name'] == p['method']), None)
        if method is None or not method.get('x-fanOut'):
            raise IpmiRpcError(-32602, 'method %s does not exist or cannot fan out' % p['method'])
        mutating = bool(method.get('x-mutating'))
        call_params = dict(p['params'], targets=targets)
        if mutating:
            call_params['allowFanOutWrites'] = p['allow_writes']
            if module.check_mode:
                call_params['dryRun'] = True
        waves = 1 + len(targets) // HOST_CONCURRENCY  # a range counts as one here; its timeout grows below
        # The host bounds every BMC's call; this only guards against a hung host (a range may hold many hosts).
        timeout = default_call_timeout(p) * waves + 600.0
        answer = client.call(p['method'], call_params, timeout=timeout)
    except IpmiRpcError as e:
        error = e
    finally:
        if client is not None:
            client.close()
    if error is not None:
        module.fail_json(msg=failure_message(error), code=error.code, data=error.data)
    result = dict(bmcs=answer['results'], succeeded=answer['ok'], failed_bmcs=answer['failed'],
                  changed=mutating and not module.check_mode and answer['ok'] > 0)
    if p['fail_on_error'] and answer['failed']:
        module.fail_json(msg='%d of %d BMCs failed' % (answer['failed'], len(answer['results'])), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
