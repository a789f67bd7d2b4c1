# Guest 1: QEMU's built-in ipmi-bmc-sim behind a KCS interface. Sourced by /init (see tests/inband/init).
# Cross-check first: ipmitool through the same kernel driver.
step ipmitool-device-id ipmitool -I open raw 0x06 0x01
step ipmitool-chassis-status ipmitool -I open chassis status
# The project's own published ipmirpc, requests piped from a file, as a user's script would.
step ipmirpc sh /test/pipe-then-sessions.sh
# Not root: the device node is root-only (crw-------), which must come back as -32005.
step ipmirpc-nonroot su nobody -c '/opt/ipmirpc/ipmirpc < /test/nonroot.ndjson'
# QEMU's BMC has an SDR repository with its watchdog sensor: the same table through ipmitool and ipmirpc.
step ipmitool-sdr ipmitool -I open sdr elist all
step ipmitool-sensor ipmitool -I open sensor list
step ipmirpc-sdr sh -c '/opt/ipmirpc/ipmirpc < /test/sdr.ndjson'
