# Guest 2: QEMU's ipmi-bmc-extern wired to an ipmi_sim on the host, which the host also reaches over lanplus.
# The host set the LAN address before boot and wrote the OS name to stamp into os-name.txt; it checks both after.
step ipmitool-lan ipmitool -I open lan print 1
# Bridged: the kernel wraps the request in Send Message to the satellite controller at IPMB 0x30 on channel 0.
step ipmitool-bridged ipmitool -I open -b 0 -t 0x30 raw 0x06 0x01
step ipmirpc-read sh -c '/opt/ipmirpc/ipmirpc < /test/read.ndjson'
printf '{"jsonrpc":"2.0","id":"stamp","method":"systemInfo.set","params":{"values":{"operatingSystemName":"%s"}}}\n' \
    "$(cat /test/os-name.txt)" > /tmp/stamp.ndjson
step ipmirpc-stamp sh -c '/opt/ipmirpc/ipmirpc < /tmp/stamp.ndjson'
step ipmirpc-verify sh -c '/opt/ipmirpc/ipmirpc < /test/verify.ndjson'
