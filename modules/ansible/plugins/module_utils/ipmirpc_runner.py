# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""What every generated module runs: options -> JSON-RPC params, call(s), result -> module result.

The generated module (plugins/modules/*.py, from modules/generator/generate_wrappers.py) hands over its
argument spec and a DEFINITION:

    calls:    [{method, gather?, params: [[option, param, kind]], result: '' | key}]
              param 'values.operatingSystemName' is a member of the object param 'values';
              kind 'int_or_str' turns '0x01' / '1' into a number, 'dict' camel-cases the keys.
              result '' puts the result's keys at the top of the module result, a key nests it there.
    mutating: the method may change the BMC; dry_run: it takes dryRun (check mode).

Hooks (plugins/module_utils/ipmirpc_hooks.py) may add before_call(module, params) -> early result or None,
call(module, session, method, params) -> result (instead of the one call), after_call(module, params, result, out)
and diff_keys(params, keys).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (
    IpmiRpcSession, camel_case, snake_keys, target_argument_spec)
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_target import (
    TARGET_MUTUALLY_EXCLUSIVE, TARGET_REQUIRED_IF)

# The oldest Python the modules run on (the collection's support matrix: README.md).
MIN_PYTHON = (3, 6)

_NUMBER = re.compile(r'^\s*(0[xX][0-9a-fA-F]+|\d+)\s*$')


def number_or_name(value):
    """'0x01' and '1' are numbers; anything else (a catalogue name) stays text."""
    if isinstance(value, str) and _NUMBER.match(value):
        return int(value.strip(), 0)
    return value


def build_params(module, call):
    params = {}
    for option, name, kind in call['params']:
        value = module.params.get(option)
        if value is None:
            continue
        if kind == 'int_or_str':
            value = number_or_name(value)
        elif kind == 'dict':
            value = dict((camel_case(k), v) for k, v in value.items())
        if '.' in name:
            outer, inner = name.split('.', 1)
            params.setdefault(outer, {})[inner] = value
        elif isinstance(value, dict) and isinstance(params.get(name), dict):
            merged = dict(value)
            merged.update(params[name])
            params[name] = merged
        else:
            params[name] = value
    return params


def diff_of(params, result, hooks):
    """Before/after of what the task is about: the params given that the result's previous/current carry."""
    previous = result.get('previous') or {}
    current = result.get('current') or {}
    keys = set()
    for name, value in params.items():
        if isinstance(value, dict):
            keys.update(k for k in value if k in previous)
        elif name in previous:
            keys.add(name)
    if hooks is not None and hasattr(hooks, 'diff_keys'):
        keys = hooks.diff_keys(params, keys)
    return dict(before=snake_keys(dict((k, previous.get(k)) for k in keys)),
                after=snake_keys(dict((k, current.get(k)) for k in keys)))


def run_module(argument_spec, definition, hooks=None, required_one_of=None):
    module = AnsibleModule(
        argument_spec=target_argument_spec(**argument_spec),
        supports_check_mode=True,
        required_if=list(TARGET_REQUIRED_IF),
        mutually_exclusive=list(TARGET_MUTUALLY_EXCLUSIVE),
        required_one_of=required_one_of or [],
    )
    if sys.version_info < MIN_PYTHON:
        # Python 2.7 got as far as the socket client and died there with a traceback: refuse up front instead.
        module.fail_json(msg='ipmirpc.ipmi needs Python %d.%d or later on the host that runs the module, found %s; '
                             'set ansible_python_interpreter to a Python 3' % (MIN_PYTHON + (sys.version.split()[0],)))
    gather = module.params.get('gather')
    calls = [c for c in definition['calls'] if gather is None or c.get('gather') is None or c['gather'] in gather]
    out = dict(changed=False)
    session = None
    for call in calls:
        params = build_params(module, call)
        if hooks is not None and hasattr(hooks, 'before_call'):
            early = hooks.before_call(module, params)
            if early is not None:
                module.exit_json(**early)
        if definition['dry_run']:
            params['dryRun'] = module.check_mode
        if session is None:
            session = IpmiRpcSession(module)
        if hooks is not None and hasattr(hooks, 'call'):
            result = hooks.call(module, session, call['method'], params)
        else:
            result = session.call(call['method'], params)
        shaped = snake_keys(result)
        if call['result']:
            out[call['result']] = shaped
        else:
            out.update(shaped)
        if definition['dry_run']:
            out['changed'] = bool(result.get('changed'))
            if module._diff and isinstance(result, dict) and 'previous' in result:
                out['diff'] = diff_of(params, result, hooks)
        if hooks is not None and hasattr(hooks, 'after_call'):
            hooks.after_call(module, params, result, out)
    if session is None:
        module.exit_json(**out)
    session.exit(**out)
