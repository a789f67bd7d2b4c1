# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options shared by every ipmirpc.ipmi module: where ipmirpc is and which BMC to talk to."""

    DOCUMENTATION = r'''
options:
  ipmirpc_path:
    description:
      - Path of the C(ipmirpc) executable on the host that runs the module.
      - When omitted, the C(IPMIRPC_PATH) environment variable is used, then C(ipmirpc) on C(PATH).
      - The module fails with a clear message when none of these finds an executable.
    type: path
  ipmirpc_socket:
    description:
      - Share one long-lived C(ipmirpc serve --socket PATH) between tasks on this host, so IPMI sessions
        are opened once and reused by later tasks instead of once per task.
      - A socket path, or C(auto) for C($XDG_RUNTIME_DIR/ipmirpc.sock) (when that directory exists) or else
        C(~/.ansible/tmp/ipmirpc-<uid>.sock).
      - When nothing listens there, the task starts the server detached (its log is C(PATH.log), mode 0600)
        and connects; concurrent tasks wait on C(PATH.start.lock) so only one starts it. The server exits
        after 300 s without a connection, closing its sessions.
      - If the shared server cannot be reached or started, the task runs its own C(ipmirpc) as without
        this option.
      - The server and the tasks must run as the same user; the socket is mode 0600 and both sides check
        the peer's uid. Passwords still travel only inside the JSON requests.
      - When omitted, the C(IPMIRPC_SOCKET) environment variable is used; empty means no shared server.
    type: str
  transport:
    description:
      - How to reach the BMC.
      - C(lanplus) is IPMI 2.0 RMCP+ over UDP (out-of-band, usually run on the control node with C(delegate_to) localhost).
      - C(openipmi) is the Linux in-band driver (C(/dev/ipmi0)); C(cim) is Windows WMI C(Microsoft_IPMI).
      - Defaults to C(lanplus) when I(host) is set; otherwise the host's local in-band default
        (C(openipmi) on Linux, C(cim) on Windows).
    type: str
    choices: [lanplus, openipmi, cim]
  host:
    description:
      - BMC address (name or IP) for C(lanplus); remote computer name for C(cim).
    type: str
  port:
    description:
      - UDP port of the BMC's RMCP+ service. ipmirpc defaults to 623.
    type: int
  user:
    description:
      - BMC user name for C(lanplus) and C(cim).
    type: str
    aliases: [username]
  password:
    description:
      - BMC password. Sent to ipmirpc inside the JSON request on its stdin, never on a command line.
      - Never printed, the option is C(no_log).
    type: str
  kg:
    description:
      - IPMI 2.0 BMC key (K_g) for C(lanplus). A value starting with C(0x) is read as hexadecimal.
      - Never printed, the option is C(no_log).
    type: str
  cipher_suite:
    description:
      - RMCP+ cipher suite ID (for example C(3) or C(17)). ipmirpc negotiates when omitted.
    type: int
  privilege:
    description:
      - Requested session privilege level. ipmirpc defaults to C(administrator).
    type: str
    choices: [callback, user, operator, administrator]
  timeout:
    description:
      - Seconds to wait for each attempt of an IPMI request (ipmirpc defaults to 1).
    type: float
  retries:
    description:
      - How many times an unanswered IPMI request is retried (ipmirpc defaults to 4).
    type: int
  device:
    description:
      - Device node for C(openipmi) (ipmirpc defaults to C(/dev/ipmi0)).
    type: str
notes:
  - Each task starts one C(ipmirpc) process, reuses one IPMI session for all its requests and
    closes the session when the task ends; with I(ipmirpc_socket) the tasks share one C(ipmirpc)
    and its sessions instead.
  - Failures return I(msg) (the JSON-RPC error message), I(code) (the JSON-RPC error code, for
    example C(-32001) for a non-zero completion code, C(-32003) for failed authentication,
    C(-32004) for a timeout) and I(data); I(completion_code) when the BMC returned one.
    Codes C(-32090) to C(-32093) mean the wrapper could not find, start or understand C(ipmirpc).
requirements:
  - The C(ipmirpc) executable on the host that runs the module.
'''
