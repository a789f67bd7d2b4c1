# Guest 2: QEMU's ipmi-bmc-extern wired to an ipmi_sim on the host, which the host also reaches over lanplus.
# The host set the LAN address and system name before boot, and put the OS name and gateway to write in-band into
# os-name.txt and gateway.txt; it reads those back over lanplus after the guest is gone.
step ipmitool-lan ipmitool -I open lan print 1
# Bridged: the kernel wraps the request in Send Message to the satellite controller at IPMB 0x30 on channel 0.
step ipmitool-bridged ipmitool -I open -b 0 -t 0x30 raw 0x06 0x01
step ipmirpc-read sh -c '/opt/ipmirpc/ipmirpc < /test/read.ndjson'
# Writes in-band that the host reads back over lanplus: the OS name (system info) and the default gateway (LAN).
printf '{"jsonrpc":"2.0","id":"stamp","method":"systemInfo.set","params":{"values":{"operatingSystemName":"%s"}}}\n' \
    "$(cat /test/os-name.txt)" > /tmp/stamp.ndjson
printf '{"jsonrpc":"2.0","id":"gateway","method":"lan.setConfiguration","params":{"defaultGatewayIp":"%s"}}\n' \
    "$(cat /test/gateway.txt)" >> /tmp/stamp.ndjson
step ipmirpc-stamp sh -c '/opt/ipmirpc/ipmirpc < /tmp/stamp.ndjson'
step ipmirpc-verify sh -c '/opt/ipmirpc/ipmirpc < /test/verify.ndjson'
