#!/usr/bin/env python3
"""UDP relay 127.0.0.1:LISTEN -> 127.0.0.1:TARGET that delays every datagram by DELAY_MS each way: a loopback ipmi_sim
made to look like a BMC a few milliseconds away (this kernel has no netem). Stops after 30 minutes.

usage: udp_delay_proxy.py LISTEN TARGET DELAY_MS
"""
import asyncio, sys
LISTEN, TARGET, DELAY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000
class Up(asyncio.DatagramProtocol):
    def __init__(s, client, down): s.client, s.down = client, down
    def connection_made(s, t): s.t = t
    def datagram_received(s, data, addr):
        asyncio.get_running_loop().call_later(DELAY, s.down.t.sendto, data, s.client)
class Down(asyncio.DatagramProtocol):
    def __init__(s): s.ups = {}
    def connection_made(s, t): s.t = t
    def datagram_received(s, data, addr):
        asyncio.get_running_loop().create_task(s.forward(data, addr))
    async def forward(s, data, addr):
        if addr not in s.ups:
            _, up = await asyncio.get_running_loop().create_datagram_endpoint(lambda: Up(addr, s), remote_addr=("127.0.0.1", TARGET))
            s.ups[addr] = up
        await asyncio.sleep(DELAY)
        s.ups[addr].t.sendto(data)
async def main():
    await asyncio.get_running_loop().create_datagram_endpoint(Down, local_addr=("127.0.0.1", LISTEN))
    await asyncio.sleep(1800)
asyncio.run(main())
