# Get-IpmiSensor and Get-IpmiSdr against one ipmi_sim BMC with the board fixture: one object per sensor / record, shown
# by IpmiRpc.Format.ps1xml as tables.
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, BMC_HOST, BMC_PORT, BMC_USER, BMC_PASSWORD.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:IPMIRPC_MODULE
$t = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Username = $env:BMC_USER; Password = $env:BMC_PASSWORD; CipherSuite = 3 }
$sensors = @(Get-IpmiSensor -Target $t -SharedSensors:$false)
$records = @(Get-IpmiSdr -Target $t)
$out = [ordered]@{
    SensorTypeName = $sensors[0].PSObject.TypeNames[0]
    SensorNames    = @($sensors | ForEach-Object { $_.Name })
    SensorTargets  = @($sensors | ForEach-Object { $_.Target } | Sort-Object -Unique)
    SensorTable    = ($sensors | Out-String -Width 250)
    SdrTypeName    = $records[0].PSObject.TypeNames[0]
    SdrCount       = $records.Count
    SdrTable       = ($records | Out-String -Width 250)
}
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 6
