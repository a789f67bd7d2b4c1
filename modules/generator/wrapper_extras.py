# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""What the OpenRPC document cannot say about the wrappers, written by hand.

Everything here is wrapper prose or wrapper idiom: examples, a module's short description, option aliases
kept for playbooks and scripts written against the seed, the name of a hand-written hook. Types, ranges,
choices, defaults, descriptions, secrets, check mode and parameter sets come from the schema.
generate_wrappers.py refuses an entry here that names an option or parameter the schema does not have.
"""

# ---------------------------------------------------------------------------------------------------------
# Ansible
# ---------------------------------------------------------------------------------------------------------

# Options every module has that are about the wrapper, not the BMC (ahead of the schema's Target fields).
ANSIBLE_WRAPPER_OPTIONS = {
    'ipmirpc_path': dict(
        spec=dict(type='path'),
        description=[
            'Path of the C(ipmirpc) executable on the host that runs the module.',
            'When omitted, the C(IPMIRPC_PATH) environment variable is used, then C(ipmirpc) on C(PATH).',
            'The module fails with a clear message when none of these finds an executable.',
        ]),
    'ipmirpc_socket': dict(
        spec=dict(type='str'),
        description=[
            'Share one long-lived C(ipmirpc serve --socket PATH) between tasks on this host, so IPMI sessions '
            'are opened once and reused by later tasks instead of once per task. Each task runs '
            'C(ipmirpc connect --socket PATH), which relays to that server.',
            'A socket path, or C(auto) for C($XDG_RUNTIME_DIR/ipmirpc.sock) (when that is a private directory of '
            'this user) or else C(/tmp/ipmirpc-<uid>/ipmirpc.sock) (a directory created with mode 0700).',
            'When nothing listens there, C(ipmirpc connect) starts the server detached (its log is C(PATH.log), '
            'mode 0600); concurrent tasks wait on C(PATH.start.lock) so only one starts it. The server exits '
            'after 300 s without a connection, closing its sessions.',
            'A server of another C(ipmirpc) build or binary, or started with other settings, is never used: the '
            'task starts one of its own on C(PATH.<hash>) instead.',
            'If the shared server cannot be reached, started, or does not answer within 10 s, the task runs '
            'in-process as without this option; the reason, naming the socket and its log, is on C(ipmirpc)\'s '
            'stderr.',
            'The server and the tasks must run as the same user; the socket is mode 0600 and both sides check '
            "the peer's uid. Passwords still travel only inside the JSON requests.",
            'When omitted, the C(IPMIRPC_SOCKET) environment variable is used; empty means no shared server.',
        ]),
    # community.general's meaning (ipmi_power: wait up to this long): a deadline for the whole task. The
    # per-attempt value is attempt_timeout (seconds) or the schema's timeout_ms.
    'timeout': dict(
        spec=dict(type='float'),
        description=['Deadline in seconds for the whole task, as in community.general.ipmi_power: every request '
                     'and every wait of the task ends by then (C(-32004) when it passes).',
                     'Each request gets what is left of it as its ipmirpc C(timeoutMs).',
                     'Until version 0.2 this was the wait for each attempt; that is now I(attempt_timeout).']),
    'attempt_timeout': dict(
        spec=dict(type='float'),
        description=['Seconds to wait for each attempt of an IPMI request before retransmitting; the same as '
                     'I(timeout_ms) / 1000. Give one of the two.']),
}

# Target fields: how the collection spells them where it differs from snake_case, and where a value may come
# from the environment of the process running the module.
ANSIBLE_TARGET = dict(
    # community.general's ipmi_* spellings, so a playbook switches by changing the FQCN: name is the BMC, key the
    # Kg as plain hex (no 0x), privilege admin as pyghmi and ipmitool -L spell it.
    aliases={'username': ['user'], 'host': ['name'], 'kg_hex': ['key']},
    extra_choices={'privilege': {'admin': 'administrator'}},
    env_fallback={'username': ['IPMI_USER'], 'password': ['IPMI_PASSWORD']},
    # Python modules run on POSIX hosts only; cim needs Windows (the PowerShell module covers it).
    transports=['lanplus', 'openipmi'],
    # One Kg source: key (kg_hex) copied from community.general beside a kg of ours is refused, not resolved.
    mutually_exclusive=[('attempt_timeout', 'timeout_ms'), ('kg', 'kg_hex', 'kg_env', 'kg_file')],
    description_suffix={
        'kg': ['A value starting with C(0x) is read as hexadecimal (the same as I(kg_hex)).',
               'Give at most one of I(kg), I(kg_hex) (alias I(key)), I(kg_env) and I(kg_file).'],
        'kg_hex': ['Alias I(key) as in community.general.ipmi_power (plain hex, no C(0x)).'],
        'privilege': ['C(admin) is the same as C(administrator).'],
        'password_file': ['Read by C(ipmirpc) on the host that runs the module; keeps the password out of the task.'],
        'allow_insecure': ['Needed for I(cipher_suite=0).'],
    },
)

ANSIBLE_FRAGMENT_NOTES = [
    'Each task starts one C(ipmirpc) process, reuses one IPMI session for all its requests and '
    'closes the session when the task ends; with I(ipmirpc_socket) the tasks share one C(ipmirpc) '
    'and its sessions instead.',
    'The options can be set once per play with C(module_defaults) and the action group '
    'C(group/ipmirpc.ipmi.ipmi) (for example I(host), I(username), I(password)).',
    'Failures return I(msg) (the JSON-RPC error message; for C(-32602) with the offending field and the '
    'reason), I(code) (the JSON-RPC error code, for example C(-32001) for a non-zero completion code, '
    'C(-32003) for failed authentication, C(-32004) for a timeout) and I(data); I(completion_code) when '
    'the BMC returned one. Codes C(-32090) to C(-32093) mean the wrapper could not find, start or '
    'understand C(ipmirpc).',
]

ANSIBLE_MODULES = {
    # Drop-ins for community.general.ipmi_power / ipmi_boot: their options, choices and result keys beside ours
    # (mapped in PowerHooks / BootHooks); the target options name, user, key, port and timeout are shared.
    'ipmi_power': dict(
        short_description='Power a host on or off, reset, cycle or soft-shut it down (drop-in for community.general.ipmi_power)',
        description=[
            'Takes community.general.ipmi_power\'s options (I(name), I(user), I(password), I(key), I(port), '
            'I(state), I(timeout), I(machine)) as well as I(action), so a playbook switches by changing the FQCN.',
            'Unlike community.general, I(state=shutdown) or I(state=reset) on a powered-off host, and I(state=on) '
            'on a powered-on one, send nothing and report C(changed=false) with the I(reason).',
            'I(state=on), C(off) and C(shutdown) wait until the state is reached, as community.general does; '
            'I(timeout) bounds the whole task, including that wait.',
            'Returns I(powerstate) (and I(status) with I(machine)) as community.general does, plus ipmirpc\'s '
            'I(previous), I(desired), I(current) and I(reason).'],
        optional=['action'],
        extra_options={
            'state': dict(spec=dict(type='str', choices=['on', 'off', 'shutdown', 'reset', 'boot']),
                          description=['community.general\'s power state: C(shutdown) is I(action=softOff); C(boot) '
                                       'is C(on) when off, else C(reset). Give I(state) or I(action), not both.']),
            'machine': dict(spec=dict(type='list', elements='dict'),
                            description=['Controllers behind the BMC (IPMB, channel 0) as in community.general: '
                                         'each a dict with C(targetAddress) (0-255, required) and an optional '
                                         'C(state) (else the task\'s I(state)).',
                                         'Returns I(status), a list of C(targetAddress), C(powerstate), C(changed).']),
        },
        required_one_of=[['action', 'state', 'machine']],
        extra_returns={
            'powerstate': [('description', ['The power state as community.general reports it: C(on) or C(off) as '
                                             'read back (in check mode: the state the task would produce).']),
                           ('returned', 'success, without I(machine)'), ('type', 'str'), ('sample', 'on')],
            'status': [('description', ['With I(machine): one entry per controller, C(targetAddress), '
                                         'C(powerstate) and C(changed).']),
                       ('returned', 'with I(machine)'), ('type', 'list'), ('elements', 'dict')],
        },
        hooks='PowerHooks',
        examples=r'''
- name: Power on (community.general.ipmi_power's options, unchanged)
  ipmirpc.ipmi.ipmi_power:
    name: "{{ bmc_address }}"
    user: admin
    password: "{{ bmc_password }}"
    state: on
    timeout: 120
  delegate_to: localhost

- name: Power cycle, which community.general cannot do
  ipmirpc.ipmi.ipmi_power:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    action: cycle
  delegate_to: localhost
'''),
    # community.general.ipmi_boot calls the boot device bootdev; device is the in-band target's device path.
    'ipmi_boot': dict(
        rename={'device': 'bootdev'},
        short_description='Set the boot device override (drop-in for community.general.ipmi_boot)',
        description=[
            'Takes community.general.ipmi_boot\'s options and choices (I(bootdev) C(network), C(hd), C(optical), '
            'C(setup), C(default), I(state), I(persistent), I(uefiboot)) as well as ipmirpc\'s device names.',
            'Returns I(bootdev) (community.general\'s name where it has one), I(persistent) and I(uefimode), plus '
            'the override as read back (I(previous), I(current), with the valid bit): a consumed or expired '
            'override reads as such, not as a persistent default.'],
        extra_choices={'bootdev': ['network', 'hd', 'optical', 'setup', 'default']},
        aliases={'efi': ['uefiboot']},
        extra_options={
            'state': dict(spec=dict(type='str', choices=['present', 'absent'], default='present'),
                          description=['C(present) sets the override; C(absent) clears it only when the pending '
                                       'override is I(bootdev) (community.general\'s meaning).']),
        },
        extra_returns={
            'bootdev': [('description', ['The boot device override as read back, in community.general\'s names '
                                          'where it has one (C(network), C(hd), C(optical), C(setup), C(default)).']),
                        ('returned', 'success'), ('type', 'str'), ('sample', 'network')],
            'persistent': [('description', ['Whether the override applies to every boot, as read back.']),
                           ('returned', 'success'), ('type', 'bool')],
            'uefimode': [('description', ['Whether the override asks for an EFI boot, as read back.']),
                         ('returned', 'success'), ('type', 'bool')],
        },
        hooks='BootHooks',
        examples=r'''
- name: Boot from the network next time (community.general.ipmi_boot's options, unchanged)
  ipmirpc.ipmi.ipmi_boot:
    name: "{{ bmc_address }}"
    user: admin
    password: "{{ bmc_password }}"
    bootdev: network
  delegate_to: localhost
'''),
    # A bare off: key is YAML 1.1's boolean false in DOCUMENTATION.
    'ipmi_identify': dict(rename={'off': 'turn_off'}, examples=r'''
- name: Blink the identify light for two minutes so someone finds the server
  ipmirpc.ipmi.ipmi_identify:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    seconds: 120
  delegate_to: localhost

- name: Turn it off again
  ipmirpc.ipmi.ipmi_identify:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    turn_off: true
  delegate_to: localhost
'''),
    'ipmi_boot_info': dict(examples=r'''
- name: Read the boot override
  ipmirpc.ipmi.ipmi_boot_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: boot

- name: Report a pending one-time PXE boot
  ansible.builtin.debug:
    msg: "next boot: {{ boot.device }} (valid: {{ boot.valid }}, persistent: {{ boot.persistent }})"
'''),
    'ipmi_fru_info': dict(examples=r'''
- name: Read the BMC's own FRU inventory (device 0)
  ipmirpc.ipmi.ipmi_fru_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: fru

- name: Show the board serial number
  ansible.builtin.debug:
    msg: "{{ fru.inventory.board.serial_number.text }}"
'''),
    'ipmi_power_restore_policy': dict(examples=r'''
- name: Come back on after a power loss (nothing is sent when the policy is already set)
  ipmirpc.ipmi.ipmi_power_restore_policy:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    policy: alwaysOn
  delegate_to: localhost
'''),
    'ipmi_restart_cause_info': dict(examples=r'''
- name: Why did the server last restart?
  ipmirpc.ipmi.ipmi_restart_cause_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: restart

- name: Flag restarts by the watchdog
  ansible.builtin.debug:
    msg: "restarted by {{ restart.cause }}"
'''),
    'ipmi_sdr_info': dict(examples=r'''
- name: Read every SDR record (cached per BMC model and firmware)
  ipmirpc.ipmi.ipmi_sdr_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: sdr
'''),
    'ipmi_sel': dict(examples=r'''
- name: Clear the event log, keeping its records in the result (check mode sends nothing)
  ipmirpc.ipmi.ipmi_sel:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: cleared

- name: Keep the records that were cleared
  ansible.builtin.copy:
    content: "{{ cleared.result.fetched | to_nice_json }}"
    dest: "/var/tmp/sel-{{ inventory_hostname }}.json"
    mode: "0600"
  delegate_to: localhost
  when: cleared.changed
'''),
    'ipmi_sel_info': dict(examples=r'''
- name: Read the event log
  ipmirpc.ipmi.ipmi_sel_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: sel

- name: Next run, read only the records added since
  ipmirpc.ipmi.ipmi_sel_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    gather: [entries]
    entries_cursor: "{{ sel.entries.cursor }}"
  delegate_to: localhost
'''),
    'ipmi_sel_time': dict(examples=r'''
- name: Set the BMC's SEL clock to the control node's clock (skipped when within 2 s)
  ipmirpc.ipmi.ipmi_sel_time:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost

- name: Set it to a given time
  ipmirpc.ipmi.ipmi_sel_time:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    time: "2027-01-01T00:00:00Z"
  delegate_to: localhost
'''),
    'ipmi_sensor_info': dict(examples=r'''
- name: Read the temperature and fan sensors
  ipmirpc.ipmi.ipmi_sensor_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    types: [temperature, fan]
  delegate_to: localhost
  register: sensors

- name: List sensors that are not ok
  ansible.builtin.debug:
    msg: "{{ sensors.sensors | rejectattr('status', 'equalto', 'ok') | map(attribute='name') | list }}"
'''),
    'ipmi_user_info': dict(examples=r'''
- name: List the BMC's accounts on its LAN channel
  ipmirpc.ipmi.ipmi_user_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: accounts

- name: Names of the enabled accounts
  ansible.builtin.debug:
    msg: "{{ accounts.users | selectattr('enabled') | map(attribute='name') | list }}"
'''),
    'ipmi_bmc_info': dict(
        short_description='Read the BMC (device ID, LAN configuration, system info)',
        description=['Results are returned as plain module results (C(register) them), not as facts.'],
        gather_order=['device', 'lan', 'system_info'],
        examples=r'''
- name: Read the BMC of each inventory host, out-of-band from the control node
  ipmirpc.ipmi.ipmi_bmc_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: bmc

- name: Show the BMC's IP address and firmware
  ansible.builtin.debug:
    msg: "{{ bmc.lan.ip_address }} fw {{ bmc.device.firmware_version }}"

- name: Only the device ID, in-band
  become: true
  ipmirpc.ipmi.ipmi_bmc_info:
    gather: [device]
'''),
    'ipmi_chassis_info': dict(
        short_description='Read the chassis status (power, restore policy, faults)',
        examples=r'''
- name: Is the server powered on?
  ipmirpc.ipmi.ipmi_chassis_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
  delegate_to: localhost
  register: chassis

- name: Report the power state and restore policy
  ansible.builtin.debug:
    msg: "on={{ chassis.power_on }} policy={{ chassis.power_restore_policy }}"
'''),
    'ipmi_lan': dict(
        short_description="Set the BMC's LAN configuration (IP address, source, netmask, gateway, VLAN)",
        description=['Only the options given are compared and written. Changing the address you are talking to '
                     'moves the BMC away from this session; the next task must use the new address.'],
        aliases={'default_gateway_ip': ['default_gateway']},
        required_one_of=[['ip_address', 'ip_address_source', 'subnet_mask', 'default_gateway_ip',
                          'default_gateway_mac', 'vlan_id', 'vlan_priority']],
        hooks='LanHooks',
        examples=r'''
- name: Give the BMC a static address, in-band from the managed host
  become: true
  ipmirpc.ipmi.ipmi_lan:
    ip_address_source: static
    ip_address: 192.0.2.10
    subnet_mask: 255.255.255.0
    default_gateway_ip: 192.0.2.1

- name: Put the BMC on VLAN 42, out-of-band
  ipmirpc.ipmi.ipmi_lan:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    vlan_id: 42
  delegate_to: localhost
'''),
    'ipmi_system_info': dict(
        short_description='Set BMC system information parameters (for example stamp the OS name)',
        description=['Give the parameters as options of their own (I(operating_system_name)) or in I(values) '
                     '(names in snake_case or as ipmirpc spells them).'],
        examples=r'''
- name: Stamp the running OS into the BMC, in-band
  become: true
  ipmirpc.ipmi.ipmi_system_info:
    operating_system_name: "{{ ansible_distribution }} {{ ansible_distribution_version }}"

- name: Same, out-of-band from the control node, and name the system
  ipmirpc.ipmi.ipmi_system_info:
    host: "{{ bmc_address }}"
    username: admin
    password: "{{ bmc_password }}"
    values:
      operating_system_name: Debian GNU/Linux 12
      system_name: "{{ inventory_hostname }}"
  delegate_to: localhost
'''),
    'ipmi_raw': dict(
        short_description='Send one raw IPMI request and return the response',
        description=[
            'Whether a raw request changes the BMC cannot be known in general. With I(read_only=true) the '
            'request is reported as not changing anything and is also sent in check mode; otherwise it is '
            'reported as changed and skipped in check mode. When I(read_only) is not given, catalogue '
            'command names starting with C(Get) count as read-only and numeric commands do not.',
            'A non-zero completion code fails the task with I(code=-32001) and I(completion_code).'],
        extra_options={
            'read_only': dict(spec=dict(type='bool'),
                              description=['Declare that the request does not change the BMC. See the description '
                                           'for the default.']),
        },
        aliases={'net_fn': ['netfn']},
        check_mode=dict(support='partial', details='Only read-only requests are sent in check mode.'),
        hooks='RawHooks',
        examples=r'''
- name: Get Device ID by name, out-of-band
  ipmirpc.ipmi.ipmi_raw:
    host: 192.0.2.10
    username: admin
    password: "{{ bmc_password }}"
    command: GetDeviceId
  delegate_to: localhost
  register: devid

- name: Get Device ID by number, in-band on the managed host
  become: true
  ipmirpc.ipmi.ipmi_raw:
    netfn: 6
    command: "0x01"

- name: Get Device ID of the controller at IPMB address 0x72 behind the BMC (bridged)
  ipmirpc.ipmi.ipmi_raw:
    host: 192.0.2.10
    username: admin
    password: "{{ bmc_password }}"
    command: GetDeviceId
    channel: 0
    responder_address: 0x72
  delegate_to: localhost
'''),
}

# ---------------------------------------------------------------------------------------------------------
# PowerShell
# ---------------------------------------------------------------------------------------------------------

POWERSHELL_CMDLETS = {
    # -Device is the in-band target's device path.
    'Set-IpmiBootDevice': dict(rename={'device': 'BootDevice'}),
    'Get-IpmiDeviceId': dict(examples=[
        "Get-IpmiDeviceId -BmcHost 192.0.2.10 -Credential (Get-Credential)",
        "Import-Csv bmcs.csv | Get-IpmiDeviceId -Credential $cred | Select-Object Target, ManufacturerId, ProductId",
    ]),
    'Get-IpmiLanConfiguration': dict(examples=[
        "Get-IpmiLanConfiguration -BmcHost 192.0.2.10 -Credential $cred | Select-Object IpAddress, SubnetMask",
    ]),
    'Set-IpmiLanConfiguration': dict(examples=[
        "Set-IpmiLanConfiguration -BmcHost 192.0.2.10 -Credential $cred -VlanId 42 -WhatIf",
    ]),
    'Get-IpmiSystemInfo': dict(
        aliases={'Parameters': ['Name']},
        examples=["Get-IpmiSystemInfo -Parameters OperatingSystemName -BmcHost 192.0.2.10 -Credential $cred"]),
    'Set-IpmiSystemInfo': dict(
        aliases={'OperatingSystemName': ['Name', 'OSName'], 'PresentOperatingSystemVersion': ['Version', 'OSVersion']},
        description=["With no value given it stamps this machine's operating system name (PRETTY_NAME of "
                     "/etc/os-release, the Windows caption, or the runtime's OS description), as the seed's "
                     "Set-IPMIOSInfo did."],
        examples=[
            "Set-IpmiSystemInfo",
            "Import-Csv bmcs.csv | Set-IpmiSystemInfo -OperatingSystemName 'Debian GNU/Linux 12' -Credential $cred -WhatIf",
        ]),
    'Invoke-IpmiRawCommand': dict(
        aliases={'Data': ['RequestData']},
        examples=[
            "Invoke-IpmiRawCommand -Command GetDeviceId -BmcHost 192.0.2.10 -Credential $cred",
            "Invoke-IpmiRawCommand -NetFn 0x0C -Command 0x02 -Data 1,3,0,0 -TargetName rack1",
            "Invoke-IpmiRawCommand -Command GetDeviceId -Channel 0 -ResponderAddress 0x72 -BmcHost 192.0.2.10 -Credential $cred",
        ]),
    'Get-IpmiChassisStatus': dict(examples=[
        "Get-IpmiChassisStatus -BmcHost 192.0.2.10 -Credential $cred | Select-Object PowerOn, PowerRestorePolicy",
    ]),
}
