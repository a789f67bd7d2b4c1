# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""module_utils without a BMC: target building, option -> param mapping, failure messages.

Runs under ``ansible-test units`` or plainly:
``/usr/bin/python3 -m unittest discover -s modules/ansible/tests/unit/plugins/module_utils``
(the collection is then made importable from a temp ansible_collections tree).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import os
import shutil
import sys
import json
import tempfile
import unittest

try:
    from unittest import mock
except ImportError:  # Python 2: the modules refuse it anyway
    mock = None

try:
    import ansible_collections.ipmirpc.ipmi  # noqa: F401  pylint: disable=unused-import
except ImportError:
    _COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
    _ROOT = tempfile.mkdtemp(prefix='ipmirpc-units-')
    os.makedirs(os.path.join(_ROOT, 'ansible_collections', 'ipmirpc'))
    os.symlink(_COLLECTION, os.path.join(_ROOT, 'ansible_collections', 'ipmirpc', 'ipmi'))
    sys.path.insert(0, _ROOT)
    atexit.register(shutil.rmtree, _ROOT, True)  # removes the link, never the collection it points to

from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import (  # noqa: E402
    IpmiRpcError, build_target, failure_message)
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_runner import (  # noqa: E402
    build_params, number_or_name, run_module)
from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_target import (  # noqa: E402
    TARGET_ARGUMENT_SPEC, TARGET_SECRET_OPTIONS)


class _Module(object):
    def __init__(self, **params):
        self.params = params


class BuildTargetTest(unittest.TestCase):
    def test_no_target_options_means_the_local_default(self):
        self.assertIsNone(build_target(dict(username='admin', password='pw')))

    def test_host_implies_lanplus_and_fills_the_generated_fields(self):
        target = build_target(dict(host='bmc1', port=6230, username='admin', password='pw', cipher_suite=17,
                                   password_file=None, allow_insecure=True, device='/dev/ipmi1'))
        self.assertEqual(dict(transport='lanplus', host='bmc1', port=6230, username='admin', password='pw',
                              cipherSuite=17, allowInsecure=True), target)

    def test_fields_of_another_transport_are_left_out(self):
        target = build_target(dict(device='/dev/ipmi1', username='from-IPMI_USER', password='pw'))
        self.assertEqual(dict(transport='openipmi', device='/dev/ipmi1'), target)

    def test_seed_spellings(self):
        target = build_target(dict(host='bmc1', kg='0x0102', attempt_timeout=2.5))
        self.assertEqual('0102', target['kgHex'])
        self.assertNotIn('kg', target)
        self.assertEqual(2500, target['timeoutMs'])
        self.assertEqual('secret', build_target(dict(host='bmc1', kg='secret'))['kg'])

    def test_timeout_is_the_task_deadline_not_the_attempt(self):
        # community.general's timeout: 300 must not become a 300 s wait per attempt (x retries x requests).
        self.assertNotIn('timeoutMs', build_target(dict(host='bmc1', timeout=300)))

    def test_community_general_spellings(self):
        spec = TARGET_ARGUMENT_SPEC
        self.assertIn('name', spec['host']['aliases'])
        self.assertIn('user', spec['username']['aliases'])
        self.assertIn('key', spec['kg_hex']['aliases'])
        self.assertIn('admin', spec['privilege']['choices'])
        target = build_target(dict(host='bmc1', kg_hex='0102', privilege='admin'))
        self.assertEqual('administrator', target['privilege'])
        self.assertEqual('0102', target['kgHex'])

    def test_secrets_are_no_log(self):
        self.assertEqual({'password', 'kg', 'kg_hex'}, set(TARGET_SECRET_OPTIONS))
        for option in TARGET_SECRET_OPTIONS:
            self.assertTrue(TARGET_ARGUMENT_SPEC[option].get('no_log'), option)
        self.assertNotIn('cim', TARGET_ARGUMENT_SPEC['transport']['choices'])


class BuildParamsTest(unittest.TestCase):
    def test_flattened_options_and_the_dict_merge_into_one_object_param(self):
        call = dict(params=[['values', 'values', 'dict'], ['operating_system_name', 'values.operatingSystemName', ''],
                            ['system_name', 'values.systemName', '']])
        module = _Module(values=dict(system_name='from-dict', bmc_url='http://x'), operating_system_name='Debian',
                         system_name=None)
        self.assertEqual(dict(values=dict(operatingSystemName='Debian', systemName='from-dict', bmcUrl='http://x')),
                         build_params(module, call))

    def test_number_or_name(self):
        self.assertEqual(1, number_or_name('0x01'))
        self.assertEqual(6, number_or_name(' 6 '))
        self.assertEqual('GetDeviceId', number_or_name('GetDeviceId'))
        call = dict(params=[['command', 'command', 'int_or_str'], ['net_fn', 'netFn', '']])
        self.assertEqual(dict(command=2), build_params(_Module(command='0x02', net_fn=None), call))


class FailureMessageTest(unittest.TestCase):
    def test_invalid_params_name_the_field_and_the_reason(self):
        error = IpmiRpcError(-32602, 'Invalid params', dict(field='netFn', reason='must be even'))
        self.assertEqual('Invalid params: netFn (must be even)', failure_message(error))

    def test_a_message_that_already_names_them_is_kept(self):
        error = IpmiRpcError(-32602, 'netFn: must be even', dict(field='netFn', reason='must be even'))
        self.assertEqual('netFn: must be even', failure_message(error))

    def test_other_codes_are_untouched(self):
        self.assertEqual('Authentication failed', failure_message(IpmiRpcError(-32003, 'Authentication failed', {})))


class PythonVersionTest(unittest.TestCase):
    def test_python_2_is_refused_with_a_message_not_a_traceback(self):
        from ansible.module_utils import basic
        basic._ANSIBLE_ARGS = json.dumps(dict(ANSIBLE_MODULE_ARGS={})).encode('utf-8')
        try:
            with mock.patch.object(sys, 'version_info', (2, 7, 18, 'final', 0)), \
                    mock.patch.object(basic.AnsibleModule, 'fail_json', side_effect=SystemExit(1)) as fail, \
                    mock.patch.object(basic.AnsibleModule, 'exit_json', side_effect=AssertionError('ran')):
                with self.assertRaises(SystemExit):
                    run_module({}, dict(calls=[dict(method='bmc.getDeviceId', params=[], result='')],
                                        dry_run=False, mutating=False))
        finally:
            basic._ANSIBLE_ARGS = None
        self.assertIn('needs Python 3.6 or later', fail.call_args[1]['msg'])
        self.assertIn('ansible_python_interpreter', fail.call_args[1]['msg'])


if __name__ == '__main__':
    unittest.main()
