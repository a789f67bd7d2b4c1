# Drives every IpmiRpc cmdlet, by the seed's names (aliases of the generated cmdlets), against two ipmi_sim BMCs and prints one JSON object for the xunit test to check.
# Input (environment): IPMIRPC_MODULE (the .psd1), IPMIRPC_PATH (the host), BMC_HOST, BMC_PORT, BMC2_PORT,
# BMC_USER, BMC_PASSWORD, WRONG_PASSWORD.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Get-HostChildren {
    # ipmirpc processes started by this PowerShell session.
    @(Get-Process -Name ipmirpc -ErrorAction SilentlyContinue | Where-Object { $_.Parent -and $_.Parent.Id -eq $PID })
}

$out = [ordered]@{}
Import-Module $env:IPMIRPC_MODULE
$out.Exported = @((Get-Module IpmiRpc).ExportedFunctions.Keys | Sort-Object)
$out.ExportedAliases = @((Get-Module IpmiRpc).ExportedAliases.Keys | Sort-Object)
$out.SeedNamesResolveTo = @('Get-IPMIDevice', 'Get-IPMILANConfig', 'Get-IPMISystemInfo', 'Invoke-IPMIRequestResponse', 'Set-IPMIOSInfo' |
    ForEach-Object { $c = Get-Command $_; if ($c.CommandType -eq 'Alias') { $c.ResolvedCommand.Name } else { $c.Name } })
$out.ChildrenBefore = @(Get-HostChildren).Count

$t1 = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC_PORT; Username = $env:BMC_USER; Password = $env:BMC_PASSWORD; CipherSuite = 3 }
$cred = [pscredential]::new($env:BMC_USER, (ConvertTo-SecureString $env:BMC_PASSWORD -AsPlainText -Force))
$t2 = @{ Host = $env:BMC_HOST; Port = [int]$env:BMC2_PORT; Credential = $cred; CipherSuite = 3 }
$module = Get-Module IpmiRpc
$pids = [System.Collections.Generic.List[int]]::new()
function Add-HostPid { $pids.Add((& $module { $script:IpmiRpcHost.Id })) }

$out.Device = Get-IPMIDevice -Target $t1; Add-HostPid
$out.Lan = Get-IPMILANConfig -Target $t1; Add-HostPid
$out.SystemInfo = Get-IPMISystemInfo -Target $t1; Add-HostPid
$out.SystemInfoOsOnly = Get-IPMISystemInfo -Target $t1 -Name OperatingSystemName; Add-HostPid
$out.RawByName = Invoke-IPMIRequestResponse -Command GetDeviceId -Target $t1; Add-HostPid
$out.RawByNumber = Invoke-IPMIRequestResponse -NetFn 6 -Command 0x01 -LUN 0 -ResponderAddress 0x20 -RequestData @() -Target $t1; Add-HostPid
# Pipeline: targets in, one object per target out (the second BMC via a PSCredential).
$out.Piped = @($t1, $t2 | Get-IPMIDevice | Select-Object Target, ProductId, FirmwareVersion); Add-HostPid
$out.ChildrenDuring = @(Get-HostChildren).Count

# Errors: non-terminating ErrorRecords carrying the JSON-RPC code and the completion code.
$ev = $null
$null = Invoke-IPMIRequestResponse -NetFn 6 -Command 0x04 -Target $t1 -ErrorAction SilentlyContinue -ErrorVariable ev
$out.CompletionCodeError = [ordered]@{
    Count = @($ev).Count; Id = $ev[0].FullyQualifiedErrorId; Category = "$($ev[0].CategoryInfo.Category)"
    Code = $ev[0].Exception.Code; CompletionCode = $ev[0].Exception.CompletionCode; Message = $ev[0].Exception.Message
    TargetObject = $ev[0].TargetObject
}
$bad = $t1.Clone(); $bad.Password = $env:WRONG_PASSWORD
$ev = $null
$results = @($bad, $t2 | Get-IPMIDevice -ErrorAction SilentlyContinue -ErrorVariable ev)
$out.AuthError = [ordered]@{
    Count = @($ev).Count; Id = $ev[0].FullyQualifiedErrorId; Code = $ev[0].Exception.Code; Message = "$($ev[0])"
    ResultsAfterError = $results.Count
}
try {
    Get-IPMIDevice -Target $bad -ErrorAction Stop
    $out.Terminating = 'no error'
}
catch {
    $out.Terminating = $_.FullyQualifiedErrorId
}
Add-HostPid
$out.Pids = $pids

# Remove-Module stops the host.
$hostPid = & $module { $script:IpmiRpcHost.Id }
Remove-Module IpmiRpc
$out.HostAliveAfterRemove = [bool](Get-Process -Id $hostPid -ErrorAction SilentlyContinue)
$out.ChildrenAfter = @(Get-HostChildren).Count

# No ipmirpc anywhere: a clear error, not a hang.
$env:IPMIRPC_PATH = '/nonexistent/ipmirpc'
Import-Module $env:IPMIRPC_MODULE
$ev = $null
$null = Get-IPMIDevice -Target $t1 -ErrorAction SilentlyContinue -ErrorVariable ev
$out.MissingHost = [ordered]@{ Id = $ev[0].FullyQualifiedErrorId; Code = $ev[0].Exception.Code; Message = $ev[0].Exception.Message }
Remove-Module IpmiRpc

$out | ConvertTo-Json -Depth 8
