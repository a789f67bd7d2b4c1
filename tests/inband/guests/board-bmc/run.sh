# Guest 3: QEMU's ipmi-bmc-extern wired to an ipmi_sim on the host carrying the board fixture
# (tests/fixtures/ipmi_sim/board.*: threshold and discrete sensors, locators, an OEM record).
# ipmitool through the same kernel driver is the cross-check for the SDR repository and the sensor readings.
step ipmitool-sdr ipmitool -I open sdr elist all
step ipmitool-sensor ipmitool -I open sensor list
step ipmirpc sh -c '/opt/ipmirpc/ipmirpc < /test/requests.ndjson'
