# -Targets by target name and group name from the host's --targets file ($env:IPMIRPC_TARGETS here; the third module
# argument wins over it), -TargetName from the same file, Write-Progress from the host's $/progress notifications
# during the sweep, and a targets file that is not there as a clear error.
# Input (environment): IPMIRPC_MODULE, IPMIRPC_PATH, IPMIRPC_TARGETS (targets bmc1, bmc2, dead; group rack = all three).
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$global:ProgressSeen = [System.Collections.Generic.List[object]]::new()
function global:Write-Progress {
    # Stands in for the cmdlet (the module finds a global function before a cmdlet) to record what would be shown.
    param([string] $Activity, [string] $Status, [int] $PercentComplete = -1, [int] $Id, [switch] $Completed)
    $global:ProgressSeen.Add([ordered]@{ Id = $Id; Activity = $Activity; Status = $Status; Percent = $PercentComplete; Completed = $Completed.IsPresent })
}
function Get-CallCount { & (Get-Module IpmiRpc) { $script:IpmiRpcNextId } }
Import-Module $env:IPMIRPC_MODULE
$out = [ordered]@{}

$ev = $null
$out.Devices = @(Get-IpmiDeviceId -Targets 'rack', 'bmc2' -ErrorAction SilentlyContinue -ErrorVariable ev | Select-Object Target, ProductId)
$out.Calls = Get-CallCount
$out.Errors = @($ev | ForEach-Object { [ordered]@{ Id = $_.FullyQualifiedErrorId; Code = $_.Exception.Code; TargetObject = $_.TargetObject } })
$out.Progress = @($global:ProgressSeen)
$out.Named = (Get-IpmiDeviceId -TargetName 'bmc1').Target
Remove-Module IpmiRpc

# The module argument names the file instead (and wins over the environment): one that is not there is a clear error.
Import-Module $env:IPMIRPC_MODULE -ArgumentList $env:IPMIRPC_PATH, '', (Join-Path $PWD 'no-such-targets.json')
$ev = $null
$null = Get-IpmiDeviceId -TargetName 'bmc1' -ErrorAction SilentlyContinue -ErrorVariable ev
$out.MissingFile = [ordered]@{ Id = $ev[0].FullyQualifiedErrorId; Code = $ev[0].Exception.Code; Message = $ev[0].Exception.Message }
Remove-Module IpmiRpc
$out | ConvertTo-Json -Depth 6
